"""Stage one source record: download, validate, store its files, describe and screen it.

Staging only reads the catalogue; ``harvesters.writing`` then writes the staged record through
the publishing gate and the service layer, many records to a transaction, each in its own
savepoint (dataset + its harvest object), so a crash or a refused record leaves every
dataset either fully old or fully new. Unchanged records (same metadata fingerprint or
content hash) are not rewritten.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from catalogue.classification import harvested_access_class
from catalogue.context import Catalogue, UnitOfWork
from catalogue.datasets.model import HARVESTED, Dataset
from catalogue.datasets.schema import EMAIL_RE, FREQUENCIES, parse_date
from catalogue.files.limits import ReadLimits
from catalogue.harvest.model import HarvestObject
from catalogue.privacy import SCREENED_FORMATS, screen_file, screen_metadata
from catalogue.privacy.screen import Finding
from catalogue.validation import (
    ValidationLimits,
    detect_encoding,
    transcode_to_utf8,
    validate_resource_file,
)
from harvesters.base import RecordError, SourceRecord, SourceResource
from harvesters.checks import invalid_reason
from harvesters.config import SourceConfig
from harvesters.http import HttpClient
from harvesters.mapping import clean_tags, map_license, slugify

TEXT_FORMATS = frozenset({"csv", "tsv"})
# Tabular formats screened for personal data before anything is published (issue 9).
FORMAT_MIMETYPES = {"csv": "text/csv", "geojson": "application/geo+json",
                    "json": "application/json", "tsv": "text/tab-separated-values",
                    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class ImportContext:
    """What every record of one job shares."""

    catalogue: Catalogue
    source: SourceConfig
    http: HttpClient
    job_id: str
    organizations: set[str]
    groups: set[str]
    # Written but not yet reindexed: the runner indexes them in batches (see runner.py).
    touched: list[str] = field(default_factory=list)
    validation_seconds: float = 0.0
    validation_cpu_seconds: float = 0.0
    download_seconds: float = 0.0
    position: int = 0
    limits_hit: dict[str, int] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)  # what gather passed over, by reason
    # Checks a data package descriptor elsewhere (the job's staging workers), or None: here.
    check_descriptor: Callable[[dict[str, Any]], Future[list[str]] | None] | None = None

    @property
    def actor(self) -> str:
        return f"harvest:{self.source.name}"

    @property
    def read_limits(self) -> ReadLimits:
        return ReadLimits.from_settings(self.catalogue.settings)


class StagingContext(Protocol):
    """What staging a record's files needs: the source, its client, the read limits and the
    job's counters. A job's ``ImportContext`` is one; a staging worker process has its own
    (``harvesters.staging_pool``), since the catalogue does not cross processes."""

    source: SourceConfig
    http: HttpClient
    validation_seconds: float
    validation_cpu_seconds: float
    download_seconds: float
    limits_hit: dict[str, int]

    @property
    def read_limits(self) -> ReadLimits: ...


@dataclass
class Prepared:
    """A resource ready to be stored: its file on disk (or a link) and what validation said."""

    spec: SourceResource
    path: Path | None
    sha256: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


def _format(spec: SourceResource, name: str) -> str:
    fmt = (spec.format or Path(name).suffix).lower().lstrip(".")
    return {"text/csv": "csv", "application/json": "json", "geo+json": "geojson"}.get(fmt, fmt)


def _materialise(ctx: StagingContext, spec: SourceResource, folder: Path, index: int) -> Path:
    target = folder / f"{index}-{Path(spec.name).name or 'data'}"
    limit = ctx.source.limits.max_file_bytes
    started = time.perf_counter()
    if spec.data is not None:
        if len(spec.data) > limit:
            raise RecordError(f"limit max_file_mb exceeded: {spec.name} is {len(spec.data)} bytes")
        target.write_bytes(spec.data)
    elif spec.local_path is not None:
        ctx.http.download(spec.local_path.as_uri(), target, max_bytes=limit)
    else:
        ctx.http.download(spec.url, target, max_bytes=limit)
    ctx.download_seconds += time.perf_counter() - started
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest()


def content_hash(record: SourceRecord, prepared: list[Prepared], source: SourceConfig) -> str:
    """What the catalogue would show, hashed: metadata, resource bytes and the source settings
    that shape the dataset (so changing default_groups updates records on the next run)."""
    meta = asdict(record)
    meta.pop("resources")
    meta.pop("modified")  # a touched timestamp alone is not a change
    resources = [{"name": p.spec.name, "format": p.spec.format, "sha256": p.sha256,
                  "url": p.spec.url if p.spec.link_only else "", "fingerprint": p.spec.fingerprint,
                  "schema": p.spec.schema, "hints": p.spec.field_hints, "sheet": p.spec.sheet,
                  "description": p.spec.description} for p in prepared]
    settings = {"organization": source.organization, "license": source.default_license,
                "groups": source.default_groups, "publish": source.publish,
                "reject_invalid": source.reject_invalid,
                "max_rows": source.limits.max_rows_validated,
                # Only when set: sources from before classification keep their hashes.
                **({"access_class": source.access_class} if source.access_class != "open"
                   else {})}
    blob = json.dumps([meta, resources, settings], sort_keys=True, ensure_ascii=False,
                      default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def metadata_fingerprint(record: SourceRecord, source: SourceConfig) -> str:
    """A hash of what the source says (with its own modified time), before any download:
    when the source keeps ``modified`` honest, an equal fingerprint means nothing changed."""
    meta = asdict(record)
    for res in meta["resources"]:
        res.pop("data", None)
        res["local_path"] = str(res["local_path"] or "")
    settings = [source.organization, source.default_license, source.default_groups,
                source.publish, source.reject_invalid, source.limits.max_rows_validated,
                *([source.access_class] if source.access_class != "open" else [])]
    blob = json.dumps([meta, settings], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _validate(ctx: StagingContext, item: Prepared, folder: Path, log: list[str]) -> None:
    """Validate one stored file; CSV in a Vietnamese legacy code page is stored as UTF-8."""
    assert item.path is not None
    fmt = _format(item.spec, item.spec.name)
    extras: dict[str, Any] = {}
    if fmt in TEXT_FORMATS:
        guess = detect_encoding(item.path)
        if guess.readable and guess.encoding not in ("utf-8", "utf-8-sig"):
            converted = folder / f"utf8-{item.path.name}"
            transcode_to_utf8(item.path, converted, guess.encoding)
            extras = {"source_encoding": guess.encoding, "source_sha256": item.sha256}
            log.append(f"{item.spec.name}: {guess.note}")
            item.path, item.sha256 = converted, _sha256(converted)
    started, cpu_started = time.perf_counter(), time.process_time()
    limits = ValidationLimits(max_rows=ctx.source.limits.max_rows_validated)
    outcome = validate_resource_file(item.path, fmt, item.spec.schema, limits,
                                     sheet=item.spec.sheet, field_hints=item.spec.field_hints,
                                     read_limits=ctx.read_limits,
                                     filename=item.spec.name, header_row=item.spec.header_row)
    if item.spec.header_row is not None:  # previews read the header where the agency said
        extras["header_row"] = item.spec.header_row
    ctx.validation_seconds += time.perf_counter() - started
    ctx.validation_cpu_seconds += time.process_time() - cpu_started
    if outcome.report.get("stats", {}).get("truncated"):
        log.append(f"{item.spec.name}: only the first {limits.max_rows} rows were validated "
                   f"(limit max_rows_validated)")
        ctx.limits_hit["max_rows_validated"] = ctx.limits_hit.get("max_rows_validated", 0) + 1
    item.fields = {
        "format": fmt.upper(),
        "validation_status": "" if outcome.status == "not-tabular" else outcome.status,
        "validation_report": outcome.report,
        "schema": outcome.schema or item.spec.schema,
        "extras": extras,
    }


def _resource_dict(ctx: ImportContext, item: Prepared) -> dict[str, Any]:
    spec = item.spec
    if item.path is None:  # a link kept as a link
        return {"name": spec.name, "url": spec.url, "format": spec.format.upper(),
                "mimetype": spec.mimetype, "description": spec.description,
                "schema": spec.schema, "extras": {"source_url": spec.url}}
    stored = ctx.catalogue.files.put_file(item.path)
    fmt = item.fields.get("format", "").lower()
    filename = _filename(spec, fmt)
    mimetype = spec.mimetype or FORMAT_MIMETYPES.get(fmt) or mimetypes.guess_type(filename)[0] or ""
    source_url = spec.url or (spec.local_path.as_uri() if spec.local_path else "")
    return {
        "name": spec.name, "description": spec.description, "url": filename,
        "url_type": "upload", "sha256": stored.sha256, "size": stored.size,
        "mimetype": mimetype, **item.fields,
        "extras": {**item.fields.get("extras", {}), **({"source_url": source_url}
                                                       if source_url else {})},
    }


def _filename(spec: SourceResource, fmt: str) -> str:
    """The file name a download gets: the source's own when it has one."""
    candidates = (spec.local_path.name if spec.local_path else "",
                  Path(urlparse(spec.url).path).name, spec.name)
    for candidate in candidates:
        if "." in candidate and len(candidate) < 200 and " " not in candidate:
            return candidate
    return f"{slugify(spec.name) or 'data'}.{fmt or 'bin'}"


def _unique_name(uow: UnitOfWork, wanted: str, source: str) -> str:
    base = slugify(wanted) or slugify(source)
    base = base if len(base) >= 2 else f"{base}-dataset"
    name, counter = base, 1
    while uow.session.scalars(select(Dataset.id).where(Dataset.name == name)).first():
        counter += 1
        name = f"{base[:95]}-{counter}"
    return name


def _dataset_dict(ctx: ImportContext, record: SourceRecord, resources: list[dict[str, Any]],
                  digest: str, log: list[str], source_public: bool | None = None) -> dict[str, Any]:
    source = ctx.source
    # A source naming no default licence gets the site's: the statutory open-data terms.
    license_id, note = map_license(record.license, source.default_license or str(
        ctx.catalogue.settings.get("default_license") or "not-specified"))
    if note:
        log.append(note)
    owner = record.organization if record.organization in ctx.organizations else source.organization
    wanted_groups = list(dict.fromkeys([*record.groups, *source.default_groups]))
    groups = [g for g in wanted_groups if g in ctx.groups]
    if len(groups) < len(wanted_groups):
        log.append(f"groups not in the catalogue, left out: "
                   f"{', '.join(g for g in wanted_groups if g not in ctx.groups)}")
    data: dict[str, Any] = {
        "title": record.title[:500] or record.identifier, "title_en": record.title_en[:500],
        "notes": record.notes, "notes_en": record.notes_en, "url": record.url[:1000],
        "version": record.version[:100], "author": record.author[:300],
        "maintainer": record.maintainer[:300], "license_id": license_id, "owner_org": owner,
        "tags": clean_tags(record.tags), "groups": groups, "spatial": record.spatial[:500],
        "harvest_source": source.name, "source_identifier": record.identifier[:500],
        "source_url": (record.source_url or source.location)[:1000],
        "retrieved_at": ctx.catalogue.clock.now().isoformat(), "content_hash": digest,
        "resources": resources, "private": False,
        # What the source marks non-public never comes out open (Law on Data Art. 13).
        "access_class": harvested_access_class(source_public=source_public,
                                               source_default=source.access_class),
        "state": "active",  # what the record asks for; the publishing gate decides
        "extras": {**{k: str(v) for k, v in record.extras.items()},
                   "source_system": source.title or source.name, "source_type": source.type,
                   **({"source_created": record.created} if record.created else {}),
                   **({"source_modified": record.modified} if record.modified else {})},
    }
    for key in ("author_email", "maintainer_email"):
        value = getattr(record, key)
        if value and EMAIL_RE.match(value):
            data[key] = value
    if record.update_frequency in FREQUENCIES:
        data["update_frequency"] = record.update_frequency
    for key in ("temporal_start", "temporal_end"):
        value = getattr(record, key)
        try:
            data[key] = parse_date(value) if value else None
        except ValueError:
            log.append(f"{key} {value!r} is not a date: left out")
    return data


def _screen_files(ctx: StagingContext, prepared: list[Prepared],
                  this_year: int) -> tuple[list[Finding], list[str]]:
    """Personal data in the files: findings and the resources they are in.

    Findings carry kinds, columns and row positions, never values (Personal Data Protection
    Law 91/2025/QH15; issue 9), so they can go to the job log and the review queue.
    """
    findings: list[Finding] = []
    where: list[str] = []
    for item in prepared:
        fmt = _format(item.spec, item.spec.name)
        if item.path is None or fmt not in SCREENED_FORMATS:
            continue
        found = screen_file(item.path, fmt, this_year=this_year, filename=item.spec.name,
                            limits=ctx.read_limits).findings
        if found:
            findings += found
            where.append(item.spec.name)
    return findings, where


def _object(ctx: ImportContext, identifier: str, outcome: str, *, dataset_id: str | None = None,
            stage: str = "", reason: str = "", log: list[str] | None = None) -> HarvestObject:
    ctx.position += 1
    return HarvestObject(job_id=ctx.job_id, position=ctx.position, identifier=identifier[:500],
                         dataset_id=dataset_id, outcome=outcome, stage=stage, reason=reason,
                         log=log or [])


# Built once: composing the statement cost more than running it (bench/harvest.py).
_RECORD_DATASET = select(Dataset).where(
    Dataset.harvest_source == bindparam("source"),
    Dataset.source_identifier == bindparam("identifier"), text(HARVESTED))


def find_dataset(session_or_uow: UnitOfWork | Session, source: str,
                 identifier: str) -> Dataset | None:
    """The dataset of a source's record (withdrawn ones too), or None."""
    session = session_or_uow.session if isinstance(session_or_uow, UnitOfWork) \
        else session_or_uow
    return session.scalars(_RECORD_DATASET, {"source": source,
                                             "identifier": identifier[:500]}).first()


@dataclass
class Staged:
    """A record downloaded, validated, screened and described: what is left is the write."""

    record: SourceRecord
    digest: str
    data: dict[str, Any]  # the dataset dict the record asks for
    findings: list[Finding]  # personal data in its files and metadata
    where: list[str]
    checks: str  # the failed validation checks, in Vietnamese (issue 16 item 8)
    log: list[str]


@dataclass(frozen=True)
class Unchanged:
    """A record whose dataset already says what it says (same fingerprint or content)."""

    record: SourceRecord
    dataset_id: str


@dataclass
class StagedFiles:
    """A record's files downloaded, hashed, validated and screened: the part of staging that
    depends on the fetched bytes alone, so it may run in a worker process."""

    prepared: list[Prepared]
    digest: str
    unchanged: bool  # the digest is the one the record's dataset already has
    log: list[str] = field(default_factory=list)
    checks: str = ""  # the failed validation checks, in Vietnamese (issue 16 item 8)
    findings: list[Finding] = field(default_factory=list)  # personal data in the files
    where: list[str] = field(default_factory=list)


def stage_files(ctx: StagingContext, record: SourceRecord, folder: Path,
                known_digest: str | None, this_year: int) -> StagedFiles:
    """Download the record's files into ``folder``, hash them, and unless the content hash is
    ``known_digest`` validate and screen them. Touches no catalogue; RecordError when the
    source rejects invalid data."""
    prepared = []
    for index, spec in enumerate(record.resources):
        path = None if spec.link_only else _materialise(ctx, spec, folder, index)
        prepared.append(Prepared(spec, path, _sha256(path) if path else ""))
    digest = content_hash(record, prepared, ctx.source)
    if known_digest == digest:
        return StagedFiles(prepared, digest, unchanged=True)
    log: list[str] = []
    for item in prepared:
        if item.path is not None:
            _validate(ctx, item, folder, log)
    bad = [p.spec.name for p in prepared if p.fields.get("validation_status") in
           ("invalid", "error")]
    # Which checks failed, in Vietnamese, for the officer reading the report (issue 16).
    checks = "\n".join(invalid_reason(p.spec.name, p.fields.get("validation_report") or {})
                       for p in prepared if p.spec.name in bad)
    if bad and ctx.source.reject_invalid:
        raise RecordError(f"invalid data rejected (reject_invalid): {', '.join(bad)}\n"
                          f"{checks}")
    if bad:
        log.append(f"published with validation errors: {', '.join(bad)}")
        log += checks.splitlines()
    findings, where = _screen_files(ctx, prepared, this_year)
    return StagedFiles(prepared, digest, False, log, checks, findings, where)


@dataclass(frozen=True)
class Lookup:
    """What staging a record needs to know of its dataset, read before its files are."""

    fingerprint: str  # of the record's metadata, "" when the source gives no modified time
    known: tuple[str, str] | None  # (dataset id, content hash) of a live dataset, else None
    unchanged: Unchanged | None  # the fingerprint says nothing changed


def look_up(ctx: ImportContext, record: SourceRecord) -> Lookup:
    """The record's dataset as it stands, read once: only this job writes the source's
    datasets, and a copy of the record it writes later is caught when written
    (write_staged compares hashes again)."""
    fingerprint = metadata_fingerprint(record, ctx.source) if record.modified else ""
    with ctx.catalogue.unit(ctx.actor) as uow:
        existing = find_dataset(uow, ctx.source.name, record.identifier)
        if existing is None or existing.state == "deleted":
            return Lookup(fingerprint, None, None)
        if fingerprint and any(e.key == "harvest_fingerprint" and e.value == fingerprint
                               for e in existing.extras):
            return Lookup(fingerprint, (existing.id, existing.content_hash),
                          Unchanged(record, existing.id))
        return Lookup(fingerprint, (existing.id, existing.content_hash), None)


def finish_staging(ctx: ImportContext, record: SourceRecord, lookup: Lookup,
                   files: StagedFiles, *, source_public: bool | None = None
                   ) -> Staged | Unchanged:
    """The catalogue's part of staging, once the files are staged: store them in the file
    store, describe the dataset and screen its metadata."""
    if files.unchanged and lookup.known is not None:
        return Unchanged(record, lookup.known[0])
    log = list(files.log)
    resources = [_resource_dict(ctx, item) for item in files.prepared]
    data = _dataset_dict(ctx, record, resources, files.digest, log, source_public)
    if lookup.fingerprint:
        data["extras"]["harvest_fingerprint"] = lookup.fingerprint
    findings = list(screen_metadata(data, this_year=ctx.catalogue.clock.now().year).findings)
    where = ["metadata"] if findings else []
    return Staged(record, files.digest, data, findings + files.findings, where + files.where,
                  files.checks, log)


def stage_record(ctx: ImportContext, record: SourceRecord, *,
                 source_public: bool | None = None) -> Staged | Unchanged:
    """Everything of a record's import that needs no write: download, hash, validate, store
    the files, describe and screen. Reads only, so the runner writes many staged records in
    one short transaction (``harvesters.writing``) instead of one each."""
    lookup = look_up(ctx, record)
    if lookup.unchanged is not None:
        return lookup.unchanged
    with tempfile.TemporaryDirectory(prefix="dulieumo-harvest-") as tmp:
        files = stage_files(ctx, record, Path(tmp),
                            lookup.known[1] if lookup.known else None,
                            ctx.catalogue.clock.now().year)
        return finish_staging(ctx, record, lookup, files, source_public=source_public)

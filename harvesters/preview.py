"""Harvest preview: a dry run over the first N records that writes nothing (issue 9).

It gathers the whole listing (so it can tell what would be withdrawn), fetches the first
``limit`` records, downloads their files into a temporary folder, validates and screens them
for personal data, and says for each what a real run would do: create, update, leave
unchanged, withdraw, skip (with the reason, e.g. not public in the source) or hold for review
(personal data found). No database row, stored file or job is written.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from catalogue.addresses import internal_hosts_allowed
from catalogue.context import Catalogue
from catalogue.datasets.model import Dataset
from catalogue.privacy import SCREENED_FORMATS, screen_file, screen_metadata
from harvesters.base import Gathered, Harvester, SourceError, SourceRecord
from harvesters.config import SourceConfig
from harvesters.http import FetchError, HttpClient, LimitExceeded
from harvesters.importer import (
    ImportContext,
    Prepared,
    _format,
    _materialise,
    _sha256,
    _validate,
    content_hash,
    find_dataset,
    metadata_fingerprint,
)
from harvesters.mapping import filtered_out, restriction
from harvesters.rights import held_summary, judge_record
from harvesters.runner import RECORD_ERRORS, _context, make_http

ACTIONS = ("create", "update", "unchanged", "withdraw", "skip", "hold", "fail")


@dataclass
class PreviewItem:
    """What a real run would do with one record, and why."""

    identifier: str
    action: str
    reason: str = ""
    title: str = ""
    dataset: str = ""  # the published dataset's name, when there is one
    resources: list[dict[str, Any]] = field(default_factory=list)
    personal_data: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PreviewReport:
    source: str
    offered: int = 0  # records the source lists
    items: list[PreviewItem] = field(default_factory=list)
    error: str = ""
    ignored: dict[str, int] = field(default_factory=dict)  # passed over by gather, by reason

    @property
    def counts(self) -> dict[str, int]:
        return {a: sum(1 for i in self.items if i.action == a) for a in ACTIONS}

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "offered": self.offered, "error": self.error,
                "counts": self.counts, "items": [asdict(i) for i in self.items],
                "ignored": self.ignored}


def _metadata_findings(record: SourceRecord) -> list[dict[str, Any]]:
    package = {"title": record.title, "title_en": record.title_en, "notes": record.notes,
               "notes_en": record.notes_en, "tags": record.tags, "extras": record.extras,
               "resources": [{"name": r.name, "description": r.description}
                             for r in record.resources]}
    return [f.to_dict() for f in screen_metadata(package).findings]


@dataclass(frozen=True)
class _Published:
    name: str
    content_hash: str
    fingerprint: str


def _published(ctx: ImportContext, identifier: str) -> _Published | None:
    """The record's published dataset, read in a session that is never committed."""
    with ctx.catalogue.sessions() as session:
        found = find_dataset(session, ctx.source.name, identifier)
        if found is None or found.state == "deleted":
            return None
        extras = {e.key: e.value for e in found.extras}
        return _Published(found.name, found.content_hash, extras.get("harvest_fingerprint", ""))


def _preview_record(ctx: ImportContext, record: SourceRecord) -> PreviewItem:
    item = PreviewItem(record.identifier, "create", title=record.title)
    # As a real run does (issue 16): empty records refused, licences settled fail-closed.
    judge_record(record, source_type=ctx.source.type, source_default=ctx.source.default_license,
                 site_default=str(ctx.catalogue.settings.get("default_license") or ""))
    existing = _published(ctx, record.identifier)
    item.dataset = existing.name if existing else ""
    why = restriction(record) or filtered_out(record, ctx.source.filters)
    if why:
        if existing is not None:
            item.action, item.reason = "withdraw", f"no longer publishable: {why}"
        else:
            item.action = "skip"
            item.reason = (f"not public in the source (Law on Data 2024 Art. 13): {why}"
                           if restriction(record) else why)
        return item
    fingerprint = metadata_fingerprint(record, ctx.source) if record.modified else ""
    if existing is not None and fingerprint and existing.fingerprint == fingerprint:
        item.action = "unchanged"
        return item
    item.personal_data = _metadata_findings(record)
    with tempfile.TemporaryDirectory(prefix="dulieumo-preview-") as tmp:
        folder = Path(tmp)
        prepared: list[Prepared] = []
        for index, spec in enumerate(record.resources):
            path = None if spec.link_only else _materialise(ctx, spec, folder, index)
            prepared.append(Prepared(spec, path, _sha256(path) if path else ""))
        digest = content_hash(record, prepared, ctx.source)
        if existing is not None and existing.content_hash == digest:
            item.action = "unchanged"
            return item
        log: list[str] = []
        for prep in prepared:
            summary: dict[str, Any] = {"name": prep.spec.name, "link_only": prep.path is None}
            if prep.path is not None:
                _validate(ctx, prep, folder, log)
                report = prep.fields.get("validation_report") or {}
                summary.update(format=prep.fields.get("format", ""),
                               validation_status=prep.fields.get("validation_status", ""),
                               error_types=report.get("error_types", {}))
                fmt = _format(prep.spec, prep.spec.name)
                if fmt in SCREENED_FORMATS:
                    screened = screen_file(prep.path, fmt)
                    item.personal_data += [{**f.to_dict(), "resource": prep.spec.name}
                                           for f in screened.findings]
            item.resources.append(summary)
    bad = [r["name"] for r in item.resources
           if r.get("validation_status") in ("invalid", "error")]
    if bad and ctx.source.reject_invalid:
        item.action = "fail"
        item.reason = f"invalid data rejected (reject_invalid): {', '.join(bad)}"
    elif item.personal_data:
        kinds = sorted({f["kind"] for f in item.personal_data})
        item.action = "hold"
        item.reason = f"personal data found ({', '.join(kinds)}): held for review"
        if record.hold_reasons:
            item.reason += "\n" + held_summary(record.hold_reasons)
    elif record.hold_reasons:
        item.action, item.reason = "hold", held_summary(record.hold_reasons)
    else:
        item.action = "update" if existing is not None else "create"
        item.reason = "; ".join(log)
    return item


def preview_source(catalogue: Catalogue, source: SourceConfig,
                   types: dict[str, type[Harvester]], *, limit: int = 20,
                   sleep: Callable[[float], None] = time.sleep) -> PreviewReport:
    """Dry-run ``source`` over its first ``limit`` records; nothing is written anywhere."""
    with closing(make_http(source, sleep,
                           site_allowed=internal_hosts_allowed(catalogue.settings))) as http:
        return _preview(catalogue, source, types, http, limit)


def _preview(catalogue: Catalogue, source: SourceConfig, types: dict[str, type[Harvester]],
             http: HttpClient, limit: int) -> PreviewReport:
    report = PreviewReport(source.name)
    ctx = _context(catalogue, source, http, "preview")
    if source.organization not in ctx.organizations:
        report.error = f"no organization {source.organization!r} in the catalogue"
        return report
    try:
        harvester = types[source.type](source, http)
        gathered: list[Gathered] = list(harvester.gather())
    except (SourceError, FetchError, LimitExceeded, OSError) as exc:
        report.error = f"gather: {exc}"
        return report
    report.offered = len(gathered)
    report.ignored = dict(harvester.ignored)
    for entry in gathered[:limit]:
        try:
            report.items.append(_preview_record(ctx, harvester.fetch(entry)))
        except RECORD_ERRORS as exc:
            report.items.append(PreviewItem(entry.identifier, "fail",
                                            f"{type(exc).__name__}: {exc}"))
    seen = {g.identifier for g in gathered}
    with catalogue.sessions() as session:
        published = session.scalars(select(Dataset).where(
            Dataset.harvest_source == source.name, Dataset.state != "deleted"))
        for ds in published:
            if ds.source_identifier not in seen:
                report.items.append(PreviewItem(ds.source_identifier, "withdraw",
                                                "no longer offered by the source",
                                                ds.title, ds.name))
    return report


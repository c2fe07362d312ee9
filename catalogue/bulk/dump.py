"""The catalogue dump: every public dataset's metadata as JSON Lines and as CSV (issue 21).

Heavy users (aggregators, researchers, the national portal) page ``package_search`` through
the whole catalogue every night; one file each is cheaper for them and for us. The JSON Lines
file holds one ``package_show`` document per line; the CSV one row per dataset with the
fields people sort and filter on. Both are written to a temporary file batch by batch (memory
stays bounded whatever the catalogue's size), then put in the file store; a
:class:`~catalogue.bulk.model.CatalogueDump` row names the newest, and the two before it are
kept so that a download already under way is never cut.

Only what the public may see: open, active, not private (:func:`public_conditions`), the same
datasets as ``data.json`` and the DCAT feed.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalogue.bulk.model import CatalogueDump
from catalogue.classification import public_conditions
from catalogue.context import Catalogue
from catalogue.coordination.shared import claim_interval, release
from catalogue.datasets.model import Dataset
from catalogue.datasets.package_cache import cached_packages
from catalogue.files.store import FileStore, StoredFile, hash_stream

KINDS = ("jsonl", "csv")
MEDIA_TYPES = {"jsonl": "application/jsonl", "csv": "text/csv"}
BATCH = 500
KEEP = 3  # dumps of each kind kept: the newest and two a slow download may still be reading
CSV_COLUMNS = ("id", "name", "url", "title", "title_en", "notes", "organization",
               "organization_title", "license_id", "license_title", "tags", "groups",
               "formats", "num_resources", "temporal_start", "temporal_end", "spatial",
               "update_frequency", "metadata_created", "metadata_modified", "source_url")
# A first dump whose writer died (killed mid-write) may be tried again after this long.
FIRST_DUMP_RETRY = timedelta(minutes=10)
FIRST_DUMP_JOB = "catalogue-dump-first"
# Big enough for any catalogue; the file store's own limit is the upload size.
MAX_DUMP_BYTES = 1 << 40


@dataclass(frozen=True)
class DumpResult:
    """What one run wrote: the rows naming each file."""

    datasets: int
    files: tuple[CatalogueDump, ...]


def public_packages(session: Session, site_url: str) -> Iterator[dict[str, Any]]:
    """Every public dataset's package dict, by name, a batch of documents at a time."""
    ids = list(session.scalars(select(Dataset.id).where(*public_conditions())
                               .order_by(Dataset.name)))
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        found = cached_packages(session, batch, site_url)
        for dataset_id in batch:
            if dataset_id in found:
                yield found[dataset_id]


def csv_row(package: Mapping[str, Any], site_url: str) -> list[str]:
    """One dataset as a row of :data:`CSV_COLUMNS`; lists joined by ``;``."""
    org = package.get("organization") or {}
    resources = [r for r in package.get("resources") or [] if isinstance(r, Mapping)]
    formats = sorted({str(r.get("format") or "").upper() for r in resources} - {""})
    values: dict[str, Any] = {
        **{key: package.get(key) for key in CSV_COLUMNS},
        "url": f"{site_url.rstrip('/')}/dataset/{package.get('name')}",
        "organization": org.get("name") or "", "organization_title": org.get("title") or "",
        "tags": ";".join(str(t.get("name")) for t in package.get("tags") or []),
        "groups": ";".join(str(g.get("name")) for g in package.get("groups") or []),
        "formats": ";".join(formats), "num_resources": len(resources),
        "source_url": (package.get("provenance") or {}).get("source_url") or "",
    }
    return ["" if values[key] is None else str(values[key]) for key in CSV_COLUMNS]


def _write(packages: Iterator[dict[str, Any]], jsonl: IO[bytes], table: IO[bytes],
           site_url: str) -> int:
    text = io.TextIOWrapper(table, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for package in packages:
        jsonl.write(json.dumps(package, ensure_ascii=False, sort_keys=True).encode() + b"\n")
        writer.writerow(csv_row(package, site_url))
        count += 1
    text.detach()  # the caller owns the file
    return count


def write_dump(catalogue: Catalogue) -> DumpResult:
    """Write both dumps of the public catalogue now and name them the newest."""
    store = catalogue.files
    now = catalogue.clock.now()
    with tempfile.TemporaryFile() as jsonl, tempfile.TemporaryFile() as table:
        with catalogue.sessions() as session:
            count = _write(public_packages(session, catalogue.site_url), jsonl, table,
                           catalogue.site_url)
        stored = {}
        for kind, handle in (("jsonl", jsonl), ("csv", table)):
            handle.seek(0)
            stored[kind] = _keep(store, handle)
    rows = []
    with catalogue.sessions() as session, session.begin():
        for kind in KINDS:
            row = CatalogueDump(kind=kind, sha256=stored[kind].sha256, size=stored[kind].size,
                                datasets=count, created_at=now)
            session.add(row)
            rows.append(row)
        session.flush()
        _prune(session, store)
        session.expunge_all()
    return DumpResult(count, tuple(rows))


def _keep(store: FileStore, handle: IO[bytes]) -> StoredFile:
    """Store a dump we wrote ourselves: hashed first, so the store's upload limit (meant for
    agencies' files) does not apply; at most :data:`MAX_DUMP_BYTES`."""
    sha, size = hash_stream(cast(BinaryIO, handle))
    if size > MAX_DUMP_BYTES:
        raise ValueError(f"the catalogue dump is larger than {MAX_DUMP_BYTES} bytes")
    handle.seek(0)
    with tempfile.NamedTemporaryFile(prefix="dulieumo-dump-") as copy:
        shutil.copyfileobj(handle, copy)
        copy.flush()
        return store.put_file(Path(copy.name), expect=sha)


def _prune(session: Session, store: FileStore) -> None:
    """Forget all but the :data:`KEEP` newest dumps of each kind, and their files when no
    kept dump (nor, by the store's rule, anything else) shares the bytes."""
    for kind in KINDS:
        rows = list(session.scalars(select(CatalogueDump).where(CatalogueDump.kind == kind)
                                    .order_by(CatalogueDump.created_at.desc(),
                                              CatalogueDump.id.desc())))
        kept = {row.sha256 for row in rows[:KEEP]}
        for row in rows[KEEP:]:
            session.execute(delete(CatalogueDump).where(CatalogueDump.id == row.id))
            if row.sha256 not in kept and not _used_by_a_resource(session, row.sha256):
                store.delete(row.sha256)


def _used_by_a_resource(session: Session, sha256: str) -> bool:
    from catalogue.datasets.model import Resource

    return session.scalar(select(Resource.id).where(Resource.sha256 == sha256).limit(1)) \
        is not None


def latest_dump(session: Session, kind: str) -> CatalogueDump | None:
    """The newest dump of ``kind`` (``jsonl`` or ``csv``), or None before the first."""
    return session.scalars(select(CatalogueDump).where(CatalogueDump.kind == kind)
                           .order_by(CatalogueDump.created_at.desc(), CatalogueDump.id.desc())
                           .limit(1)).first()


def write_first_dump(catalogue: Catalogue) -> bool:
    """Write the dump if there is none yet, or only an empty one while the catalogue now has
    public datasets: True once it is there, False while another process is writing it.

    A new portal answered 404 at ``/catalogue/dump.*`` until the scheduler's first night
    (issue 19). The first request writes it instead, claimed in the database so that one
    process of many does the work; the others say "being prepared" at once rather than wait.
    An empty dump written before the first harvest is written again after it, not kept
    until the night.
    """
    with catalogue.sessions() as session:
        if not first_dump_needed(session):
            return True
    if not claim_interval(catalogue.engine, FIRST_DUMP_JOB, FIRST_DUMP_RETRY,
                          catalogue.clock.now()):
        return False
    try:
        with catalogue.sessions() as session:
            needed = first_dump_needed(session)  # another process may have written it
        if needed:
            write_dump(catalogue)
    finally:  # a lock for the writing only: the dump itself says whether one is needed
        release(catalogue.engine, FIRST_DUMP_JOB, "interval")
    return True


def first_dump_needed(session: Session) -> bool:
    """No dump yet, or the newest is empty while some dataset is public now."""
    newest = latest_dump(session, "jsonl")
    if newest is None:
        return True
    return newest.datasets == 0 and session.scalar(
        select(Dataset.id).where(*public_conditions()).limit(1)) is not None


def dump_due(session: Session, now: datetime, hour: int) -> bool:
    """Due once a day after ``hour`` (UTC): no dump since today's ``hour`` (or at any hour
    when the newest is more than a day old: a missed night)."""
    newest = latest_dump(session, "jsonl")
    if newest is None:
        return True
    if now - newest.created_at > timedelta(hours=26):
        return True
    slot = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return now >= slot and newest.created_at < slot

"""Run a harvest job: lock, gather, fetch and import each record, withdraw what vanished.

Each record ends new, updated, unchanged, withdrawn, skipped or failed (with stage and
reason); one bad record never stops the job. A source that cannot be listed, or that lost
more than ``max_withdraw_share`` of its datasets at once, withdraws nothing and the job is
marked for attention.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from sqlalchemy import select

from catalogue.addresses import internal_hosts_allowed
from catalogue.context import Catalogue, UnitOfWork
from catalogue.datasets.model import Dataset
from catalogue.datasets.service import delete_dataset
from catalogue.errors import ValidationError
from catalogue.groups.model import Group
from catalogue.harvest.model import OUTCOMES, HarvestJob
from catalogue.indexing import reindex_datasets
from catalogue.organizations.model import Organization
from harvesters.base import Gathered, Harvester, RecordError, SourceError
from harvesters.config import DATABASE, SourceConfig
from harvesters.http import FetchError, HttpClient, LimitExceeded
from harvesters.importer import ImportContext, _object, find_dataset, stage_record
from harvesters.lock import source_lock
from harvesters.mapping import filtered_out, restriction
from harvesters.rights import judge_record
from harvesters.writing import Write, WriteBatch, Written, failed, failure_reason, write_staged

log = logging.getLogger(__name__)
INDEX_BATCH = 200
RECORD_ERRORS = (RecordError, FetchError, LimitExceeded, ValidationError, OSError,
                 UnicodeDecodeError, ValueError)


@dataclass
class JobSummary:
    job_id: str
    source: str
    status: str
    counts: dict[str, int]
    attention: str = ""
    message: str = ""
    stats: dict[str, Any] = field(default_factory=dict)


def _allowed_roots(source: SourceConfig) -> tuple[Path, ...]:
    """Folders whose files a source may read through file:// URLs."""
    where = source.path or (unquote(urlparse(source.url).path)
                            if source.url.startswith("file:") else "")
    if not where:
        return ()
    path = Path(where).resolve()
    return (path if path.is_dir() else path.parent,)


def allowed_hosts(source: SourceConfig, site_allowed: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Hosts the source may fetch even at internal addresses: the one its URL names (the
    config chose it) and its ``allow_hosts``; every other host must be public (issue 15).

    A source an agency added on the web (stored in the database) chose nothing the server's
    operator vouched for: it reaches public hosts only, plus ``site_allowed`` (the setting
    ``allow_internal_hosts``), so an agency admin cannot point a harvest inside the house.
    """
    if source.file == DATABASE:
        return site_allowed
    parts = urlparse(source.url)
    own: tuple[str, ...] = ()
    if parts.scheme in ("http", "https") and parts.hostname:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        own = (f"[{parts.hostname}]:{port}" if ":" in parts.hostname
               else f"{parts.hostname}:{port}",)
    return own + source.allow_hosts


def make_http(source: SourceConfig, sleep: Callable[[float], None] = time.sleep, *,
              site_allowed: tuple[str, ...] = ()) -> HttpClient:
    """The one client every request of a source's job goes through, with its limits."""
    limits = source.limits
    return HttpClient(timeout=limits.timeout, retries=limits.retries, backoff=limits.backoff,
                      allowed_roots=_allowed_roots(source),
                      allowed_hosts=allowed_hosts(source, site_allowed),
                      source_timeout=limits.source_timeout, sleep=sleep)


def _recover_crashed(catalogue: Catalogue, source: SourceConfig) -> None:
    """Mark jobs a dead process left "running" as aborted, and reindex the source's datasets
    (a crash can leave up to INDEX_BATCH of them written but not yet indexed)."""
    with catalogue.unit(f"harvest:{source.name}") as uow:
        # We hold the lock, so a job still "running" belongs to a process that died.
        stale = list(uow.session.scalars(select(HarvestJob).where(
            HarvestJob.source == source.name, HarvestJob.status == "running")))
        for job in stale:
            job.status = "aborted"
            job.finished = uow.clock.now()
            job.message = "the process running this job stopped before it finished"
        uow.commit()
        if not stale:
            return
        ids = list(uow.session.scalars(select(Dataset.id).where(
            Dataset.harvest_source == source.name)))
    for start in range(0, len(ids), INDEX_BATCH):
        reindex_datasets(catalogue, ids[start:start + INDEX_BATCH])


def _start_job(catalogue: Catalogue, source: SourceConfig) -> str:
    _recover_crashed(catalogue, source)
    with catalogue.unit(f"harvest:{source.name}") as uow:
        job = HarvestJob(source=source.name, source_type=source.type, status="running",
                         started=uow.clock.now(), counts={k: 0 for k in OUTCOMES})
        uow.session.add(job)
        uow.commit()
        return job.id


def _withdrawal(ctx: ImportContext, identifier: str, reason: str, *,
                skipped_because: str = "") -> Write:
    """The write withdrawing the published dataset of this record (history kept); when
    there is none, the record is skipped for ``skipped_because`` (or, without one, uncounted)."""
    def write(uow: UnitOfWork) -> Written:
        dataset = find_dataset(uow, ctx.source.name, identifier)
        if dataset is None or dataset.state == "deleted":
            if not skipped_because:
                return Written("")
            uow.session.add(_object(ctx, identifier, "skipped", stage="import",
                                    reason=skipped_because))
            return Written("skipped")
        delete_dataset(uow, dataset.id, message=f"harvest job {ctx.job_id}: {reason}")
        uow.session.add(_object(ctx, identifier, "withdrawn", dataset_id=dataset.id,
                                stage="withdraw", reason=reason))
        return Written("withdrawn", dataset.id)
    return write


def _process(ctx: ImportContext, harvester: Harvester, item: Gathered,
             batch: WriteBatch) -> None:
    """Fetch and stage one record, and queue its write in ``batch``."""
    stage = "fetch"
    try:
        record = harvester.fetch(item)
        stage = "import"
        # issue 16 (map16): empty records are refused and licences settled (fail closed).
        judge_record(record, source_type=ctx.source.type,
                     source_default=ctx.source.default_license,
                     site_default=str(ctx.catalogue.settings.get("default_license") or ""))
        why = restriction(record) or filtered_out(record, ctx.source.filters)
        if why and ctx.source.access_class != "open" and restriction(record) \
                and not record.refused_reason and not filtered_out(record, ctx.source.filters):
            # A source configured for shared or private data keeps records its system marks
            # non-public, in that class; an open source skips them (Law on Data Art. 13).
            staged = stage_record(ctx, record, source_public=False)
        elif why:
            batch.add(item.identifier, _withdrawal(ctx, item.identifier,
                                                   f"no longer publishable: {why}",
                                                   skipped_because=why))
            return
        else:
            staged = stage_record(ctx, record)
        batch.add(item.identifier, partial(write_staged, ctx, staged=staged))
    except RECORD_ERRORS as exc:
        if isinstance(exc, LimitExceeded):
            ctx.limits_hit[exc.limit] = ctx.limits_hit.get(exc.limit, 0) + 1
        batch.add(item.identifier, failed(ctx, item.identifier, stage, failure_reason(exc)))
    except Exception as exc:  # noqa: BLE001 - a bug on one record must not end the job
        log.exception("harvest %s: record %s", ctx.source.name, item.identifier)
        batch.add(item.identifier, failed(ctx, item.identifier, stage,
                                          f"unexpected {type(exc).__name__}: {exc}"))


def _context(catalogue: Catalogue, source: SourceConfig, http: HttpClient,
             job_id: str) -> ImportContext:
    with catalogue.unit("harvest") as uow:
        organizations = set(uow.session.scalars(select(Organization.name)))
        groups = set(uow.session.scalars(select(Group.name)))
    # Writes go through a catalogue without a search index: committing the index once per
    # dataset cost more than half the harvest time (bench/harvest.py). The runner reindexes
    # every INDEX_BATCH datasets instead; after a crash `dulieumo index rebuild` catches up.
    writer = replace(catalogue, search=None)
    return ImportContext(writer, source, http, job_id, organizations, groups)


def _flush_index(catalogue: Catalogue, ctx: ImportContext, *, force: bool = False) -> None:
    if ctx.touched and (force or len(ctx.touched) >= INDEX_BATCH):
        reindex_datasets(catalogue, ctx.touched)
        ctx.touched.clear()


def _vanished(ctx: ImportContext, seen: set[str]) -> list[str]:
    with ctx.catalogue.unit(ctx.actor) as uow:
        published = uow.session.scalars(select(Dataset.source_identifier).where(
            Dataset.harvest_source == ctx.source.name, Dataset.state != "deleted")).all()
    return [identifier for identifier in published if identifier not in seen]


def run_source(catalogue: Catalogue, source: SourceConfig, types: dict[str, type[Harvester]],
               lock_dir: Path, *, sleep: Callable[[float], None] = time.sleep) -> JobSummary:
    """Harvest one source now. Raises SourceBusy if another run holds its lock."""
    with source_lock(lock_dir, source.name, catalogue.engine):
        started = time.perf_counter()
        job_id = _start_job(catalogue, source)
        with closing(make_http(source, sleep,
                               site_allowed=internal_hosts_allowed(catalogue.settings))) as http:
            return _run_job(catalogue, source, types, http, job_id, started)


def _run_job(catalogue: Catalogue, source: SourceConfig, types: dict[str, type[Harvester]],
             http: HttpClient, job_id: str, started: float) -> JobSummary:
    """The job once started: it always ends finished or failed, never left "running"."""
    ctx = _context(catalogue, source, http, job_id)
    counts = {k: 0 for k in OUTCOMES}
    status, attention, message = "finished", "", ""
    if source.organization not in ctx.organizations:
        status = "failed"
        message = (f"{source.file}: source {source.name}: key 'organization': no "
                   f"organization {source.organization!r} in the catalogue")
    else:
        try:
            status, attention, message = _harvest(catalogue, ctx, types[source.type], counts)
        except Exception as exc:  # noqa: BLE001 - whatever broke, the job must end
            # A job left "running" hides the failure from the officer (issue 15).
            log.exception("harvest %s: job %s", source.name, job_id)
            status, message = "failed", f"unexpected {type(exc).__name__}: {exc}"
            attention = "the job stopped on an unexpected error"
    return _finish(ctx, status, counts, attention, message, started, http)


def _harvest(catalogue: Catalogue, ctx: ImportContext, kind: type[Harvester],
             counts: dict[str, int]) -> tuple[str, str, str]:
    """Gather, then process each record and withdraw what vanished: (status, attention,
    message) of the job."""
    source = ctx.source
    harvester = kind(source, ctx.http)
    try:
        gathered: list[Gathered] = []
        for item in harvester.gather():
            gathered.append(item)
            if len(gathered) > source.limits.max_records:
                raise LimitExceeded("max_records", f"the source lists more than "
                                                   f"{source.limits.max_records} records")
    except (SourceError, FetchError, LimitExceeded, RecordError, OSError, ValueError) as exc:
        if isinstance(exc, LimitExceeded):
            ctx.limits_hit[exc.limit] = ctx.limits_hit.get(exc.limit, 0) + 1
        harvester.close()
        return "failed", "the source could not be listed: nothing was withdrawn", \
            f"gather: {exc}"
    if harvester.ignored:
        ctx.ignored = dict(harvester.ignored)
    batch = WriteBatch(ctx, counts)
    try:
        seen = {item.identifier for item in gathered}
        for item in gathered:
            _process(ctx, harvester, item, batch)
            _flush_index(catalogue, ctx)
        batch.flush()
        message = "" if gathered else empty_reason(harvester.ignored)
        return "finished", _withdraw_vanished(ctx, seen, batch), message
    finally:
        harvester.close()
        batch.flush()  # what was staged before an unexpected error is still written
        _flush_index(catalogue, ctx, force=True)


def empty_reason(ignored: dict[str, int]) -> str:
    """Why a source offered no record, for the job's message (issue 19)."""
    if ignored.get("undescribed"):
        return (f"0 records offered: {ignored['undescribed']} data file(s) have neither a "
                f"<file>.meta.toml sidecar nor a catalog.csv row and undescribed = false; "
                f"describe them, or set undescribed = true to harvest them as they are")
    return "0 records offered: the source lists no record"


def _withdraw_vanished(ctx: ImportContext, seen: set[str], batch: WriteBatch) -> str:
    """Withdraw records gone from the source, unless suspiciously many went at once."""
    vanished = _vanished(ctx, seen)
    if not vanished:
        return ""
    with ctx.catalogue.unit(ctx.actor) as uow:
        published = len(uow.session.scalars(select(Dataset.id).where(
            Dataset.harvest_source == ctx.source.name, Dataset.state != "deleted")).all())
    share = len(vanished) / max(published, 1)
    if share > ctx.source.limits.max_withdraw_share:
        return (f"{len(vanished)} of {published} published datasets vanished from the source "
                f"(more than max_withdraw_share = {ctx.source.limits.max_withdraw_share}): "
                f"nothing was withdrawn; check the source, then withdraw by hand or raise "
                f"the limit")
    for identifier in vanished:
        batch.add(identifier, _withdrawal(ctx, identifier, "no longer offered by the source"))
    batch.flush()
    return ""


def _finish(ctx: ImportContext, status: str, counts: dict[str, int], attention: str,
            message: str, started: float, http: HttpClient) -> JobSummary:
    elapsed = time.perf_counter() - started
    stats = {"seconds": round(elapsed, 3),
             "validation_seconds": round(ctx.validation_seconds, 3),
             "validation_cpu_seconds": round(ctx.validation_cpu_seconds, 3),
             "download_seconds": round(ctx.download_seconds, 3),
             "http_retries": http.retried, "limits_hit": dict(ctx.limits_hit)}
    if ctx.ignored:
        stats["ignored"] = ctx.ignored
    with ctx.catalogue.unit(ctx.actor) as uow:
        job = uow.session.get(HarvestJob, ctx.job_id)
        assert job is not None
        job.status, job.counts, job.attention, job.message = status, counts, attention, message
        job.finished = uow.clock.now()
        job.stats = stats
        uow.commit()
    return JobSummary(ctx.job_id, ctx.source.name, status, counts, attention, message, stats)

"""Run a harvest job: lock, gather, fetch and import each record, withdraw what vanished.

Each record ends new, updated, unchanged, withdrawn, skipped or failed (with stage and
reason); one bad record never stops the job. A source that cannot be listed, or that lost
more than ``max_withdraw_share`` of its datasets at once, withdraws nothing and the job is
marked for attention.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
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
from harvesters.base import Gathered, Harvester, RecordError, SourceError, SourceRecord
from harvesters.config import DATABASE, SourceConfig
from harvesters.http import FetchError, HttpClient, LimitExceeded
from harvesters.importer import (
    ImportContext,
    Lookup,
    _object,
    find_dataset,
    finish_staging,
    look_up,
    stage_record,
)
from harvesters.lock import source_lock
from harvesters.mapping import filtered_out, restriction
from harvesters.rights import judge_record
from harvesters.staging_pool import MIN_RECORDS, WORKERS, StagingPool, WorkerResult
from harvesters.writing import (
    WRITE_BATCH,
    Write,
    WriteBatch,
    Written,
    failed,
    failure_reason,
    write_staged,
)

log = logging.getLogger(__name__)
INDEX_BATCH = 200
# Records staged ahead of the writer when workers stage them: two write batches keep both
# workers busy while the job writes one.
AHEAD = 2 * WRITE_BATCH
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


Settle = Callable[[], Write]


def _start(ctx: ImportContext, harvester: Harvester, item: Gathered,
           pool: StagingPool | None) -> Settle:
    """Fetch and judge one record and start staging it (in ``pool``'s workers when there is
    one); returns what gives its write, waiting for the workers if they stage it."""
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
            source_public: bool | None = False
        elif why:
            return _done(_withdrawal(ctx, item.identifier, f"no longer publishable: {why}",
                                     skipped_because=why))
        else:
            source_public = None
        if pool is None:
            return _done(partial(write_staged, ctx,
                                 staged=stage_record(ctx, record, source_public=source_public)))
        lookup = look_up(ctx, record)
        if lookup.unchanged is not None:
            return _done(partial(write_staged, ctx, staged=lookup.unchanged))
        future = pool.submit(record, lookup.known[1] if lookup.known else None,
                             ctx.catalogue.clock.now().year)
        if future is None:  # the pool broke: staged here, as without one
            return _done(partial(write_staged, ctx, staged=stage_record(
                ctx, record, source_public=source_public)))
        return partial(_settle, ctx, item, record, lookup, future, source_public)
    except RECORD_ERRORS as exc:
        return _done(_record_failed(ctx, item, stage, exc))
    except Exception as exc:  # noqa: BLE001 - a bug on one record must not end the job
        log.exception("harvest %s: record %s", ctx.source.name, item.identifier)
        return _done(failed(ctx, item.identifier, stage,
                            f"unexpected {type(exc).__name__}: {exc}"))


def _done(write: Write) -> Settle:
    return lambda: write


def _record_failed(ctx: ImportContext, item: Gathered, stage: str, exc: Exception) -> Write:
    if isinstance(exc, LimitExceeded):
        ctx.limits_hit[exc.limit] = ctx.limits_hit.get(exc.limit, 0) + 1
    return failed(ctx, item.identifier, stage, failure_reason(exc))


def _settle(ctx: ImportContext, item: Gathered, record: SourceRecord, lookup: Lookup,
            future: Future[WorkerResult], source_public: bool | None) -> Write:
    """A record a worker staged: its counters joined to the job's, then the catalogue's part
    of staging, here; the same write, or failure, as staging in-process gives."""
    try:
        result = future.result()
    except BrokenProcessPool:
        # A worker died (killed, out of memory): this record is staged here instead.
        log.warning("harvest %s: a staging worker stopped; record %s staged in the job's "
                    "process", ctx.source.name, item.identifier)
        try:
            return partial(write_staged, ctx, staged=stage_record(
                ctx, record, source_public=source_public))
        except RECORD_ERRORS as exc:
            return _record_failed(ctx, item, "import", exc)
    ctx.validation_seconds += result.validation_seconds
    ctx.validation_cpu_seconds += result.validation_cpu_seconds
    ctx.download_seconds += result.download_seconds
    for limit, count in result.limits_hit.items():
        ctx.limits_hit[limit] = ctx.limits_hit.get(limit, 0) + count
    ctx.http.retried += result.retried
    try:
        if result.files is None:
            if result.limit:
                ctx.limits_hit[result.limit] = ctx.limits_hit.get(result.limit, 0) + 1
            return failed(ctx, item.identifier, "import", result.reason)
        return partial(write_staged, ctx, staged=finish_staging(
            ctx, record, lookup, result.files, source_public=source_public))
    except RECORD_ERRORS as exc:
        return _record_failed(ctx, item, "import", exc)
    except Exception as exc:  # noqa: BLE001 - a bug on one record must not end the job
        log.exception("harvest %s: record %s", ctx.source.name, item.identifier)
        return failed(ctx, item.identifier, "import", f"unexpected {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(result.folder, ignore_errors=True)


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


def _flush_index(catalogue: Catalogue, ctx: ImportContext, *, force: bool = False,
                 pool: StagingPool | None = None) -> None:
    """Index the datasets written since the last flush, once there are INDEX_BATCH of them
    (or ``force``): in a worker when the job has a pool (and the index allows)."""
    if ctx.touched and (force or len(ctx.touched) >= INDEX_BATCH):
        write = pool.index_writer(catalogue.search) if pool is not None else None
        reindex_datasets(catalogue, ctx.touched, write=write)
        ctx.touched.clear()


def _vanished(ctx: ImportContext, seen: set[str]) -> list[str]:
    with ctx.catalogue.unit(ctx.actor) as uow:
        published = uow.session.scalars(select(Dataset.source_identifier).where(
            Dataset.harvest_source == ctx.source.name, Dataset.state != "deleted")).all()
    return [identifier for identifier in published if identifier not in seen]


def run_source(catalogue: Catalogue, source: SourceConfig, types: dict[str, type[Harvester]],
               lock_dir: Path, *, sleep: Callable[[float], None] = time.sleep,
               workers: int | None = None) -> JobSummary:
    """Harvest one source now. Raises SourceBusy if another run holds its lock.

    ``workers``: processes staging records' files beside the job's own (0: none); by
    default ``staging_pool.WORKERS`` for a job of ``staging_pool.MIN_RECORDS`` records or
    more on a machine of several cores, else none.
    """
    with source_lock(lock_dir, source.name, catalogue.engine):
        started = time.perf_counter()
        job_id = _start_job(catalogue, source)
        with closing(make_http(source, sleep,
                               site_allowed=internal_hosts_allowed(catalogue.settings))) as http:
            return _run_job(catalogue, source, types, http, job_id, started, workers)


def _run_job(catalogue: Catalogue, source: SourceConfig, types: dict[str, type[Harvester]],
             http: HttpClient, job_id: str, started: float, workers: int | None) -> JobSummary:
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
            status, attention, message = _harvest(catalogue, ctx, types[source.type], counts,
                                                  workers)
        except Exception as exc:  # noqa: BLE001 - whatever broke, the job must end
            # A job left "running" hides the failure from the officer (issue 15).
            log.exception("harvest %s: job %s", source.name, job_id)
            status, message = "failed", f"unexpected {type(exc).__name__}: {exc}"
            attention = "the job stopped on an unexpected error"
    return _finish(ctx, status, counts, attention, message, started, http)


def _harvest(catalogue: Catalogue, ctx: ImportContext, kind: type[Harvester],
             counts: dict[str, int], workers: int | None) -> tuple[str, str, str]:
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
    batch = WriteBatch(ctx, counts, WRITE_BATCH)
    try:
        seen = {item.identifier for item in gathered}
        with _staging_pool(catalogue, ctx, len(gathered), workers) as pool:
            # Staged a few batches ahead of the writer, written in the source's order.
            ahead: deque[tuple[str, Settle]] = deque()
            keep = AHEAD if pool is not None else 0

            def write_next() -> None:
                identifier, settle = ahead.popleft()
                batch.add(identifier, settle())
                _flush_index(catalogue, ctx, pool=pool)

            for item in gathered:
                ahead.append((item.identifier, _start(ctx, harvester, item, pool)))
                while len(ahead) > keep:
                    write_next()
            while ahead:
                write_next()
        batch.flush()
        message = "" if gathered else empty_reason(harvester.ignored)
        return "finished", _withdraw_vanished(ctx, seen, batch), message
    finally:
        harvester.close()
        batch.flush()  # what was staged before an unexpected error is still written
        _flush_index(catalogue, ctx, force=True)


@contextmanager
def _staging_pool(catalogue: Catalogue, ctx: ImportContext, records: int,
                  workers: int | None) -> Iterator[StagingPool | None]:
    """The job's staging workers, or None when staging in-process pays better. Whatever
    ends the job, their processes end with it, and what they were indexing is indexed."""
    if workers is None:
        workers = WORKERS if records >= MIN_RECORDS else 0
    if workers < 1 or records == 0:
        yield None
        return
    pool = StagingPool(ctx.source, ctx.http,
                       site_allowed=internal_hosts_allowed(ctx.catalogue.settings),
                       limits=ctx.read_limits, workers=workers)
    ctx.check_descriptor = pool.check_descriptor
    try:
        yield pool
    except BaseException:
        ctx.check_descriptor = None
        pool.close(abort=True)
        reindex_datasets(catalogue, pool.unindexed())
        raise
    ctx.check_descriptor = None
    try:
        pool.close()
    except Exception:  # noqa: BLE001 - the workers' last index write failed: try it here
        log.warning("harvest %s: indexing in a worker failed; indexing here",
                    ctx.source.name, exc_info=True)
        reindex_datasets(catalogue, pool.unindexed())


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

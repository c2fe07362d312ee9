"""The load queue: which resources need a table after a change, and loading them (issue 21).

Every write to a dataset ends in :meth:`UnitOfWork.commit`, which hands the changed datasets
to :func:`datasets_changed` (through ``Catalogue.datastore``): harvests, uploads, approvals
and restores all pass there, so loading follows every door the same way. It only queues: one
``ds_job`` row per resource whose stored file has no table yet. The rows live in the
datastore's database, so any process may run them — the web process's worker thread, the
scheduler (``dulieumo schedule``) or ``dulieumo datastore load`` — and each job is claimed
with one conditional UPDATE, so it runs once however many workers poll.

A resource is loaded when its file is stored here (an upload or a downloaded harvest file),
tabular (CSV/TSV/XLSX/XLS/ODS, gzipped or not, or a JSON array), and validated ``valid``
(warnings allowed) with a Table Schema. The job's ``rows`` show progress while it runs; a
failed job keeps the Vietnamese reason, shown on the resource page, in the workspace, in
``datastore_info`` and in the harvest report. ``datastore_active`` on the resource follows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.context import Catalogue
from catalogue.datasets.model import Dataset, Resource
from catalogue.datastore.columns import dictionary_info
from catalogue.datastore.errors import LoadError
from catalogue.datastore.loader import Source, finish_indexing, load_table
from catalogue.datastore.store import Datastore, TableInfo
from catalogue.files.limits import ReadLimits
from catalogue.files.rows import kind_of

log = logging.getLogger(__name__)
LOADABLE_JSON = frozenset({"json"})
PROGRESS_EVERY = 50_000  # rows between progress writes


@dataclass(frozen=True)
class LoadStatus:
    """Where a resource's table stands, for pages and ``datastore_info``."""

    resource_id: str
    status: str  # queued | running | done | failed | "" (never asked)
    rows: int
    message: str  # the Vietnamese reason when failed
    active: bool  # whether it has a table to query now
    finished_at: datetime | None = None


def filename_of(res: Resource) -> str:
    """The file name a resource was given (the last part of its URL)."""
    return res.url.rsplit("/", 1)[-1] if res.url else ""


def loadable(res: Resource, files_exist: Any = None) -> bool:
    """Whether a resource's file should have a datastore table."""
    if not res.sha256 or res.url_type != "upload" or res.validation_status != "valid":
        return False
    if not (res.schema or {}).get("fields"):
        return False
    fmt = (res.format or "").lower().lstrip(".")
    if fmt not in LOADABLE_JSON and not kind_of(fmt, filename_of(res)):
        return False
    return files_exist is None or bool(files_exist(res.sha256))


def _open_job(store: Datastore, conn: Any, resource_id: str, sha256: str) -> bool:
    jobs = store.jobs
    return conn.execute(select(jobs.c.id).where(
        jobs.c.resource_id == resource_id, jobs.c.sha256 == sha256,
        jobs.c.status.in_(("queued", "running")))).first() is not None


def _refresh_dictionary(store: Datastore, conn: Any, table: TableInfo,
                        schema: Mapping[str, Any]) -> None:
    """Keep the table's data dictionary as the resource's schema has it now: an officer's
    labels, notes and units (issue 21 item 5) change no rows, so no load runs for them, yet
    ``datastore_info`` shows them."""
    info = {str(spec.get("name")): dictionary_info(spec) for spec in schema.get("fields") or []
            if isinstance(spec, Mapping)}
    refreshed = [replace(column, info=info[column.id]) if column.id in info else column
                 for column in table.columns]
    if refreshed != list(table.columns):
        store.set_columns(conn, table.table_name, refreshed)


def datasets_changed(catalogue: Catalogue, store: Datastore,
                     dataset_ids: Iterable[str]) -> int:
    """Queue a load for each resource of these datasets whose file has no table yet, and
    stop serving tables of files a resource no longer holds. Returns the jobs queued."""
    ids = list(dataset_ids)
    if not ids:
        return 0
    now = catalogue.clock.now()
    with catalogue.sessions() as session:
        resources = list(session.scalars(
            select(Resource).join(Dataset, Resource.dataset_id == Dataset.id)
            .where(Dataset.id.in_(ids), Dataset.state != "deleted")))
        wanted = {r.id: r for r in resources if loadable(r, catalogue.files.exists)}
        everything = [r.id for r in resources]
    current = store.currents(everything)
    queued = 0
    with store.engine.begin() as conn:
        for res in wanted.values():
            table = current.get(res.id)
            if table is not None and table.sha256 == res.sha256:
                _refresh_dictionary(store, conn, table, res.schema or {})
                continue
            if _open_job(store, conn, res.id, res.sha256):
                continue
            conn.execute(store.jobs.insert().values(
                resource_id=res.id, dataset_id=res.dataset_id, sha256=res.sha256,
                status="queued", rows=0, message="", queued_at=now))
            queued += 1
    for resource_id, table in current.items():
        if resource_id not in wanted or wanted[resource_id].sha256 != table.sha256:
            # A new file (until it loads) or no longer loadable: its old rows are not it.
            store.deactivate(resource_id)
            mark_active(catalogue, resource_id, False)
    return queued


def _claim(store: Datastore, now: datetime, resource_id: str | None = None) -> Any:
    jobs = store.jobs
    query = select(jobs).where(jobs.c.status == "queued")
    if resource_id is not None:
        query = query.where(jobs.c.resource_id == resource_id)
    with store.engine.begin() as conn:
        candidates = conn.execute(query.order_by(jobs.c.id).limit(5)).fetchall()
        for job in candidates:
            taken = conn.execute(jobs.update().where(jobs.c.id == job.id,
                                                     jobs.c.status == "queued")
                                 .values(status="running", started_at=now))
            if taken.rowcount == 1:
                return job
    return None


def _finish(store: Datastore, job_id: int, status: str, rows: int, message: str,
            now: datetime) -> None:
    with store.engine.begin() as conn:
        conn.execute(store.jobs.update().where(store.jobs.c.id == job_id).values(
            status=status, rows=rows, message=message, finished_at=now))


def _progress(store: Datastore, job_id: int) -> Any:
    last = [0]

    def report(rows: int) -> None:
        if rows - last[0] >= PROGRESS_EVERY:
            last[0] = rows
            with store.engine.begin() as conn:
                conn.execute(store.jobs.update().where(store.jobs.c.id == job_id)
                             .values(rows=rows))
    return report


def run_job(catalogue: Catalogue, store: Datastore, job: Any) -> LoadStatus:
    """Load the file one claimed job names (if the resource still holds it)."""
    from catalogue.history.service import latest_published_number

    with catalogue.sessions() as session:
        res = session.get(Resource, job.resource_id)
        if res is None or res.sha256 != job.sha256 or not loadable(res, catalogue.files.exists):
            _finish(store, job.id, "done", 0, "Tệp đã được thay trước khi nạp: bỏ qua",
                    catalogue.clock.now())
            return status_of(store, job.resource_id)
        extras = res.extras or {}
        fmt, filename = res.format or "", filename_of(res)
        sheet, header_row = extras.get("sheet") or None, extras.get("header_row")
        schema = dict(res.schema or {})
        version = latest_published_number(session, res.dataset_id) or None
    limits = ReadLimits(
        max_unpacked_bytes=int(catalogue.settings.get("file_max_unpacked_mb", 200)) << 20,
        max_cells=int(catalogue.settings.get("datastore_max_cells", 50_000_000)))
    try:
        # A local copy when the file store is remote (the readers need a seekable file).
        with catalogue.files.local_copy(job.sha256) as path:
            source = Source(path, fmt, filename, sheet=sheet, header_row=header_row)
            # The table answers queries before its column indexes are built: the resource
            # says so at once (the job stays running until the indexes are done).
            info = load_table(store, job.resource_id, source, schema, sha256=job.sha256,
                              version=version, now=catalogue.clock.now(), limits=limits,
                              progress=_progress(store, job.id),
                              on_active=lambda _info: mark_active(catalogue, job.resource_id,
                                                                  True))
    except LoadError as exc:
        _finish(store, job.id, "failed", 0, exc.message, catalogue.clock.now())
        store.deactivate(job.resource_id)
        mark_active(catalogue, job.resource_id, False)
        return status_of(store, job.resource_id)
    except Exception:  # noqa: BLE001  (one bad file must not stop the queue; logged)
        log.exception("datastore: loading resource %s failed", job.resource_id)
        _finish(store, job.id, "failed", 0, "Lỗi không mong đợi khi nạp tệp (xem nhật ký máy "
                "chủ)", catalogue.clock.now())
        return status_of(store, job.resource_id)
    _finish(store, job.id, "done", info.row_count, "", catalogue.clock.now())
    mark_active(catalogue, job.resource_id, True)
    return status_of(store, job.resource_id)


def run_queued(catalogue: Catalogue, store: Datastore, *, limit: int | None = None
               ) -> list[LoadStatus]:
    """Run queued loads (each claimed first) until none is left or ``limit`` ran; first
    finish the indexes of tables whose load died in its second phase."""
    finish_indexing(store)
    done: list[LoadStatus] = []
    while limit is None or len(done) < limit:
        job = _claim(store, catalogue.clock.now())
        if job is None:
            break
        done.append(run_job(catalogue, store, job))
    return done


def run_for(catalogue: Catalogue, store: Datastore, resource_id: str) -> LoadStatus | None:
    """Run the queued load of one resource now (a DataStore write answers once its table is
    there); None when none is queued."""
    job = _claim(store, catalogue.clock.now(), resource_id)
    return run_job(catalogue, store, job) if job is not None else None


def mark_active(catalogue: Catalogue, resource_id: str, active: bool) -> None:
    """Set ``datastore_active`` on the resource and refresh its dataset's document.

    A flag the datastore keeps, like the validation report: not a change an agency made,
    so no new version is recorded for it.
    """
    from catalogue.datasets.package_cache import store_packages

    with catalogue.sessions() as session:
        res = session.get(Resource, resource_id)
        if res is None or bool((res.extras or {}).get("datastore_active")) == active:
            return
        extras = dict(res.extras or {})
        if active:
            extras["datastore_active"] = True
        else:
            extras.pop("datastore_active", None)
        res.extras = extras
        session.flush()
        store_packages(session, [res.dataset_id], catalogue.site_url, catalogue.clock.now())
        session.commit()


def status_of(store: Datastore, resource_id: str) -> LoadStatus:
    """The newest job of a resource and whether it has a table now."""
    jobs = store.jobs
    with store.engine.connect() as conn:
        job = conn.execute(select(jobs).where(jobs.c.resource_id == resource_id)
                           .order_by(jobs.c.id.desc()).limit(1)).first()
    active = store.current(resource_id) is not None
    if job is None:
        return LoadStatus(resource_id, "", 0, "", active)
    return LoadStatus(resource_id, job.status, job.rows, job.message, active, job.finished_at)


def statuses_of(store: Datastore, resource_ids: Sequence[str]) -> dict[str, LoadStatus]:
    """The load status of several resources (harvest reports, the workspace)."""
    return {rid: status_of(store, rid) for rid in resource_ids}


def failures_for_job(store: Datastore, session: Session, job_id: str) -> list[dict[str, str]]:
    """Files a harvest job wrote that the datastore could not load, with the Vietnamese
    reason: ``dataset``, ``title``, ``resource``, ``resource_id``, ``reason``."""
    from catalogue.harvest.model import HarvestObject

    written = select(HarvestObject.dataset_id).where(
        HarvestObject.job_id == job_id, HarvestObject.outcome.in_(("new", "updated")),
        HarvestObject.dataset_id.is_not(None))
    rows = session.execute(select(Dataset.name, Dataset.title, Resource.name, Resource.id)
                           .join(Resource, Resource.dataset_id == Dataset.id)
                           .where(Dataset.id.in_(written))
                           .order_by(Dataset.title, Resource.position)).all()
    failed = []
    for name, title, resource_name, resource_id in rows:
        status = status_of(store, resource_id)
        if status.status == "failed":
            failed.append({"dataset": name, "title": title, "resource": resource_name,
                           "resource_id": resource_id, "reason": status.message})
    return failed

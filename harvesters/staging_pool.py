"""Staging records' files in worker processes while the job writes (issue 16 item 10).

Staging a record's files (download, hash, Frictionless validation, the personal-data screen)
depends on the fetched bytes alone and was about half of a harvest's CPU; writing and
indexing need the catalogue and stay in the job's process, in the source's order. With a
pool, a job's records are staged by worker processes a few batches ahead of the writer, so
a harvest uses a second core. Each outcome is the one staging in-process gives
(tests/test_harvest_pool.py compares them record by record).

The workers are spawned, not forked: the portal's processes hold threads and database
connections a fork would copy half-way. Each has its own HTTP client with the source's
limits and address rules and the job's deadline. Files are staged into a folder the job
owns and removes; the pool's processes end with the job, whatever ends it (an error, Ctrl-C).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from catalogue.files.limits import ReadLimits
from harvesters.base import SourceRecord
from harvesters.config import SourceConfig
from harvesters.http import HttpClient, LimitExceeded
from harvesters.importer import StagedFiles, stage_files
from harvesters.writing import failure_reason

log = logging.getLogger(__name__)
# Records a job must have before a pool pays: starting a worker (importing the catalogue,
# Frictionless, the gazetteer) costs about as much CPU as staging a hundred records.
MIN_RECORDS = 200
# Worker processes: the job's own process writes on the other core.
WORKERS = min(2, os.cpu_count() or 1)


@dataclass
class WorkerContext:
    """A worker's ``StagingContext``: the source, its own client, counters per record."""

    source: SourceConfig
    http: HttpClient
    limits: ReadLimits
    validation_seconds: float = 0.0
    validation_cpu_seconds: float = 0.0
    download_seconds: float = 0.0
    limits_hit: dict[str, int] = field(default_factory=dict)

    @property
    def read_limits(self) -> ReadLimits:
        return self.limits


@dataclass
class WorkerResult:
    """What a worker sends back for one record: its staged files, or why staging failed
    (the reason the job's report gives, and the limit hit, if one was); and the counters it
    added to, for the job's stats."""

    files: StagedFiles | None
    folder: str
    reason: str = ""
    limit: str = ""
    validation_seconds: float = 0.0
    validation_cpu_seconds: float = 0.0
    download_seconds: float = 0.0
    limits_hit: dict[str, int] = field(default_factory=dict)
    retried: int = 0


_worker: WorkerContext | None = None


def _start_worker(source: SourceConfig, site_allowed: tuple[str, ...],
                  deadline: float | None, limits: ReadLimits) -> None:
    """Each worker's client: the source's limits and address rules, the job's deadline
    (``time.monotonic`` is the machine's, shared by its processes)."""
    from harvesters.runner import make_http

    global _worker
    http = make_http(source, site_allowed=site_allowed)
    http.source_deadline = deadline
    _worker = WorkerContext(source, http, limits)


def _stage(record: SourceRecord, known_digest: str | None, this_year: int,
           root: str) -> WorkerResult:
    """Stage one record's files in a new folder under ``root`` (in a worker)."""
    from harvesters.runner import RECORD_ERRORS

    ctx = _worker
    assert ctx is not None, "the worker was not started"
    ctx.validation_seconds = ctx.validation_cpu_seconds = ctx.download_seconds = 0.0
    ctx.limits_hit = {}
    retried = ctx.http.retried
    folder = tempfile.mkdtemp(prefix="record-", dir=root)
    result = WorkerResult(None, folder)
    try:
        result.files = stage_files(ctx, record, Path(folder), known_digest, this_year)
    except RECORD_ERRORS as exc:
        result.reason = failure_reason(exc)
        result.limit = exc.limit if isinstance(exc, LimitExceeded) else ""
    except Exception as exc:  # noqa: BLE001 - a bug on one record must not end the job
        log.exception("harvest %s: record %s", ctx.source.name, record.identifier)
        result.reason = f"unexpected {type(exc).__name__}: {exc}"
    if result.files is None:
        shutil.rmtree(folder, ignore_errors=True)
    result.validation_seconds = ctx.validation_seconds
    result.validation_cpu_seconds = ctx.validation_cpu_seconds
    result.download_seconds = ctx.download_seconds
    result.limits_hit = dict(ctx.limits_hit)
    result.retried = ctx.http.retried - retried
    return result


def _check_descriptor(descriptor: dict[str, Any]) -> list[str]:
    """Problems with a data package descriptor (in a worker: the check is pure)."""
    from catalogue.validation import check_datapackage

    return check_datapackage(descriptor)


_indexes: dict[str, Any] = {}


def _write_index(index_dir: str, live: list[dict[str, Any]], gone: list[str]) -> None:
    """Write a batch of package documents to the Whoosh index in ``index_dir`` (in a
    worker): Whoosh's own lock keeps writers in turn, across processes."""
    from catalogue.search.whoosh_backend import WhooshBackend

    backend = _indexes.get(index_dir)
    if backend is None:
        backend = _indexes[index_dir] = WhooshBackend(Path(index_dir))
    if live:
        backend.index_documents(live)
    if gone:
        backend.delete_documents(gone)


class StagingPool:
    """Worker processes staging one job's records; use as a context manager. The processes
    start with the first record to stage: a re-run finding every record unchanged starts
    none."""

    def __init__(self, source: SourceConfig, http: HttpClient, *, site_allowed: tuple[str, ...],
                 limits: ReadLimits, workers: int = WORKERS) -> None:
        self.workers = workers
        self._initargs = (source, site_allowed, http.source_deadline, limits)
        self._pool: ProcessPoolExecutor | None = None
        self._root: str | None = None
        self.broken = False
        # The index write under way, and the datasets it indexes.
        self._indexing: tuple[Future[None], list[str]] | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._root = tempfile.mkdtemp(prefix="dulieumo-harvest-pool-")
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=self._initargs)
        return self._pool

    def check_descriptor(self, descriptor: dict[str, Any]) -> Future[list[str]] | None:
        """Check a data package descriptor in a worker; None once the pool is closed or
        broke (check it in-process)."""
        if self.broken or self._pool is None:
            return None
        try:
            return self._pool.submit(_check_descriptor, descriptor)
        except (BrokenProcessPool, RuntimeError):  # broken, or already shut down
            return None

    def index_writer(self, search: object) -> Callable[[list[dict[str, Any]], list[str]],
                                                        None] | None:
        """A ``write`` for ``catalogue.indexing.reindex_datasets`` handing a batch to a
        worker, when the index is a Whoosh directory (writing its postings is pure Python,
        a third of the job's own CPU); None for other backends. Writes stay in order: each
        waits for the one before, whose error, if any, it raises."""
        # A Whoosh backend, maybe wrapped (the portal times searches): its directory. The
        # PostgreSQL backend writes in the database, whose server works on its own.
        where = getattr(search, "index_dir", None)
        if not isinstance(where, Path) or self.broken:
            return None
        index_dir = str(where)

        def write(live: list[dict[str, Any]], gone: list[str]) -> None:
            self.wait_for_index()
            future = self._executor().submit(_write_index, index_dir, live, gone)
            self._indexing = (future, [str(p["id"]) for p in live] + list(gone))
        return write

    def wait_for_index(self) -> None:
        """Wait for the index write under way; raises its error."""
        if self._indexing is not None:
            self._indexing[0].result()
            self._indexing = None

    def unindexed(self) -> list[str]:
        """The datasets of an index write that did not finish (the pool was stopped, or
        the write failed): the job indexes them itself."""
        if self._indexing is None:
            return []
        future, ids = self._indexing
        if future.done() and not future.cancelled() and future.exception() is None:
            return []
        return ids

    def submit(self, record: SourceRecord, known_digest: str | None,
               this_year: int) -> Future[WorkerResult] | None:
        """Stage a record in a worker; None once the pool broke (stage it in-process)."""
        if self.broken:
            return None
        try:
            return self._executor().submit(_stage, record, known_digest, this_year,
                                           str(self._root))
        except BrokenProcessPool:
            self.broken = True
            return None

    def __enter__(self) -> StagingPool:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close(abort=exc_type is not None)

    def close(self, *, abort: bool = False) -> None:
        """End the workers (at once when ``abort``: an error or Ctrl-C ends the job) and
        remove the files they staged."""
        pool, self._pool = self._pool, None
        try:
            if pool is not None and abort:
                # No public way to stop running tasks before Python 3.14: terminate the
                # processes, so none outlives the job.
                processes: dict[Any, Any] = dict(getattr(pool, "_processes", None) or {})
                pool.shutdown(wait=False, cancel_futures=True)
                for process in processes.values():
                    process.terminate()
                deadline = time.monotonic() + 5
                for process in processes.values():
                    process.join(max(deadline - time.monotonic(), 0))
            elif pool is not None:
                pool.shutdown(wait=True)
                self.wait_for_index()
        finally:
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)

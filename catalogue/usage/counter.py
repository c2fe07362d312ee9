"""Counting downloads and API calls without a database write per request.

Each process keeps counts in a dict under a plain thread lock (nanoseconds, no I/O) and
writes them as per-day upserts once ``flush_every`` hits have piled up, and from a timer
thread every ``flush_seconds`` (and at exit, SIGTERM included), so counts never wait for a
later request. Several workers add to the same rows: the upsert adds, never overwrites. A
crash loses at most one batch of counts, never catalogue data.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from catalogue.clock import Clock
from catalogue.database import upsert_insert
from catalogue.usage.model import UsageDaily

log = logging.getLogger(__name__)

Key = tuple[date, str, str, str]  # day, kind, name, subject


class UsageCounter:
    """Per-process usage counts with batched writes to ``usage_daily``."""

    def __init__(self, engine: Engine, clock: Clock, *, flush_every: int = 200,
                 flush_seconds: float = 60.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.clock = clock
        self.flush_every = max(1, flush_every)
        self.flush_seconds = flush_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._pending: Counter[Key] = Counter()
        self._hits = 0
        self._last_flush = monotonic()
        self._timer: threading.Thread | None = None
        self._timer_pid = 0
        self._stopped = threading.Event()

    def start_timer(self) -> None:
        """Write pending counts every ``flush_seconds`` from a daemon thread, so counts reach
        the database even when no later request comes (issue 23). Started by the first hit
        in each process (gunicorn workers fork after the app is made)."""
        with self._lock:
            if self._timer is not None and self._timer_pid == os.getpid():
                return
            self._timer_pid = os.getpid()
            # A weak reference: a counter nobody uses any more (an app gone) ends its thread.
            self._timer = threading.Thread(
                target=_flush_periodically, daemon=True, name="dulieumo-usage-flush",
                args=(weakref.ref(self), self._stopped, self.flush_seconds))
        self._timer.start()

    def stop_timer(self) -> None:
        self._stopped.set()

    def record(self, kind: str, name: str, subject: str = "") -> None:
        """Count one hit; flushes on this thread only when a batch is due."""
        if self._timer_pid != os.getpid():
            self.start_timer()
        key = (self.clock.now().date(), kind, name[:100], subject[:200])
        with self._lock:
            self._pending[key] += 1
            self._hits += 1
            due = (self._hits >= self.flush_every
                   or self._monotonic() - self._last_flush >= self.flush_seconds)
        if due:
            self.flush()

    def pending(self) -> int:
        with self._lock:
            return sum(self._pending.values())

    def flush(self) -> int:
        """Write pending counts; returns rows written. Counts survive a failed write."""
        # One flusher at a time; others skip rather than queue behind it (hot path).
        if not self._flush_lock.acquire(blocking=False):
            return 0
        try:
            with self._lock:
                batch, self._pending = self._pending, Counter()
                self._hits = 0
                self._last_flush = self._monotonic()
            if not batch:
                return 0
            try:
                self._write(batch)
            except SQLAlchemyError as exc:
                log.warning("usage counts not written yet (kept for the next flush): %s", exc)
                with self._lock:
                    self._pending.update(batch)
                return 0
            return len(batch)
        finally:
            self._flush_lock.release()

    def _write(self, batch: Counter[Key]) -> None:
        rows = [{"day": k[0], "kind": k[1], "name": k[2], "subject": k[3], "count": n}
                for k, n in sorted(batch.items())]
        with self.engine.begin() as conn:
            for start in range(0, len(rows), 500):  # stay under SQLite's bound-variable limit
                statement = upsert_insert(self.engine, UsageDaily).values(
                    rows[start:start + 500])
                statement = statement.on_conflict_do_update(
                    index_elements=["day", "kind", "name", "subject"],
                    set_={"count": UsageDaily.count + statement.excluded["count"]})
                conn.execute(statement)


def _flush_periodically(counter_ref: weakref.ref[UsageCounter], stopped: threading.Event,
                        seconds: float) -> None:
    while not stopped.wait(seconds):
        counter = counter_ref()
        if counter is None:
            return
        counter.flush()
        del counter

"""Rate limits that hold across processes and machines (issue 23).

Fixed windows counted in the database: ``INSERT … ON CONFLICT DO UPDATE SET count = count + n
RETURNING count``, atomic on PostgreSQL and SQLite alike, so eight simultaneous requests count
eight whichever workers serve them. Windows are aligned to the
epoch, so every process agrees where one ends (``Retry-After``).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete

from catalogue.coordination.model import RateCounter
from catalogue.database import upsert_insert

EPOCH = datetime(2000, 1, 1)


@dataclass(frozen=True)
class Limit:
    """At most ``count`` hits per ``window``; a count of 0 means no limit."""

    count: int
    window: timedelta


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # whole seconds until the window ends


def window_start(now: datetime, window: timedelta) -> datetime:
    """The start of the fixed window holding ``now``."""
    return now - (now - EPOCH) % window


def _add(engine: Engine, key: str, start: datetime, hits: int) -> int:
    """Add ``hits`` to ``key``'s count in the window starting at ``start``; the new total."""
    statement = upsert_insert(engine, RateCounter).values(
        key=key[:200], window_start=start, count=hits,
    ).on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"count": RateCounter.count + hits},
    ).returning(RateCounter.count)
    with engine.begin() as connection:
        return int(connection.execute(statement).scalar_one())


def _verdict(total: int, limit: Limit, start: datetime, now: datetime) -> Verdict:
    retry_after = max(1, math.ceil((start + limit.window - now).total_seconds()))
    return Verdict(total <= limit.count, limit.count, max(limit.count - total, 0), retry_after)


def hit(engine: Engine, key: str, limit: Limit, now: datetime) -> Verdict:
    """Count one hit of ``key`` in the database and say whether it is within ``limit``."""
    if limit.count <= 0:
        return Verdict(True, 0, 0, 0)
    start = window_start(now, limit.window)
    return _verdict(_add(engine, key, start, 1), limit, start, now)


class BatchedCounter:
    """Hits counted in the database in small batches, for limits on hot paths (the API).

    Each process adds its hits to the shared count every ``share`` of the limit (1 % by
    default; every hit when the limit is under 100), so a limit of 1,200 a minute costs one
    write per 12 calls per process instead of one per call, and is exceeded by at most a
    batch per process. The per-process part is only a buffer: the count is the database's.
    """

    def __init__(self, engine: Engine, share: float = 0.01) -> None:
        self.engine = engine
        self.share = share
        self._lock = threading.Lock()
        # key -> (window start, hits not yet written, the database's total when last written)
        self._local: dict[str, tuple[datetime, int, int]] = {}

    def hit(self, key: str, limit: Limit, now: datetime) -> Verdict:
        if limit.count <= 0:
            return Verdict(True, 0, 0, 0)
        start = window_start(now, limit.window)
        batch = max(1, int(limit.count * self.share))
        with self._lock:
            window, pending, known = self._local.get(key, (start, 0, 0))
            if window != start:
                pending, known = 0, 0
            pending += 1
            write = pending >= batch
            self._local[key] = (start, 0 if write else pending, known)
            if len(self._local) > 50_000:  # forget finished windows rather than grow
                self._local = {k: v for k, v in self._local.items() if v[0] == start}
        if not write:
            return _verdict(known + pending, limit, start, now)
        total = _add(self.engine, key, start, pending)
        with self._lock:
            window, waiting, _ = self._local.get(key, (start, 0, 0))
            if window == start:
                self._local[key] = (start, waiting, total)
        return _verdict(total, limit, start, now)


def prune(engine: Engine, before: datetime) -> int:
    """Forget windows that started before ``before``; returns how many."""
    with engine.begin() as connection:
        return connection.execute(
            delete(RateCounter).where(RateCounter.window_start < before)).rowcount or 0

"""Rate limits that hold across processes and machines (issue 23).

Fixed windows counted in the database: each hit is one ``INSERT … ON CONFLICT DO UPDATE SET
count = count + 1 RETURNING count``, atomic on PostgreSQL and SQLite alike, so eight
simultaneous requests count eight whichever workers serve them. Windows are aligned to the
epoch, so every process agrees where one ends (``Retry-After``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlalchemy.dialects import postgresql, sqlite

from catalogue.coordination.model import RateCounter

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


def hit(engine: Engine, key: str, limit: Limit, now: datetime) -> Verdict:
    """Count one hit of ``key`` and say whether it is within ``limit``."""
    if limit.count <= 0:
        return Verdict(True, 0, 0, 0)
    start = window_start(now, limit.window)
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(RateCounter).values(key=key[:200], window_start=start, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"count": RateCounter.count + 1},
    ).returning(RateCounter.count)
    with engine.begin() as connection:
        count = int(connection.execute(statement).scalar_one())
    retry_after = max(1, math.ceil((start + limit.window - now).total_seconds()))
    return Verdict(count <= limit.count, limit.count, max(limit.count - count, 0), retry_after)


def prune(engine: Engine, before: datetime) -> int:
    """Forget windows that started before ``before``; returns how many."""
    with engine.begin() as connection:
        return connection.execute(
            delete(RateCounter).where(RateCounter.window_start < before)).rowcount or 0

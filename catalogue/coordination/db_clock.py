"""The database's clock, for machines that share one database (issue 23).

A web server whose clock runs two minutes behind stamped new datasets two minutes in the
past, so ``modified_since`` readers (data.json, DCAT) that had already read up to "now" on
another machine missed them. Every machine reads time as the database has it instead: the
offset between the database's clock and this machine's is measured once a minute (one
``SELECT``), and each reading is the local clock plus that offset.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

REMEASURE_SECONDS = 60.0


def _local_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class DatabaseClock:
    """Naive UTC time as the database (PostgreSQL) sees it, to within a round trip."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._offset = timedelta(0)
        self._measured_at = float("-inf")
        self._lock = threading.Lock()

    def _measure(self) -> None:
        sent = _local_now()
        try:
            with self.engine.connect() as connection:
                database_now = connection.execute(
                    text("SELECT clock_timestamp() AT TIME ZONE 'UTC'")).scalar_one()
        except SQLAlchemyError:
            return  # keep the last offset; the database's outage is reported elsewhere
        received = _local_now()
        self._offset = database_now - (sent + (received - sent) / 2)

    def now(self) -> datetime:
        moment = time.monotonic()
        if moment - self._measured_at >= REMEASURE_SECONDS:
            with self._lock:
                if moment - self._measured_at >= REMEASURE_SECONDS:
                    self._measure()
                    self._measured_at = moment
        return _local_now() + self._offset

    @property
    def offset(self) -> timedelta:
        """How far the database's clock is ahead of this machine's (last measured)."""
        return self._offset

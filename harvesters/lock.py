"""One run per source at a time, across processes and machines.

With PostgreSQL the lock is an advisory lock in the shared database, so two machines never
harvest the same source at once, and a job row still "running" while nobody holds the lock
belongs to a process that died (issue 23). With SQLite (one machine) it is a lock file in the
home. Either way the lock dies with its holder, so a crash never blocks the next run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from catalogue.coordination.locks import LockBusy, exclusive, file_lock


class SourceBusy(Exception):
    """Another run of this source holds the lock."""


@contextmanager
def source_lock(folder: Path, source: str, engine: Engine | None = None) -> Iterator[None]:
    """Hold ``source``'s harvest lock: in ``engine`` if it is PostgreSQL, else in ``folder``."""
    try:
        if engine is not None and engine.dialect.name == "postgresql":
            with exclusive(engine, f"harvest:{source}"):
                yield
        else:
            with file_lock(folder / f"{source}.lock", source, wait=False):
                yield
    except LockBusy:
        raise SourceBusy(f"source {source!r} is already being harvested") from None

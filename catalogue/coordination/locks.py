"""Named locks across processes and machines.

On PostgreSQL a session-level advisory lock held on a dedicated connection: the server drops
it when that connection ends, so a crashed holder never blocks the next one and "is a run
still alive?" is answered by the lock, not by guessing from a status row. On SQLite, whose
database lives on one machine, an ``flock`` on a file beside it does the same.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text


class LockBusy(Exception):
    """Another process holds the lock."""


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL's advisory lock key space)."""
    digest = hashlib.sha256(f"dulieumo:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_file_dir(engine: Engine) -> Path | None:
    """The folder of a SQLite database file (where its lock files go), None otherwise."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return None
    return Path(engine.url.database).resolve().parent / "locks"


@contextmanager
def _advisory(engine: Engine, name: str, wait: bool) -> Iterator[None]:
    key = advisory_key(name)
    connection = engine.connect()
    try:
        if wait:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        elif not connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                    {"key": key}).scalar():
            raise LockBusy(name)
        connection.commit()  # a session-level lock outlives the transaction
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()
    except BaseException:
        connection.invalidate()  # never hand a connection that may hold the lock to the pool
        raise
    finally:
        connection.close()


@contextmanager
def file_lock(path: Path, name: str, wait: bool) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LockBusy(name) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)  # closing releases the lock, as the OS does when a process dies


@contextmanager
def exclusive(engine: Engine, name: str, *, wait: bool = False,
              folder: Path | None = None) -> Iterator[None]:
    """Hold the lock called ``name`` for the block; ``LockBusy`` if taken and not ``wait``.

    ``folder`` is where lock files go on SQLite (default: ``locks/`` beside the database).
    """
    if engine.dialect.name == "postgresql":
        with _advisory(engine, name, wait):
            yield
        return
    where = folder or lock_file_dir(engine)
    if where is None:  # an in-memory SQLite database lives in one process
        yield
        return
    safe = hashlib.sha256(name.encode()).hexdigest()[:16]
    with file_lock(where / f"{safe}.lock", name, wait):
        yield

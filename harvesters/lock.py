"""One run per source at a time, across processes: an exclusive lock file in the home.

The operating system drops the lock when a process dies, so a crashed run never blocks the
next one (a stale row in the database could).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SourceBusy(Exception):
    """Another run of this source holds the lock."""


@contextmanager
def source_lock(folder: Path, source: str) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{source}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SourceBusy(f"source {source!r} is already being harvested "
                             f"(lock {path})") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)  # closing releases the lock

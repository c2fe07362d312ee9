"""Liveness and readiness checks: is the process up; can it reach what it serves from."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from catalogue.context import Catalogue
from catalogue.files.store import FileStore


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float


def _timed(name: str, probe: Any) -> Check:
    started = time.perf_counter()
    try:
        detail = probe()
        ok = True
    except Exception as exc:  # noqa: BLE001  (readiness reports any failure, it never raises)
        ok, detail = False, f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    return Check(name, ok, str(detail), time.perf_counter() - started)


def check_database(catalogue: Catalogue) -> Check:
    def probe() -> str:
        with catalogue.sessions() as session:
            session.execute(text("SELECT 1"))
        return "reachable"

    return _timed("database", probe)


def check_index(catalogue: Catalogue) -> Check:
    def probe() -> str:
        search = catalogue.search
        if search is None:
            return "no search backend configured (database search only)"
        from catalogue.search.backend import SearchQuery

        result = search.search(SearchQuery(rows=0))  # type: ignore[attr-defined]
        return f"{result.count} documents"

    return _timed("index", probe)


def check_file_store(files: FileStore) -> Check:
    """The store takes a small object and gives it back (issue 23: a store that is gone or
    read-only fails readiness, not the next upload); a local one also has room left."""
    return _timed("files", files.probe)


def readiness(catalogue: Catalogue) -> list[Check]:
    """Every readiness check; the database one only once (it takes the pool's time-out)."""
    return [check_database(catalogue), check_index(catalogue),
            check_file_store(catalogue.files)]

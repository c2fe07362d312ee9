"""Vietnamese search: the analyzer, the query language and two interchangeable backends."""

from __future__ import annotations

from pathlib import Path

from catalogue.errors import ConfigError
from catalogue.search.backend import SearchBackend


def open_backend(name: str, *, index_dir: Path, database_url: str,
                 in_memory: bool = True, posting_cache_mb: int | None = None) -> SearchBackend:
    """The configured engine: ``whoosh`` (index in ``index_dir``) or ``postgres`` (in the DB;
    ``in_memory``: ranked in each process's columns, else all in SQL; ``posting_cache_mb``
    bounds those columns' posting cache, None: the default)."""
    if name == "whoosh":
        from catalogue.search.whoosh_backend import WhooshBackend

        return WhooshBackend(index_dir)
    if name == "postgres":
        if not database_url.startswith("postgresql"):
            raise ConfigError(
                f"search_backend 'postgres' needs a PostgreSQL database_url, got {database_url!r}")
        from catalogue.search.postgres_backend import PostgresBackend

        if posting_cache_mb is None:
            return PostgresBackend(database_url, in_memory=in_memory)
        return PostgresBackend(database_url, in_memory=in_memory,
                               posting_cache_mb=posting_cache_mb)
    raise ConfigError(f"search_backend: expected whoosh or postgres, got {name!r}")

"""Copying the catalogue database out of and back into SQLite or PostgreSQL.

SQLite: the online backup API copies a consistent snapshot while other connections keep
writing (https://www.sqlite.org/backup.html). PostgreSQL: ``pg_dump`` runs in one
repeatable-read transaction, so the dump is one consistent moment; ``pg_restore`` loads it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from catalogue.backup.manifest import BackupError, open_read_only

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def database_kind(url: str) -> str:
    """``sqlite`` or ``postgres`` for a SQLAlchemy URL; anything else is refused."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return "sqlite"
    if backend == "postgresql":
        return "postgres"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {backend}")


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def pg_tool(name: str) -> str:
    """The ``pg_dump``/``pg_restore`` binary: on PATH, else the newest Debian cluster's."""
    found = shutil.which(name)
    if found:
        return found
    for directory in PG_BIN_DIRS:
        if (directory / name).is_file():
            return str(directory / name)
    raise BackupError(f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin")


def pg_connection(url: str) -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for a SQLAlchemy URL (password kept out of argv)."""
    parsed = make_url(url)
    args = ["--dbname", parsed.database or "", "--no-password"]
    # A Unix-socket directory may come as ?host=/path (psycopg style) instead of the netloc.
    host = parsed.host or parsed.query.get("host")
    port = parsed.port or parsed.query.get("port")
    if host:
        args += ["--host", str(host)]
    if port:
        args += ["--port", str(port)]
    if parsed.username:
        args += ["--username", parsed.username]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit {done.returncode}): {done.stderr.strip()}")


def dump_database(url: str, folder: Path) -> str:
    """Write a consistent copy of the database into ``folder``; returns the part's name."""
    if database_kind(url) == "sqlite":
        target = folder / "database.sqlite"
        source = sqlite3.connect(sqlite_path(url), timeout=30)
        dest = sqlite3.connect(target)
        try:
            # pages=-1: one step, so the copy is a single snapshot even while others write.
            source.backup(dest, pages=-1)
            # The copy inherits WAL mode from the live file; a backup is one file that any
            # reader opens without creating -wal/-shm companions beside it.
            dest.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.OperationalError as exc:
            raise BackupError(f"SQLite backup failed: {exc}") from None
        finally:
            dest.close()
            source.close()
        return target.name
    args, env = pg_connection(url)
    target = folder / "database.pgdump"
    # The search backend's documents, lexicon and postings keep their definitions but not
    # their rows: they are derived (a restore rebuilds the index) and, with the postings,
    # larger than the catalogue. search_meta and its generation sequence are left out whole:
    # a restore leaves them as they are and takes a new generation, so no process can meet
    # the restored state under a generation it has seen (issue 23); shadow tables of a
    # rebuild under way are nobody's.
    derived = ("search_documents", "search_lexicon", "search_postings")
    live = ("search_meta", "search_generation", "search_*_next")
    _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
          *(f"--exclude-table-data={table}" for table in derived),
          *(f"--exclude-table={table}" for table in live),
          "--file", str(target), *args], env, "pg_dump")
    return target.name


def load_database(url: str, part: Path) -> None:
    """Replace the database's contents with the dumped copy at ``part``."""
    if database_kind(url) == "sqlite":
        if part.suffix != ".sqlite":
            raise BackupError(f"{part.name}: a PostgreSQL dump cannot be restored into SQLite")
        live = sqlite_path(url)
        live.parent.mkdir(parents=True, exist_ok=True)
        source = open_read_only(part)
        dest = sqlite3.connect(live, timeout=30)
        try:
            # The backup API in reverse is SQLite's documented restore: page by page under
            # SQLite's own locking, safe even if a portal process has the file open.
            source.backup(dest, pages=-1)
        finally:
            dest.close()
            source.close()
        return
    if part.suffix != ".pgdump":
        raise BackupError(f"{part.name}: a SQLite copy cannot be restored into PostgreSQL")
    args, env = pg_connection(url)
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", *args, str(part)], env, "pg_restore")
    # Every process drops what it kept of the replaced catalogue (its search caches first).
    from catalogue.database import make_engine
    from catalogue.search.postgres_write import renew_after_restore

    engine = make_engine(url)
    try:
        renew_after_restore(engine)
    finally:
        engine.dispose()

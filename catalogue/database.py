"""Engine, sessions and schema migrations (Alembic: no create_all in production paths)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import JSON, Engine, MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Stable constraint names so migrations behave the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def new_id() -> str:
    """A CKAN-style identifier (UUID4 as text)."""
    return str(uuid.uuid4())


def to_iso(value: datetime | None) -> str | None:
    """Timestamps as CKAN writes them: naive UTC, microseconds."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") if value else None


def make_engine(url: str) -> Engine:
    """An engine tuned for the backend: SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def lock_for_writing(session: Session) -> None:
    """Take SQLite's write lock now (``BEGIN IMMEDIATE``), waiting for it with the busy
    timeout, before a transaction that reads and then writes. Otherwise its first read fixes a
    snapshot, and a write committed by another connection meanwhile makes its first write fail
    at once with "database is locked" (SQLite cannot wait there). PostgreSQL: nothing to do."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def upsert_insert(engine: Engine, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with ``on_conflict_do_*`` for this engine's database (PostgreSQL or SQLite,
    the two the catalogue runs on; their upsert syntax is the same)."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def make_sessionmaker(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_database(url: str, revision: str = "heads") -> None:
    """Create or upgrade the schema to the newest migration.

    Under a lock in the database, so any number of machines may start (and upgrade) at once:
    the first migrates, the others wait and then find nothing to do (issue 23).
    """
    from catalogue.coordination.locks import exclusive

    engine = make_engine(url)
    try:
        with exclusive(engine, "schema-upgrade", wait=True):
            command.upgrade(alembic_config(url), revision)
    finally:
        engine.dispose()


def downgrade_database(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)

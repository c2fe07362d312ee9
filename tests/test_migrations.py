"""Alembic migrations upgrade to heads and downgrade to base on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from catalogue.database import Base, alembic_config, downgrade_database, upgrade_database


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _round_trip(url: str) -> None:
    import catalogue.models  # noqa: F401  (every table on Base.metadata)

    upgrade_database(url)
    assert _tables(url) == set(Base.metadata.tables)
    downgrade_database(url, "base")
    assert _tables(url) == set()
    upgrade_database(url)  # and up again: downgrades left nothing behind that blocks it
    assert _tables(url) == set(Base.metadata.tables)


def test_every_migration_descends_from_the_core() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    bases = script.get_bases()
    assert bases == ["0001_core"]
    assert "0004_ops" in {rev.revision for rev in script.walk_revisions()}


def test_upgrade_and_downgrade_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'm.sqlite'}")


def test_upgrade_and_downgrade_on_postgresql(request: pytest.FixtureRequest) -> None:
    from pg_databases import fresh_database

    with fresh_database(request.getfixturevalue("pg_url"), migrated=False) as url:
        _round_trip(url)

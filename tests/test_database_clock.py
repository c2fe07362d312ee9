"""Machines sharing a PostgreSQL database read its clock (issue 23): a web server whose own
clock runs behind still stamps changes with the database's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pg_databases import fresh_database
from sqlalchemy import text

import catalogue.coordination.db_clock as db_clock
from catalogue.coordination.db_clock import DatabaseClock
from catalogue.database import make_engine
from portal import create_app
from portal.catalogue_ext import catalogue_of


def _database_now(engine: object) -> datetime:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        return connection.execute(text("SELECT clock_timestamp() AT TIME ZONE 'UTC'")).scalar_one()


def test_a_machine_whose_clock_runs_behind_reads_the_database_time(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with fresh_database(pg_url) as url:
        engine = make_engine(url)
        try:
            behind = timedelta(minutes=2)
            monkeypatch.setattr(db_clock, "_local_now",
                                lambda: datetime.now(UTC).replace(tzinfo=None) - behind)
            clock = DatabaseClock(engine)
            reading = clock.now()
            assert abs(reading - _database_now(engine)) < timedelta(seconds=5)
            assert clock.offset > timedelta(minutes=1, seconds=55)
        finally:
            engine.dispose()


def test_an_app_on_postgresql_uses_the_database_clock(pg_url: str, tmp_path: Path) -> None:
    with fresh_database(pg_url) as url:
        app = create_app({"database_url": url}, home=tmp_path / "home")
        try:
            assert isinstance(catalogue_of(app).clock, DatabaseClock)
        finally:
            catalogue_of(app).engine.dispose()

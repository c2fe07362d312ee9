"""The ``sql`` source on SQLite and PostgreSQL: tables and named queries as CSV resources with
a Table Schema from the column types."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from catalogue.context import Catalogue
from tests.harvest_servers import datasets, harvest, make_source

SCHEMA = [
    "CREATE TABLE nha_may (ma TEXT PRIMARY KEY, ten TEXT NOT NULL, cong_suat REAL, "
    "nam INTEGER, ngay_cap DATE)",
    "CREATE TABLE nhat_ky (id INTEGER PRIMARY KEY, ghi_chu TEXT)",
    "INSERT INTO nha_may VALUES ('CM1', 'Nhà máy điện Cà Mau 1', 771.0, 2008, '2008-03-01'), "
    "('DG1', 'Điện gió Tân Thuận', 75.5, 2021, '2021-10-31')",
    "INSERT INTO nhat_ky VALUES (1, 'nội bộ')",
]
ENTRIES = {
    "table": [{"name": "nha-may-dien", "table": "nha_may", "title": "Nhà máy điện",
               "tags": ["điện"], "groups": ["cong-thuong"], "temporal": "2008-01-01/2024-12-31"},
              {"name": "nhat-ky", "table": "nhat_ky", "title": "Nhật ký", "restricted": True}],
    "query": [{"name": "dien-gio", "title": "Điện gió",
               "sql": "SELECT ten, cong_suat FROM nha_may WHERE ma LIKE 'DG%' ORDER BY ten"},
              {"name": "hong", "title": "Truy vấn hỏng", "sql": "SELECT khong_co FROM nha_may"}],
}


@pytest.fixture(params=["sqlite", "postgres"])
def agency_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'agency.sqlite'}"
        yield from _filled(url)
        return
    from pg_databases import fresh_database

    with fresh_database(request.getfixturevalue("pg_url")) as url:
        yield from _filled(url)


def _filled(url: str) -> Iterator[str]:
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in SCHEMA:
            connection.execute(text(statement))
    engine.dispose()
    yield url


def test_tables_and_queries_become_csv_resources_with_schema(
        catalogue: Catalogue, org: str, home: Path, agency_db: str) -> None:
    source = make_source("sql", dsn=agency_db, **ENTRIES)
    summary = harvest(catalogue, source, home)
    assert summary.counts == {"new": 2, "updated": 0, "unchanged": 0, "held": 0, "withdrawn": 0,
                              "skipped": 1, "failed": 1}
    found = datasets(catalogue, source.name)
    plants = found["table:nha_may"]
    assert plants.name == "nha-may-dien" and [g.name for g in plants.groups] == ["cong-thuong"]
    resource = plants.resources[0]
    assert resource.format == "CSV" and resource.validation_status == "valid"
    types = {f["name"]: f["type"] for f in resource.schema["fields"]}
    assert types["ten"] == "string" and types["cong_suat"] == "number"
    assert types["nam"] == "integer" and types["ngay_cap"] == "date"
    assert resource.schema["primaryKey"] == ["ma"]
    body = catalogue.files.path(resource.sha256).read_text(encoding="utf-8")
    assert body.splitlines()[1].startswith("CM1,Nhà máy điện Cà Mau 1,771.0,2008,2008-03-01")
    assert "password" not in plants.source_url
    assert found["query:dien-gio"].resources[0].size
    assert "table:nhat_ky" not in found

    assert harvest(catalogue, source, home).counts["unchanged"] == 2
    engine = create_engine(agency_db)
    with engine.begin() as connection:
        connection.execute(text("UPDATE nha_may SET cong_suat = 80 WHERE ma = 'DG1'"))
    engine.dispose()
    changed = harvest(catalogue, source, home)
    assert changed.counts["updated"] == 2  # the table and the query both show the plant


def test_missing_database_fails_the_job(catalogue: Catalogue, org: str, home: Path,
                                        tmp_path: Path) -> None:
    missing = tmp_path / "gone.sqlite"
    summary = harvest(catalogue, make_source("sql", dsn=f"sqlite:///{missing}",
                                             table=[{"name": "x", "table": "x"}]), home)
    assert summary.status == "failed" and "not found" in summary.message
    assert not missing.exists()


def test_every_table_when_none_listed(catalogue: Catalogue, org: str, home: Path,
                                      tmp_path: Path) -> None:
    url = next(_filled(f"sqlite:///{tmp_path / 'all.sqlite'}"))
    summary = harvest(catalogue, make_source("sql", dsn=url), home)
    assert summary.counts["new"] == 2

"""Staged records are written many to a transaction, each failing alone (issue 16 item 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from catalogue import audit
from catalogue.context import Catalogue
from catalogue.harvest.model import HarvestObject
from tests.harvest_servers import (
    CkanFixture,
    ckan_package,
    ckan_server,
    datasets,
    harvest,
    make_source,
)


def _objects(catalogue: Catalogue, job_id: str) -> list[HarvestObject]:
    with catalogue.sessions() as session:
        rows = list(session.scalars(select(HarvestObject).where(
            HarvestObject.job_id == job_id).order_by(HarvestObject.position)))
        session.expunge_all()
    return rows


def test_a_record_the_service_layer_refuses_fails_alone_in_its_batch(
        catalogue: Catalogue, org: str, home: Path) -> None:
    """The third record passes staging but create_dataset refuses it (a resource format over
    50 characters): it fails with the reason, the four around it in the same transaction
    are published, and the audit chain has no gap."""
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        fixture.packages = [ckan_package(f"goi-{i}", url) for i in range(5)]
        fixture.packages[2]["resources"][0]["format"] = "định-dạng-riêng-" * 5
        fixture.files = {f"goi-{i}.csv": f"thang,gia_tri\n2024-01,{i}\n".encode()
                         for i in range(5)}
        summary = harvest(catalogue, make_source("ckan", url=url), home)
    assert summary.counts["new"] == 4 and summary.counts["failed"] == 1
    found = datasets(catalogue, "test-ckan")
    assert sorted(found) == ["id-goi-0", "id-goi-1", "id-goi-3", "id-goi-4"]
    assert all(d.state == "active" for d in found.values())
    objects = _objects(catalogue, summary.job_id)
    assert [o.identifier for o in objects] == [f"id-goi-{i}" for i in range(5)]
    failed = objects[2]
    assert (failed.outcome, failed.stage, failed.dataset_id) == ("failed", "import", None)
    assert "at most 50 characters" in failed.reason
    with catalogue.sessions() as session:
        check = audit.verify(session)
        assert check.ok, check.problem
        creates = [e.target for e in audit.entries(session) if e.action == "dataset.create"]
    assert creates == [f"dataset:goi-{i}" for i in (0, 1, 3, 4)]


def test_a_record_listed_twice_is_written_once(catalogue: Catalogue, org: str,
                                               home: Path) -> None:
    """Both copies are staged before either is written: the second finds the first in the
    batch and is unchanged, as it was when each record had its own transaction."""
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        fixture.packages = [ckan_package("goi-0", url), ckan_package("goi-0", url)]
        fixture.files = {"goi-0.csv": b"thang,gia_tri\n2024-01,1\n"}
        summary = harvest(catalogue, make_source("ckan", url=url), home)
    assert summary.counts["new"] == 1 and summary.counts["unchanged"] == 1
    assert list(datasets(catalogue, "test-ckan")) == ["id-goi-0"]


def test_records_a_failed_batch_had_committed_are_indexed_when_written_again(
        catalogue: Catalogue, org: str, home: Path, client: FlaskClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite a batch can commit records and still fail (pysqlite releases an outermost
    savepoint as a commit; the demo logged "database is locked"): written again one at a
    time they are found unchanged, and were left out of search (4 demo datasets)."""
    from harvesters.writing import WriteBatch

    original = WriteBatch._write
    calls = []

    def commits_then_fails(self: WriteBatch, waiting: list[Any]) -> list[Any]:
        written = original(self, waiting)
        calls.append(len(waiting))
        if len(calls) == 1:
            raise OperationalError("COMMIT", {}, Exception("database is locked"))
        return written

    monkeypatch.setattr(WriteBatch, "_write", commits_then_fails)
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        fixture.packages = [ckan_package(f"goi-{i}", url) for i in range(3)]
        fixture.files = {f"goi-{i}.csv": f"thang,gia_tri\n2024-01,{i}\n".encode()
                         for i in range(3)}
        summary = harvest(catalogue, make_source("ckan", url=url), home)
    assert calls[0] == 3 and summary.counts["failed"] == 0
    found = client.get("/api/3/action/package_search?rows=10").get_json()["result"]
    assert sorted(p["name"] for p in found["results"]) == ["goi-0", "goi-1", "goi-2"]

"""``dulieumo demo --no-serve``: the demo agencies generated, harvested, twice."""

from __future__ import annotations

import json
import threading

from click.testing import CliRunner
from conftest import HarvestedDemo
from flask import Flask
from sqlalchemy import create_engine, text

from portal.catalogue_ext import datastore_of
from portal.cli import main
from portal.datastore_worker import LoadWorker


def test_demo_harvests_every_agency_and_is_idempotent(harvested_demo: HarvestedDemo) -> None:
    # The first run is the session's shared harvest (conftest.harvested_demo): `dulieumo demo
    # --no-serve --port 5077`. The port it is told: citations and embed snippets name it
    # (they named 5000 whatever the port; --no-serve only so that the test does not serve).
    home = harvested_demo.home
    runner = CliRunner()
    assert "failed 0" in harvested_demo.output and "skipped" in harvested_demo.output

    engine = create_engine(f"sqlite:///{home / 'dulieumo.sqlite'}")
    try:
        with engine.connect() as db:
            rows = db.execute(text(
                "SELECT name, harvest_source, source_identifier, source_url, retrieved_at, "
                "content_hash FROM dataset WHERE state = 'active'")).all()
            types = db.execute(text("SELECT DISTINCT source_type FROM harvest_job")).scalars()
            jobs = db.execute(text("SELECT counts FROM harvest_job")).scalars().all()
            statuses = db.execute(text(
                "SELECT validation_status, count(*) FROM resource GROUP BY 1")).all()
            invalid = db.execute(text(
                "SELECT count(*) FROM resource WHERE validation_status = 'invalid'")).scalar()
            bases = db.execute(text("SELECT DISTINCT site_url FROM package_document")).scalars()
            assert list(bases) == ["http://127.0.0.1:5077"]
            # The /api page's dump links answer at once, not after the first night.
            dumps = db.execute(text("SELECT kind FROM catalogue_dump")).scalars()
            assert sorted(dumps) == ["csv", "jsonl"]
        assert len(rows) >= 40
        assert len(set(types)) >= 3
        assert all(name and source and ident and url and retrieved and len(digest) == 64
                   for name, source, ident, url, retrieved, digest in rows)
        assert sum(json.loads(c)["new"] for c in jobs) == len(rows)
        assert dict(statuses).get("valid", 0) >= 40 and invalid >= 2  # the deliberate errors
        expected = json.loads((home / "demo-sources" / "expected.json").read_text())
        restricted = {n for s in expected["sources"].values() for n in s["restricted"]}
        published = {name for name, *_ in rows}
        assert restricted and not restricted & published
        public = {n for s in expected["sources"].values() for n in s["datasets"]}
        assert public <= published

        second = runner.invoke(main, ["--home", str(home), "demo", "--no-serve"])
        assert second.exit_code == 0, second.output
        assert "new 0" in second.output and "updated 0" in second.output
        with engine.connect() as db:
            count = db.execute(text("SELECT count(*) FROM dataset WHERE state = 'active'")).scalar()
        assert count == len(rows)
    finally:
        engine.dispose()


def test_demo_without_serving_loads_the_datastore_before_it_returns(
        harvested_demo: HarvestedDemo) -> None:
    # A background load still writing when the command returned left a copy of the home
    # with a malformed datastore file (and a thread running on in whoever invoked it).
    assert "Datastore: " in harvested_demo.output
    loaded = int(harvested_demo.output.split("Datastore: ")[1].split()[0])
    assert loaded > 0
    engine = create_engine(f"sqlite:///{harvested_demo.pristine / 'datastore.sqlite'}")
    try:
        with engine.connect() as db:
            assert db.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        engine.dispose()


def test_a_process_that_serves_no_request_starts_no_load_thread(app: Flask) -> None:
    worker = LoadWorker(datastore_of(app))
    before = [t for t in threading.enumerate() if t.name == "datastore-loads"]
    worker.wake()  # what a command's commit does
    assert [t for t in threading.enumerate() if t.name == "datastore-loads"] == before

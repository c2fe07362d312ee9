"""Several machines on one database (issue 23): start-up, the signing key, harvest locks
and scheduled jobs hold across processes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from pg_databases import fresh_database

from catalogue.clock import FixedClock
from catalogue.coordination.locks import exclusive
from catalogue.coordination.shared import claim, claim_interval
from catalogue.database import make_engine, upgrade_database
from catalogue.harvest.model import HarvestJob
from harvesters.lock import SourceBusy, source_lock
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli.home_cmds import initialise
from portal.cli.schedule import tick

NOW = datetime(2026, 12, 7, 9, 0)


@pytest.fixture(params=["sqlite", "postgres"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """One empty database two machines share."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.sqlite'}"
        return
    with fresh_database(request.getfixturevalue("pg_url"), migrated=False) as url:
        yield url


def _machine(tmp_path: Path, name: str, url: str, **settings: str) -> Flask:
    app = create_app({"database_url": url, "site_url": "http://portal.test", **settings},
                     home=tmp_path / name, clock=FixedClock(NOW))
    app.config["TESTING"] = True
    return app


def _dispose(*apps: Flask) -> None:
    for app in apps:
        catalogue_of(app).engine.dispose()


def test_two_machines_initialise_one_database_at_once(tmp_path: Path, shared_url: str) -> None:
    dulieumo = str(Path(sys.executable).with_name("dulieumo"))
    env = {"DULIEUMO_DATABASE_URL": shared_url, "PATH": "/usr/bin:/bin"}
    runs = [subprocess.Popen([dulieumo, "--home", str(tmp_path / f"m{i}"), "init"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for i in range(3)]
    outputs = [run.communicate(timeout=120) for run in runs]
    outputs = [(run.returncode, out) for run, (out, _) in zip(runs, outputs, strict=True)]
    assert [code for code, _ in outputs] == [0, 0, 0], outputs


def test_machines_sharing_a_database_sign_with_one_key(tmp_path: Path, shared_url: str) -> None:
    upgrade_database(shared_url)
    a, b = _machine(tmp_path, "a", shared_url), _machine(tmp_path, "b", shared_url)
    try:
        initialise(a)
        assert a.secret_key == b.secret_key
        # A form made on A (its CSRF token lives in A's signed session) is accepted by B.
        on_a, on_b = a.test_client(), b.test_client()
        page = on_a.get("/user/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        cookie = on_a.get_cookie("dulieumo_session")
        assert cookie is not None
        on_b.set_cookie("dulieumo_session", cookie.value)
        answer = on_b.post("/user/login", data={"csrf_token": token.group(1),
                                                "login": "nobody", "password": "wrong"})
        assert answer.status_code != 400, answer.get_data(as_text=True)[:300]
    finally:
        _dispose(a, b)


def test_a_machine_started_before_init_signs_with_the_shared_key_afterwards(
        tmp_path: Path, shared_url: str) -> None:
    early = _machine(tmp_path, "early", shared_url)  # no schema yet: its home key serves
    other = _machine(tmp_path, "other", shared_url)
    try:
        initialise(other)
        other_key = _machine(tmp_path, "other", shared_url)
        early.test_client().get("/healthz")
        assert early.secret_key == other_key.secret_key
        _dispose(other_key)
    finally:
        _dispose(early, other)


def test_fallback_keys_accept_sessions_signed_before_a_rotation(tmp_path: Path,
                                                                home: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade_database(url)
    old = _machine(tmp_path, "old", url, secret_key="the-old-key-" + "x" * 20)
    new = _machine(tmp_path, "new", url, secret_key="the-new-key-" + "y" * 20,
                   secret_key_fallbacks="unrelated, the-old-key-" + "x" * 20)
    stranger = _machine(tmp_path, "stranger", url, secret_key="another-key-" + "z" * 20)
    try:
        on_old = old.test_client()
        page = on_old.get("/user/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        cookie = on_old.get_cookie("dulieumo_session")
        assert token is not None and cookie is not None
        for app, accepted in ((new, True), (stranger, False)):
            client = app.test_client()
            client.set_cookie("dulieumo_session", cookie.value)
            answer = client.post("/user/login", data={"csrf_token": token.group(1),
                                                      "login": "nobody", "password": "x"})
            assert (answer.status_code != 400) is accepted
    finally:
        _dispose(old, new, stranger)


def test_a_source_harvested_on_one_machine_is_busy_on_another(tmp_path: Path,
                                                             shared_url: str) -> None:
    upgrade_database(shared_url)
    engine_a, engine_b = make_engine(shared_url), make_engine(shared_url)
    try:
        with source_lock(tmp_path / "a-locks", "agency", engine_a):
            if engine_a.dialect.name == "postgresql":  # the lock is in the database
                with pytest.raises(SourceBusy), source_lock(tmp_path / "b-locks", "agency",
                                                            engine_b):
                    pass
            with pytest.raises(SourceBusy), source_lock(tmp_path / "a-locks", "agency",
                                                        engine_b):
                pass
        with source_lock(tmp_path / "b-locks", "agency", engine_b):
            pass  # free again once the holder let go
    finally:
        engine_a.dispose()
        engine_b.dispose()


def test_a_run_elsewhere_does_not_mark_a_live_job_aborted(tmp_path: Path,
                                                          shared_url: str) -> None:
    if not shared_url.startswith("postgresql"):
        pytest.skip("two machines share a lock only through PostgreSQL")
    from harvesters.config import read_sources
    from harvesters.registry import harvester_types
    from harvesters.runner import run_source

    upgrade_database(shared_url)
    a, b = _machine(tmp_path, "a", shared_url), _machine(tmp_path, "b", shared_url)
    try:
        config = tmp_path / "harvest.toml"
        config.write_text('[[source]]\nname = "agency"\ntype = "files"\n'
                          f'path = "{tmp_path}"\norganization = "org"\n')
        sources, problems = read_sources([config], harvester_types())
        assert not problems, problems
        with catalogue_of(a).unit("test") as uow:
            job = HarvestJob(source="agency", source_type="files", status="running",
                             started=NOW, counts={})
            uow.session.add(job)
            uow.commit()
            job_id = job.id
        with exclusive(catalogue_of(a).engine, "harvest:agency"), pytest.raises(SourceBusy):
            run_source(catalogue_of(b), sources[0], harvester_types(), tmp_path / "b-locks")
        with catalogue_of(b).unit("test") as uow:
            assert uow.session.get(HarvestJob, job_id).status == "running"  # type: ignore[union-attr]
    finally:
        _dispose(a, b)


def test_a_claim_is_won_once_among_racing_schedulers(shared_url: str) -> None:
    upgrade_database(shared_url)
    engines = [make_engine(shared_url) for _ in range(2)]
    wins: list[bool] = []
    lock = threading.Lock()

    def race(index: int) -> None:
        won = claim(engines[index % 2], "daily-backup", "2026-12-07", NOW)
        again = claim_interval(engines[index % 2], "links", timedelta(hours=1), NOW)
        with lock:
            wins.extend([won, again])

    threads = [threading.Thread(target=race, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert wins.count(True) == 2  # one backup claim, one interval claim
        assert claim_interval(engines[0], "links", timedelta(hours=1), NOW + timedelta(hours=1))
        assert not claim(engines[1], "daily-backup", "2026-12-07", NOW)
    finally:
        for engine in engines:
            engine.dispose()


def test_two_schedulers_run_the_hourly_jobs_once(tmp_path: Path, shared_url: str) -> None:
    upgrade_database(shared_url)
    a, b = _machine(tmp_path, "a", shared_url), _machine(tmp_path, "b", shared_url)
    try:
        for app in (a, b):
            app.config["DULIEUMO"]["backup_dir"] = str(tmp_path / "backups")
        lines = tick(a) + tick(b)
        assert sum(line.startswith("links:") for line in lines) == 1, lines
        assert sum(line.startswith("backup:") for line in lines) <= 1, lines
    finally:
        _dispose(a, b)

"""Limits that hold across processes and machines (issue 23): API calls per address and per
token, and the public forms, counted atomically in the shared database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pg_databases import fresh_database

from catalogue.clock import FixedClock
from catalogue.coordination.rate_limits import BatchedCounter, Limit, hit, window_start
from catalogue.database import make_engine, upgrade_database
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.pages.spam import limiter_of

NOW = datetime(2026, 12, 7, 9, 0, 30)


@pytest.fixture(params=["sqlite", "postgres"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
        upgrade_database(url)
        yield url
        return
    with fresh_database(request.getfixturevalue("pg_url")) as url:
        yield url


def _machine(tmp_path: Path, name: str, url: str, clock: FixedClock, **settings: object) -> Flask:
    app = create_app({"database_url": url, "site_url": "http://portal.test", **settings},
                     home=tmp_path / name, clock=clock)
    app.config["TESTING"] = True
    return app


def test_api_calls_over_the_limit_get_429_with_retry_after(client: FlaskClient,
                                                           app: Flask) -> None:
    app.config["DULIEUMO"]["api_rate_limit"] = 3
    codes = [client.get("/api/3/action/package_list").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    answer = client.get("/api/3/action/package_list")
    assert answer.status_code == 429
    assert answer.json is not None and answer.json["success"] is False
    assert answer.json["error"]["__type"] == "Rate Limit Exceeded"
    assert 1 <= int(answer.headers["Retry-After"]) <= 60


def test_a_token_has_its_own_higher_limit(client: FlaskClient, app: Flask, org: str,
                                          api_token: object) -> None:
    app.config["DULIEUMO"].update(api_rate_limit=2, api_rate_limit_token=4)
    token = api_token("lan", org=org, role="editor")  # type: ignore[operator]
    anonymous = [client.get("/api/3/action/package_list").status_code for _ in range(3)]
    with_token = [client.get("/api/3/action/package_list",
                             headers={"Authorization": token}).status_code for _ in range(5)]
    assert anonymous == [200, 200, 429]
    assert with_token == [200, 200, 200, 200, 429]


def test_the_api_page_states_the_limits(client: FlaskClient, app: Flask) -> None:
    app.config["DULIEUMO"].update(api_rate_limit=100, api_rate_limit_token=1000)
    page = client.get("/api?lang=en").get_data(as_text=True)
    assert "429" in page and "Retry-After" in page
    assert "100" in page and "1000" in page


def test_two_machines_share_one_api_count(tmp_path: Path, shared_url: str) -> None:
    clock = FixedClock(NOW)
    a = _machine(tmp_path, "a", shared_url, clock, api_rate_limit=4)
    b = _machine(tmp_path, "b", shared_url, clock, api_rate_limit=4)
    try:
        on_a, on_b = a.test_client(), b.test_client()
        codes = [client.get("/api/3/action/package_list").status_code
                 for client in (on_a, on_b, on_a, on_b, on_a)]
        assert codes == [200, 200, 200, 200, 429]
        assert limiter_of(a).allow("198.51.100.7") and limiter_of(b).allow("198.51.100.7")
        for _ in range(3):
            limiter_of(a).allow("198.51.100.7")
        assert not limiter_of(b).allow("198.51.100.7")  # five on A and B together
    finally:
        for app in (a, b):
            catalogue_of(app).engine.dispose()


def test_simultaneous_hits_are_all_counted(shared_url: str) -> None:
    engines = [make_engine(shared_url) for _ in range(4)]
    allowed: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def call(index: int) -> None:
        barrier.wait()
        verdict = hit(engines[index % 4], "login:203.0.113.5", Limit(5, timedelta(minutes=1)),
                      NOW)
        with lock:
            allowed.append(verdict.allowed)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(allowed) == [False] * 3 + [True] * 5
    finally:
        for engine in engines:
            engine.dispose()


def test_windows_are_aligned_so_every_process_agrees_when_one_ends() -> None:
    assert window_start(NOW, timedelta(minutes=1)) == datetime(2026, 12, 7, 9, 0)
    assert window_start(NOW, timedelta(hours=1)) == datetime(2026, 12, 7, 9, 0)


def test_batched_counts_are_shared_and_overshoot_by_at_most_a_batch(shared_url: str) -> None:
    engine = make_engine(shared_url)
    try:
        a, b = BatchedCounter(engine), BatchedCounter(engine)  # two processes
        limit = Limit(1000, timedelta(minutes=1))  # a write every 10 hits per process
        assert all(a.hit("api:addr:x", limit, NOW).allowed for _ in range(1000))
        verdicts = [b.hit("api:addr:x", limit, NOW).allowed for _ in range(20)]
        assert verdicts.count(True) <= 10 and not verdicts[-1]
        later = NOW + timedelta(minutes=1)
        assert a.hit("api:addr:x", limit, later).allowed  # a new window starts afresh
    finally:
        engine.dispose()

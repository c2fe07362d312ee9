"""The public forms' rate limit holds across workers and machines (issue 15).

Counted in the database: two apps on one database (two gunicorn workers, or two machines
behind a balancer) share one limit per address, where in-memory counters gave each its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.clock import FixedClock
from portal import create_app
from portal.catalogue_ext import catalogue_of


def _request_data(client: FlaskClient, number: int, address: str) -> int:
    page = client.get("/request/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    return client.post("/request/new", environ_base={"REMOTE_ADDR": address}, data={
        "csrf_token": token, "title": f"Số liệu mực nước số {number}",
        "description": "Mực nước hằng giờ tại trạm Cao Bằng từ năm 2020.",
        "organization": "so-tnmt-quang-ninh"}).status_code


@pytest.fixture
def second_worker(home: Path, clock: FixedClock, app: Flask) -> Iterator[Flask]:
    settings = app.config["DULIEUMO"]
    other = create_app({"site_url": settings["site_url"],
                        "database_url": settings["database_url"]}, home=home, clock=clock)
    other.config["TESTING"] = True
    yield other
    catalogue_of(other).sessions.kw["bind"].dispose()


def test_the_form_limit_is_shared_by_every_worker(app: Flask, second_worker: Flask, org: str,
                                                 clock: FixedClock) -> None:
    first, second = app.test_client(), second_worker.test_client()
    sent = [_request_data(first if n % 2 else second, n, "198.51.100.30") for n in range(6)]
    assert sent == [303] * 5 + [429]
    # Other addresses are not affected, and the window passes.
    assert _request_data(first, 7, "198.51.100.31") == 303
    clock.advance(hours=1, seconds=1)
    assert _request_data(second, 8, "198.51.100.30") == 303

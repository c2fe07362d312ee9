"""Sessions, one-time codes and the log-in throttle hold against a hostile client (issue 15).

- log-out ends the session on the server: a copy of the cookie is anonymous afterwards;
- a one-time code logs in once;
- failed log-ins throttle the client (address + account), never lock the officer out, and
  the count lives in the database that every machine shares;
- behind a reverse proxy the client's address is the one the declared proxies forwarded, so
  the throttle tells visitors apart; not behind one, a forged header changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.service import create_user, get_user
from catalogue.accounts.totp import current_code
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from portal import create_app
from portal.catalogue_ext import catalogue_of

GOOD = "Sông Hồng chảy 47 mùa"
NEW = "Núi Bài Thơ xanh 2026"
COOKIE = "dulieumo_session"


def csrf_of(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def log_in(client: FlaskClient, password: str = GOOD, code: str = "", login: str = "lan",
           **environ: str) -> int:
    token = csrf_of(client, "/user/login")
    return client.post("/user/login", data={"login": login, "password": password, "code": code,
                                             "csrf_token": token},
                       environ_base=environ or {}).status_code


@pytest.fixture
def lan(catalogue: Catalogue, org: str) -> str:
    with catalogue.unit("test") as uow:
        user = create_user(uow, name="lan", email="lan@tnmt.gov.vn", full_name="Nguyễn Thị Lan",
                           password=GOOD, organization=org, role="editor")
        user.must_change_password = False  # straight to work, no forced change in the way
        uow.commit()
    return "lan"


def _copy_of_cookie(source: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding the same session cookie (a copy kept by someone)."""
    cookie = source.get_cookie(COOKIE)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


# Log-out ------------------------------------------------------------------------------------

def test_logout_makes_a_kept_copy_of_the_cookie_anonymous(app: Flask, lan: str) -> None:
    desk = app.test_client()
    assert log_in(desk) == 302
    thief = _copy_of_cookie(desk, app)
    assert thief.get("/workspace/").status_code == 200  # the copy works while logged in
    assert desk.post("/user/logout", data={"csrf_token": csrf_of(desk, "/user/me")}
                     ).status_code == 302
    assert thief.get("/workspace/").status_code == 302  # to the log-in page
    assert thief.get("/user/me").headers["Location"].startswith("/user/login")


def test_logout_ends_only_that_session(app: Flask, lan: str) -> None:
    laptop, phone = app.test_client(), app.test_client()
    assert log_in(laptop) == 302 and log_in(phone) == 302
    laptop.post("/user/logout", data={"csrf_token": csrf_of(laptop, "/user/me")})
    assert laptop.get("/workspace/").status_code == 302
    assert phone.get("/workspace/").status_code == 200


def test_password_change_ends_kept_copies_but_not_this_session(app: Flask, lan: str) -> None:
    desk = app.test_client()
    assert log_in(desk) == 302
    thief = _copy_of_cookie(desk, app)
    response = desk.post("/user/password", data={
        "password": GOOD, "new_password": NEW, "confirm_password": NEW,
        "csrf_token": csrf_of(desk, "/user/password")})
    assert response.status_code == 302
    assert desk.get("/workspace/").status_code == 200
    assert thief.get("/workspace/").status_code == 302


# One-time codes -------------------------------------------------------------------------------

def _enable_totp(client: FlaskClient, clock: FixedClock) -> str:
    page = client.get("/user/me/totp").get_data(as_text=True)
    secret = re.search(r'class="token">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    response = client.post("/user/me/totp", data={"csrf_token": csrf_of(client, "/user/me/totp"),
                                                  "code": current_code(secret, clock.now())})
    assert response.status_code == 302
    return secret


def test_a_one_time_code_logs_in_once(app: Flask, lan: str, clock: FixedClock) -> None:
    owner = app.test_client()
    assert log_in(owner) == 302
    secret = _enable_totp(owner, clock)
    # The code that proved the app is spent already.
    assert log_in(app.test_client(), code=current_code(secret, clock.now())) == 401
    clock.advance(seconds=30)
    code = current_code(secret, clock.now())
    assert log_in(app.test_client(), code=code) == 302
    # Someone who watched it typed, within the same 30 s (or the drift window): refused.
    assert log_in(app.test_client(), code=code) == 401
    clock.advance(seconds=20)
    assert log_in(app.test_client(), code=code) == 401
    clock.advance(seconds=10)
    assert log_in(app.test_client(), code=current_code(secret, clock.now())) == 302


# The throttle ---------------------------------------------------------------------------------

def test_a_stranger_who_knows_the_login_name_cannot_lock_the_officer_out(
        app: Flask, catalogue: Catalogue, lan: str) -> None:
    attacker = app.test_client()
    statuses = [log_in(attacker, password=f"đoán mò số {i}", REMOTE_ADDR="198.51.100.7")
                for i in range(30)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    # The throttled address is not even asked for the password any more...
    assert log_in(attacker, REMOTE_ADDR="198.51.100.7") == 429
    # ...while the officer logs in from their office as usual.
    assert log_in(app.test_client(), REMOTE_ADDR="10.20.0.15") == 302
    with catalogue.sessions() as session:
        user = get_user(session, "lan")
        assert user.state == "active" and user.locked_until is None


@pytest.fixture
def second_machine(home: Path, clock: FixedClock, app: Flask) -> Iterator[Flask]:
    """Another worker of the same portal (same database, same settings, its own memory)."""
    settings = app.config["DULIEUMO"]
    other = create_app({"site_url": settings["site_url"],
                        "database_url": settings["database_url"]}, home=home, clock=clock)
    other.config["TESTING"] = True
    yield other
    catalogue_of(other).sessions.kw["bind"].dispose()


def test_the_throttle_is_shared_by_every_machine(app: Flask, second_machine: Flask,
                                                lan: str) -> None:
    first, second = app.test_client(), second_machine.test_client()
    for i in range(3):
        assert log_in(first, password=f"sai lần {i}", REMOTE_ADDR="198.51.100.8") == 401
    for i in range(2):
        assert log_in(second, password=f"sai nữa {i}", REMOTE_ADDR="198.51.100.8") == 401
    assert log_in(first, REMOTE_ADDR="198.51.100.8") == 429
    assert log_in(second, REMOTE_ADDR="198.51.100.8") == 429


def _proxied_app(home: Path, clock: FixedClock, app: Flask, hops: int) -> Flask:
    settings = app.config["DULIEUMO"]
    proxied = create_app({"site_url": settings["site_url"], "database_url":
                          settings["database_url"], "proxy_trusted_hops": hops},
                         home=home, clock=clock)
    proxied.config["TESTING"] = True
    return proxied


def test_behind_a_proxy_the_forwarded_address_is_the_client(home: Path, clock: FixedClock,
                                                           app: Flask, lan: str) -> None:
    proxied = _proxied_app(home, clock, app, hops=1)
    try:
        nginx = "10.0.0.2"  # every request reaches the portal from the proxy
        for i in range(25):  # past the per-address limit (20) as well
            status = log_in(proxied.test_client(), password=f"sai {i}", login=f"ai{i}",
                            REMOTE_ADDR=nginx, HTTP_X_FORWARDED_FOR="203.0.113.9")
            assert status in (401, 429)
        assert log_in(proxied.test_client(), REMOTE_ADDR=nginx,
                      HTTP_X_FORWARDED_FOR="203.0.113.9") == 429
        # Everyone else behind the same proxy is still let in.
        assert log_in(proxied.test_client(), REMOTE_ADDR=nginx,
                      HTTP_X_FORWARDED_FOR="198.51.100.20") == 302
    finally:
        catalogue_of(proxied).sessions.kw["bind"].dispose()


def test_not_behind_a_proxy_a_forged_forwarded_header_changes_nothing(app: Flask,
                                                                     lan: str) -> None:
    assert app.config["DULIEUMO"]["proxy_trusted_hops"] == 0
    for i in range(5):
        assert log_in(app.test_client(), password=f"sai {i}", REMOTE_ADDR="198.51.100.9",
                      HTTP_X_FORWARDED_FOR=f"192.0.2.{i}") == 401
    assert log_in(app.test_client(), REMOTE_ADDR="198.51.100.9",
                  HTTP_X_FORWARDED_FOR="192.0.2.200") == 429


def test_a_negative_number_of_proxies_is_refused_at_start_up(home: Path, clock: FixedClock,
                                                             app: Flask) -> None:
    from catalogue.errors import ConfigError

    with pytest.raises(ConfigError, match="proxy_trusted_hops"):
        _proxied_app(home, clock, app, hops=-1)

"""Lock rules fire on their dates (FixedClock, no sleeping); brute force is throttled.

Sơn La 20/2023 Điều 13.1: an account unused for over a month, or whose initial password is
not changed within a week, is locked; every lock and unlock is recorded with its reason.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from catalogue import audit
from catalogue.accounts.policy import AccountPolicy
from catalogue.accounts.principal import principal_from_token
from catalogue.accounts.service import (
    LoginRefused,
    authenticate,
    change_password,
    create_user,
    enforce_locks,
    get_user,
    unlock_user,
)
from catalogue.accounts.tokens import create_token
from catalogue.clock import FixedClock
from catalogue.context import Catalogue

GOOD = "Sông Hồng chảy 47 mùa"
NEW = "Núi Bài Thơ xanh 2026"


@pytest.fixture
def lan(catalogue: Catalogue, org: str) -> str:
    with catalogue.unit("admin") as uow:
        create_user(uow, name="lan", email="lan@tnmt.gov.vn", full_name="Nguyễn Thị Lan",
                    password=GOOD, organization=org, role="editor")
        uow.commit()
    return "lan"


def login(catalogue: Catalogue, password: str = GOOD, *, ip: str = "10.0.0.1",
          policy: AccountPolicy | None = None, who: str = "lan") -> str:
    """Log in; returns "ok" or the refusal message (the attempt is committed either way)."""
    with catalogue.unit(who) as uow:
        try:
            authenticate(uow, who, password, ip=ip, policy=policy or AccountPolicy())
            return "ok"
        except LoginRefused as refused:
            return refused.message
        finally:
            uow.commit()


def lock_events(catalogue: Catalogue, name: str = "lan") -> list[tuple[str, str]]:
    import json

    with catalogue.sessions() as session:
        return [(e.action, json.loads(e.details).get("reason", ""))
                for e in audit.entries(session, target=f"user:{name}")
                if e.action in ("user.lock", "user.unlock")]


def test_initial_password_expires_after_seven_days(catalogue: Catalogue, lan: str,
                                                   clock: FixedClock) -> None:
    clock.advance(days=7)
    assert login(catalogue) == "ok"  # day 7: still allowed (but must change it)
    clock.advance(seconds=1)
    assert "locked" in login(catalogue) and "initial password" in login(catalogue)
    assert lock_events(catalogue)[0][0] == "user.lock"
    assert "Điều 13.1" in lock_events(catalogue)[0][1]


def test_changed_password_does_not_expire(catalogue: Catalogue, lan: str,
                                          clock: FixedClock) -> None:
    with catalogue.unit("lan") as uow:
        change_password(uow, get_user(uow.session, "lan"), GOOD, NEW)
        uow.commit()
    clock.advance(days=20)
    assert login(catalogue, NEW) == "ok"


def test_days_are_configurable(catalogue: Catalogue, lan: str, clock: FixedClock) -> None:
    policy = AccountPolicy.from_settings({"account_password_change_days": 2})
    clock.advance(days=2, seconds=1)
    assert "locked" in login(catalogue, policy=policy)


def test_unused_for_thirty_days_locks_and_stops_tokens(catalogue: Catalogue, lan: str,
                                                       clock: FixedClock) -> None:
    with catalogue.unit("lan") as uow:
        user = get_user(uow.session, "lan")
        change_password(uow, user, GOOD, NEW)
        _, raw = create_token(uow, user)
        uow.commit()
    clock.advance(days=30)
    with catalogue.sessions() as session:
        assert principal_from_token(session, raw, clock) is not None  # use counts as activity
    clock.advance(days=30, seconds=1)
    with catalogue.sessions() as session:
        assert principal_from_token(session, raw, clock) is None
    assert "unused for more than 30 days" in login(catalogue, NEW)
    with catalogue.unit("admin") as uow:
        unlock_user(uow, get_user(uow.session, "lan"), "trở lại sau nghỉ phép")
        uow.commit()
    assert login(catalogue, NEW) == "ok"
    assert [a for a, _ in lock_events(catalogue)] == ["user.lock", "user.unlock"]
    assert lock_events(catalogue)[1][1] == "trở lại sau nghỉ phép"


def test_daily_sweep_locks_what_is_due(catalogue: Catalogue, lan: str, clock: FixedClock) -> None:
    clock.advance(days=8)
    with catalogue.unit("system") as uow:
        locked = enforce_locks(uow)
        uow.commit()
    assert [u.name for u in locked] == ["lan"]


def test_failed_logins_throttle_the_address_not_the_account(catalogue: Catalogue, lan: str,
                                                           clock: FixedClock) -> None:
    for _ in range(5):
        assert login(catalogue, "sai mật khẩu nhé") == "Wrong user name or password."
    # That address may not try this account for a while, even with the right password...
    assert "Too many failed log-ins to this account" in login(catalogue)
    # ...but the officer, from their own desk, logs in: a name is not enough to lock them out.
    assert login(catalogue, ip="10.0.0.2") == "ok"
    clock.advance(minutes=14)
    assert "Too many" in login(catalogue)
    clock.advance(minutes=2)
    assert login(catalogue) == "ok"
    assert lock_events(catalogue) == []


def test_one_address_is_throttled_across_accounts(app: Flask, catalogue: Catalogue, lan: str,
                                                  clock: FixedClock) -> None:
    client = app.test_client()
    page = client.get("/user/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    statuses = [client.post("/user/login", data={"login": f"user{i}", "password": "x" * 12,
                                                 "csrf_token": token}).status_code
                for i in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
    # Even the right password is not checked from that address until the window passes.
    assert client.post("/user/login", data={"login": "lan", "password": GOOD,
                                            "csrf_token": token}).status_code == 429
    clock.advance(minutes=16)
    assert client.post("/user/login", data={"login": "lan", "password": GOOD,
                                            "csrf_token": token}).status_code == 302
    assert login(catalogue, ip="10.9.9.9") == "ok"  # other addresses were never affected

"""Accounts: one identified person each, strong passwords, roles per organization, tokens."""

from __future__ import annotations

from datetime import datetime

import pytest

from catalogue import audit
from catalogue.accounts.principal import principal_from_token
from catalogue.accounts.service import (
    LoginRefused,
    authenticate,
    create_user,
    get_user,
    lock_user,
    set_role,
    unlock_user,
)
from catalogue.accounts.tokens import create_token, get_token, revoke_token
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.errors import NotAuthorized, ValidationError
from catalogue.organizations.service import create_organization

GOOD = "Sông Hồng chảy 47 mùa"


def make_user(catalogue: Catalogue, name: str = "lan", *, org: str | None = None,
              role: str | None = None, sysadmin: bool = False, email: str | None = None) -> str:
    with catalogue.unit("test") as uow:
        create_user(uow, name=name, email=email or f"{name}@tnmt.gov.vn",
                    full_name=f"Nguyễn Thị {name.title()}", password=GOOD,
                    organization=org, role=role, sysadmin=sysadmin)
        uow.commit()
    return name


def test_create_user_hashes_password_with_argon2(catalogue: Catalogue, org: str) -> None:
    make_user(catalogue, org=org, role="editor")
    with catalogue.sessions() as session:
        user = get_user(session, "LAN@tnmt.gov.vn")
        assert user.password_hash.startswith("$argon2id$")
        assert GOOD not in user.password_hash
        assert [(m.role) for m in user.memberships] == ["editor"]


def test_duplicate_email_is_refused_clearly(catalogue: Catalogue, org: str) -> None:
    make_user(catalogue, "lan", org=org)
    with pytest.raises(ValidationError) as caught, catalogue.unit("test") as uow:
        create_user(uow, name="lan2", email="Lan@TNMT.gov.vn", full_name="Lê Văn Hùng",
                    password=GOOD, organization=org)
    assert "already exists" in caught.value.errors["email"][0]


def test_same_person_in_same_agency_is_refused(catalogue: Catalogue, org: str) -> None:
    make_user(catalogue, "lan", org=org)
    with pytest.raises(ValidationError) as caught, catalogue.unit("test") as uow:
        create_user(uow, name="lan-khac", email="khac@tnmt.gov.vn", full_name="nguyễn thị lan",
                    password=GOOD, organization=org)
    assert "one account" in caught.value.errors["full_name"][0]


@pytest.mark.parametrize(("password", "why"), [
    ("ngan", "at least 10"),
    ("password123", "common passwords"),
    ("matkhau123!", "common passwords"),
    ("xyz-hoa-lan-xyz", "user name"),
    ("hoa@tnmt.gov.vn!", "user name"),
    ("Tôi có 123456 con mèo", "sequences"),
    ("ZZabcdefQ9+", "sequences"),
])
def test_weak_passwords_are_refused_with_reason(catalogue: Catalogue, org: str, password: str,
                                                why: str) -> None:
    with pytest.raises(ValidationError) as caught, catalogue.unit("test") as uow:
        create_user(uow, name="hoa", email="hoa@tnmt.gov.vn", full_name="Trần Hoa",
                    password=password.replace("hoa-lan", "hoa"), organization=org)
    assert any(why in problem for problem in caught.value.errors["password"])


def test_nothing_is_granted_by_default(catalogue: Catalogue, org: str, clock: FixedClock) -> None:
    make_user(catalogue, org=org)  # an agency but no role
    with catalogue.unit("test") as uow:
        _, raw = create_token(uow, get_user(uow.session, "lan"), scope="write")
        uow.commit()
    with catalogue.sessions() as session:
        principal = principal_from_token(session, raw, clock)
        org_id = get_user(session, "lan").organization_id
    assert principal is not None and principal.roles == {}
    assert not principal.can("dataset.read_private", org_id)
    assert not principal.can("dataset.create", org_id)


def test_token_is_shown_once_and_stored_hashed(catalogue: Catalogue, org: str,
                                               clock: FixedClock) -> None:
    make_user(catalogue, org=org, role="editor")
    with catalogue.unit("test") as uow:
        token, raw = create_token(uow, get_user(uow.session, "lan"), scope="write", days=30)
        uow.commit()
    assert raw not in (token.token_hash, token.prefix) and len(raw) > 40
    with catalogue.sessions() as session:
        principal = principal_from_token(session, raw, clock)
    assert principal is not None and principal.name == "lan"
    assert "write" in principal.scopes
    clock.advance(days=31)
    with catalogue.sessions() as session:
        assert principal_from_token(session, raw, clock) is None


def test_read_private_token_cannot_write(catalogue: Catalogue, org: str,
                                         clock: FixedClock) -> None:
    make_user(catalogue, org=org, role="admin")
    with catalogue.unit("test") as uow:
        _, raw = create_token(uow, get_user(uow.session, "lan"), scope="read_private")
        uow.commit()
    with catalogue.sessions() as session:
        principal = principal_from_token(session, raw, clock)
        org_id = get_user(session, "lan").memberships[0].organization_id
    assert principal is not None
    assert principal.can("dataset.read_private", org_id)
    assert not principal.can("dataset.update", org_id)


def test_revoked_token_and_locked_account_stop_working(catalogue: Catalogue, org: str,
                                                       clock: FixedClock) -> None:
    make_user(catalogue, org=org, role="editor")
    with catalogue.unit("test") as uow:
        token1, raw1 = create_token(uow, get_user(uow.session, "lan"))
        _, raw2 = create_token(uow, get_user(uow.session, "lan"))
        uow.commit()
    with catalogue.unit("test") as uow:
        revoke_token(uow, get_token(uow.session, token1.id))
        uow.commit()
    with catalogue.sessions() as session:
        assert principal_from_token(session, raw1, clock) is None
        assert principal_from_token(session, raw2, clock) is not None
    with catalogue.unit("admin") as uow:
        lock_user(uow, get_user(uow.session, "lan"), "token leaked")
        uow.commit()
    with catalogue.sessions() as session:
        assert principal_from_token(session, raw2, clock) is None
    with catalogue.unit("admin") as uow:
        unlock_user(uow, get_user(uow.session, "lan"), "new token issued")
        uow.commit()
    with catalogue.sessions() as session:
        assert principal_from_token(session, raw2, clock) is not None


def test_parent_admin_manages_child_organization(catalogue: Catalogue, org: str,
                                                 clock: FixedClock) -> None:
    with catalogue.unit("test") as uow:
        child = create_organization(uow, {"name": "trung-tam-quan-trac", "title": "Trung tâm",
                                          "parent": org})
        child_id = child.id
        uow.commit()
    make_user(catalogue, "boss", org=org, role="admin")
    make_user(catalogue, "staff", org=org, role="editor")
    with catalogue.unit("test") as uow:
        _, boss_raw = create_token(uow, get_user(uow.session, "boss"))
        _, staff_raw = create_token(uow, get_user(uow.session, "staff"))
        uow.commit()
    with catalogue.sessions() as session:
        boss = principal_from_token(session, boss_raw, clock)
        staff = principal_from_token(session, staff_raw, clock)
    assert boss is not None and boss.can("dataset.publish", child_id)
    assert staff is not None and not staff.can("dataset.update", child_id)
    with catalogue.unit("boss") as uow:
        set_role(uow, get_user(uow.session, "staff"), "trung-tam-quan-trac", "editor", by=boss)
        uow.commit()
    with catalogue.unit("staff") as uow, pytest.raises(NotAuthorized):
        set_role(uow, get_user(uow.session, "staff"), org, "admin", by=staff)


def test_log_in_checks_password_and_records_failures(catalogue: Catalogue, org: str) -> None:
    make_user(catalogue, org=org)
    with catalogue.unit("test") as uow:
        assert authenticate(uow, "lan@tnmt.gov.vn", GOOD, ip="10.0.0.1").name == "lan"
        uow.commit()
    with catalogue.unit("test") as uow:
        with pytest.raises(LoginRefused, match="Wrong user name or password"):
            authenticate(uow, "lan", "sai mat khau", ip="10.0.0.1")
        uow.commit()
    with catalogue.unit("test") as uow:
        with pytest.raises(LoginRefused, match="Wrong user name or password"):
            authenticate(uow, "nobody", GOOD, ip="10.0.0.1")
        uow.commit()
    with catalogue.sessions() as session:
        # Recorded with the address they came from (the throttles count these, issue 15).
        failed = audit.log.count_since(session, "login.failed", datetime(2000, 1, 1),
                                       ip="10.0.0.1")
        assert failed == 2
        assert get_user(session, "lan").state == "active"

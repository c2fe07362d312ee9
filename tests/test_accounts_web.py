"""Log-in pages: cookies, CSRF, forced password change, log-out everywhere, tokens, TOTP."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.service import create_user, get_user
from catalogue.accounts.totp import current_code
from catalogue.clock import FixedClock
from catalogue.context import Catalogue

GOOD = "Sông Hồng chảy 47 mùa"
NEW = "Núi Bài Thơ xanh 2026"


def csrf_of(client: FlaskClient, path: str) -> str:
    # Signed in, /user/login redirects to the workspace, whose forms carry the same token.
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def make_user(catalogue: Catalogue, org: str, role: str = "editor", name: str = "lan") -> None:
    with catalogue.unit("test") as uow:
        create_user(uow, name=name, email=f"{name}@tnmt.gov.vn", full_name=f"Người {name}",
                    password=GOOD, organization=org, role=role)
        uow.commit()


def log_in(client: FlaskClient, login: str = "lan", password: str = GOOD,
           code: str = "") -> object:
    token = csrf_of(client, "/user/login")
    return client.post("/user/login", data={"login": login, "password": password, "code": code,
                                             "csrf_token": token})


def change_initial_password(client: FlaskClient) -> None:
    token = csrf_of(client, "/user/password")
    response = client.post("/user/password", data={
        "password": GOOD, "new_password": NEW, "confirm_password": NEW, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_login_requires_csrf_token(client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    make_user(catalogue, org)
    response = client.post("/user/login", data={"login": "lan", "password": GOOD})
    assert response.status_code == 400


def test_first_login_forces_password_change(client: FlaskClient, catalogue: Catalogue,
                                            org: str) -> None:
    make_user(catalogue, org)
    response = log_in(client)
    assert response.status_code == 302 and response.location.endswith("/user/password")
    assert client.get("/workspace/").location.endswith("/user/password")
    change_initial_password(client)
    assert client.get("/workspace/").status_code == 200
    with catalogue.sessions() as session:
        assert not get_user(session, "lan").must_change_password


def test_session_cookie_flags_on_https_site(home: object, clock: FixedClock, tmp_path: object,
                                            catalogue: Catalogue, org: str,
                                            app: Flask) -> None:
    from portal import create_app

    secure_app = create_app({"site_url": "https://dulieu.quangninh.gov.vn"}, home=home,  # type: ignore[arg-type]
                            clock=clock)
    make_user(catalogue, org)
    client = secure_app.test_client()
    response = log_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_wrong_password_is_refused_without_saying_which(client: FlaskClient,
                                                       catalogue: Catalogue, org: str) -> None:
    make_user(catalogue, org)
    wrong_password = log_in(client, password="sai mật khẩu rồi")
    unknown_user = log_in(client, login="ai-do")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert "Wrong user name or password" in wrong_password.get_data(as_text=True)
    assert "Wrong user name or password" in unknown_user.get_data(as_text=True)


def test_logout_everywhere_ends_other_sessions(app: Flask, catalogue: Catalogue,
                                              org: str) -> None:
    make_user(catalogue, org)
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop)
    change_initial_password(laptop)
    log_in(phone, password=NEW)
    assert phone.get("/workspace/").status_code == 200
    token = csrf_of(laptop, "/user/me")
    assert laptop.post("/user/logout-everywhere", data={"csrf_token": token}).status_code == 302
    assert phone.get("/workspace/").status_code == 302
    assert laptop.get("/workspace/").status_code == 302


def test_locking_ends_the_session(client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    from catalogue.accounts.service import lock_user

    make_user(catalogue, org)
    log_in(client)
    change_initial_password(client)
    with catalogue.unit("admin") as uow:
        lock_user(uow, get_user(uow.session, "lan"), "leaked password")
        uow.commit()
    assert client.get("/workspace/").status_code == 302


def test_token_shown_once_listed_and_revocable(client: FlaskClient, catalogue: Catalogue,
                                               org: str, clock: FixedClock) -> None:
    from catalogue.accounts.principal import principal_from_token

    make_user(catalogue, org)
    log_in(client)
    change_initial_password(client)
    csrf = csrf_of(client, "/user/me")
    client.post("/user/me/tokens", data={"csrf_token": csrf, "scope": "write", "days": "30",
                                         "name": "harvest script"})
    page = client.get("/user/me").get_data(as_text=True)
    raw = re.search(r'id="new-token">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    assert "harvest script" in page
    again = client.get("/user/me").get_data(as_text=True)
    assert raw not in again and raw[:12] in again
    with catalogue.sessions() as session:
        assert principal_from_token(session, raw, clock) is not None
        token_id = get_user(session, "lan").tokens[0].id
    client.post(f"/user/me/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    with catalogue.sessions() as session:
        assert principal_from_token(session, raw, clock) is None


def test_totp_second_factor(client: FlaskClient, app: Flask, catalogue: Catalogue, org: str,
                            clock: FixedClock) -> None:
    make_user(catalogue, org, role="admin")
    log_in(client)
    change_initial_password(client)
    page = client.get("/user/me/totp").get_data(as_text=True)
    secret = re.search(r'class="token">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    csrf = csrf_of(client, "/user/me/totp")
    response = client.post("/user/me/totp", data={"csrf_token": csrf,
                                                  "code": current_code(secret, clock.now())})
    assert response.status_code == 302
    other = app.test_client()
    assert log_in(other, password=NEW).status_code == 401
    assert log_in(other, password=NEW, code="000000").status_code == 401
    clock.advance(seconds=30)  # the code that turned the app on is spent (issue 15)
    assert log_in(other, password=NEW, code=current_code(secret, clock.now())).status_code == 302


def test_totp_matches_rfc6238_vector() -> None:
    import base64
    from datetime import datetime

    secret = base64.b32encode(b"12345678901234567890").decode()
    # RFC 6238 appendix B, SHA-1, T = 59 s -> 94287082 (8 digits; the last 6 are ours).
    from catalogue.accounts.totp import code_at
    assert code_at(secret, 59 // 30, digits=8) == "94287082"
    assert current_code(secret, datetime(1970, 1, 1, 0, 0, 59)) == "287082"


def test_login_redirects_only_to_local_paths(client: FlaskClient, catalogue: Catalogue,
                                             org: str) -> None:
    make_user(catalogue, org)
    for target, expected in (("/workspace/review/", "/user/password"),
                             ("//evil.example/", "/user/password")):
        token = csrf_of(client, "/user/login")  # a new one after every log-in
        response = client.post(f"/user/login?next={target}", data={
            "login": "lan", "password": GOOD, "csrf_token": token})
        assert response.location.endswith(expected)
    change_initial_password(client)
    for target, expected in (("/workspace/review/", "/workspace/review/"),
                             ("//evil.example/", "/workspace/"),
                             ("/\\evil.example/", "/workspace/"),
                             ("https://evil.example/", "/workspace/")):
        token = csrf_of(client, "/user/login")
        response = client.post(f"/user/login?next={target}", data={
            "login": "lan", "password": NEW, "csrf_token": token})
        assert response.location == expected, target

"""Every write needs a valid token, or a session and its CSRF token; uploads are limited and
checked; user text is escaped; a fuzz of the write API never breaks the server."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets.service import get_dataset
from portal.api.registry import ACTIONS
from tests.test_accounts_web import change_initial_password, csrf_of, log_in, make_user

WRITE_ACTIONS = sorted(name for name, found in ACTIONS.items() if found.writes)


def post_routes(app: Flask) -> list[str]:
    """Every form target outside the API, with placeholder values in its URL."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.rule.startswith("/api/"):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(rf"<(?:[^:<>]+:)?{argument}>", "1" if "number" in argument else "x",
                          path)
        paths.append(path)
    return sorted(paths)


def test_there_are_forms_to_protect(app: Flask) -> None:
    assert {"/user/login", "/workspace/dataset/new", "/workspace/review/x/approve",
            "/workspace/org/x/members"} <= set(post_routes(app))


def test_every_form_refuses_a_post_without_csrf_token(app: Flask, catalogue: Catalogue,
                                                      org: str) -> None:
    make_user(catalogue, org, role="admin")
    client = app.test_client()
    log_in(client)
    change_initial_password(client)
    for path in post_routes(app):
        if path.startswith("/subscriptions/unsubscribe/"):
            continue  # one-click unsubscribe from a mail client (RFC 8058) carries no session
        response = client.post(path, data={"name": "x", "title": "x", "owner_org": org})
        assert response.status_code == 400, path


def test_every_account_form_needs_a_session(app: Flask, client: FlaskClient) -> None:
    token = csrf_of(client, "/user/login")
    for path in post_routes(app):
        if not path.startswith(("/workspace/", "/user/me", "/user/password",
                                "/user/logout-everywhere")):
            continue
        response = client.post(path, data={"csrf_token": token, "name": "x"})
        assert response.status_code == 302 and "/user/login" in response.location, path


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_every_write_action_refuses_without_a_valid_write_token(
        client: FlaskClient, catalogue: Catalogue, api_token: Any, org: str, action: str) -> None:
    from catalogue.datasets.service import create_dataset

    with catalogue.unit("setup") as uow:
        create_dataset(uow, {"name": "co-san", "owner_org": org, "resources": [
            {"url": "https://agency.test/a.csv"}]})
        uow.commit()
    before = client.get("/api/3/action/package_show?id=co-san").get_json()["result"]
    read_only = api_token("mai", org=org, role="admin", scope="read_private")
    body = {"id": "co-san", "name": "x-y", "title": "Đổi", "owner_org": org,
            "package_id": "co-san", "url": "https://agency.test/b.csv", "object": "mai",
            "object_type": "user", "capacity": "admin", "groups": [{"name": "x"}]}
    if action.startswith("resource_") and action != "resource_create":
        body["id"] = before["resources"][0]["id"]
    group = client.get("/api/3/action/group_list").get_json()["result"][0]
    body.update({"organization_patch": {"id": org}, "group_patch": {"id": group},
                 "member_create": {"id": group, "object": "co-san", "object_type": "package"},
                 }.get(action, {}))
    for headers in ({}, {"Authorization": "dlm_not-a-real-token"}, {"Authorization": read_only}):
        response = client.post(f"/api/3/action/{action}", json=body, headers=headers)
        answer = response.get_json()
        assert response.status_code == 403, (action, headers, answer)
        assert answer["success"] is False and answer["error"]["__type"] == "Authorization Error"
    after = client.get("/api/3/action/package_show?id=co-san").get_json()["result"]
    assert after == before
    assert client.get("/api/3/action/package_list").get_json()["result"] == ["co-san"]


def test_write_actions_refuse_get(client: FlaskClient, api_token: Any, org: str) -> None:
    token = api_token("lan", org=org, role="admin")
    for action in WRITE_ACTIONS:
        response = client.get(f"/api/3/action/{action}?name=x-y&owner_org={org}",
                              headers={"Authorization": token})
        assert response.get_json()["success"] is False, action


def test_editor_token_cannot_publish_through_the_api(client: FlaskClient, api_token: Any,
                                                     org: str) -> None:
    token = api_token("lan", org=org, role="editor")
    client.post("/api/3/action/package_create", headers={"Authorization": token},
                json={"name": "moi", "title": "Mới", "owner_org": org, "state": "active"})
    assert client.get("/api/3/action/package_show?id=moi").get_json()["success"] is False


# Uploads -------------------------------------------------------------------------------------

@pytest.fixture
def editor_client(app: Flask, catalogue: Catalogue, org: str) -> FlaskClient:
    from catalogue.accounts.principal import Principal
    from catalogue.organizations.service import get_organization
    from catalogue.review.service import create_draft

    make_user(catalogue, org, role="editor")
    with catalogue.unit("lan") as uow:
        org_id = get_organization(uow.session, org).id
        create_draft(uow, Principal(user_id="x", name="lan", roles={org_id: "editor"},
                                    scopes=frozenset({"write", "read_private"})),
                     {"name": "du-lieu", "title": "Dữ liệu", "owner_org": org})
        uow.commit()
    client = app.test_client()
    log_in(client)
    change_initial_password(client)
    return client


def upload(client: FlaskClient, filename: str, content: bytes) -> list[str]:
    page = "/workspace/dataset/du-lieu"
    client.post(f"{page}/resource", content_type="multipart/form-data",
                data={"csrf_token": csrf_of(client, page),
                      "file": (io.BytesIO(content), filename)})
    html = client.get(page).get_data(as_text=True)
    return re.findall(r'<p class="flash" role="status">([^<]*)</p>', html)


@pytest.mark.parametrize(("filename", "content", "why"), [
    ("virus.exe", b"MZ\x90\x00", "Không nhận tệp .exe"),
    ("bang.csv", b"MZ\x90\x00\x03\x00", "một chương trình"),
    ("bang.csv", b"<!DOCTYPE html><script>alert(1)</script>", "một trang web"),
    ("bang.xlsx", b"tram,ph\n", "không phải tệp nén zip"),
    ("bao-cao.pdf", b"hello", "không phải PDF"),
    ("bang.csv", b"a,b\n\x00\x00\x00\x01", "dữ liệu nhị phân"),
])
def test_uploads_are_content_checked(editor_client: FlaskClient, catalogue: Catalogue,
                                     filename: str, content: bytes, why: str) -> None:
    messages = upload(editor_client, filename, content)
    assert any(why in m for m in messages), messages
    with catalogue.sessions() as session:
        assert get_dataset(session, "du-lieu").resources == []


def test_csv_upload_is_validated_and_report_shown(editor_client: FlaskClient,
                                                  catalogue: Catalogue) -> None:
    upload(editor_client, "nuoc.csv", "tram,ph\nHạ Long,7.1\nCẩm Phả,abc,9\n".encode())
    with catalogue.sessions() as session:
        res = get_dataset(session, "du-lieu").resources[0]
        assert res.validation_status == "invalid"
    assert "lỗi" in editor_client.get("/workspace/dataset/du-lieu").get_data(as_text=True)


def test_uploads_are_size_limited(home: Path, clock: FixedClock, tmp_path: Path) -> None:
    from portal import create_app
    from portal.cli.home_cmds import initialise

    small_home = tmp_path / "small"
    small_home.mkdir()
    app = create_app({"max_upload_mb": 1}, home=small_home, clock=clock)
    app.config["TESTING"] = True
    initialise(app)
    from catalogue.organizations.service import create_organization
    from portal.catalogue_ext import catalogue_of

    catalogue = catalogue_of(app)
    with catalogue.unit("t") as uow:
        create_organization(uow, {"name": "so-a", "title": "Sở A"})
        uow.commit()
    make_user(catalogue, "so-a", role="admin")
    client = app.test_client()
    log_in(client)
    change_initial_password(client)
    csrf = csrf_of(client, "/workspace/dataset/new")
    client.post("/workspace/dataset/new", data={"csrf_token": csrf, "name": "lon",
                                                "title": "Lớn", "owner_org": "so-a"})
    boundary = "ranh-gioi"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"lon.csv\"\r\n\r\n").encode() + b"a,b\n" * 300_000 + (
        f"\r\n--{boundary}--\r\n").encode()
    response = client.post("/workspace/dataset/lon/resource", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    with catalogue.sessions() as session:
        assert get_dataset(session, "lon").resources == []
    search = catalogue.search
    if search is not None and hasattr(search, "close"):
        search.close()


# Escaping -------------------------------------------------------------------------------------

def test_html_in_user_text_is_escaped(app: Flask, catalogue: Catalogue, org: str) -> None:
    from catalogue.accounts.service import create_user

    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    make_user(catalogue, org, role="admin")
    with catalogue.unit("t") as uow:
        create_user(uow, name="evil", email="evil@tnmt.gov.vn", full_name=f"Kẻ {evil}",
                    password="Sông Hồng chảy 47 mùa", organization=org, role="viewer")
        uow.commit()
    client = app.test_client()
    log_in(client)
    change_initial_password(client)
    client.post("/workspace/dataset/new", data={
        "csrf_token": csrf_of(client, "/workspace/dataset/new"), "name": "html",
        "title": f"Tiêu đề {evil}", "notes": evil, "owner_org": org, "tags": "an-toan"})
    client.post("/workspace/dataset/html/publish",
                data={"csrf_token": csrf_of(client, "/workspace/dataset/html")})
    for path in ("/workspace/", "/workspace/dataset/html", f"/workspace/org/{org}/members",
                 "/dataset/html", "/workspace/dataset/html/edit"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
    assert "&lt;script&gt;" in client.get("/workspace/dataset/html").get_data(as_text=True)


# Fuzz ---------------------------------------------------------------------------------------

def _value(kind: str, rng: random.Random, org: str) -> Any:
    choices: dict[str, list[Any]] = {
        "string": ["", "x", "a" * 5000, "<script>", "' OR 1=1 --", "Hà Nội", org, "../../etc",
                   "\u0000", "null", "-1"],
        "integer": [0, -1, 10**12, "abc", None, 3.5],
        "boolean": [True, False, "maybe", None, 1],
        "object": [{}, {"a": 1}, [], "x", None],
        "array": [[], [{"name": "x"}], ["a", 1, None], "x", {"k": "v"}],
    }
    return rng.choice(choices.get(kind, choices["string"]) + [rng.random()])


def test_schema_driven_fuzz_of_the_write_api(client: FlaskClient, api_token: Any,
                                             org: str) -> None:
    """Random values of each declared parameter's type (and wrong types): every answer is a
    CKAN envelope with a 2xx/4xx status, never a server error."""
    token = api_token("fuzz", org=org, role="admin")
    client.post("/api/3/action/package_create", headers={"Authorization": token},
                json={"name": "fuzz-target", "owner_org": org})
    rng = random.Random(7)
    for name in WRITE_ACTIONS:
        params = ACTIONS[name].params
        for _ in range(25):
            body = {p.name: _value(p.type, rng, org) for p in params if rng.random() < 0.7}
            if rng.random() < 0.5:
                body["id"] = "fuzz-target"
            response = client.post(f"/api/3/action/{name}", json=body,
                                   headers={"Authorization": token})
            assert response.status_code < 500, (name, body, response.get_data(as_text=True))
            envelope = response.get_json()
            assert set(envelope) >= {"help", "success"}, (name, envelope)
            if not envelope["success"]:
                assert {"__type", "message"} <= set(envelope["error"]), (name, envelope)


def test_private_pages_forbid_framing_and_caching(app: Flask, catalogue: Catalogue,
                                                  org: str) -> None:
    make_user(catalogue, org, role="admin")
    client = app.test_client()
    assert client.get("/user/login").headers["X-Frame-Options"] == "DENY"
    log_in(client)
    change_initial_password(client)
    response = client.get("/workspace/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]
    assert "<script" not in response.get_data(as_text=True).split("</head>")[1].split(
        "</main>")[0]

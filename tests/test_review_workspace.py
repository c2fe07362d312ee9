"""The whole story in the workspace: an admin invites an editor, the editor publishes through
review, the public sees only what was approved, and every step is in the audit log."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient

from catalogue import audit
from catalogue.accounts.service import create_user
from catalogue.context import Catalogue
from catalogue.review.model import ReviewItem

ADMIN_PW = "Sông Hồng chảy 47 mùa"
EDITOR_PW = "Vịnh Hạ Long xanh 9 đảo"
NEW = "Núi Bài Thơ xanh 2026"


def csrf_of(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def log_in(client: FlaskClient, login: str, password: str, new: str) -> None:
    token = csrf_of(client, "/user/login")
    client.post("/user/login", data={"login": login, "password": password, "csrf_token": token})
    token = csrf_of(client, "/user/password")
    response = client.post("/user/password", data={"password": password, "new_password": new,
                                                   "confirm_password": new, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def public_show(client: FlaskClient, name: str) -> dict[str, object]:
    body = client.get(f"/api/3/action/package_show?id={name}").get_json()
    assert isinstance(body, dict)
    return body


def test_invite_edit_review_publish_audit(app: Flask, catalogue: Catalogue, org: str) -> None:
    with catalogue.unit("setup") as uow:
        create_user(uow, name="truong-phong", email="tp@tnmt.gov.vn", full_name="Lê Văn Trưởng",
                    password=ADMIN_PW, organization=org, role="admin")
        uow.commit()
    admin, editor, public = app.test_client(), app.test_client(), app.test_client()
    log_in(admin, "truong-phong", ADMIN_PW, NEW)

    # The admin invites an editor of the agency.
    members = f"/workspace/org/{org}/members"
    response = admin.post(members, data={
        "csrf_token": csrf_of(admin, members), "name": "bien-tap", "email": "bt@tnmt.gov.vn",
        "full_name": "Phạm Thị Biên", "role": "editor", "password": EDITOR_PW})
    assert response.status_code == 302, response.get_data(as_text=True)
    log_in(editor, "bien-tap", EDITOR_PW, "Cửa Ông đèn đỏ 1934")

    # The editor creates a draft and uploads a CSV: validated, not public.
    response = editor.post("/workspace/dataset/new", data={
        "csrf_token": csrf_of(editor, "/workspace/dataset/new"), "name": "chat-luong-nuoc",
        "title": "Chất lượng nước", "owner_org": org, "license_id": "CC-BY-4.0",
        "notes": "Kết quả quan trắc", "tags": "nuoc, moi truong"})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = "/workspace/dataset/chat-luong-nuoc"
    response = editor.post(f"{page}/resource", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(editor, page), "name": "Số liệu 2025",
        "file": (io.BytesIO("tram,ph\nHạ Long,7.1\nCẩm Phả,6.9\n".encode()), "nuoc.csv")})
    assert response.status_code == 302
    assert "valid" in editor.get(page).get_data(as_text=True)
    assert public_show(public, "chat-luong-nuoc")["success"] is False

    # The editor submits; the editor cannot publish; the admin approves from the queue.
    editor.post(f"{page}/submit", data={"csrf_token": csrf_of(editor, page)})
    assert editor.post(f"{page}/publish", data={"csrf_token": csrf_of(editor, page)}
                       ).status_code == 403
    queue = admin.get("/workspace/review/").get_data(as_text=True)
    assert "Chất lượng nước" in queue
    with catalogue.sessions() as session:
        item_id = session.query(ReviewItem).one().id
    admin.post(f"/workspace/review/{item_id}/approve",
               data={"csrf_token": csrf_of(admin, "/workspace/review/")})
    shown = public_show(public, "chat-luong-nuoc")
    assert shown["success"] is True

    # A later edit by the editor waits; the public keeps the published notes.
    editor.post(f"{page}/edit", data={"csrf_token": csrf_of(editor, f"{page}/edit"),
                                      "title": "Chất lượng nước", "notes": "Bản sửa chưa duyệt",
                                      "owner_org": org, "license_id": "CC-BY-4.0"})
    result = public_show(public, "chat-luong-nuoc")["result"]
    assert isinstance(result, dict) and result["notes"] == "Kết quả quan trắc"
    queue = admin.get("/workspace/review/").get_data(as_text=True)
    assert "Bản sửa chưa duyệt" in queue  # the diff

    # Every step is in the audit log, with the actor and address, and the chain verifies.
    with catalogue.sessions() as session:
        actions = [(e.actor, e.action) for e in audit.entries(session)]
        assert audit.verify(session).ok
        ips = {e.ip for e in audit.entries(session) if e.actor == "bien-tap"}
    for step in [("truong-phong", "login.success"), ("truong-phong", "user.create"),
                 ("bien-tap", "dataset.create"), ("bien-tap", "resource.create"),
                 ("bien-tap", "review.submit"), ("truong-phong", "review.approve")]:
        assert step in actions, step
    assert ips == {"127.0.0.1"}

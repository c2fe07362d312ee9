"""The review queue and the history page in human words (issue 19): Vietnamese labels, agency
names instead of ids, no None/False, tags added and removed; approving a file that failed
validation asks for a confirmation."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import get_dataset
from catalogue.organizations.service import get_organization
from catalogue.review import service as review
from catalogue.review.model import ReviewItem
from tests.test_review_workspace import csrf_of, log_in, public_show
from tests.test_workspace_onboarding import NEW_PW, PW, person

INTERNALS = re.compile(r"\bNone\b|\bFalse\b|\bTrue\b|owner_org|access_class|'name':")


@pytest.fixture
def admin(app: Flask, catalogue: Catalogue, org: str) -> FlaskClient:
    person(catalogue, "truong-phong", org=org)
    client = app.test_client()
    log_in(client, "truong-phong", PW, NEW_PW)
    return client


def draft(admin: FlaskClient, org: str, name: str = "chat-luong-nuoc") -> str:
    response = admin.post("/workspace/dataset/new", data={
        "csrf_token": csrf_of(admin, "/workspace/dataset/new"), "name": name,
        "title": "Chất lượng nước", "owner_org": org, "license_id": "CC-BY-4.0",
        "notes": "Kết quả quan trắc", "tags": "nước"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return f"/workspace/dataset/{name}"


def queue_section(admin: FlaskClient) -> str:
    html = admin.get("/workspace/review/").get_data(as_text=True)
    found = re.search(r'<section class="review-item".*?</section>', html, re.S)
    assert found, html
    return found.group(0)


def test_a_new_dataset_for_review_reads_in_words(admin: FlaskClient, org: str,
                                                  catalogue: Catalogue) -> None:
    page = draft(admin, org)
    admin.post(f"{page}/submit", data={"csrf_token": csrf_of(admin, page)})
    section = queue_section(admin)
    with catalogue.sessions() as session:
        org_row = get_organization(session, org)
    assert org_row.id not in section and not INTERNALS.search(section), section
    assert section.index("Tiêu đề") < section.index("Cơ quan") < section.index("Giấy phép")
    assert "Nguồn gốc" not in section  # nothing filled in
    for words in ("Cơ quan", org_row.title, "Giấy phép", "Creative Commons", "Mức truy cập",
                  "mở", "Từ khóa", "nước", "Riêng tư"):
        assert words in section, words


def test_a_change_shows_tags_added_and_removed_and_yes_no(admin: FlaskClient, org: str,
                                                          catalogue: Catalogue) -> None:
    page = draft(admin, org)
    admin.post(f"{page}/publish", data={"csrf_token": csrf_of(admin, page)})
    with catalogue.unit("bien-tap") as uow:
        ds = get_dataset(uow.session, "chat-luong-nuoc")
        review.propose_change(uow, ds, {"tags": [{"name": "môi trường"}], "private": True},
                              submitted_by="bien-tap")
        uow.commit()
    section = queue_section(admin)
    assert "+ môi trường" in section and "− nước" in section
    assert re.search(r"Riêng tư</th><td[^>]*>không</td><td[^>]*>có</td>", section), section


def test_history_says_chua_co_to_mo_not_none_to_open(admin: FlaskClient, org: str,
                                                    app: Flask) -> None:
    page = draft(admin, org)
    admin.post(f"{page}/publish", data={"csrf_token": csrf_of(admin, page)})
    html = app.test_client().get("/dataset/chat-luong-nuoc/history").get_data(as_text=True)
    main = html[html.index("<main"):]
    assert re.search(r"Mức truy cập</th><td[^>]*>chưa có</td><td[^>]*>mở</td>", main), main
    # The public history starts at the first published version (drafts are never public):
    # the approval that published it, its action in words.
    assert "Trạng thái" in main and "đã công bố" in main and "sửa thông tin" in main
    assert not INTERNALS.search(main) and "dataset.update" not in main


def test_approving_an_invalid_file_asks_for_confirmation(admin: FlaskClient, org: str,
                                                         catalogue: Catalogue,
                                                         app: Flask) -> None:
    page = draft(admin, org)
    admin.post(f"{page}/resource", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(admin, page), "name": "Số liệu lệch",
        "file": (io.BytesIO(b"a,b\n1,2\n3,4,5\n"), "lech.csv")})
    admin.post(f"{page}/submit", data={"csrf_token": csrf_of(admin, page)})
    section = queue_section(admin)
    assert "Số liệu lệch" in section and 'name="confirm_invalid"' in section
    with catalogue.sessions() as session:
        item_id = session.query(ReviewItem).one().id
    token = csrf_of(admin, "/workspace/review/")
    response = admin.post(f"/workspace/review/{item_id}/approve", data={"csrf_token": token},
                          follow_redirects=True)
    assert "Chưa công bố: tệp Số liệu lệch có lỗi" in response.get_data(as_text=True)
    public = app.test_client()
    assert public_show(public, "chat-luong-nuoc")["success"] is False
    admin.post(f"/workspace/review/{item_id}/approve",
               data={"csrf_token": token, "confirm_invalid": "1"})
    assert public_show(public, "chat-luong-nuoc")["success"] is True


def test_the_workspace_dataset_page_and_audit_log_read_in_words(admin: FlaskClient,
                                                               org: str, app: Flask,
                                                               catalogue: Catalogue) -> None:
    page = draft(admin, org)
    html = admin.get(page).get_data(as_text=True)
    main = html[html.index("<main"):]
    assert "Mức truy cập: <span class=\"diff-old\">chưa có</span> → " \
           "<span class=\"diff-new\">mở</span>" in main
    assert "tạo bộ dữ liệu" in main and not INTERNALS.search(main)
    with catalogue.unit("setup") as uow:
        from catalogue.accounts.service import get_user

        get_user(uow.session, "truong-phong").sysadmin = True
        uow.commit()
    audit_page = admin.get("/workspace/audit/").get_data(as_text=True)
    assert "tạo bộ dữ liệu <small><code>dataset.create</code></small>" in audit_page


def test_publishing_an_invalid_file_at_once_asks_for_confirmation(admin: FlaskClient,
                                                                  org: str,
                                                                  app: Flask) -> None:
    page = draft(admin, org)
    admin.post(f"{page}/resource", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(admin, page), "name": "Số liệu lệch",
        "file": (io.BytesIO(b"a,b\n1,2\n3,4,5\n"), "lech.csv")})
    assert 'name="confirm_invalid"' in admin.get(page).get_data(as_text=True)
    response = admin.post(f"{page}/publish", data={"csrf_token": csrf_of(admin, page)},
                          follow_redirects=True)
    assert "Chưa công bố: tệp Số liệu lệch có lỗi" in response.get_data(as_text=True)
    public = app.test_client()
    assert public_show(public, "chat-luong-nuoc")["success"] is False
    admin.post(f"{page}/publish", data={"csrf_token": csrf_of(admin, page),
                                        "confirm_invalid": "1"})
    assert public_show(public, "chat-luong-nuoc")["success"] is True

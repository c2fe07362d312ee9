"""The workspace speaks English too (issue 9): every page renders through the English
catalogue, with no Vietnamese left outside _() (test_portal_i18n checks the templates)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.service import create_user
from catalogue.context import Catalogue
from catalogue.review import service as review

PASSWORD = "Sông Hồng chảy 47 mùa"


@pytest.fixture
def admin(app: Flask, catalogue: Catalogue, org: str) -> FlaskClient:
    with catalogue.unit("setup") as uow:
        user = create_user(uow, name="truong-phong", email="tp@tnmt.gov.vn",
                           full_name="Lê Văn Trưởng", password=PASSWORD, organization=org,
                           role="admin")
        uow.commit()
    client = app.test_client()

    def token(path: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"',
                          client.get(path).get_data(as_text=True))
        assert found
        return found.group(1)

    client.post("/user/login", data={"login": user.name, "password": PASSWORD,
                                     "csrf_token": token("/user/login")})
    new = "Núi Bài Thơ xanh 2026"
    client.post("/user/password", data={"password": PASSWORD, "new_password": new,
                                        "confirm_password": new,
                                        "csrf_token": token("/user/password")})
    return client


@pytest.mark.parametrize(("path", "english"), [
    ("/workspace/", "+ New dataset"),
    ("/workspace/dataset/new", "Create a draft"),
    ("/workspace/dataset/nuoc-mat", "Publish now"),
    ("/workspace/dataset/nuoc-mat/edit", "Edit the dataset"),
    ("/workspace/review/", "Approve and publish"),
    ("/workspace/org/{org}/members", "Add a member"),
    ("/workspace/org/{org}/feedback", "Problem reports"),
    ("/workspace/org/{org}/harvest", "The agency has no harvest source yet"),
    ("/workspace/org/{org}/quality", "Data quality"),
])
def test_workspace_pages_in_english(admin: FlaskClient, catalogue: Catalogue, org: str,
                                    path: str, english: str) -> None:
    from catalogue.accounts.principal import Principal
    from catalogue.organizations.service import get_organization

    with catalogue.sessions() as session:
        org_id = get_organization(session, org).id
    editor = Principal(user_id="e", name="bien-tap", roles={org_id: "editor"},
                       scopes=frozenset({"read", "read_private", "write"}))
    with catalogue.unit("bien-tap") as uow:
        review.create_draft(uow, editor, {"name": "nuoc-mat", "title": "Nước mặt",
                                          "owner_org": org})
        review.submit(uow, editor, "nuoc-mat")
        uow.commit()
    response = admin.get(path.format(org=org) + "?lang=en")
    assert response.status_code == 200
    assert english in response.get_data(as_text=True)


def _surface_water(catalogue: Catalogue, org: str) -> None:
    from catalogue.accounts.principal import Principal
    from catalogue.organizations.service import get_organization

    with catalogue.sessions() as session:
        org_id = get_organization(session, org).id
    editor = Principal(user_id="e", name="bien-tap", roles={org_id: "editor"},
                       scopes=frozenset({"read", "read_private", "write"}))
    with catalogue.unit("bien-tap") as uow:
        review.create_draft(uow, editor, {
            "name": "nuoc-mat", "title": "Chất lượng nước mặt", "owner_org": org,
            "title_en": "Surface water quality", "notes": "Kết quả quan trắc nước sông.",
            "notes_en": "River monitoring results."})
        uow.commit()


def test_the_dataset_page_names_its_files_and_its_upload_form(admin: FlaskClient,
                                                               catalogue: Catalogue,
                                                               org: str) -> None:
    # "Tài nguyên" over the file list read as natural resources (a Sở Tài nguyên và Môi
    # trường's page), and the upload form had no heading (the stranger's walk-through).
    _surface_water(catalogue, org)
    page = admin.get("/workspace/dataset/nuoc-mat?lang=vi").get_data(as_text=True)
    assert '<h2 id="resources-h">Dữ liệu và tài liệu</h2>' in page
    assert ">Tài nguyên<" not in page
    assert '<h3 id="upload-h">Tải lên tệp mới</h3>' in page
    assert 'aria-labelledby="upload-h"' in page
    english = admin.get("/workspace/dataset/nuoc-mat?lang=en").get_data(as_text=True)
    assert '<h2 id="resources-h">Data and documents</h2>' in english


def test_english_workspace_pages_show_the_english_title_and_description(
        admin: FlaskClient, catalogue: Catalogue, org: str) -> None:
    _surface_water(catalogue, org)
    page = admin.get("/workspace/dataset/nuoc-mat?lang=en").get_data(as_text=True)
    heading = re.search(r"<h1>(.*?)<span", page, re.S)
    assert heading and heading[1].strip() == "Surface water quality"
    assert "<p>River monitoring results.</p>" in page  # the history's diff keeps both
    assert "Surface water quality" in admin.get("/workspace/?lang=en").get_data(as_text=True)
    vietnamese = admin.get("/workspace/dataset/nuoc-mat?lang=vi").get_data(as_text=True)
    assert "<h1>Chất lượng nước mặt" in vietnamese


def test_workspace_history_cells_carry_their_labels_for_a_phone(admin: FlaskClient,
                                                                catalogue: Catalogue,
                                                                org: str) -> None:
    _surface_water(catalogue, org)
    page = admin.get("/workspace/dataset/nuoc-mat?lang=vi").get_data(as_text=True)
    history = page.split('id="history-h"', 1)[1].split("</table>", 1)[0]
    assert '<div class="table-scroll"><table class="revisions">' in history
    for label in ("Phiên bản", "Khi nào", "Ai", "Việc", "Thay đổi"):
        assert f'data-label="{label}"' in history


@pytest.mark.parametrize(("lang", "words"), [
    ("vi", "Không có quyền truy cập"), ("en", "No access"),
])
def test_a_refused_staff_page_says_so_in_the_readers_language(admin: FlaskClient, lang: str,
                                                              words: str) -> None:
    # An agency admin opening the sysadmin's audit log got Werkzeug's English "Forbidden".
    response = admin.get(f"/workspace/audit/?lang={lang}")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert words in page and "Forbidden" not in page

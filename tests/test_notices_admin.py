"""The sysadmin pages for notices and reports (issue 8)."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from catalogue.context import Catalogue

PASSWORD = "Sông Hồng chảy 47 mùa"
NEW_PASSWORD = "Núi Bài Thơ xanh 2026"


def _csrf(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


@pytest.fixture
def admin(client: FlaskClient, catalogue: Catalogue) -> FlaskClient:
    from catalogue.accounts.service import create_user

    with catalogue.unit("test") as uow:
        create_user(uow, name="quan-tri", email="qt@stttt.gov.vn", full_name="Quản Trị",
                    password=PASSWORD, sysadmin=True)
        uow.commit()
    client.post("/user/login", data={"login": "quan-tri", "password": PASSWORD,
                                     "csrf_token": _csrf(client, "/user/login")})
    client.post("/user/password", data={"password": PASSWORD, "new_password": NEW_PASSWORD,
                                        "confirm_password": NEW_PASSWORD,
                                        "csrf_token": _csrf(client, "/user/password")})
    return client


def test_sysadmin_posts_a_late_maintenance_window_and_is_warned(admin: FlaskClient) -> None:
    token = _csrf(admin, "/workspace/operations/notices")
    response = admin.post("/workspace/operations/notices", data={
        "kind": "maintenance", "starts_at": "2026-03-04T22:00", "ends_at": "2026-03-05T01:00",
        "reason": "Nâng cấp máy chủ cơ sở dữ liệu", "csrf_token": token},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cảnh báo" in page and "Điều 13.4" in page
    assert "đang hiển thị" in page
    status = admin.get("/workspace/operations/notices")
    assert "Nâng cấp máy chủ cơ sở dữ liệu" in status.get_data(as_text=True)


def test_maintenance_without_end_is_refused_with_the_field(admin: FlaskClient) -> None:
    token = _csrf(admin, "/workspace/operations/notices")
    response = admin.post("/workspace/operations/notices", data={
        "kind": "maintenance", "starts_at": "2026-03-20T22:00", "reason": "Thiếu giờ kết thúc",
        "csrf_token": token})
    assert response.status_code == 400
    assert "ends_at" in response.get_data(as_text=True)


def test_reports_page_and_exports(admin: FlaskClient) -> None:
    page = admin.get("/workspace/operations/reports?period=2026-Q1")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Quý 1 năm 2026" in text and "Lượt tải xuống" in text
    xlsx = admin.get("/workspace/operations/reports/2026-Q1.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    csv = admin.get("/workspace/operations/reports/2026-Q1.csv")
    assert "Bộ dữ liệu công bố mới" in csv.get_data(as_text=True)
    assert admin.get("/workspace/operations/reports?period=2026-Q9").status_code == 400


def test_operations_pages_are_for_sysadmins_only(client: FlaskClient) -> None:
    response = client.get("/workspace/operations/notices")
    assert response.status_code == 302 and "/user/login" in response.headers["Location"]

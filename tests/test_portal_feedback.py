"""Report a problem and request data: CSRF, honeypot, rate limit, status by link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_server import DemoSite, seed
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.feedback.model import DataRequest, ProblemReport
from catalogue.feedback.service import agency_queue, update_report_status, update_request_status


@pytest.fixture
def site(catalogue: Catalogue) -> DemoSite:
    return seed(catalogue)


def token_of(client: FlaskClient, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def count(catalogue: Catalogue, model: type) -> int:
    with catalogue.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_report_goes_to_the_agency_queue_and_can_be_followed(
        client: FlaskClient, catalogue: Catalogue, site: DemoSite) -> None:
    url = f"/dataset/{site.bus}/report"
    token = token_of(client, url)
    response = client.post(url, data={
        "csrf_token": token, "category": "wrong_data", "resource_id": site.bus_resource,
        "message": "Số tuyến của bến xe Hòa An ghi là abc.", "email": "dan@example.vn"})
    assert response.status_code == 303
    follow = response.headers["Location"]
    assert re.fullmatch(r"/report/[\w-]{20,}", follow)
    status = client.get(follow).get_data(as_text=True)
    assert "Mới tiếp nhận" in status and "Số tuyến của bến xe Hòa An" in status
    with catalogue.sessions() as session:
        org_id = session.scalars(select(ProblemReport.organization_id)).one()
        queue = agency_queue(session, org_id)
    assert [r.dataset_name for r in queue] == [site.bus]
    with catalogue.unit("agency") as uow:
        update_report_status(uow, queue[0].id, "resolved", "Đã sửa thành 12 tuyến.")
        uow.commit()
    status = client.get(follow).get_data(as_text=True)
    assert "Đã xử lý" in status and "Đã sửa thành 12 tuyến." in status


def test_report_without_csrf_token_is_refused(client: FlaskClient, catalogue: Catalogue,
                                              site: DemoSite) -> None:
    response = client.post(f"/dataset/{site.bus}/report", data={
        "category": "wrong_data", "message": "Dữ liệu sai ở dòng 3 cột số tuyến."})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert count(catalogue, ProblemReport) == 0


def test_report_errors_are_shown_next_to_fields(client: FlaskClient, site: DemoSite) -> None:
    url = f"/dataset/{site.bus}/report"
    response = client.post(url, data={"csrf_token": token_of(client, url),
                                      "category": "wrong_data", "message": "sai",
                                      "email": "not-an-email"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="message-error"' in html and "Nội dung quá ngắn." in html
    assert "Địa chỉ thư điện tử không hợp lệ." in html
    assert 'aria-invalid="true"' in html


def test_honeypot_submissions_are_dropped(client: FlaskClient, catalogue: Catalogue,
                                          site: DemoSite) -> None:
    url = f"/dataset/{site.bus}/report"
    response = client.post(url, data={"csrf_token": token_of(client, url),
                                      "category": "other", "website": "http://spam.example",
                                      "message": "Buy cheap things at our shop now"})
    assert response.status_code == 303
    assert count(catalogue, ProblemReport) == 0


def test_rate_limit_per_address(client: FlaskClient, catalogue: Catalogue, clock: FixedClock,
                                site: DemoSite) -> None:
    url = f"/dataset/{site.bus}/report"
    token = token_of(client, url)
    form = {"csrf_token": token, "category": "other",
            "message": "Một báo cáo thử nghiệm đủ dài."}
    codes = [client.post(url, data=form).status_code for _ in range(6)]
    assert codes == [303] * 5 + [429]
    clock.advance(hours=1, seconds=1)
    assert client.post(url, data=form).status_code == 303
    assert count(catalogue, ProblemReport) == 6


def test_data_requests_are_public_with_status(client: FlaskClient, catalogue: Catalogue,
                                              site: DemoSite) -> None:
    token = token_of(client, "/request/new")
    response = client.post("/request/new", data={
        "csrf_token": token, "title": "Số liệu mực nước sông Bằng Giang",
        "description": "Mực nước hằng giờ tại trạm Cao Bằng từ năm 2020.",
        "organization": "so-gtvt-cao-bang", "requester": "Báo Cao Bằng",
        "email": "toasoan@example.vn"})
    assert response.status_code == 303
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Số liệu mực nước sông Bằng Giang" in detail and "Báo Cao Bằng" in detail
    assert "toasoan@example.vn" not in detail
    listing = client.get("/request").get_data(as_text=True)
    assert "Số liệu mực nước sông Bằng Giang" in listing and "Mới tiếp nhận" in listing
    with catalogue.sessions() as session:
        request_id = session.scalars(select(DataRequest.id)).one()
    with catalogue.unit("agency") as uow:
        update_request_status(uow, request_id, "in_progress", "Đang tổng hợp.")
        uow.commit()
    assert "Đang xử lý" in client.get("/request?status=in_progress").get_data(as_text=True)
    assert "Số liệu mực nước" not in client.get("/request?status=resolved").get_data(
        as_text=True)


def test_data_request_validation(client: FlaskClient, catalogue: Catalogue) -> None:
    response = client.post("/request/new", data={
        "csrf_token": token_of(client, "/request/new"), "title": "x", "description": "",
        "organization": "khong-ton-tai"})
    assert response.status_code == 400
    assert count(catalogue, DataRequest) == 0


def test_unknown_report_token_is_404(client: FlaskClient) -> None:
    assert client.get("/report/not-a-real-token-at-all").status_code == 404


def test_report_for_hidden_dataset_is_404(client: FlaskClient, site: DemoSite) -> None:
    assert client.get(f"/dataset/{site.private}/report").status_code == 404


def test_feedback_tables_migrate(app: Flask, home: Path) -> None:
    from sqlalchemy import inspect

    from portal.catalogue_ext import catalogue_of

    engine = catalogue_of(app).sessions.kw["bind"]
    tables = set(inspect(engine).get_table_names())
    assert {"problem_report", "data_request"} <= tables

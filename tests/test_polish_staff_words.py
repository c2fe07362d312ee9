"""The staff side in Vietnamese (issue 19 item 6): the services' English validation messages,
review holds, revision messages and report notes reach officers in words."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.privacy.gate import hold_message
from catalogue.privacy.screen import Finding

PASSWORD, NEW = "Sông Hồng chảy 47 mùa", "Núi Bài Thơ xanh 2026"


def _csrf(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


@pytest.fixture
def sysadmin(app: Flask, catalogue: Catalogue, org: str) -> FlaskClient:
    from catalogue.accounts.service import create_user

    with catalogue.unit("setup") as uow:
        create_user(uow, name="quan-tri", email="qt@stttt.gov.vn", full_name="Trần Quản Trị",
                    password=PASSWORD, sysadmin=True)
        uow.commit()
    client = app.test_client()
    client.post("/user/login", data={"login": "quan-tri", "password": PASSWORD,
                                     "csrf_token": _csrf(client, "/user/login")})
    client.post("/user/password", data={"password": PASSWORD, "new_password": NEW,
                                        "confirm_password": NEW,
                                        "csrf_token": _csrf(client, "/user/password")})
    return client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_personal_data_hold_reads_in_vietnamese(app: Flask) -> None:
    from portal.harvest_words import reason

    message = hold_message([Finding("date_of_birth", "data", column="ngày sinh", count=3,
                                    positions=(1, 2, 3))], "ho-so.csv")
    message += "\nreview item 0f3b8a52-41f0-4c7e-9a55-7d1e35c2a9b1"
    with app.test_request_context("/?lang=vi"):
        words = reason(message)
    assert words.split("\n") == [
        "Phát hiện dữ liệu cá nhân — giữ lại chờ duyệt:",
        "ho-so.csv: Ngày sinh gắn với họ tên (date_of_birth) ở cột “ngày sinh”: 3 lần, "
        "dòng 1, 2, 3",
        "đang trong hàng chờ duyệt"]  # not its id: "mục chờ duyệt 0f3b8a52"
    with app.test_request_context("/?lang=vi"):
        assert reason("harvest job 0f3b8a52-41f0-4c7e-9a55-7d1e35c2a9b1") == \
            "một lần thu thập trước đây"  # a job no longer kept
        assert reason("Giữ lại chờ duyệt (held for review):\n- giấy phép lạ") == \
            "Giữ lại chờ duyệt:\n- giấy phép lạ"


def test_a_harvest_job_is_named_by_its_source_and_start_not_its_id(
        app: Flask, catalogue: Catalogue) -> None:
    # The workspace history showed "tạo bộ dữ liệu: lần thu thập 9a4ac190" (the stranger).
    from catalogue.harvest.model import HarvestJob
    from portal.harvest_words import reason

    job_id = "9a4ac190-41f0-4c7e-9a55-7d1e35c2a9b1"
    with catalogue.sessions() as session, session.begin():
        session.add(HarvestJob(id=job_id, source="binh-phuoc-dat-dai",
                               started=datetime(2026, 12, 7, 8, 30)))
    with app.test_request_context("/?lang=vi"):
        assert reason(f"harvest job {job_id}") == \
            "lần thu thập từ binh-phuoc-dat-dai lúc 07/12/2026 08:30"
        assert reason(f"harvest job {job_id}: no longer offered by the source") == \
            ("lần thu thập từ binh-phuoc-dat-dai lúc 07/12/2026 08:30: "
             "nguồn không còn đưa ra bản ghi này")


def test_the_public_history_names_a_harvest_in_words(client: FlaskClient, catalogue: Catalogue,
                                                    org: str) -> None:
    # /dataset/<name>/history showed "harvest job 9a4ac190-c90d-…" as the version's message.
    from catalogue.datasets import service as datasets
    from catalogue.harvest.model import HarvestJob

    job_id = "9a4ac190-c90d-4d91-8475-5b8c8ebe9236"
    with catalogue.sessions() as session, session.begin():
        session.add(HarvestJob(id=job_id, source="binh-phuoc-dat-dai",
                               started=datetime(2026, 12, 7, 8, 30)))
    with catalogue.unit("harvest:binh-phuoc-dat-dai") as uow:
        datasets.create_dataset(uow, {"name": "gia-dat", "title": "Bảng giá đất",
                                      "owner_org": org, "license_id": "CC-BY-4.0"},
                                message=f"harvest job {job_id}")
        uow.commit()
    page = client.get("/dataset/gia-dat/history?lang=vi").get_data(as_text=True)
    assert "lần thu thập từ binh-phuoc-dat-dai lúc 07/12/2026 08:30" in page
    assert "harvest job" not in page and job_id not in page


def test_a_record_marked_restricted_at_its_source_says_so_in_words(app: Flask) -> None:
    from portal.harvest_words import reason

    with app.test_request_context("/?lang=vi"):
        assert reason("marked restricted in the source") == "được đánh dấu hạn chế ở nguồn"


def test_an_invalid_harvested_file_reads_in_english_on_the_english_page(app: Flask) -> None:
    # harvesters.checks writes the reason in Vietnamese; the English job page showed it so.
    from harvesters.checks import invalid_reason
    from portal.harvest_words import reason

    written = invalid_reason("he-so-k.csv", {"error_types": {"type-error": 1,
                                                             "extra-cell": 2}})
    with app.test_request_context("/?lang=vi"):
        assert reason(written) == written
    with app.test_request_context("/?lang=en"):
        english = reason(written)
    assert "Dữ liệu không hợp lệ" not in english and "thừa ô" not in english
    assert "he-so-k.csv" in english and "(extra-cell): 2" in english


def test_history_names_administrative_units_and_the_source_licence_in_words(
        app: Flask) -> None:
    # The public history showed "spatial_units" and "+ source_license_id: CC-BY-4.0".
    from portal.change_words import describe

    changes = [{"field": "spatial_units", "old": None, "new": "Tỉnh Bình Phước"},
               {"field": "extras", "old": None,
                "new": [{"key": "source_license_id", "value": "CC-BY-4.0"}]}]
    with app.test_request_context("/?lang=vi"):
        rows = describe(changes)
        shown = " ".join(f"{row['label']} {row['summary'] or row['new']}" for row in rows)
    assert "Đơn vị hành chính" in shown and "Giấy phép ghi ở nguồn: CC-BY-4.0" in shown
    assert "spatial_units" not in shown and "source_license_id" not in shown


def test_dataset_form_errors_are_in_vietnamese(sysadmin: FlaskClient, org: str) -> None:
    page = sysadmin.post("/workspace/dataset/new", data={
        "csrf_token": _csrf(sysadmin, "/workspace/dataset/new"), "name": "Tên Có Dấu",
        "title": "", "owner_org": org})
    assert page.status_code == 400
    errors = re.search(r'<ul class="errors"[^>]*>(.*?)</ul>', page.get_data(as_text=True), re.S)
    assert errors is not None
    shown = _text(errors[1])
    assert "Phải gồm 2–100 ký tự: chữ thường a-z, số 0-9, - và _" in shown
    assert "Must be" not in shown and "Missing value" not in shown


def test_notice_form_errors_and_report_notes_are_in_vietnamese(sysadmin: FlaskClient) -> None:
    page = sysadmin.post("/workspace/operations/notices", data={
        "csrf_token": _csrf(sysadmin, "/workspace/operations/notices"), "kind": "maintenance",
        "reason": "Nâng cấp máy chủ"})
    assert page.status_code == 400
    assert "Đợt bảo trì phải có giờ kết thúc" in page.get_data(as_text=True)
    reports = _text(sysadmin.get("/workspace/operations/reports").get_data(as_text=True))
    assert "Dòng của lĩnh vực đếm một bộ dữ liệu ở mỗi lĩnh vực nó thuộc về" in reports
    assert "counted" not in reports and "judged" not in reports
    bad = sysadmin.get("/workspace/operations/reports?period=2026-13")
    assert bad.status_code == 400
    assert "tháng phải từ 01 đến 12" in bad.get_data(as_text=True)


def test_a_token_with_days_that_are_no_number_says_so_in_vietnamese(
        sysadmin: FlaskClient) -> None:
    sysadmin.post("/user/me/tokens", data={"csrf_token": _csrf(sysadmin, "/user/me"),
                                           "days": "ba mươi", "scope": "read"})
    page = sysadmin.get("/user/me").get_data(as_text=True)
    assert "Số ngày hiệu lực phải là số nguyên." in page
    assert "invalid literal" not in page


def test_unknown_messages_stay_as_written(app: Flask) -> None:
    from portal.error_words import error_words

    with app.test_request_context("/?lang=vi"):
        assert error_words("Must be one of editor, admin") == "Phải là một trong: editor, admin"
        assert error_words("something new") == "something new"


def test_english_pages_keep_the_services_own_english(app: Flask) -> None:
    from portal.error_words import error_words
    from portal.report_words import report_note

    with app.test_request_context("/?lang=en"):
        assert error_words("A maintenance window needs an end") == \
            "A maintenance window needs an end"
        assert report_note("'2026-13': month must be 01-12") == "'2026-13': month must be 01-12"

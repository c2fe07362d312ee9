"""Quality on agency dashboards (issue 9): the workspace shows each agency's average score,
its bands, the datasets to fix first with what to do and the overdue ones; the public agency
page shows the average over its open data."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.service import create_user
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets import service as datasets
from catalogue.quality.agency import score_published, summarise, summarise_by

PASSWORD = "Sông Hồng chảy 47 mùa"
GOOD = {"license_id": "CC-BY-4.0", "notes": "Kết quả quan trắc chất lượng nước mặt " * 4,
        "temporal_start": "2024-01-01", "spatial": "Quảng Ninh", "update_frequency": "monthly",
        "maintainer": "Phòng Quan trắc",
        "resources": [{"url": "https://so.test/nuoc.csv", "format": "CSV"}]}


def add(catalogue: Catalogue, org: str, name: str, **fields: object) -> None:
    with catalogue.unit("setup") as uow:
        datasets.create_dataset(uow, {"name": name, "title": name.replace("-", " ").title(),
                                      "owner_org": org, **fields})
        uow.commit()


def agency(catalogue: Catalogue, org: str, clock: FixedClock) -> None:
    add(catalogue, org, "nuoc-mat", **GOOD)
    add(catalogue, org, "khong-khi", notes="Ngắn.")  # no licence, frequency, coverage…
    clock.advance(days=60)  # nuoc-mat promised monthly updates: now overdue
    add(catalogue, org, "rieng", private=True, **GOOD)  # never in the public average


def log_in(app: Flask, catalogue: Catalogue, org: str) -> FlaskClient:
    with catalogue.unit("setup") as uow:
        create_user(uow, name="can-bo", email="cb@tnmt.gov.vn", full_name="Lê Văn Cán",
                    password=PASSWORD, organization=org, role="editor")
        uow.commit()
    client = app.test_client()

    def token(path: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"',
                          client.get(path).get_data(as_text=True))
        assert found
        return found.group(1)

    client.post("/user/login", data={"login": "can-bo", "password": PASSWORD,
                                     "csrf_token": token("/user/login")})
    new = "Núi Bài Thơ xanh 2026"
    client.post("/user/password", data={"password": PASSWORD, "new_password": new,
                                        "confirm_password": new,
                                        "csrf_token": token("/user/password")})
    return client


def test_summary_has_average_bands_lowest_and_overdue(
        catalogue: Catalogue, org: str, clock: FixedClock) -> None:
    agency(catalogue, org, clock)
    with catalogue.sessions() as session:
        scored = score_published(session, catalogue.site_url, clock.now())
        public = score_published(session, catalogue.site_url, clock.now(), public_only=True)
    block = summarise_by(scored, lambda s: [s.organization])[org]
    assert block.datasets == 3 and [s.name for s in public] != []
    assert {s.name for s in public} == {"nuoc-mat", "khong-khi"}
    assert block.lowest[0].name == "khong-khi" and block.lowest[0].score < 50
    assert "license" in {f.key for f in block.lowest[0].fixes}
    assert [s.name for s in block.overdue] == ["nuoc-mat"]
    assert sum(block.bands.values()) == 3 and block.below == 1
    assert summarise([]).average is None


def test_dashboard_shows_quality_fixes_and_overdue(
        app: Flask, catalogue: Catalogue, org: str, clock: FixedClock) -> None:
    agency(catalogue, org, clock)
    page = log_in(app, catalogue, org).get("/workspace/").get_data(as_text=True)
    assert "Chất lượng dữ liệu" in page and "Điểm trung bình" in page
    assert "1 bộ dữ liệu quá hạn cập nhật" in page
    assert "Cần sửa trước" in page
    assert "Chọn giấy phép mở" in page  # the licence criterion's fix text
    assert "Cần cải thiện (&lt; 50)" in page


def test_agency_quality_page_lists_every_dataset(
        app: Flask, catalogue: Catalogue, org: str, clock: FixedClock) -> None:
    agency(catalogue, org, clock)
    client = log_in(app, catalogue, org)
    page = client.get(f"/workspace/org/{org}/quality").get_data(as_text=True)
    for name in ("nuoc-mat", "khong-khi", "rieng"):
        assert f"/workspace/dataset/{name}" in page
    assert app.test_client().get(f"/workspace/org/{org}/quality").status_code == 302


def test_dashboard_in_english(app: Flask, catalogue: Catalogue, org: str,
                              clock: FixedClock) -> None:
    agency(catalogue, org, clock)
    client = log_in(app, catalogue, org)
    page = client.get("/workspace/?lang=en").get_data(as_text=True)
    assert "Data quality" in page and "Fix these first" in page
    assert "Choose an open licence" in page


def test_public_agency_page_shows_the_average_of_open_data(
        client: FlaskClient, catalogue: Catalogue, org: str, clock: FixedClock) -> None:
    agency(catalogue, org, clock)
    with catalogue.sessions() as session:
        public = score_published(session, catalogue.site_url, clock.now(), public_only=True)
    average = summarise(public).average
    page = client.get(f"/organization/{org}").get_data(as_text=True)
    assert "Chất lượng trung bình" in page
    assert f"{average:g}".replace(".", ",") in page

"""Reports per agency and sector for a month, quarter or year; CSV and XLSX (issue 8)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from ops_data import publish, revise

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets.service import delete_dataset
from catalogue.errors import ValidationError
from catalogue.reports.compute import build_report
from catalogue.reports.export import HEADERS, report_csv, report_xlsx
from catalogue.reports.period import parse_period
from catalogue.usage.counter import UsageCounter
from portal.cli import main


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026-10", datetime(2026, 10, 1), datetime(2026, 11, 1)),
    ("2026-12", datetime(2026, 12, 1), datetime(2027, 1, 1)),
    ("2026-Q3", datetime(2026, 7, 1), datetime(2026, 10, 1)),
    ("2026-Q4", datetime(2026, 10, 1), datetime(2027, 1, 1)),
    ("2026", datetime(2026, 1, 1), datetime(2027, 1, 1)),
])
def test_periods(text: str, start: datetime, end: datetime) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26", "tháng 10"])
def test_bad_period_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_period(text)


@pytest.fixture
def activity(app: Flask, catalogue: Catalogue, org: str, clock: FixedClock) -> Catalogue:
    """March 2026: two datasets published (one also in the health sector), one revised,
    one withdrawn; downloads and API calls counted; one dataset from February."""
    clock.advance(days=-10)  # 2026-02-20
    publish(catalogue, org, "cu-thang-hai")
    clock.advance(days=10)  # 2026-03-02
    publish(catalogue, org, "khong-khi", groups=("moi-truong", "y-te"))
    publish(catalogue, org, "nuoc-mat")
    revise(catalogue, "cu-thang-hai", "Sửa trong tháng ba")
    with catalogue.unit("editor@test") as uow:
        delete_dataset(uow, "nuoc-mat")
        uow.commit()
    engine = catalogue.sessions.kw["bind"]
    counter = UsageCounter(engine, clock, flush_every=1000)
    with catalogue.sessions() as session:
        from catalogue.datasets.service import get_dataset

        resource_id = get_dataset(session, "khong-khi").resources[0].id
    for _ in range(5):
        counter.record("download", "resource", resource_id)
    counter.record("api", "package_show", "khong-khi")
    counter.record("api", "package_search", "")
    counter.flush()
    return catalogue


def test_report_counts_per_agency_and_sector(activity: Catalogue, org: str) -> None:
    with activity.sessions() as session:
        report = build_report(session, parse_period("2026-03"))
    agency = next(r for r in report.agencies if r.key == org)
    assert agency.counts["published"] == 2
    assert agency.counts["updated"] == 1
    assert agency.counts["withdrawn"] == 1
    assert agency.counts["resources_added"] == 2
    assert agency.counts["downloads"] == 5
    assert agency.counts["api_calls"] == 1
    health = next(r for r in report.sectors if r.key == "y-te")
    assert health.counts["published"] == 1 and health.counts["downloads"] == 5
    assert report.totals["api_calls"] == 2  # package_search belongs to no agency
    assert report.totals["published"] == 2


def test_other_periods_do_not_count_march(activity: Catalogue, org: str) -> None:
    with activity.sessions() as session:
        february = build_report(session, parse_period("2026-02"))
        year = build_report(session, parse_period("2026"))
    assert february.totals["published"] == 1 and february.totals["downloads"] == 0
    assert year.totals["published"] == 3


def test_csv_has_vietnamese_headers_and_a_total_line(activity: Catalogue) -> None:
    with activity.sessions() as session:
        data = report_csv(build_report(session, parse_period("2026-Q1")))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert "Lượt tải xuống" in rows[0] and "Bộ dữ liệu công bố mới" in rows[0]
    assert rows[-1][1] == "Tổng cộng"


def test_xlsx_opens_with_sheets_per_agency_and_sector(activity: Catalogue) -> None:
    from openpyxl import load_workbook

    with activity.sessions() as session:
        data = report_xlsx(build_report(session, parse_period("2026-03")))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Theo cơ quan", "Theo lĩnh vực", "Ghi chú"]
    sheet = book["Theo cơ quan"]
    assert sheet["A1"].value == "Báo cáo hoạt động — Tháng 3 năm 2026"
    assert sheet["C2"].value == "Bộ dữ liệu công bố mới"
    assert sheet.cell(row=3, column=3).value == 2


def test_cli_report_writes_xlsx_and_csv(activity: Catalogue, app: Flask, tmp_path: object,
                                        ) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "bao-cao.xlsx"
    home = str(app.config["DULIEUMO_HOME"].root)
    runner = CliRunner()
    result = runner.invoke(main, ["--home", home, "report", "--period", "2026-03",
                                  "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"
    result = runner.invoke(main, ["--home", home, "report", "--period", "2026-03"])
    assert result.exit_code == 0 and "Lượt gọi API" in result.output
    result = runner.invoke(main, ["--home", home, "report", "--period", "2026-14"])
    assert result.exit_code != 0 and "--period" in result.output


def test_usage_counts_are_batched_and_added_across_workers(catalogue: Catalogue,
                                                          clock: FixedClock) -> None:
    from sqlalchemy import select

    from catalogue.usage.model import UsageDaily

    engine = catalogue.sessions.kw["bind"]
    workers = [UsageCounter(engine, clock, flush_every=3, flush_seconds=3600) for _ in range(2)]
    for worker in workers:
        worker.record("api", "package_show", "a")
        worker.record("api", "package_show", "a")
    with catalogue.sessions() as session:
        assert session.scalars(select(UsageDaily)).all() == []  # nothing written per request
    for worker in workers:
        worker.record("api", "package_show", "a")  # the third hit flushes the batch
    with catalogue.sessions() as session:
        row = session.scalars(select(UsageDaily)).one()
    assert (row.day, row.count) == (date(2026, 3, 2), 6)


def test_quality_per_agency_and_sector(activity: Catalogue, org: str, clock: FixedClock) -> None:
    from catalogue.datasets.service import update_dataset
    from catalogue.quality.agency import score_published, summarise

    with activity.unit("editor@test") as uow:  # promises monthly updates from 2 March on
        update_dataset(uow, "khong-khi", {"update_frequency": "monthly"}, partial=True)
        uow.commit()
    with activity.sessions() as session:
        scores = {s.name: s.score for s in score_published(session, "", clock.now())}
        march = build_report(session, parse_period("2026-03"), now=clock.now())
        june = build_report(session, parse_period("2026-06"))
    assert set(scores) == {"cu-thang-hai", "khong-khi"}  # the withdrawn one does not count
    agency = next(r for r in march.agencies if r.key == org)
    assert agency.quality["quality_average"] == round(sum(scores.values()) / 2, 1)
    assert agency.quality["quality_below_50"] == sum(1 for s in scores.values() if s < 50)
    assert agency.quality["overdue"] == 0
    health = next(r for r in march.sectors if r.key == "y-te")
    assert health.quality["quality_average"] == scores["khong-khi"]
    assert march.quality_totals == agency.quality
    # Judged at the end of June, the monthly dataset has missed its update.
    assert next(r for r in june.agencies if r.key == org).quality["overdue"] == 1
    assert june.quality_totals["overdue"] == 1 and summarise([]).average is None


def test_quality_columns_in_csv_and_xlsx(activity: Catalogue, org: str) -> None:
    from openpyxl import load_workbook

    with activity.sessions() as session:
        report = build_report(session, parse_period("2026-03"))
    rows = list(csv.reader(io.StringIO(report_csv(report).decode("utf-8-sig"))))
    for header in ("Điểm chất lượng trung bình", "Bộ dữ liệu dưới 50 điểm",
                   "Bộ dữ liệu quá hạn cập nhật"):
        assert header in rows[0]
    column = rows[0].index("Điểm chất lượng trung bình")
    agency = next(r for r in rows if r[2] == org)
    assert float(agency[column]) == next(
        r for r in report.agencies if r.key == org).quality["quality_average"]
    empty_sector = next(r for r in rows if r[1] == "Lĩnh vực" and r[2] != "moi-truong"
                        and r[2] != "y-te") if len(report.sectors) > 2 else None
    assert empty_sector is None or empty_sector[column] == ""
    sheet = load_workbook(io.BytesIO(report_xlsx(report)))["Theo lĩnh vực"]
    assert "Bộ dữ liệu quá hạn cập nhật" in [c.value for c in sheet[2]]


def test_admin_report_page_shows_quality(activity: Catalogue, client: FlaskClient,
                                         org: str) -> None:
    import re

    from catalogue.accounts.service import create_user

    password, new = "Sông Hồng chảy 47 mùa", "Núi Bài Thơ xanh 2026"
    with activity.unit("test") as uow:
        create_user(uow, name="quan-tri", email="qt@stttt.gov.vn", full_name="Quản Trị",
                    password=password, sysadmin=True)
        uow.commit()

    def token(path: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"',
                          client.get(path).get_data(as_text=True))
        assert found
        return found.group(1)

    client.post("/user/login", data={"login": "quan-tri", "password": password,
                                     "csrf_token": token("/user/login")})
    client.post("/user/password", data={"password": password, "new_password": new,
                                        "confirm_password": new,
                                        "csrf_token": token("/user/password")})
    page = client.get("/workspace/operations/reports?period=2026-03").get_data(as_text=True)
    assert "Điểm chất lượng trung bình" in page and "Bộ dữ liệu quá hạn cập nhật" in page
    csv_body = client.get("/workspace/operations/reports/2026-03.csv").get_data()
    assert "Bộ dữ liệu dưới 50 điểm".encode() in csv_body

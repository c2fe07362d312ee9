"""The agency's own pages: harvest sources (config, run now, job report) and the public queues."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from catalogue import audit
from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset
from catalogue.feedback.service import create_data_request
from tests.test_accounts_web import change_initial_password, csrf_of, log_in, make_user

SOURCE = """
[[source]]
name = "share"
type = "files"
path = "{path}"
organization = "so-tnmt-quang-ninh"
publish = "review"
schedule = "manual"

[[source]]
name = "csdl"
type = "sql"
dsn = "postgresql://dulieu:matkhau-bi-mat@db.tnmt.local/quantrac"
organization = "so-khac"
schedule = "manual"
options = {{ query = "select 1" }}
"""


def admin_client(app: Flask, catalogue: Catalogue, org: str, role: str = "admin") -> FlaskClient:
    make_user(catalogue, org, role=role)
    client = app.test_client()
    log_in(client)
    change_initial_password(client)
    return client


def test_harvest_sources_of_the_agency_run_now_and_report(
        app: Flask, catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.csv").write_text("x\n1\n")
    (share / "a.csv.meta.toml").write_text('name = "bang-a"\ntitle = "Bảng A"\n')
    (home / "harvest.toml").write_text(SOURCE.format(path=share), encoding="utf-8")
    client = admin_client(app, catalogue, org)
    page = f"/workspace/org/{org}/harvest"
    html = client.get(page).get_data(as_text=True)
    assert "share" in html and "qua duyệt" in html
    assert "csdl" not in html and "matkhau-bi-mat" not in html  # another agency's source
    response = client.post(f"{page}/share/run", data={"csrf_token": csrf_of(client, page)})
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    job_link = html.split(f"{page}/job/")[1].split('"')[0]
    report = client.get(f"{page}/job/{job_link}").get_data(as_text=True)
    assert "Báo cáo thu thập" in report and "new" in report
    with catalogue.sessions() as session:
        assert [e.action for e in audit.entries(session, target="harvest:share")] == [
            "harvest.run"]


def test_harvest_pages_are_for_admins_only(app: Flask, catalogue: Catalogue, org: str) -> None:
    client = admin_client(app, catalogue, org, role="editor")
    assert client.get(f"/workspace/org/{org}/harvest").status_code == 403


def test_credentials_in_locations_are_masked() -> None:
    from portal.workspace.agency import masked

    assert masked("postgresql://dulieu:s3cret@db/x") == "postgresql://dulieu:***@db/x"
    assert masked("https://example.vn/a.csv") == "https://example.vn/a.csv"


def test_agency_answers_data_requests_publicly(app: Flask, catalogue: Catalogue,
                                               org: str) -> None:
    with catalogue.unit("public") as uow:
        create_dataset(uow, {"name": "co-san", "owner_org": org})
        found = create_data_request(uow, {
            "title": "Số liệu mưa 2025", "organization": org, "email": "dan@example.vn",
            "description": "Xin số liệu lượng mưa theo ngày năm 2025 của tỉnh."})
        request_id = found.id
        uow.commit()
    client = admin_client(app, catalogue, org, role="editor")
    page = f"/workspace/org/{org}/feedback"
    assert "Số liệu mưa 2025" in client.get(page).get_data(as_text=True)
    response = client.post(f"{page}/request/{request_id}", data={
        "csrf_token": csrf_of(client, page), "status": "resolved",
        "response": "Đã công bố bộ dữ liệu.", "dataset_name": "co-san"})
    assert response.status_code == 302
    public = app.test_client().get(f"/request/{request_id}").get_data(as_text=True)
    assert "Đã công bố bộ dữ liệu." in public

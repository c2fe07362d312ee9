"""An agency onboarded from the browser (issue 19): a sysadmin creates it and its admin, the
admin adds, tests and schedules a harvest source, runs it, and reads what happened in words."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.service import create_user
from catalogue.context import Catalogue
from catalogue.harvest.model import HarvestSource
from catalogue.organizations.service import get_organization
from harvesters.config import DATABASE
from harvesters.jobs import load_setup
from tests.harvest_servers import static_server
from tests.test_review_workspace import csrf_of, log_in

PW = "Sông Hồng chảy 47 mùa"
NEW_PW = "Núi Bài Thơ xanh 2026"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
SIDECAR = 'name = "{name}"\ntitle = "{title}"\ndescription = "Thử"\n'


def person(catalogue: Catalogue, name: str, *, org: str | None = None,
           sysadmin: bool = False) -> None:
    with catalogue.unit("test") as uow:
        create_user(uow, name=name, email=f"{name}@tnmt.gov.vn", full_name=f"Lê {name}",
                    password=PW, organization=org, role="admin" if org else None,
                    sysadmin=sysadmin)
        uow.commit()


@pytest.fixture
def sysadmin(app: Flask, catalogue: Catalogue) -> FlaskClient:
    person(catalogue, "quan-tri", sysadmin=True)
    client = app.test_client()
    log_in(client, "quan-tri", PW, NEW_PW)
    return client


@pytest.fixture
def admin(app: Flask, catalogue: Catalogue, org: str) -> FlaskClient:
    person(catalogue, "truong-phong", org=org)
    client = app.test_client()
    log_in(client, "truong-phong", PW, NEW_PW)
    return client


def text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def post(client: FlaskClient, path: str, data: dict[str, object], **kwargs: object) -> object:
    return client.post(path, data={"csrf_token": csrf_of(client, path), **data}, **kwargs)


# --- "Đăng nhập" on every page -----------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/dataset", "/organization", "/group", "/about"])
def test_every_public_page_has_a_login_link(client: FlaskClient, path: str) -> None:
    page = text(client, path)
    assert re.search(r'<a class="login-link" href="/user/login">Đăng nhập</a>', page)


def test_the_login_link_takes_a_logged_in_person_to_the_workspace(admin: FlaskClient) -> None:
    page = text(admin, "/user/login")
    assert "Bạn đang đăng nhập với tài khoản truong-phong." in page
    assert '<a href="/workspace/">Vào không gian làm việc</a>' in page
    page = text(admin, "/workspace/")
    assert '<a class="login-link" href="/workspace/">truong-phong</a>' in page


# --- organizations -------------------------------------------------------------------------

def test_sysadmin_creates_an_organization_with_a_logo_then_adds_its_admin(
        sysadmin: FlaskClient, catalogue: Catalogue, app: Flask) -> None:
    assert "Thêm cơ quan" in text(sysadmin, "/organization/new")
    response = post(sysadmin, "/organization/new", {
        "name": "so-tnmt-cao-bang", "title": "Sở Tài nguyên và Môi trường Cao Bằng",
        "title_en": "Cao Bang Department of Natural Resources and Environment",
        "description": "Đất đai, nước, khí hậu", "logo": (io.BytesIO(PNG), "logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.location.endswith("/workspace/org/so-tnmt-cao-bang/members")
    with catalogue.sessions() as session:
        org = get_organization(session, "so-tnmt-cao-bang")
        assert org.title_en.startswith("Cao Bang") and org.description == "Đất đai, nước, khí hậu"
        logo = org.image_url
    assert logo.startswith("/organization/so-tnmt-cao-bang/logo/")
    served = app.test_client().get(logo)
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == PNG
    members = "/workspace/org/so-tnmt-cao-bang/members"
    response = post(sysadmin, members, {"name": "can-bo", "email": "cb@caobang.gov.vn",
                                        "full_name": "Nông Văn Cán", "role": "admin",
                                        "password": "Thác Bản Giốc 2026 đẹp"})
    assert response.status_code == 302
    assert "can-bo" in text(sysadmin, members)
    assert "Sở Tài nguyên và Môi trường Cao Bằng" in text(app.test_client(), "/organization")
    public = text(app.test_client(), "/organization/so-tnmt-cao-bang")
    assert f'<img class="org-logo" src="{logo}"' in public


def test_organization_form_errors_are_in_words_under_labels(sysadmin: FlaskClient) -> None:
    response = post(sysadmin, "/organization/new", {
        "name": "Sở X", "title": "", "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "x.svg")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Biểu trưng: Chỉ nhận ảnh PNG, JPEG hoặc GIF" in page


def test_organization_name_rules_are_explained(sysadmin: FlaskClient) -> None:
    response = post(sysadmin, "/organization/new", {"name": "Sở X", "title": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tên đường dẫn: Gồm 2–100 ký tự" in page and "Tên cơ quan: Chưa điền" in page


def test_only_a_sysadmin_creates_organizations(admin: FlaskClient, client: FlaskClient) -> None:
    assert admin.get("/organization/new").status_code == 403
    assert client.get("/organization/new").status_code == 302  # to the log-in page


def test_an_agency_admin_edits_its_organization(admin: FlaskClient, org: str,
                                                catalogue: Catalogue) -> None:
    response = post(admin, f"/organization/{org}/edit", {
        "title": "Sở TN&MT Quảng Ninh", "title_en": "", "description": "Mới", "email": "",
        "website": ""})
    assert response.status_code == 302
    with catalogue.sessions() as session:
        assert get_organization(session, org).title == "Sở TN&MT Quảng Ninh"


# --- harvest sources on the web ------------------------------------------------------------

def share(root: Path, files: dict[str, str], described: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for relpath, body in files.items():
        (root / relpath).write_text(body, encoding="utf-8")
        if described:
            name = relpath.removesuffix(".csv")
            (root / f"{relpath}.meta.toml").write_text(
                SIDECAR.format(name=name, title=name.replace("-", " ").title()),
                encoding="utf-8")
    return root


def test_admin_tests_a_source_in_the_page_without_writing_anything(
        admin: FlaskClient, org: str, catalogue: Catalogue, tmp_path: Path) -> None:
    folder = share(tmp_path / "share", {"dien-tich.csv": "xa,ha\nA,1.5\nB,2\n"})
    catalogue.settings["allow_internal_hosts"] = "127.0.0.1"  # the share runs on this machine
    with static_server(folder) as url:
        response = post(admin, f"/workspace/org/{org}/harvest/new", {
            "action": "test", "name": "qn-tep", "title": "Kho tệp", "type": "files",
            "location": url, "schedule": "daily", "publish": "review"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Kết quả kiểm tra" in page and "Dien Tich" in page and "tạo mới" in page
    with catalogue.sessions() as session:
        assert session.query(HarvestSource).count() == 0


def test_a_web_source_never_reaches_inside_the_house_unless_the_operator_allows_it(
        admin: FlaskClient, org: str, catalogue: Catalogue, tmp_path: Path) -> None:
    # An agency admin names an address on the server's own network (issue 15's sibling):
    # the check refuses to fetch it, as a run would; config files vouch for their own hosts.
    folder = share(tmp_path / "share", {"dien-tich.csv": "xa,ha\nA,1.5\nB,2\n"})
    with static_server(folder) as url:
        response = post(admin, f"/workspace/org/{org}/harvest/new", {
            "action": "test", "name": "qn-tep", "title": "Kho tệp", "type": "files",
            "location": url, "schedule": "daily", "publish": "review"})
    page = response.get_data(as_text=True)
    assert "Dien Tich" not in page and "loopback" in page, page


def test_admin_saves_a_source_it_is_stored_scheduled_and_listed_as_from_the_web(
        admin: FlaskClient, org: str, catalogue: Catalogue, home: Path) -> None:
    response = post(admin, f"/workspace/org/{org}/harvest/new", {
        "action": "save", "name": "qn-ckan", "title": "Cổng CKAN của Sở", "type": "ckan",
        "location": "https://data.example.gov.vn", "schedule": "cron", "cron": "0 2 * * *",
        "publish": "review", "extra": 'filters = { exclude_tags = ["nội bộ"] }'})
    assert response.status_code == 302, response.get_data(as_text=True)
    setup = load_setup(home, catalogue)
    assert not setup.problems
    (source,) = setup.sources
    assert source.file == DATABASE and source.url == "https://data.example.gov.vn"
    assert source.schedule == "0 2 * * *" and source.filters.exclude_tags == ("nội bộ",)
    page = text(admin, f"/workspace/org/{org}/harvest")
    assert "thêm trên web" in page and "Cổng CKAN của Sở" in page
    edit = text(admin, f"/workspace/org/{org}/harvest/qn-ckan/edit")
    assert 'value="0 2 * * *"' in edit and "exclude_tags" in edit
    response = post(admin, f"/workspace/org/{org}/harvest/qn-ckan/edit", {
        "action": "save", "type": "ckan", "location": "https://data.example.gov.vn",
        "schedule": "weekly", "publish": "auto"})
    assert response.status_code == 302
    assert load_setup(home, catalogue).sources[0].schedule == "weekly"
    admin.post(f"/workspace/org/{org}/harvest/qn-ckan/delete",
               data={"csrf_token": csrf_of(admin, f"/workspace/org/{org}/harvest")})
    assert load_setup(home, catalogue).sources == []


def test_config_file_sources_are_shown_read_only_and_keep_their_names(
        admin: FlaskClient, org: str, home: Path) -> None:
    (home / "harvest.toml").write_text(
        f'[[source]]\nname = "tu-tep"\ntype = "ckan"\nurl = "https://x.example"\n'
        f'organization = "{org}"\n', encoding="utf-8")
    page = text(admin, f"/workspace/org/{org}/harvest")
    assert "từ tệp harvest.toml" in page and "/harvest/tu-tep/edit" not in page
    response = post(admin, f"/workspace/org/{org}/harvest/new", {
        "action": "save", "name": "tu-tep", "type": "ckan", "location": "https://y.example"})
    assert response.status_code == 400
    assert "Tên này đã có trong tệp cấu hình harvest.toml" in response.get_data(as_text=True)
    assert admin.get(f"/workspace/org/{org}/harvest/tu-tep/edit").status_code == 404


def test_an_agency_admin_may_not_point_a_source_at_the_server(
        admin: FlaskClient, org: str, tmp_path: Path) -> None:
    for location in (str(tmp_path), "file:///etc/"):
        response = post(admin, f"/workspace/org/{org}/harvest/new", {
            "action": "test", "name": "lo", "type": "files", "location": location})
        assert response.status_code == 400
        assert "Chỉ quản trị hệ thống được dùng thư mục trên máy chủ" in \
            response.get_data(as_text=True)


def test_config_problems_are_shown_under_the_form_fields(admin: FlaskClient, org: str) -> None:
    response = post(admin, f"/workspace/org/{org}/harvest/new", {
        "action": "save", "name": "qn", "type": "ckan", "location": "https://x.example",
        "schedule": "cron", "cron": "every day", "extra": "rows = 'many'"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Lịch thu thập:" in page and "Thiết lập khác: expected int" in page


def test_another_agency_cannot_open_the_source_form(app: Flask, catalogue: Catalogue,
                                                   org: str) -> None:
    from catalogue.organizations.service import create_organization

    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-khac", "title": "Sở khác"})
        uow.commit()
    person(catalogue, "nguoi-khac", org="so-khac")
    other = app.test_client()
    log_in(other, "nguoi-khac", PW, NEW_PW)
    assert other.get(f"/workspace/org/{org}/harvest/new").status_code == 403


# --- after a harvest: what happened, in words ----------------------------------------------

def test_after_a_run_the_report_lists_what_waits_for_review_and_each_files_errors(
        sysadmin: FlaskClient, org: str, tmp_path: Path) -> None:
    folder = share(tmp_path / "share", {
        "quan-trac.csv": "tram,ph\nHạ Long,7.1\nCẩm Phả,6.9\n",
        "dien-tich.csv": "xa,dien_tich\nA,1.5\nB,2\nC,3\nD,không rõ\n"})
    (folder / "dien-tich.csv.meta.toml").write_text(
        SIDECAR.format(name="dien-tich", title="Diện tích xã")
        + '[[field]]\nname = "dien_tich"\ntitle = "diện tích"\ntype = "number"\n',
        encoding="utf-8")
    response = post(sysadmin, f"/workspace/org/{org}/harvest/new", {
        "action": "save", "name": "qn-tep", "type": "files", "location": str(folder),
        "schedule": "manual", "publish": "review"})
    assert response.status_code == 302, response.get_data(as_text=True)
    harvest = f"/workspace/org/{org}/harvest"
    response = sysadmin.post(f"{harvest}/qn-tep/run", data={"csrf_token": csrf_of(sysadmin,
                                                                                   harvest)})
    assert response.status_code == 302 and "/harvest/job/" in response.location
    page = text(sysadmin, response.location)
    assert "2 bộ dữ liệu chờ bạn duyệt" in page
    assert page.count('href="/workspace/review/#item-') == 2
    assert "ô &#39;không rõ&#39; ở dòng 5, cột diện tích: không phải số" in page
    assert "đã xong" in page and "mới 2" in page and "02/03/2026 08:30" in page
    queue = text(sysadmin, "/workspace/review/")
    assert "Gửi bởi nguồn thu thập qn-tep" in queue and "harvest job" not in queue
    assert "harvest_fingerprint" not in queue and "Hệ thống nguồn" in queue
    assert "Loại nguồn: Thư mục tệp (CSV, Excel, JSON)" in queue


def test_a_files_source_that_offers_nothing_says_why(sysadmin: FlaskClient, org: str,
                                                     tmp_path: Path) -> None:
    folder = share(tmp_path / "share", {"a.csv": "x\n1\n", "b.csv": "x\n2\n"}, described=False)
    harvest = f"/workspace/org/{org}/harvest"
    response = post(sysadmin, f"{harvest}/new", {
        "action": "test", "name": "qn-tep", "type": "files", "location": str(folder)})
    assert "2 tệp dữ liệu chưa có mô tả" in response.get_data(as_text=True)
    post(sysadmin, f"{harvest}/new", {"action": "save", "name": "qn-tep", "type": "files",
                                      "location": str(folder)})
    response = sysadmin.post(f"{harvest}/qn-tep/run",
                             data={"csrf_token": csrf_of(sysadmin, harvest)})
    page = text(sysadmin, response.location)
    assert "Nguồn không đưa ra bản ghi nào." in page
    assert "2 tệp dữ liệu chưa có mô tả" in page and "undescribed = false" in page


def test_an_existing_account_is_added_to_a_new_agency(sysadmin: FlaskClient, org: str,
                                                      catalogue: Catalogue) -> None:
    from catalogue.accounts.service import get_user
    from catalogue.organizations.service import create_organization

    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-khac", "title": "Sở khác"})
        uow.commit()
    person(catalogue, "chuyen-vien", org="so-khac")
    members = f"/workspace/org/{org}/members"
    token = csrf_of(sysadmin, members)
    response = sysadmin.post(members + "/existing", data={
        "csrf_token": token, "login": "khong-co", "role": "editor"})
    assert response.status_code == 400
    assert "Tên đăng nhập hoặc e-mail: Không có tài khoản này" in response.get_data(as_text=True)
    response = sysadmin.post(members + "/existing", data={
        "csrf_token": token, "login": "chuyen-vien@tnmt.gov.vn", "role": "editor"})
    assert response.status_code == 302
    with catalogue.sessions() as session:
        org_id = get_organization(session, org).id
        roles = {m.organization_id: m.role for m in get_user(session, "chuyen-vien").memberships}
    assert roles[org_id] == "editor" and len(roles) == 2


# --- a source saved on the web is harvested by the scheduler and known to the CLI ----------

def save_folder_source(catalogue: Catalogue, org: str, folder: Path, schedule: str) -> None:
    from catalogue.harvest.sources import save_source

    with catalogue.unit("test") as uow:
        save_source(uow, {"name": "qn-tep", "type": "files", "organization": org,
                          "path": str(folder), "schedule": schedule}, by="test")
        uow.commit()


def test_the_scheduler_runs_a_source_saved_on_the_web(app: Flask, catalogue: Catalogue,
                                                      org: str, tmp_path: Path) -> None:
    from portal.cli.schedule import tick

    save_folder_source(catalogue, org, share(tmp_path / "share", {"a.csv": "x\n1\n"}),
                       "hourly")
    done = tick(app)
    assert any(line.startswith("harvest qn-tep: finished") for line in done), done
    assert not any(line.startswith("harvest qn-tep") for line in tick(app))  # not due again


def test_harvest_check_and_run_on_the_command_line_see_web_sources(
        app: Flask, catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from portal.cli import main

    folder = share(tmp_path / "share", {"a.csv": "x\n1\n"}, described=False)
    save_folder_source(catalogue, org, folder, "manual")
    runner = CliRunner()
    check = runner.invoke(main, ["--home", str(home), "harvest", "check"])
    assert check.exit_code == 0, check.output
    assert "1 added on the web: qn-tep" in check.output
    run = runner.invoke(main, ["--home", str(home), "harvest", "run", "qn-tep"])
    assert run.exit_code == 0, run.output
    assert "0 records offered: 1 data file(s) have neither" in run.output
    preview = runner.invoke(main, ["--home", str(home), "harvest", "preview", "qn-tep"])
    assert "undescribed = false" in preview.output


def test_harvest_reasons_read_in_words(app: Flask) -> None:
    from portal.harvest_words import reason

    with app.test_request_context("/?lang=vi"):
        assert reason("not public in the source (Law on Data 2024 Art. 13): marked restricted "
                      "(tag 'mật')") == ("không công khai ở nguồn (Luật Dữ liệu 2024, Điều 13): "
                                         "được đánh dấu hạn chế (thẻ 'mật')")
        assert reason("filtered out: tag 'nội bộ' is in exclude_tags") == \
            "bị lọc: thẻ 'nội bộ' nằm trong exclude_tags"
        assert reason("waiting for review: review item 1b07") == "chờ duyệt"
        assert reason("something new") == "something new"

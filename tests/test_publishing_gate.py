"""One gate decides what the public sees (issue 15; STYLE "One gate decides").

:func:`catalogue.publishing.gate.decide` is asked by every door; the first tests pin its
answers, the rest walk one change through each door with real requests — the Action API, the
workspace pages, a harvest over HTTP — and check that what came out pending or held never
reaches a public version, while what the gate let through is published version 1, 2, ...
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.principal import Principal
from catalogue.accounts.service import create_user
from catalogue.context import Catalogue
from catalogue.datasets import service as datasets
from catalogue.organizations.service import get_organization
from catalogue.privacy.gate import is_hold
from catalogue.privacy.hold import release
from catalogue.privacy.screen import screen_table
from catalogue.publishing.gate import (
    Held,
    Pending,
    Publish,
    decide,
    screen_of,
    source_principal,
)
from catalogue.review import service as review
from catalogue.review.model import ReviewItem
from tests.harvest_servers import harvest, make_source, static_server

WRITE = frozenset({"read", "read_private", "write"})
CCCD_CSV = ("ho_ten,so_cccd,muc_ho_tro\nNguyễn Văn An,001090123456,500000\n"
            "Lê Thị Mai,079185001234,700000\n")
CLEAN_CSV = "xa,muc_ho_tro\nHạ Long,500000\nCẩm Phả,700000\n"
REASON = "Đã xoá tệp có số CCCD; phần còn lại là số liệu tổng hợp theo xã, không định danh."
ORG_ID = "org-1"
ADMIN = Principal(user_id="a", name="admin", roles={ORG_ID: "admin"}, scopes=WRITE)
EDITOR = Principal(user_id="e", name="editor", roles={ORG_ID: "editor"}, scopes=WRITE)
ACTIVE: dict[str, Any] = {"name": "x", "state": "active"}
DRAFT: dict[str, Any] = {"name": "x", "state": "draft"}


def cccd_screen() -> Any:
    found = screen_table(["ho_ten", "so_cccd"], [["Nguyễn Văn An", "001090123456"]]).findings
    return screen_of(found, ["ds.csv"])


@pytest.mark.parametrize(("principal", "before", "after", "expected"), [
    (ADMIN, None, ACTIVE, Publish), (ADMIN, ACTIVE, ACTIVE, Publish),
    (ADMIN, DRAFT, ACTIVE, Publish), (EDITOR, None, DRAFT, Publish),
    (EDITOR, DRAFT, DRAFT, Publish), (EDITOR, None, ACTIVE, Pending),
    (EDITOR, DRAFT, ACTIVE, Pending), (EDITOR, ACTIVE, ACTIVE, Pending),
    (EDITOR, ACTIVE, {**ACTIVE, "private": True}, Pending),
])
def test_the_gate_publishes_for_publishers_and_drafts_and_queues_the_rest(
        principal: Principal, before: dict[str, Any] | None, after: dict[str, Any],
        expected: type) -> None:
    assert isinstance(decide(principal, org_id=ORG_ID, before=before, after=after), expected)


def test_personal_data_is_held_whoever_acts_unless_the_dataset_stays_a_draft() -> None:
    for principal in (ADMIN, EDITOR):
        decision = decide(principal, org_id=ORG_ID, before=None, after=ACTIVE,
                          screen=cccd_screen())
        assert isinstance(decision, Held) and decision.personal_data
        assert is_hold(decision.message()) and "so_cccd" in decision.message()
        assert "001090123456" not in decision.message()
    assert isinstance(decide(EDITOR, org_id=ORG_ID, before=None, after=DRAFT,
                             screen=cccd_screen()), Publish)


def test_the_sources_hold_reasons_hold_even_an_admin() -> None:
    decision = decide(ADMIN, org_id=ORG_ID, before=None, after=ACTIVE,
                      hold_reasons=["unknown licence 'giay-phep-rieng'", ""])
    assert isinstance(decision, Held) and not decision.personal_data
    assert decision.reasons == ("unknown licence 'giay-phep-rieng'",)
    assert not is_hold(decision.message())  # no justified release needed: a review decides
    assert "- unknown licence 'giay-phep-rieng'" in decision.message()


def test_a_harvest_source_publishes_with_auto_and_waits_with_review() -> None:
    auto = source_principal("so-tnmt", ORG_ID, publishes=True)
    queued = source_principal("so-tnmt", ORG_ID, publishes=False)
    assert isinstance(decide(auto, org_id=ORG_ID, before=None, after=ACTIVE), Publish)
    assert isinstance(decide(queued, org_id=ORG_ID, before=ACTIVE, after=ACTIVE), Pending)
    assert isinstance(decide(auto, org_id="another-org", before=None, after=ACTIVE), Pending)


# --- The doors, with real requests ---------------------------------------------------------


def versions(client: FlaskClient, name: str) -> list[int]:
    """Public version numbers in the API's activity list, newest first."""
    body = client.get(f"/api/3/action/package_activity_list?id={name}").get_json()
    return [a["version"] for a in body["result"]] if body["success"] else []


def history_numbers(client: FlaskClient, name: str) -> list[str]:
    return re.findall(r"Phiên bản (\d+)", client.get(f"/dataset/{name}/history")
                      .get_data(as_text=True))


def test_api_package_patch_by_an_editor_waits_and_is_no_version_until_approved(
        client: FlaskClient, catalogue: Catalogue, org: str,
        api_token: Callable[..., str]) -> None:
    admin = {"Authorization": api_token("an", org=org, role="admin")}
    editor = {"Authorization": api_token("lan", org=org, role="editor")}
    created = client.post("/api/3/action/package_create", headers=admin, json={
        "name": "quan-trac", "title": "Quan trắc", "owner_org": org, "notes": "Bản đầu"})
    assert created.get_json()["success"] is True
    patched = client.post("/api/3/action/package_patch", headers=editor,
                          json={"id": "quan-trac", "notes": "Bản sửa chờ duyệt"}).get_json()
    assert patched["result"]["notes"] == "Bản đầu"  # the published version, unchanged
    item_id = patched["result"]["pending_review"]["id"]
    assert versions(client, "quan-trac") == [1]
    assert client.get("/dataset/quan-trac/v/2").status_code == 404
    assert "Bản sửa chờ duyệt" not in client.get("/dataset/quan-trac/history").get_data(
        as_text=True)
    with catalogue.unit("an") as uow:
        admin_principal = Principal(user_id="u", name="an", scopes=WRITE, roles={
            get_organization(uow.session, org).id: "admin"})
        review.approve(uow, admin_principal, item_id)
        uow.commit()
    assert versions(client, "quan-trac") == [2, 1]
    assert "Bản sửa chờ duyệt" in client.get("/dataset/quan-trac/v/2").get_data(as_text=True)


def test_api_package_create_by_an_admin_with_an_id_number_is_held_and_never_a_version(
        client: FlaskClient, org: str, api_token: Callable[..., str]) -> None:
    admin = {"Authorization": api_token("an", org=org, role="admin")}
    client.post("/api/3/action/package_create", headers=admin, json={
        "name": "khen-thuong", "title": "Khen thưởng", "owner_org": org,
        "notes": "Ông Nguyễn Văn An, CCCD số 001090123456, được khen thưởng."})
    for path in ("/dataset/khen-thuong", "/dataset/khen-thuong/v/1",
                 "/dataset/khen-thuong/history", "/dataset/khen-thuong/cite.bibtex"):
        assert client.get(path).status_code == 404, path
    assert versions(client, "khen-thuong") == []


def log_in_admin(app: Flask, catalogue: Catalogue, org: str) -> FlaskClient:
    password, new = "Sông Hồng chảy 47 mùa", "Núi Bài Thơ xanh 2026"
    with catalogue.unit("setup") as uow:
        create_user(uow, name="truong-phong", email="tp@tnmt.gov.vn", full_name="Lê Văn Trưởng",
                    password=password, organization=org, role="admin")
        uow.commit()
    admin = app.test_client()
    admin.post("/user/login", data={"login": "truong-phong", "password": password,
                                    "csrf_token": csrf_of(admin, "/user/login")})
    admin.post("/user/password", data={"password": password, "new_password": new,
                                       "confirm_password": new,
                                       "csrf_token": csrf_of(admin, "/user/password")})
    return admin


def csrf_of(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def test_workspace_upload_with_personal_data_to_a_published_dataset_is_held(
        app: Flask, client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    admin = log_in_admin(app, catalogue, org)
    admin.post("/workspace/dataset/new", data={
        "csrf_token": csrf_of(admin, "/workspace/dataset/new"), "name": "ho-tro",
        "title": "Hỗ trợ", "owner_org": org, "license_id": "CC-BY-4.0"})
    page = "/workspace/dataset/ho-tro"
    admin.post(f"{page}/resource", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(admin, page), "file": (io.BytesIO(CLEAN_CSV.encode()), "xa.csv")})
    admin.post(f"{page}/publish", data={"csrf_token": csrf_of(admin, page)})
    assert versions(client, "ho-tro") == [1]

    response = admin.post(f"{page}/resource", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(admin, page),
        "file": (io.BytesIO(CCCD_CSV.encode()), "danh-sach.csv")}, follow_redirects=True)
    assert "chờ duyệt" in response.get_data(as_text=True)
    with catalogue.sessions() as session:
        item = session.query(ReviewItem).filter_by(status="submitted").one()
        assert is_hold(item.message) and "so_cccd" in item.message
    assert versions(client, "ho-tro") == [1] and history_numbers(client, "ho-tro") == ["1"]
    assert "danh-sach.csv" not in client.get("/dataset/ho-tro").get_data(as_text=True)


def cccd_share(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "ho-tro.csv").write_text(CCCD_CSV, encoding="utf-8")
    (root / "ho-tro.csv.meta.toml").write_text(
        'name = "ho-tro"\ntitle = "Hỗ trợ hộ nghèo"\ndescription = "Danh sách nhận hỗ trợ"\n',
        encoding="utf-8")
    return root


def test_a_harvested_draft_fixed_by_an_officer_publishes_only_the_fixed_version(
        client: FlaskClient, catalogue: Catalogue, org: str, home: Path,
        tmp_path: Path) -> None:
    """The issue's story end to end: harvested with ID numbers (held), the officer removes
    the file and adds a clean one, releases it; the public sees one version, without it."""
    with static_server(cccd_share(tmp_path / "share")) as url:
        source = make_source("files", url=url, publish="review")
        summary = harvest(catalogue, source, home)
    assert summary.counts["held"] == 1
    with catalogue.sessions() as session:
        ds = datasets.get_dataset(session, "ho-tro")
        assert ds.state == "draft"
        removed = ds.resources[0].id
        item = session.query(ReviewItem).one()
        assert item.submitted_by == "harvest:test-files" and is_hold(item.message)
    assert client.get("/dataset/ho-tro").status_code == 404

    with catalogue.unit("officer") as uow:
        admin = Principal(user_id="u", name="officer", scopes=WRITE, roles={
            get_organization(uow.session, org).id: "admin"})
        datasets.delete_resource(uow, removed)
        stored = uow.catalogue.files.put(io.BytesIO(CLEAN_CSV.encode()))
        datasets.create_resource(uow, "ho-tro", {"name": "tong-hop.csv", "format": "CSV"},
                                 trusted=True, upload=datasets.Upload(
                                     stored=stored, filename="tong-hop.csv",
                                     mimetype="text/csv"))
        release(uow, admin, item.id, justification=REASON)
        uow.commit()

    assert versions(client, "ho-tro") == [1]
    assert history_numbers(client, "ho-tro") == ["1"]
    for number in range(1, 6):
        response = client.get(f"/dataset/ho-tro/v/{number}/resource/{removed}/download")
        assert response.status_code == 404, number
    page = client.get("/dataset/ho-tro/v/1").get_data(as_text=True)
    assert "tong-hop.csv" in page and removed not in page and "so_cccd" not in page
    assert client.get("/dataset/ho-tro/v/2").status_code == 404
    assert "version = {1}" in client.get("/dataset/ho-tro/cite.bibtex").get_data(as_text=True)


def test_a_harvest_with_review_queues_through_the_same_gate(
        client: FlaskClient, catalogue: Catalogue, org: str, home: Path,
        tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "xa.csv").write_text(CLEAN_CSV, encoding="utf-8")
    (share / "xa.csv.meta.toml").write_text('name = "xa"\ntitle = "Số liệu xã"\n',
                                            encoding="utf-8")
    with static_server(share) as url:
        source = make_source("files", url=url, publish="review")
        assert harvest(catalogue, source, home).counts["new"] == 1
        with catalogue.sessions() as session:
            item = session.query(ReviewItem).one()
            assert item.kind == "publish" and not is_hold(item.message)
        assert client.get("/dataset/xa").status_code == 404
        with catalogue.unit("officer") as uow:
            admin = Principal(user_id="u", name="officer", scopes=WRITE, roles={
                get_organization(uow.session, org).id: "admin"})
            review.approve(uow, admin, item.id)
            uow.commit()
        assert versions(client, "xa") == [1]
        (share / "xa.csv").write_text(CLEAN_CSV + "Uông Bí,600000\n", encoding="utf-8")
        assert harvest(catalogue, source, home).counts["updated"] == 1
    assert versions(client, "xa") == [1]  # the re-harvest waits as a change
    assert client.get("/dataset/xa/v/2").status_code == 404


def test_the_agency_sees_its_draft_unnumbered_and_its_history_marked(
        app: Flask, catalogue: Catalogue, org: str) -> None:
    admin = log_in_admin(app, catalogue, org)
    admin.post("/workspace/dataset/new", data={
        "csrf_token": csrf_of(admin, "/workspace/dataset/new"), "name": "nhap",
        "title": "Bản nháp", "owner_org": org, "license_id": "CC-BY-4.0"})
    page = admin.get("/dataset/nhap")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/dataset/nhap/v/" not in html
    assert "version" not in admin.get("/dataset/nhap/cite.bibtex").get_data(as_text=True)
    admin.post("/workspace/dataset/nhap/publish",
               data={"csrf_token": csrf_of(admin, "/workspace/dataset/nhap")})
    workspace = admin.get("/workspace/dataset/nhap").get_data(as_text=True)
    assert 'href="/dataset/nhap/v/1">Phiên bản 1</a>' in workspace


def test_a_harvested_records_hold_reasons_hold_it_even_with_publish_auto(
        client: FlaskClient, catalogue: Catalogue, org: str, home: Path,
        tmp_path: Path) -> None:
    """The mapping names what the gate must hold for (an unknown licence, access rights that
    are not public) on the record; an ``auto`` source still publishes nothing of it."""
    from harvesters.base import Gathered, SourceRecord
    from harvesters.files import FilesHarvester
    from harvesters.registry import harvester_types
    from harvesters.runner import run_source

    class ReasonedFiles(FilesHarvester):
        def fetch(self, item: Gathered) -> SourceRecord:
            record = super().fetch(item)
            record.hold_reasons = ["licence 'giay-phep-rieng' is not known"]  # type: ignore[attr-defined]
            return record

    share = tmp_path / "share"
    share.mkdir()
    (share / "xa.csv").write_text(CLEAN_CSV, encoding="utf-8")
    (share / "xa.csv.meta.toml").write_text('name = "xa"\ntitle = "Số liệu xã"\n',
                                            encoding="utf-8")
    with static_server(share) as url:
        source = make_source("files", url=url)
        summary = run_source(catalogue, source, {**harvester_types(), "files": ReasonedFiles},
                             home / "harvest-locks", sleep=lambda seconds: None)
    assert summary.counts["held"] == 1 and summary.counts["new"] == 0
    with catalogue.sessions() as session:
        item = session.query(ReviewItem).one()
        assert "giay-phep-rieng" in item.message and not is_hold(item.message)
        assert datasets.get_dataset(session, "xa").state == "draft"
    assert client.get("/dataset/xa").status_code == 404 and versions(client, "xa") == []

"""Every path that makes data public screens it again (issue 9): an admin's direct publish,
review approval, a restore, reclassifying a private dataset as public, an admin's API create.
A draft with a CCCD column published directly is held, not published."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.principal import Principal
from catalogue.accounts.service import create_user
from catalogue.classification import is_public
from catalogue.context import Catalogue
from catalogue.datasets import service as datasets
from catalogue.datasets.service import get_dataset
from catalogue.history.service import list_revisions
from catalogue.organizations.service import get_organization
from catalogue.privacy.gate import PersonalDataHeld, is_hold
from catalogue.privacy.hold import release
from catalogue.review import service as review
from catalogue.review.model import ReviewItem
from catalogue.review.restore import restore_version

WRITE = frozenset({"read", "read_private", "write"})
CCCD_CSV = ("ho_ten,so_cccd,muc_ho_tro\nNguyễn Văn An,001090123456,500000\n"
            "Lê Thị Mai,079185001234,700000\n")
CLEAN_CSV = "tram,ph\nHạ Long,7.1\nCẩm Phả,6.9\n"
ADMIN_PW = "Sông Hồng chảy 47 mùa"
REASON = "Danh sách công khai theo quy định về hỗ trợ; người nhận đã đồng ý công khai."


def people(catalogue: Catalogue, org: str) -> tuple[Principal, Principal]:
    with catalogue.sessions() as session:
        org_id = get_organization(session, org).id
    editor = Principal(user_id="u-editor", name="editor", roles={org_id: "editor"}, scopes=WRITE)
    admin = Principal(user_id="u-admin", name="admin", roles={org_id: "admin"}, scopes=WRITE)
    return editor, admin


def make_dataset(catalogue: Catalogue, org: str, *, csv: str, state: str = "draft",
                 private: bool = False, name: str = "ho-tro") -> None:
    with catalogue.unit("setup") as uow:
        ds = datasets.create_dataset(uow, {"name": name, "title": "Hỗ trợ", "owner_org": org,
                                           "state": state, "private": private})
        add_file(uow, ds.id, csv)
        uow.commit()


def add_file(uow: object, dataset_id: str, csv: str, filename: str = "ho-tro.csv") -> str:
    stored = uow.catalogue.files.put(io.BytesIO(csv.encode()))  # type: ignore[attr-defined]
    res = datasets.create_resource(uow, dataset_id, {"name": filename, "format": "CSV"},  # type: ignore[arg-type]
                                   trusted=True, upload=datasets.Upload(
                                       stored=stored, filename=filename, mimetype="text/csv"))
    return res.id


def state_of(catalogue: Catalogue, name: str = "ho-tro") -> tuple[str, bool]:
    with catalogue.sessions() as session:
        ds = get_dataset(session, name)
        return ds.state, is_public(ds)


def test_a_draft_with_a_cccd_column_published_directly_is_held(
        catalogue: Catalogue, org: str) -> None:
    _, admin = people(catalogue, org)
    make_dataset(catalogue, org, csv=CCCD_CSV)
    with catalogue.unit("admin") as uow:
        result = review.publish_now(uow, admin, "ho-tro")
        uow.commit()
    assert isinstance(result, ReviewItem) and is_hold(result.message)
    assert "column 'so_cccd': 2×, rows 1, 2" in result.message
    assert "001090123456" not in result.message and "Nguyễn Văn An" not in result.message
    assert state_of(catalogue) == ("draft", False)
    with catalogue.unit("admin") as uow:  # publishing again changes nothing: still held
        assert isinstance(review.publish_now(uow, admin, "ho-tro"), ReviewItem)
        uow.commit()
    assert state_of(catalogue) == ("draft", False)
    with catalogue.unit("admin") as uow:
        release(uow, admin, result.id, justification=REASON)
        uow.commit()
    assert state_of(catalogue) == ("active", True)


def test_a_clean_draft_is_published_directly(catalogue: Catalogue, org: str) -> None:
    _, admin = people(catalogue, org)
    make_dataset(catalogue, org, csv=CLEAN_CSV)
    with catalogue.unit("admin") as uow:
        result = review.publish_now(uow, admin, "ho-tro")
        uow.commit()
    assert not isinstance(result, ReviewItem)
    assert state_of(catalogue) == ("active", True)


def test_a_fixed_draft_is_screened_again_and_published(catalogue: Catalogue, org: str) -> None:
    _, admin = people(catalogue, org)
    make_dataset(catalogue, org, csv=CCCD_CSV)
    with catalogue.unit("admin") as uow:
        assert isinstance(review.publish_now(uow, admin, "ho-tro"), ReviewItem)
        uow.commit()
    with catalogue.unit("admin") as uow:  # the agency removes the file and publishes again
        ds = get_dataset(uow.session, "ho-tro")
        datasets.delete_resource(uow, ds.resources[0].id)
        add_file(uow, ds.id, CLEAN_CSV, "tram.csv")
        assert not isinstance(review.publish_now(uow, admin, "ho-tro"), ReviewItem)
        uow.commit()
    assert state_of(catalogue) == ("active", True)


def test_approving_a_submitted_draft_with_personal_data_is_refused(
        catalogue: Catalogue, org: str) -> None:
    editor, admin = people(catalogue, org)
    make_dataset(catalogue, org, csv=CCCD_CSV)
    with catalogue.unit("editor") as uow:
        item_id = review.submit(uow, editor, "ho-tro").id
        uow.commit()
    with catalogue.unit("admin") as uow, pytest.raises(PersonalDataHeld) as refused:
        review.approve(uow, admin, item_id)
    assert "so_cccd" in refused.value.message
    with catalogue.unit("admin") as uow:  # the queue's approve button marks the item held
        held = review.approve_or_hold(uow, admin, item_id)
        uow.commit()
    assert isinstance(held, ReviewItem) and is_hold(held.message)
    assert state_of(catalogue) == ("draft", False)


def test_approving_a_change_that_adds_a_personal_data_file_is_refused(
        catalogue: Catalogue, org: str) -> None:
    _, admin = people(catalogue, org)
    make_dataset(catalogue, org, csv=CLEAN_CSV, state="active")
    with catalogue.unit("editor") as uow:
        stored = uow.catalogue.files.put(io.BytesIO(CCCD_CSV.encode()))
        item = review.propose_change(uow, get_dataset(uow.session, "ho-tro"), {"resources_add": [
            {"name": "danh-sach.csv", "format": "CSV", "filename": "danh-sach.csv",
             "sha256": stored.sha256, "size": stored.size, "mimetype": "text/csv"}]},
            submitted_by="editor")
        uow.commit()
    with catalogue.unit("admin") as uow, pytest.raises(PersonalDataHeld):
        review.approve(uow, admin, item.id)
    with catalogue.sessions() as session:
        assert len(get_dataset(session, "ho-tro").resources) == 1


def test_restoring_a_version_with_personal_data_is_held(catalogue: Catalogue, org: str) -> None:
    _, admin = people(catalogue, org)
    make_dataset(catalogue, org, csv=CCCD_CSV)
    with catalogue.unit("admin") as uow:  # released once, then the file is taken down
        item = review.publish_now(uow, admin, "ho-tro")
        release(uow, admin, item.id, justification=REASON)
        ds = get_dataset(uow.session, "ho-tro")
        datasets.delete_resource(uow, ds.resources[0].id)
        uow.commit()
    with catalogue.sessions() as session:
        ds = get_dataset(session, "ho-tro")
        with_file = max(r.number for r in list_revisions(session, ds.id)
                        if r.snapshot.get("resources") and r.snapshot["state"] == "active")
    with catalogue.unit("admin") as uow:
        result = restore_version(uow, admin, "ho-tro", with_file)
        uow.commit()
    assert isinstance(result, ReviewItem) and is_hold(result.message)
    with catalogue.sessions() as session:
        assert get_dataset(session, "ho-tro").resources == []
    with catalogue.unit("admin") as uow:  # released with a reason, the version comes back
        release(uow, admin, result.id, justification=REASON)
        uow.commit()
    with catalogue.sessions() as session:
        assert len(get_dataset(session, "ho-tro").resources) == 1


def test_opening_a_private_dataset_with_personal_data_is_held(
        catalogue: Catalogue, org: str) -> None:
    _, admin = people(catalogue, org)
    make_dataset(catalogue, org, csv=CCCD_CSV, state="active", private=True)
    with catalogue.unit("admin") as uow:
        result = review.edit_dataset(uow, admin, "ho-tro", {"private": False})
        uow.commit()
    assert isinstance(result, ReviewItem) and is_hold(result.message)
    assert state_of(catalogue) == ("active", False)


def test_edits_to_released_data_are_not_held_again(catalogue: Catalogue, org: str) -> None:
    _, admin = people(catalogue, org)
    make_dataset(catalogue, org, csv=CCCD_CSV)
    with catalogue.unit("admin") as uow:
        item = review.publish_now(uow, admin, "ho-tro")
        release(uow, admin, item.id, justification=REASON)
        uow.commit()
    with catalogue.unit("admin") as uow:
        result = review.edit_dataset(uow, admin, "ho-tro", {"title": "Hỗ trợ 2026"})
        uow.commit()
    assert not isinstance(result, ReviewItem)


def test_an_admins_api_dataset_with_an_id_number_in_its_text_is_held(
        catalogue: Catalogue, org: str) -> None:
    _, admin = people(catalogue, org)
    with catalogue.unit("admin") as uow:
        ds = review.create_as(uow, admin, {
            "name": "khen-thuong", "title": "Khen thưởng", "owner_org": org,
            "notes": "Ông Nguyễn Văn An, CCCD số 001090123456, được khen thưởng."})
        uow.commit()
        assert ds.state == "draft"
    with catalogue.sessions() as session:
        items = session.query(ReviewItem).all()
        assert len(items) == 1 and is_hold(items[0].message)
        assert "field notes" in items[0].message


def csrf_of(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def test_the_workspace_publish_button_holds_and_the_queue_releases(
        app: Flask, catalogue: Catalogue, org: str) -> None:
    with catalogue.unit("setup") as uow:
        create_user(uow, name="truong-phong", email="tp@tnmt.gov.vn", full_name="Lê Văn Trưởng",
                    password=ADMIN_PW, organization=org, role="admin")
        uow.commit()
    admin = app.test_client()
    admin.post("/user/login", data={"login": "truong-phong", "password": ADMIN_PW,
                                    "csrf_token": csrf_of(admin, "/user/login")})
    new = "Núi Bài Thơ xanh 2026"
    admin.post("/user/password", data={"password": ADMIN_PW, "new_password": new,
                                       "confirm_password": new,
                                       "csrf_token": csrf_of(admin, "/user/password")})
    admin.post("/workspace/dataset/new", data={
        "csrf_token": csrf_of(admin, "/workspace/dataset/new"), "name": "ho-tro",
        "title": "Hỗ trợ", "owner_org": org, "license_id": "CC-BY-4.0"})
    page = "/workspace/dataset/ho-tro"
    admin.post(f"{page}/resource", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(admin, page), "file": (io.BytesIO(CCCD_CSV.encode()), "ds.csv")})
    assert state_of(catalogue) == ("draft", False)

    response = admin.post(f"{page}/publish", data={"csrf_token": csrf_of(admin, page)},
                          follow_redirects=True)
    assert "phát hiện dữ liệu cá nhân" in response.get_data(as_text=True)
    assert state_of(catalogue) == ("draft", False)
    assert app.test_client().get("/dataset/ho-tro").status_code == 404

    queue = admin.get("/workspace/review/").get_data(as_text=True)
    assert "so_cccd" in queue and "001090123456" not in queue
    with catalogue.sessions() as session:
        item_id = session.query(ReviewItem).one().id
    assert f"/workspace/review/{item_id}/release" in queue
    token = csrf_of(admin, "/workspace/review/")
    admin.post(f"/workspace/review/{item_id}/approve", data={"csrf_token": token})
    assert state_of(catalogue) == ("draft", False)  # approving held data changes nothing
    admin.post(f"/workspace/review/{item_id}/release",
               data={"csrf_token": token, "justification": REASON})
    assert state_of(catalogue) == ("active", True)


def test_an_admins_api_patch_publishing_a_draft_with_personal_data_is_held(
        client: FlaskClient, catalogue: Catalogue, api_token: Callable[..., str],
        org: str) -> None:
    headers = {"Authorization": api_token("an", org=org, role="admin")}
    client.post("/api/3/action/package_create", headers=headers,
                json={"name": "ho-tro", "owner_org": org, "state": "draft"})
    client.post("/api/3/action/resource_create", headers=headers,
                content_type="multipart/form-data", data={
                    "package_id": "ho-tro", "upload": (io.BytesIO(CCCD_CSV.encode()), "d.csv")})
    client.post("/api/3/action/package_patch", headers=headers,
                json={"id": "ho-tro", "state": "active"})
    assert state_of(catalogue) == ("draft", False)

"""Write actions: real tokens, per-organization permissions, the service layer, uploads."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.organizations.service import create_organization

TokenFactory = Callable[..., str]
CSV = "tỉnh,năm,số trạm\nQuảng Ninh,2024,12\nCao Bằng,2024,7\n".encode()


def _post(client: FlaskClient, action: str, token: str | None, status: int = 200,
          **body: Any) -> Any:
    headers = {"Authorization": token} if token else {}
    response = client.post(f"/api/3/action/{action}", json=body, headers=headers)
    data = response.get_json()
    assert response.status_code == status, data
    assert data["success"] is (status == 200)
    return data["result"] if status == 200 else data["error"]


@pytest.fixture
def editor(api_token: TokenFactory, org: str) -> str:
    return api_token("lan", org=org, role="editor")


@pytest.fixture
def admin(api_token: TokenFactory, org: str) -> str:
    """An administrator of the organization: may publish without review."""
    return api_token("an", org=org, role="admin")


@pytest.fixture
def other_org(catalogue: Catalogue) -> str:
    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-gtvt-cao-bang", "title": "Sở GTVT Cao Bằng"})
        uow.commit()
    return "so-gtvt-cao-bang"


def test_admin_creates_updates_and_patches_a_dataset(
        client: FlaskClient, catalogue: Catalogue, admin: str, org: str) -> None:
    created = _post(client, "package_create", f"Bearer {admin}", name="tram-quan-trac",
                    title="Trạm quan trắc", owner_org=org, tags=[{"name": "nước"}],
                    resources=[{"url": "http://agency.test/a.csv", "format": "CSV"}])
    assert created["organization"]["name"] == org
    assert created["num_resources"] == 1
    patched = _post(client, "package_patch", admin, id="tram-quan-trac", notes="Cập nhật")
    assert patched["title"] == "Trạm quan trắc" and patched["notes"] == "Cập nhật"
    replaced = _post(client, "package_update", admin, id=created["id"], name="tram-quan-trac",
                     title="Trạm mới", owner_org=org)
    assert replaced["notes"] == "" and replaced["tags"] == []  # update replaces, as CKAN
    history = _post(client, "package_activity_list", None, id="tram-quan-trac")
    assert [a["user_id"] for a in history] == ["an", "an", "an"]


def test_anonymous_and_outsiders_cannot_write(
        client: FlaskClient, api_token: TokenFactory, org: str, other_org: str) -> None:
    error = _post(client, "package_create", None, 403, name="x-y", owner_org=org)
    assert error["__type"] == "Authorization Error"
    outsider = api_token("hung", org=other_org, role="editor")
    _post(client, "package_create", outsider, 403, name="x-y", owner_org=org)
    viewer = api_token("mai", org=org, role="viewer")
    _post(client, "package_create", viewer, 403, name="x-y", owner_org=org)
    read_only = api_token("tuan", org=org, role="editor", scope="read_private")
    _post(client, "package_create", read_only, 403, name="x-y", owner_org=org)


def test_editor_cannot_move_a_dataset_to_another_org(
        client: FlaskClient, editor: str, org: str, other_org: str) -> None:
    _post(client, "package_create", editor, name="du-lieu", owner_org=org)
    _post(client, "package_patch", editor, 403, id="du-lieu", owner_org=other_org)


def test_validation_errors_are_409_keyed_by_field(client: FlaskClient, editor: str,
                                                  org: str) -> None:
    error = _post(client, "package_create", editor, 409, name="Không Hợp Lệ", owner_org=org,
                  license_id="no-such-licence")
    assert error["__type"] == "Validation Error"
    assert "name" in error and "license_id" in error
    _post(client, "package_create", editor, name="trung-ten", owner_org=org)
    duplicate = _post(client, "package_create", editor, 409, name="trung-ten", owner_org=org)
    assert duplicate["name"] == ["That URL is already in use."]
    missing = _post(client, "package_create", editor, 409, name="thieu-to-chuc")
    assert "owner_org" in missing


def test_delete_needs_admin_and_hides_the_dataset(
        client: FlaskClient, api_token: TokenFactory, editor: str, org: str) -> None:
    _post(client, "package_create", editor, name="se-xoa", owner_org=org)
    _post(client, "package_delete", editor, 403, id="se-xoa")
    admin = api_token("an", org=org, role="admin")
    assert _post(client, "package_delete", admin, id="se-xoa") is None
    assert client.get("/api/3/action/package_show?id=se-xoa").status_code == 404
    # Its editors still see it withdrawn, as CKAN shows deleted datasets to them.
    shown = client.get("/api/3/action/package_show?id=se-xoa", headers={"Authorization": admin})
    assert shown.get_json()["result"]["state"] == "deleted"


def test_private_dataset_is_visible_with_rights_only(
        client: FlaskClient, searchable: Catalogue, api_token: TokenFactory, admin: str,
        org: str, other_org: str) -> None:
    _post(client, "package_create", admin, name="noi-bo", title="Nội bộ", owner_org=org,
          private=True)
    viewer = api_token("mai", org=org, role="viewer", scope="read_private")
    stranger = api_token("hung", org=other_org, role="admin")
    assert client.get("/api/3/action/package_show?id=noi-bo").status_code == 404
    assert client.get("/api/3/action/package_show?id=noi-bo",
                      headers={"Authorization": stranger}).status_code == 404
    assert client.get("/api/3/action/package_show?id=noi-bo",
                      headers={"Authorization": viewer}).status_code == 200

    def found(token: str | None) -> list[str]:
        headers = {"Authorization": token} if token else {}
        body = client.get("/api/3/action/package_search?include_private=true",
                          headers=headers).get_json()
        return [r["name"] for r in body["result"]["results"]]

    assert found(None) == []
    assert found(stranger) == []
    assert found(viewer) == ["noi-bo"]


def test_resource_link_create_patch_delete(client: FlaskClient, admin: str, org: str) -> None:
    _post(client, "package_create", admin, name="co-tai-nguyen", owner_org=org)
    res = _post(client, "resource_create", admin, package_id="co-tai-nguyen",
                url="http://agency.test/b.json", name="Bảng", format="json")
    assert res["format"] == "JSON"
    patched = _post(client, "resource_patch", admin, id=res["id"], description="Mô tả")
    assert patched["name"] == "Bảng" and patched["description"] == "Mô tả"
    updated = _post(client, "resource_update", admin, id=res["id"],
                    url="http://agency.test/c.json")
    assert updated["name"] == "c.json" or updated["url"] == "http://agency.test/c.json"
    assert _post(client, "resource_delete", admin, id=res["id"]) is None
    assert _post(client, "package_show", None, id="co-tai-nguyen")["resources"] == []
    missing = _post(client, "resource_create", admin, 409, package_id="co-tai-nguyen")
    assert "url" in missing


def test_resource_upload_is_stored_by_sha256_and_validated(
        client: FlaskClient, catalogue: Catalogue, admin: str, org: str) -> None:
    _post(client, "package_create", admin, name="co-tep", owner_org=org)
    response = client.post("/api/3/action/resource_create", headers={"Authorization": admin},
                           data={"package_id": "co-tep", "name": "Số trạm",
                                 "upload": (io.BytesIO(CSV), "so-tram.csv", "text/csv")},
                           content_type="multipart/form-data")
    body = response.get_json()
    assert response.status_code == 200, body
    res = body["result"]
    digest = hashlib.sha256(CSV).hexdigest()
    assert res["sha256"] == digest and res["size"] == len(CSV)
    assert res["url_type"] == "upload" and res["format"] == "CSV"
    assert res["url"].startswith("http://portal.test/dataset/co-tep/resource/")
    assert catalogue.files.path(digest).read_bytes() == CSV
    assert res["validation_status"] == "valid"
    assert res["schema"]["fields"][0]["name"] == "tỉnh"


def test_callers_cannot_set_validation_results(client: FlaskClient, editor: str,
                                               org: str) -> None:
    _post(client, "package_create", editor, name="khong-gia-mao", owner_org=org)
    res = _post(client, "resource_create", editor, package_id="khong-gia-mao",
                url="http://agency.test/x.csv", validation_status="valid",
                extras={"fake": "1"})
    assert res["validation_status"] == "" and res["extras"] == {}


def test_organizations_and_groups_need_the_right_role(
        client: FlaskClient, api_token: TokenFactory, editor: str, org: str) -> None:
    _post(client, "organization_create", editor, 403, name="moi", title="Mới")
    root = api_token("root", sysadmin=True)
    created = _post(client, "organization_create", root, name="so-yte", title="Sở Y tế")
    assert created["name"] == "so-yte"
    admin = api_token("an", org=org, role="admin")
    _post(client, "organization_patch", admin, 403, id="so-yte", description="x")
    patched = _post(client, "organization_patch", admin, id=org, description="Mô tả mới")
    assert patched["description"] == "Mô tả mới"
    _post(client, "group_create", admin, 403, name="nhom", title="Nhóm")
    group = _post(client, "group_create", root, name="du-lich-bien", title="Du lịch biển")
    assert group["name"] == "du-lich-bien"
    assert _post(client, "group_patch", root, id="du-lich-bien",
                 title_en="Sea tourism")["title_en"] == "Sea tourism"


def test_member_create_puts_a_dataset_in_a_group(client: FlaskClient, admin: str,
                                                 org: str) -> None:
    _post(client, "package_create", admin, name="vao-nhom", owner_org=org)
    member = _post(client, "member_create", admin, id="moi-truong", object="vao-nhom",
                   object_type="package", capacity="public")
    assert member["table_name"] == "package"
    groups = _post(client, "package_show", None, id="vao-nhom")["groups"]
    assert [g["name"] for g in groups] == ["moi-truong"]
    _post(client, "member_create", admin, 409, id="moi-truong", object="vao-nhom",
          object_type="user")


def test_anonymous_writes_do_not_reveal_private_names(client: FlaskClient, editor: str,
                                                      org: str) -> None:
    _post(client, "package_create", editor, name="bi-mat", owner_org=org, private=True)
    for name in ("bi-mat", "khong-ton-tai"):
        assert _post(client, "package_patch", None, 403, id=name)["__type"] == \
            "Authorization Error"


def test_organization_parent_must_be_a_name(client: FlaskClient, api_token: TokenFactory,
                                            org: str) -> None:
    root = api_token("root", sysadmin=True)
    # A JSON value of the wrong shape is a 400 naming the field (issue 15).
    error = _post(client, "organization_create", root, 400, name="con", title="Con",
                  parent={"name": org})
    assert "parent" in error
    _post(client, "organization_patch", root, 409, id=org, parent=["x"])


def test_editor_publishes_through_review(client: FlaskClient, catalogue: Catalogue,
                                         editor: str, admin: str, org: str) -> None:
    from catalogue.accounts.principal import Principal
    from catalogue.review.service import approve

    draft = _post(client, "package_create", editor, name="cho-duyet", title="Chờ duyệt",
                  owner_org=org)
    assert draft["state"] == "draft"
    assert client.get("/api/3/action/package_show?id=cho-duyet").status_code == 404
    # On their own draft an editor works directly, files included.
    res = _post(client, "resource_create", editor, package_id="cho-duyet",
                url="http://agency.test/a.csv")
    assert res["id"]
    # Once published, an editor's changes wait for an administrator.
    _post(client, "package_patch", admin, id="cho-duyet", state="active")
    waiting = _post(client, "package_patch", editor, id="cho-duyet", title="Tiêu đề mới")
    assert waiting["title"] == "Chờ duyệt" and waiting["pending_review"]["kind"] == "change"
    link = _post(client, "resource_create", editor, package_id="cho-duyet",
                 url="http://agency.test/b.csv", name="Mới")
    assert "pending_review" in link
    upload = client.post("/api/3/action/resource_create", headers={"Authorization": editor},
                         data={"package_id": "cho-duyet",
                               "upload": (io.BytesIO(CSV), "so-tram.csv", "text/csv")},
                         content_type="multipart/form-data").get_json()["result"]
    assert upload["pending_review"]["kind"] == "change"
    public = _post(client, "package_show", None, id="cho-duyet")
    assert public["title"] == "Chờ duyệt" and public["num_resources"] == 1
    root = Principal(user_id="root", name="root", sysadmin=True, scopes=frozenset({"write"}))
    with catalogue.unit("root") as uow:
        for item_id in (waiting["pending_review"]["id"], link["pending_review"]["id"],
                        upload["pending_review"]["id"]):
            approve(uow, root, item_id)
        uow.commit()
    public = _post(client, "package_show", None, id="cho-duyet")
    assert public["title"] == "Tiêu đề mới"
    assert [r["name"] for r in public["resources"]] == ["a.csv", "Mới", "so-tram.csv"]
    assert public["resources"][2]["validation_status"] == "valid"


def test_uploads_are_content_checked(client: FlaskClient, admin: str, org: str) -> None:
    _post(client, "package_create", admin, name="kiem-tra-tep", owner_org=org)
    for filename, content in (("virus.exe", b"MZ\x90\x00"), ("bang.csv", b"<html><script>")):
        response = client.post("/api/3/action/resource_create",
                               headers={"Authorization": admin},
                               data={"package_id": "kiem-tra-tep",
                                     "upload": (io.BytesIO(content), filename)},
                               content_type="multipart/form-data")
        assert response.status_code == 409
        assert "upload" in response.get_json()["error"]


def test_writes_need_post(client: FlaskClient, editor: str) -> None:
    response = client.get("/api/3/action/package_create?name=x",
                          headers={"Authorization": editor})
    assert response.status_code == 400
    assert "POST" in response.get_json()["error"]["message"]


def test_token_header_spellings(client: FlaskClient, editor: str, org: str) -> None:
    for number, headers in enumerate([{"X-CKAN-API-Key": editor},
                                      {"Authorization": f"Bearer {editor}"},
                                      {"Authorization": "Basic cHJveHk6cHc=",
                                       "X-CKAN-API-Key": editor}]):
        response = client.post("/api/3/action/package_create", headers=headers,
                               json={"name": f"cach-{number}", "owner_org": org})
        assert response.status_code == 200, headers

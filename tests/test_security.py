"""No private, draft, withdrawn or pending data leaks through any public surface.

Each hidden dataset carries a marker word; every public page, feed and API answer is searched
for those words, with a public dataset as the positive control (the surface works at all).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.principal import Principal
from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset, delete_dataset, get_dataset
from catalogue.organizations.service import get_organization
from catalogue.review import service as review

HIDDEN = ("bimatxyz", "nhapxyz", "darutxyz", "choduyetxyz")
HIDDEN_NAMES = ("bi-mat", "ban-nhap", "da-rut")
WRITE = frozenset({"read", "read_private", "write"})


@dataclass
class Site:
    org: str
    public_resource: str
    private_resource: str


def dataset(name: str, word: str, org: str, **extra: object) -> dict[str, object]:
    return {"name": name, "title": f"Dữ liệu {word}", "notes": f"Mô tả {word}", "owner_org": org,
            "tags": [f"tag-{word}"], "license_id": "CC-BY-4.0",
            "resources": [{"url": f"https://agency.test/{word}.csv", "name": f"{word}.csv",
                           "format": "CSV"}], **extra}


@pytest.fixture
def site(catalogue: Catalogue, org: str) -> Site:
    with catalogue.unit("setup") as uow:
        create_dataset(uow, dataset("cong-khai", "congkhai", org))
        create_dataset(uow, dataset("bi-mat", "bimatxyz", org, private=True))
        create_dataset(uow, dataset("ban-nhap", "nhapxyz", org, state="draft"))
        create_dataset(uow, dataset("da-rut", "darutxyz", org))
        delete_dataset(uow, "da-rut")
        uow.commit()
    with catalogue.unit("editor") as uow:
        org_id = get_organization(uow.session, org).id
        editor = Principal(user_id="e", name="editor", roles={org_id: "editor"}, scopes=WRITE)
        review.edit_dataset(uow, editor, "cong-khai", {"notes": "Bản sửa choduyetxyz"})
        uow.commit()
    with catalogue.sessions() as session:
        return Site(org, get_dataset(session, "cong-khai").resources[0].id,
                    get_dataset(session, "bi-mat").resources[0].id)


def assert_clean(body: str, where: str, control: bool = True, echoed: str = "") -> None:
    """No marker word or hidden name in ``body``; ``echoed`` is the query the page repeats
    back, so for search pages only the hidden datasets' own text counts."""
    lowered = body.lower()
    for word in HIDDEN:
        if word == echoed:
            for phrase in (f"dữ liệu {word}", f"mô tả {word}", f"tag-{word}", f"{word}.csv",
                           f"bản sửa {word}"):
                assert phrase not in lowered, f"{phrase} leaks through {where}"
        else:
            assert word not in lowered, f"{word} leaks through {where}"
    for name in HIDDEN_NAMES:
        assert f"/{name}" not in lowered and f'"{name}"' not in lowered, \
            f"{name} leaks through {where}"
    if control:
        assert "congkhai" in lowered or "cong-khai" in lowered, \
            f"{where} does not show the public dataset at all"


PAGES = [
    "/", "/dataset", "/dataset?q=congkhai", "/organization", "/organization/so-tnmt-quang-ninh",
    "/feeds/dataset.atom", "/feeds/organization/so-tnmt-quang-ninh.atom", "/sitemap.xml",
    "/catalog.ttl", "/catalog.jsonld", "/data.json", "/dataset/cong-khai",
    "/dataset/cong-khai/history",
]


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_and_feeds_show_only_published(client: FlaskClient, site: Site,
                                                    path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    # The home page, agency list and history may not name the dataset; they must not leak.
    assert_clean(response.get_data(as_text=True), path,
                 control=path not in ("/", "/organization", "/dataset/cong-khai/history"))


@pytest.mark.parametrize("word", HIDDEN)
def test_searching_for_hidden_words_finds_nothing(client: FlaskClient, site: Site,
                                                  word: str) -> None:
    for path in (f"/dataset?q={word}", f"/autocomplete?q={word[:4]}",
                 f"/api/3/action/package_search?q={word}",
                 f"/api/3/action/package_autocomplete?q={word[:4]}",
                 f"/api/3/action/resource_search?query=name:{word}.csv"):
        response = client.get(path)
        assert_clean(response.get_data(as_text=True), path, control=False, echoed=word)


@pytest.mark.parametrize("word", HIDDEN[:3])
def test_tags_of_hidden_datasets_are_not_found(client: FlaskClient, site: Site,
                                               word: str) -> None:
    body = client.get(f"/api/3/action/tag_show?id=tag-{word}").get_json()
    assert body["success"] is False


API_LISTS = [
    "package_list", "current_package_list_with_resources", "tag_list",
    "package_search?q=*:*&facet.field=[\"tags\",\"organization\",\"res_format\"]",
    "organization_show?id=so-tnmt-quang-ninh&include_datasets=true",
    "organization_list?all_fields=true", "package_activity_list?id=cong-khai",
]


@pytest.mark.parametrize("action", API_LISTS)
def test_api_lists_and_facets_show_only_published(client: FlaskClient, site: Site,
                                                  action: str) -> None:
    response = client.get(f"/api/3/action/{action}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_clean(response.get_data(as_text=True), action,
                 control=not action.startswith(("organization_list", "package_activity_list")))


def test_facet_and_organization_counts_exclude_hidden(client: FlaskClient, site: Site) -> None:
    search = client.get('/api/3/action/package_search?facet.field=["organization","tags"]'
                        ).get_json()["result"]
    assert search["count"] == 1
    orgs = search["search_facets"]["organization"]["items"]
    assert [(o["name"], o["count"]) for o in orgs] == [("so-tnmt-quang-ninh", 1)]
    listed = client.get("/api/3/action/organization_list?all_fields=true").get_json()["result"]
    assert [o["package_count"] for o in listed] == [1]


@pytest.mark.parametrize("name", ["bi-mat", "ban-nhap", "da-rut"])
def test_hidden_datasets_are_not_found_anywhere(client: FlaskClient, site: Site,
                                                name: str) -> None:
    for path in (f"/dataset/{name}", f"/dataset/{name}.ttl", f"/dataset/{name}.jsonld",
                 f"/dataset/{name}/history", f"/dataset/{name}/v/1",
                 f"/dataset/{name}/cite.bib"):
        assert client.get(path).status_code == 404, path
    for action in (f"package_show?id={name}", f"package_activity_list?id={name}"):
        body = client.get(f"/api/3/action/{action}").get_json()
        assert body["success"] is False, action


def test_private_resource_download_is_not_found(client: FlaskClient, site: Site) -> None:
    for path in (f"/dataset/bi-mat/resource/{site.private_resource}",
                 f"/dataset/bi-mat/resource/{site.private_resource}/download",
                 f"/dataset/cong-khai/resource/{site.private_resource}",
                 f"/api/3/action/resource_show?id={site.private_resource}"):
        response = client.get(path)
        assert response.status_code in (404, 409) or response.get_json()["success"] is False, path


def test_pending_change_stays_out_of_public_history_and_show(client: FlaskClient,
                                                             site: Site) -> None:
    shown = client.get("/api/3/action/package_show?id=cong-khai").get_json()["result"]
    assert shown["notes"] == "Mô tả congkhai"
    activity = client.get("/api/3/action/package_activity_list?id=cong-khai").get_data(
        as_text=True)
    assert "choduyetxyz" not in activity


def test_members_with_a_token_do_see_private_data(client: FlaskClient, site: Site,
                                                  api_token: object) -> None:
    token = api_token("mai", org=site.org, role="viewer", scope="read_private")  # type: ignore[operator]
    body = client.get("/api/3/action/package_show?id=bi-mat",
                      headers={"Authorization": token}).get_json()
    assert body["success"] is True


def test_workspace_hides_other_agencies_datasets(app: Flask, catalogue: Catalogue, site: Site,
                                                 api_token: object) -> None:
    from catalogue.organizations.service import create_organization
    from tests.test_accounts_web import change_initial_password, log_in

    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-khac", "title": "Sở khác"})
        uow.commit()
    api_token("lan", org="so-khac", role="admin")  # type: ignore[operator]
    client = app.test_client()
    log_in(client)
    change_initial_password(client)
    assert client.get("/workspace/dataset/bi-mat").status_code == 404
    assert "bimatxyz" not in client.get("/workspace/").get_data(as_text=True)
    assert client.get("/workspace/review/").get_data(as_text=True).count("choduyetxyz") == 0
    assert client.get(f"/workspace/org/{site.org}/members").status_code == 403


def test_dataset_owner_and_state_never_leak_through_json_errors(client: FlaskClient,
                                                                site: Site) -> None:
    body = json.dumps(client.get("/api/3/action/package_show?id=bi-mat").get_json())
    assert "bimatxyz" not in body and "so-tnmt" not in body


def test_what_members_see_is_never_publicly_cacheable(app: Flask, catalogue: Catalogue,
                                                      site: Site) -> None:
    from tests.test_accounts_web import change_initial_password, log_in, make_user

    make_user(catalogue, site.org, role="viewer")
    client = app.test_client()
    log_in(client)
    change_initial_password(client)
    for path in ("/dataset/bi-mat", "/autocomplete?q=bimat", "/feeds/dataset.atom"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "public" not in response.headers.get("Cache-Control", ""), path
    assert "bimatxyz" in client.get("/dataset/bi-mat").get_data(as_text=True)

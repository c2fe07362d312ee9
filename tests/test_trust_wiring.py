"""Issue 9's trust parts wired through the real entry points: classification (Law on Data 2024
Art. 13) in the API, pages, DCAT, feeds, sitemap and data.json; personal-data holds in
harvests and uploads; quality in package_show; the default licence; per-source access class."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import TokenFactory
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset

WORD = "thuyloi"  # one rare word all three datasets share, so every listing finds them


def api(client: FlaskClient, action: str, token: str = "", **params: Any) -> dict[str, Any]:
    headers = {"Authorization": token} if token else {}
    response = client.get(f"/api/3/action/{action}", query_string=params, headers=headers)
    body: dict[str, Any] = json.loads(response.get_data(as_text=True))
    return body


@pytest.fixture
def classified(searchable: Catalogue, org: str) -> dict[str, str]:
    """One open, one shared and one private dataset of the same agency."""
    names = {c: f"ho-chua-{WORD}-{c}" for c in ("open", "shared", "private")}
    with searchable.unit("test") as uow:
        for access_class, name in names.items():
            create_dataset(uow, {
                "name": name, "title": f"Hồ chứa {WORD} {access_class}", "owner_org": org,
                "notes": f"Mực nước hồ chứa {WORD}.", "access_class": access_class,
                "tags": [{"name": f"tag-{access_class}"}], "groups": [{"name": "moi-truong"}],
                "resources": [{"url": f"http://so.test/{access_class}.csv", "format": "CSV"}]})
        uow.commit()
    return names


def test_shared_and_private_datasets_never_appear_anonymously(
        client: FlaskClient, classified: dict[str, str], org: str) -> None:
    hidden = [classified["shared"], classified["private"]]
    seen = classified["open"]
    search = api(client, "package_search", q=WORD, **{"facet.field": '["tags"]'})["result"]
    assert [p["name"] for p in search["results"]] == [seen]
    assert search["count"] == 1
    assert set(search["search_facets"]["tags"]["items"][0].values()) >= {"tag-open"}
    assert len(search["search_facets"]["tags"]["items"]) == 1
    assert api(client, "package_list")["result"] == [seen]
    listed = api(client, "current_package_list_with_resources")["result"]
    assert [p["name"] for p in listed] == [seen]
    assert [p["name"] for p in api(client, "package_autocomplete", q="ho-chua")["result"]] \
        == [seen]
    shown = api(client, "organization_show", id=org, include_datasets="true")["result"]
    assert [p["name"] for p in shown["packages"]] == [seen]
    assert shown["package_count"] == 1
    assert [t for t in api(client, "tag_list")["result"] if t.startswith("tag-")] == ["tag-open"]
    for name in hidden:
        assert api(client, "package_show", id=name)["success"] is False
        assert client.get(f"/dataset/{name}").status_code == 404
        assert client.get(f"/dataset/{name}.ttl").status_code == 404
    assert client.get(f"/dataset/{seen}").status_code == 200
    assert client.get(f"/dataset/{seen}.ttl").status_code == 200
    pages = {
        "dcat": client.get("/catalog.ttl"), "feed": client.get("/feeds/dataset.atom"),
        "org feed": client.get(f"/feeds/organization/{org}.atom"),
        "sitemap": client.get("/sitemap.xml"), "data.json": client.get("/data.json"),
        "search page": client.get(f"/dataset?q={WORD}"), "agency page": client.get(
            f"/organization/{org}"), "home": client.get("/"),
        "autocomplete": client.get("/autocomplete?q=H%E1%BB%93+ch%E1%BB%A9a"),
    }
    for where, response in pages.items():
        body = response.get_data(as_text=True)
        assert response.status_code == 200, where
        for name in hidden:
            assert name not in body, f"{name} leaks in {where}"
            assert f"{WORD} {name.rsplit('-', 1)[1]}" not in body, f"title leaks in {where}"
        if where not in ("home",):
            assert seen in body or f"{WORD} open" in body, where


def test_shared_datasets_are_visible_to_agency_accounts_private_ones_to_their_agency(
        client: FlaskClient, classified: dict[str, str], api_token: TokenFactory,
        searchable: Catalogue) -> None:
    from catalogue.organizations.service import create_organization

    with searchable.unit("test") as uow:
        create_organization(uow, {"name": "so-khac", "title": "Sở khác"})
        uow.commit()
    viewer = api_token("lan", org="so-khac", role="viewer")
    for name, visible in ((classified["shared"], True), (classified["private"], False)):
        assert api(client, "package_show", viewer, id=name)["success"] is visible
    found = api(client, "package_search", viewer, q=WORD, include_private="true")["result"]
    assert sorted(p["name"] for p in found["results"]) == sorted(
        [classified["open"], classified["shared"]])

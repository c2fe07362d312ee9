"""Read actions of the CKAN Action API answer in CKAN's shapes and never leak hidden data."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset, create_resource, update_dataset


def _result(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    body = response.get_json()
    assert response.status_code == status, body
    assert body["success"] is (status == 200)
    return body["result"] if status == 200 else body["error"]


SEED: list[dict[str, Any]] = [
    {"name": "chat-luong-nuoc", "title": "Chất lượng nước sông Hồng",
     "tags": ["nước", "môi trường"], "groups": ["moi-truong"], "license_id": "CC-BY-4.0",
     "resources": [{"url": "http://agency.test/nuoc.csv", "name": "Số liệu", "format": "csv"}]},
    {"name": "khong-khi", "title": "Chất lượng không khí Hạ Long", "tags": ["không khí"],
     "resources": [{"url": "http://agency.test/kk.json", "format": "JSON"}]},
    {"name": "rieng-tu", "title": "Nước thải nội bộ", "private": True, "tags": ["nước"]},
    {"name": "ban-nhap", "title": "Nước ngầm bản nháp", "state": "draft"},
    {"name": "da-xoa", "title": "Nước đã xoá"},
]


@pytest.fixture
def seeded(searchable: Catalogue, org: str) -> Catalogue:
    """Two public datasets, and a private, a draft and a deleted one (one commit)."""
    with searchable.unit("test") as uow:
        for data in SEED:
            create_dataset(uow, {**data, "owner_org": org})
        update_dataset(uow, "da-xoa", {"state": "deleted"}, partial=True)
        uow.commit()
    return searchable


def test_package_search_finds_public_datasets_in_ckan_shape(
        client: FlaskClient, seeded: Catalogue) -> None:
    result = _result(client, "/api/3/action/package_search?q=nuoc")
    assert set(result) >= {"count", "results", "facets", "search_facets", "sort"}
    assert [r["name"] for r in result["results"]] == ["chat-luong-nuoc"]
    assert result["count"] == 1
    package = result["results"][0]
    for key in ("id", "name", "title", "notes", "license_title", "isopen", "organization",
                "groups", "tags", "extras", "resources", "num_resources", "num_tags",
                "metadata_created", "metadata_modified", "owner_org", "private", "state"):
        assert key in package
    assert package["resources"][0]["package_id"] == package["id"]


def test_package_search_never_shows_private_draft_or_deleted(
        client: FlaskClient, seeded: Catalogue) -> None:
    result = _result(client, "/api/3/action/package_search?rows=1000&include_private=true"
                             "&include_drafts=true")
    assert sorted(r["name"] for r in result["results"]) == ["chat-luong-nuoc", "khong-khi"]
    assert result["count"] == 2


def test_package_search_facets_and_filters(client: FlaskClient, seeded: Catalogue) -> None:
    result = _result(client, '/api/3/action/package_search?facet.field=["tags","res_format",'
                             '"organization"]&fq=res_format:CSV')
    assert [r["name"] for r in result["results"]] == ["chat-luong-nuoc"]
    assert result["facets"]["res_format"] == {"CSV": 1}
    items = result["search_facets"]["organization"]["items"]
    assert items == [{"name": "so-tnmt-quang-ninh", "count": 1,
                      "display_name": "Sở Tài nguyên và Môi trường Quảng Ninh"}]


def test_package_search_accepts_the_ckan_harvester_filter(
        client: FlaskClient, seeded: Catalogue) -> None:
    result = _result(client, "/api/3/action/package_search?fq=metadata_modified:"
                             "[2020-01-01T00:00:00Z TO *] +organization:so-tnmt-quang-ninh"
                             "&sort=id asc&rows=50")
    assert result["count"] == 2


def test_package_search_field_terms_in_q_filter(client: FlaskClient, seeded: Catalogue) -> None:
    result = _result(client, "/api/3/action/package_search?q=tags:nước chất lượng")
    assert [r["name"] for r in result["results"]] == ["chat-luong-nuoc"]
    assert _result(client, "/api/3/action/package_search?q=name:khong-khi")["count"] == 1


def test_package_search_post_json_like_ckanapi(client: FlaskClient, seeded: Catalogue) -> None:
    response = client.post("/api/3/action/package_search",
                           json={"q": "không khí", "rows": 5, "facet.field": ["tags"]})
    body = response.get_json()
    assert body["success"] is True
    assert body["result"]["results"][0]["name"] == "khong-khi"
    assert body["result"]["facets"]["tags"] == {"không khí": 1}


BAD_PARAMETERS = [("rows=-1", "rows"), ("start=abc", "start"),  # rows=999999 is capped
                  ("facet.limit=x", "facet.limit"), ("include_private=maybe", "include_private")]
BROKEN_QUERIES = ["fq=organization:(a", "fq=nosuchfield:x", "sort=bogus desc",
                  'facet.field=["nope"]', "unknown_param=1", 'fq="unbalanced']


def test_package_search_bad_parameters_are_400(client: FlaskClient, seeded: Catalogue) -> None:
    for query, field in BAD_PARAMETERS:
        error = _result(client, f"/api/3/action/package_search?{query}", 400)
        assert error["__type"] == "Validation Error"
        assert field in error


def test_package_search_broken_queries_are_search_query_errors(
        client: FlaskClient, seeded: Catalogue) -> None:
    for query in BROKEN_QUERIES:
        error = _result(client, f"/api/3/action/package_search?{query}", 400)
        assert error["__type"] == "Search Query Error", query


def test_package_show_by_name_or_id_with_etag(client: FlaskClient, seeded: Catalogue) -> None:
    by_name = client.get("/api/3/action/package_show?id=chat-luong-nuoc")
    package = by_name.get_json()["result"]
    by_id = _result(client, f"/api/3/action/package_show?id={package['id']}")
    assert by_id["name"] == "chat-luong-nuoc"
    assert by_name.headers["ETag"]
    assert by_name.headers["Last-Modified"] == "Mon, 02 Mar 2026 08:30:00 GMT"
    again = client.get("/api/3/action/package_show?id=chat-luong-nuoc",
                       headers={"If-None-Match": by_name.headers["ETag"]})
    assert again.status_code == 304


def test_package_show_hides_what_is_not_public(client: FlaskClient, seeded: Catalogue) -> None:
    for name in ("rieng-tu", "ban-nhap", "da-xoa", "khong-co"):
        error = _result(client, f"/api/3/action/package_show?id={name}", 404)
        assert error["__type"] == "Not Found Error"


def test_package_show_without_id_is_a_missing_value(client: FlaskClient) -> None:
    error = _result(client, "/api/3/action/package_show", 409)
    assert error == {"__type": "Validation Error", "message": "Missing value",
                     "id": ["Missing value"]}


def test_package_list_and_current_list(client: FlaskClient, seeded: Catalogue) -> None:
    assert _result(client, "/api/3/action/package_list") == ["chat-luong-nuoc", "khong-khi"]
    assert _result(client, "/api/3/action/package_list?limit=1&offset=1") == ["khong-khi"]
    current = _result(client, "/api/3/action/current_package_list_with_resources?limit=10")
    assert {p["name"] for p in current} == {"chat-luong-nuoc", "khong-khi"}
    assert all("resources" in p for p in current)


def test_package_autocomplete_matches_without_diacritics(
        client: FlaskClient, seeded: Catalogue) -> None:
    result = _result(client, "/api/3/action/package_autocomplete?q=chat luong")
    assert {r["name"] for r in result} == {"chat-luong-nuoc", "khong-khi"}
    assert set(result[0]) == {"name", "title", "match_field", "match_displayed"}


def test_package_activity_list_comes_from_history(
        client: FlaskClient, seeded: Catalogue, clock: FixedClock) -> None:
    with seeded.unit("editor") as uow:
        update_dataset(uow, "khong-khi", {"notes": "Đo hằng giờ"}, partial=True)
        uow.commit()
    activity = _result(client, "/api/3/action/package_activity_list?id=khong-khi")
    assert [a["activity_type"] for a in activity] == ["changed package", "new package"]
    assert activity[0]["user_id"] == "editor"
    assert activity[0]["data"]["package"]["notes"] == "Đo hằng giờ"
    _result(client, "/api/3/action/package_activity_list?id=rieng-tu", 404)


def test_resource_show_and_search(client: FlaskClient, seeded: Catalogue) -> None:
    with seeded.unit("test") as uow:
        res = create_resource(uow, "rieng-tu", {"url": "http://agency.test/secret.csv",
                                                "format": "CSV"})
        uow.commit()
        hidden_id = res.id
    found = _result(client, "/api/3/action/resource_search?query=format:csv")
    assert found["count"] == 1
    resource = found["results"][0]
    assert resource["url"] == "http://agency.test/nuoc.csv"
    assert _result(client, f"/api/3/action/resource_show?id={resource['id']}")["name"] == "Số liệu"
    _result(client, f"/api/3/action/resource_show?id={hidden_id}", 404)
    error = _result(client, "/api/3/action/resource_search?query=bogus:1", 400)
    assert "query" in error


def test_organization_list_show_and_autocomplete(client: FlaskClient, seeded: Catalogue,
                                                 org: str) -> None:
    assert _result(client, "/api/3/action/organization_list") == [org]
    full = _result(client, "/api/3/action/organization_list?all_fields=true&sort=title desc")
    assert full[0]["package_count"] == 2
    shown = _result(client, f"/api/3/action/organization_show?id={org}&include_datasets=true")
    assert sorted(p["name"] for p in shown["packages"]) == ["chat-luong-nuoc", "khong-khi"]
    assert _result(client, "/api/3/action/organization_autocomplete?q=tnmt")[0]["name"] == org
    _result(client, "/api/3/action/organization_list?sort=nonsense", 400)
    _result(client, "/api/3/action/organization_list?limit=-3", 400)


def test_group_list_and_show(client: FlaskClient, seeded: Catalogue) -> None:
    names = _result(client, "/api/3/action/group_list")
    assert "moi-truong" in names
    counted = _result(client, "/api/3/action/group_list?all_fields=true&sort=package_count desc"
                              "&limit=1")
    assert counted[0]["name"] == "moi-truong" and counted[0]["package_count"] == 1
    shown = _result(client, "/api/3/action/group_show?id=moi-truong&include_datasets=true")
    assert [p["name"] for p in shown["packages"]] == ["chat-luong-nuoc"]


def test_tags_formats_licences_and_site(client: FlaskClient, seeded: Catalogue) -> None:
    # "nước" is also on the private dataset: listed once, from the public one.
    assert _result(client, "/api/3/action/tag_list") == ["không khí", "môi trường", "nước"]
    tag = _result(client, "/api/3/action/tag_show?id=nước&include_datasets=true")
    assert [p["name"] for p in tag["packages"]] == ["chat-luong-nuoc"]
    assert _result(client, "/api/3/action/format_autocomplete?q=cs") == ["csv"]
    assert any(lic["id"] == "CC-BY-4.0" for lic in _result(client, "/api/3/action/license_list"))
    assert _result(client, "/api/3/action/site_read") is True
    assert _result(client, "/api/3/action/status_show")["ckan_version"].startswith("2.")
    assert "Search datasets" in _result(client, "/api/3/action/help_show?name=package_search")


def test_cors_on_get_and_preflight(client: FlaskClient, seeded: Catalogue) -> None:
    response = client.get("/api/3/action/package_list")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/3/action/package_search")
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_ckanapi_user_agent_is_accepted(client: FlaskClient, seeded: Catalogue) -> None:
    response = client.get("/api/action/package_list",
                          headers={"User-Agent": "ckanapi/4.11 (+https://github.com/ckan/ckanapi)"})
    assert response.status_code == 200


def test_invalid_token_is_refused(client: FlaskClient) -> None:
    response = client.get("/api/3/action/package_list", headers={"Authorization": "nonsense"})
    assert response.status_code == 403
    assert response.get_json()["error"]["__type"] == "Authorization Error"

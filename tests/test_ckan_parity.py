"""CKAN 2.10/2.11 shape parity of the Action API (issue 17): what CKAN clients rely on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset
from catalogue.search.query import Range, parse_fq
from catalogue.subscriptions.model import Subscription


def _result(client: FlaskClient, url: str, **query: str) -> Any:
    response = client.get(url, query_string=query or None)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]


@pytest.fixture
def three(searchable: Catalogue, org: str) -> Catalogue:
    with searchable.unit("test") as uow:
        for number in range(3):
            create_dataset(uow, {"name": f"bo-{number}", "title": f"Bộ {number}",
                                 "owner_org": org, "resources": [
                                     {"url": f"http://agency.test/{number}.csv",
                                      "format": "CSV"}]})
        uow.commit()
    return searchable


def test_rows_above_the_limit_are_capped_not_refused(client: FlaskClient,
                                                     three: Catalogue) -> None:
    three.settings["api_max_rows"] = 2
    found = _result(client, "/api/3/action/package_search?rows=5000")
    assert found["count"] == 3 and len(found["results"]) == 2


def test_resources_carry_ckan_keys(client: FlaskClient, three: Catalogue) -> None:
    resource = _result(client, "/api/3/action/package_show?id=bo-0")["resources"][0]
    for key in ("cache_url", "cache_last_updated", "mimetype_inner", "resource_type",
                "last_modified"):
        assert key in resource, key
    assert _result(client, f"/api/3/action/resource_show?id={resource['id']}").keys() >= {
        "cache_url", "cache_last_updated", "mimetype_inner", "resource_type"}


def test_organizations_carry_image_display_url_and_num_followers(
        client: FlaskClient, three: Catalogue, org: str) -> None:
    shown = _result(client, f"/api/3/action/organization_show?id={org}")
    assert shown["num_followers"] == 0 and "image_display_url" in shown
    with three.unit("test") as uow:
        uow.session.add(Subscription(email="a@b.vn", target_type="organization",
                                     target_id=shown["id"], state="active", token="t" * 64,
                                     created=three.clock.now()))
        uow.commit()
    assert _result(client, f"/api/3/action/organization_show?id={org}")["num_followers"] == 1
    listed = _result(client, "/api/3/action/organization_list?all_fields=true")
    assert [o["num_followers"] for o in listed if o["name"] == org] == [1]
    assert all("image_display_url" in o for o in listed)


def test_help_url_uses_the_host_the_client_called(client: FlaskClient) -> None:
    response = client.get("/api/3/action/site_read", headers={"Host": "mirror.example.vn"})
    assert response.get_json()["help"] == \
        "http://mirror.example.vn/api/3/action/help_show?name=site_read"


def test_now_relative_date_ranges_in_fq(client: FlaskClient, three: Catalogue) -> None:
    # The clock says 2026-03-02 08:30; the datasets were written then.
    def count(fq: str) -> int:
        return int(_result(client, "/api/3/action/package_search", fq=fq)["count"])

    assert count("metadata_modified:[NOW-7DAYS TO NOW]") == 3
    assert count("metadata_modified:[NOW/DAY TO *]") == 3
    assert count("metadata_modified:[* TO NOW-1YEAR]") == 0
    assert count("metadata_created:[NOW/MONTH-1MONTH TO NOW/MONTH]") == 0
    response = client.get("/api/3/action/package_search",
                          query_string={"fq": "metadata_modified:[NOW-1FORTNIGHT TO NOW]"})
    assert response.status_code == 400
    assert response.get_json()["error"]["__type"] == "Search Query Error"


def test_date_math_follows_solr() -> None:
    now = datetime(2026, 3, 31, 8, 30, 15)
    assert parse_fq("metadata_modified:[NOW-1MONTH TO NOW/DAY+1DAY]", now) == Range(
        "metadata_modified", "2026-02-28T08:30:15", "2026-04-01T00:00:00")
    assert parse_fq("metadata_modified:{NOW/YEAR TO NOW-2HOURS}", now) == Range(
        "metadata_modified", "2026-01-01T00:00:00", "2026-03-31T06:30:15", False, False)

"""A harvested file share's paths are the agency's internal detail: the API gives them to the
owning agency's editors only, like the public pages (the stranger found ``package_show``
handing ``file://`` source addresses to anyone)."""

from __future__ import annotations

import json

import pytest
from conftest import TokenFactory
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset, create_resource, update_dataset

SHARE = "file:///srv/share/tnmt/quan-trac/2026.csv"


@pytest.fixture
def harvested(catalogue: Catalogue, org: str, searchable: Catalogue) -> str:
    with catalogue.unit("harvest:share") as uow:
        create_dataset(uow, {"name": "quan-trac-nuoc", "title": "Quan trắc nước",
                             "owner_org": org, "license_id": "CC-BY-4.0",
                             "harvest_source": "o-chia-se", "source_url": SHARE,
                             "retrieved_at": "2026-03-02T08:00:00"})
        create_resource(uow, "quan-trac-nuoc", {"name": "Số liệu", "format": "CSV",
                                                "url": "https://tnmt.example.vn/2026.csv",
                                                "extras": {"source_url": SHARE}},
                        trusted=True)  # extras come from harvests
        uow.commit()
    with catalogue.unit("harvest:share") as uow:  # a second version moves the file
        update_dataset(uow, "quan-trac-nuoc", {"source_url": SHARE.replace("2026", "2026b")},
                       partial=True)
        uow.commit()
    return "quan-trac-nuoc"


def _api(client: FlaskClient, action: str, token: str = "", **params: str) -> object:
    headers = {"Authorization": token} if token else {}
    response = client.get(f"/api/3/action/{action}", query_string=params, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["result"]


def test_outsiders_get_no_file_share_path_from_any_action(
        client: FlaskClient, catalogue: Catalogue, harvested: str, api_token: TokenFactory,
        org: str) -> None:
    from catalogue.organizations.service import create_organization

    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-khac", "title": "Sở khác"})
        uow.commit()
    viewer = api_token("khach", org="so-khac", role="editor")  # an editor, but elsewhere
    for token in ("", viewer):
        answers = [_api(client, "package_show", token, id=harvested),
                   _api(client, "package_search", token, q="quan trắc"),
                   _api(client, "current_package_list_with_resources", token),
                   _api(client, "organization_show", token, id=org,
                        include_datasets="true"),
                   _api(client, "package_activity_list", token, id=harvested),
                   _api(client, "resource_search", token, query="format:csv")]
        shown = _api(client, "package_show", token, id=harvested)
        assert isinstance(shown, dict)
        resource = _api(client, "resource_show", token, id=shown["resources"][0]["id"])
        text = json.dumps([*answers, resource], ensure_ascii=False)
        assert "file://" not in text and "/srv/share" not in text, token
        assert shown["provenance"]["source_url"] == ""  # the key stays, as CKAN clients read it
        assert shown["provenance"]["harvest_source"] == "o-chia-se"
        assert shown["resources"][0]["url"] == "https://tnmt.example.vn/2026.csv"


def test_the_agency_s_editors_see_where_their_data_came_from(
        client: FlaskClient, harvested: str, api_token: TokenFactory, org: str) -> None:
    editor = api_token("lan", org=org, role="editor")
    shown = _api(client, "package_show", editor, id=harvested)
    assert isinstance(shown, dict)
    assert shown["provenance"]["source_url"] == SHARE.replace("2026", "2026b")
    assert shown["resources"][0]["extras"]["source_url"] == SHARE
    activity = json.dumps(_api(client, "package_activity_list", editor, id=harvested))
    assert "file:///srv/share" in activity


def test_web_source_addresses_stay_public(client: FlaskClient, catalogue: Catalogue,
                                          org: str) -> None:
    with catalogue.unit("harvest:ckan") as uow:
        create_dataset(uow, {"name": "gia-dat", "title": "Giá đất", "owner_org": org,
                             "license_id": "CC-BY-4.0", "harvest_source": "ckan-tinh",
                             "source_url": "https://data.tinh.gov.vn/dataset/gia-dat"})
        uow.commit()
    shown = _api(client, "package_show", id="gia-dat")
    assert isinstance(shown, dict)
    assert shown["provenance"]["source_url"] == "https://data.tinh.gov.vn/dataset/gia-dat"


def test_public_history_page_shows_no_file_share_path(client: FlaskClient,
                                                      harvested: str) -> None:
    page = client.get(f"/dataset/{harvested}/history").get_data(as_text=True)
    assert "/srv/share" not in page

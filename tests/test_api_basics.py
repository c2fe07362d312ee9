"""The thin first slice of the CKAN Action API answers in CKAN's envelope."""

from __future__ import annotations

from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset


def _publish(catalogue: Catalogue, org: str, name: str, **extra: object) -> None:
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": name, "title": name, "owner_org": org, **extra})
        uow.commit()


def test_package_list_names_public_datasets_only(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    _publish(catalogue, org, "cong-khai")
    _publish(catalogue, org, "rieng-tu", private=True)
    _publish(catalogue, org, "ban-nhap", state="draft")
    body = client.get("/api/3/action/package_list").get_json()
    assert body["success"] is True
    assert body["result"] == ["cong-khai"]


def test_package_show_hides_private_dataset(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    _publish(catalogue, org, "rieng-tu", private=True)
    response = client.get("/api/3/action/package_show?id=rieng-tu")
    assert response.status_code == 404
    assert response.get_json()["error"]["__type"] == "Not Found Error"


def test_unknown_action_is_a_clear_error(client: FlaskClient) -> None:
    response = client.get("/api/action/no_such_action")
    assert response.status_code == 400
    assert response.get_json()["success"] is False


def test_bad_json_body_is_a_clear_error(client: FlaskClient) -> None:
    response = client.post("/api/3/action/package_list", data="{not json",
                           content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]["message"]

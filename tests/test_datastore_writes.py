"""DataStore writes (issue 21): datastore_create, _upsert and _delete become a new file of the
resource through the upload checks and the publishing gate; only the owning agency writes."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import TokenFactory
from flask import Flask
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.organizations.service import create_organization


@pytest.fixture
def tokens(api_token: TokenFactory, org: str, catalogue: Catalogue) -> dict[str, str]:
    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-gtvt", "title": "Sở Giao thông vận tải"})
        uow.commit()
    return {"admin": api_token("an", org=org, role="admin"),
            "editor": api_token("lan", org=org, role="editor"),
            "outsider": api_token("khach", org="so-gtvt", role="admin")}


def _post(client: FlaskClient, action: str, token: str, **params: Any) -> Any:
    return client.post(f"/api/3/action/{action}", json=params,
                       headers={"Authorization": token})


def _rows(client: FlaskClient, resource_id: str) -> list[dict[str, Any]]:
    answer = client.get("/api/3/action/datastore_search",
                        query_string={"resource_id": resource_id, "sort": "ma"}).get_json()
    return [{k: v for k, v in r.items() if k != "_id"} for r in answer["result"]["records"]]


def test_an_admin_creates_upserts_and_deletes_rows(app: Flask, client: FlaskClient,
                                                   tokens: dict[str, str], org: str) -> None:
    admin = tokens["admin"]
    assert _post(client, "package_create", admin, name="tram-quan-trac", owner_org=org,
                 license_id="CC-BY-4.0").status_code == 200
    created = _post(client, "datastore_create", admin,
                    resource={"package_id": "tram-quan-trac", "name": "Trạm"},
                    fields=[{"id": "ma", "type": "text"}, {"id": "ten", "type": "text"},
                            {"id": "so_mau", "type": "int"}],
                    records=[{"ma": "001", "ten": "Hạ Long", "so_mau": 12},
                             {"ma": "002", "ten": "Cẩm Phả", "so_mau": 7}])
    assert created.status_code == 200, created.get_json()
    rid = created.get_json()["result"]["resource_id"]
    assert _rows(client, rid) == [{"ma": "001", "ten": "Hạ Long", "so_mau": 12},
                                  {"ma": "002", "ten": "Cẩm Phả", "so_mau": 7}]
    upserted = _post(client, "datastore_upsert", admin, resource_id=rid, primary_key=["ma"],
                     records=[{"ma": "002", "so_mau": 9}, {"ma": "003", "ten": "Uông Bí",
                                                          "so_mau": 4}])
    assert upserted.status_code == 200, upserted.get_json()
    assert _rows(client, rid)[1:] == [{"ma": "002", "ten": "Cẩm Phả", "so_mau": 9},
                                      {"ma": "003", "ten": "Uông Bí", "so_mau": 4}]
    deleted = _post(client, "datastore_delete", admin, resource_id=rid,
                    filters={"ten": "Hạ Long"})
    assert deleted.status_code == 200 and deleted.get_json()["result"]["deleted"] == 1
    assert [r["ma"] for r in _rows(client, rid)] == ["002", "003"]


def test_writes_need_the_owning_agency_and_pass_review(app: Flask, client: FlaskClient,
                                                       tokens: dict[str, str],
                                                       org: str) -> None:
    admin, editor = tokens["admin"], tokens["editor"]
    _post(client, "package_create", admin, name="tram", owner_org=org, license_id="CC-BY-4.0")
    rid = _post(client, "datastore_create", admin, resource={"package_id": "tram"},
                records=[{"ma": "001", "so": 1}]).get_json()["result"]["resource_id"]
    for token in (tokens["outsider"], None):
        headers = {"Authorization": token} if token else {}
        refused = client.post("/api/3/action/datastore_upsert", headers=headers,
                              json={"resource_id": rid, "records": [{"ma": "009", "so": 9}],
                                    "method": "insert"})
        assert refused.status_code == 403
    # An editor's change to a published file: refused in place, as any upload is.
    in_place = _post(client, "datastore_upsert", editor, resource_id=rid, method="insert",
                     records=[{"ma": "009", "so": 9}])
    assert in_place.status_code == 409, in_place.get_json()
    # An editor's new table of a published dataset waits for review, unseen.
    waiting = _post(client, "datastore_create", editor, resource={"package_id": "tram"},
                    records=[{"ma": "777", "so": 7}])
    assert "pending_review" in waiting.get_json()["result"], waiting.get_json()
    assert [r["ma"] for r in _rows(client, rid)] == ["001"]
    assert _post(client, "datastore_delete", admin, resource_id=rid).status_code == 400

"""The OpenAPI description says what every action returns, and real answers match it (issue 17).

Each action is called once with real data (reads anonymously, writes with a sysadmin token)
and its ``result`` is validated against the schema its 200 response declares in
``/api/3/openapi.json``; ``package_show`` answers a conditional request with 304 as declared.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from conftest import TokenFactory
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from jsonschema import Draft202012Validator
from schemathesis.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset
from portal.api.registry import ACTIONS

FUZZ_PHASES = (Phase.explicit, Phase.generate)  # no shrinking: the example found is enough


@pytest.fixture
def seeded(searchable: Catalogue, org: str) -> Catalogue:
    with searchable.unit("test") as uow:
        create_dataset(uow, {"name": "quan-trac-nuoc", "title": "Quan trắc nước",
                             "owner_org": org, "tags": ["nước"], "groups": ["moi-truong"],
                             "license_id": "CC-BY-4.0",
                             "resources": [{"url": "http://agency.test/a.csv",
                                            "format": "CSV", "name": "Số liệu"}]})
        uow.commit()
    return searchable


def _validator(doc: dict[str, Any], action: str, method: str) -> Draft202012Validator:
    schema = doc["paths"][f"/api/3/action/{action}"][method]["responses"]["200"]["content"][
        "application/json"]["schema"]
    return Draft202012Validator({**schema, "components": doc["components"]})


def test_every_action_answers_what_its_openapi_says(client: FlaskClient, seeded: Catalogue,
                                                   org: str, api_token: TokenFactory) -> None:
    doc = client.get("/api/3/openapi.json").get_json()
    # The schemas say something: a package without its keys does not pass.
    assert list(_validator(doc, "package_show", "get").iter_errors(
        {"help": "", "success": True, "result": {"name": "x", "private": "no"}}))
    token = api_token("quantri", sysadmin=True)
    resource_id = client.get("/api/3/action/package_show?id=quan-trac-nuoc").get_json()[
        "result"]["resources"][0]["id"]
    reads: dict[str, dict[str, Any]] = {
        "package_show": {"id": "quan-trac-nuoc"},
        "package_search": {"q": "nước", "facet.field": '["tags","organization"]'},
        "package_list": {}, "current_package_list_with_resources": {},
        "package_autocomplete": {"q": "quan"}, "package_activity_list": {"id": "quan-trac-nuoc"},
        "resource_show": {"id": resource_id}, "resource_search": {"query": "format:CSV"},
        "organization_show": {"id": org}, "organization_list": {"all_fields": "true"},
        "organization_autocomplete": {"q": "so"}, "group_show": {"id": "moi-truong"},
        "group_list": {"all_fields": "true"}, "tag_list": {}, "tag_show": {"id": "nước"},
        "license_list": {}, "format_autocomplete": {"q": "cs"}, "status_show": {},
        "site_read": {}, "help_show": {"name": "package_show"},
    }
    writes: list[tuple[str, dict[str, Any]]] = [
        ("package_create", {"name": "moi", "title": "Mới", "owner_org": org}),
        ("package_update", {"id": "moi", "name": "moi", "title": "Mới hơn", "owner_org": org}),
        ("package_patch", {"id": "moi", "notes": "Ghi chú"}),
        ("resource_create", {"package_id": "moi", "url": "http://agency.test/b.csv",
                             "format": "CSV"}),
        ("organization_create", {"name": "so-moi", "title": "Sở mới"}),
        ("organization_patch", {"id": "so-moi", "title": "Sở mới hơn"}),
        ("group_create", {"name": "khi-hau-moi", "title": "Khí hậu"}),
        ("group_patch", {"id": "khi-hau-moi", "title": "Khí hậu và thời tiết"}),
        ("member_create", {"id": "khi-hau-moi", "object": "moi", "object_type": "package"}),
    ]
    answered: set[str] = set()
    for action, params in reads.items():
        for method in ("get", "post"):
            if method == "get":
                response = client.get(f"/api/3/action/{action}", query_string=params)
            else:
                response = client.post(f"/api/3/action/{action}", json=params)
            assert response.status_code == 200, (action, response.get_json())
            errors = [e.message for e in _validator(doc, action, method).iter_errors(
                response.get_json())]
            assert errors == [], (action, method, errors[:5])
        answered.add(action)
    table = _datastore_table(client, token, org)
    for action, params in {"datastore_search": {"resource_id": table, "limit": 2},
                           "datastore_info": {"id": table},
                           "datastore_search_sql": {"sql": f'SELECT * FROM "{table}"'}}.items():
        for method in ("get", "post"):
            response = (client.get(f"/api/3/action/{action}", query_string=params)
                        if method == "get" else
                        client.post(f"/api/3/action/{action}", json=params))
            assert response.status_code == 200, (action, response.get_json())
            errors = [e.message for e in _validator(doc, action, method).iter_errors(
                response.get_json())]
            assert errors == [], (action, method, errors[:5])
        answered.add(action)
    for action, params in [
            ("datastore_create", {"resource": {"package_id": "bang-so-lieu", "name": "Mới"},
                                  "records": [{"mã": "03", "số": 7}]}),
            ("datastore_upsert", {"resource_id": table, "method": "insert",
                                  "records": [{"mã": "04", "số": 9}]}),
            ("datastore_delete", {"resource_id": table, "filters": {"mã": "04"}})]:
        _post_checked(client, doc, token, action, params)
        answered.add(action)
    created_resource = ""
    for action, params in writes:
        result = _post_checked(client, doc, token, action, params)
        if action == "resource_create":
            created_resource = result["id"]
        answered.add(action)
    for action, params in [("resource_update", {"id": created_resource,
                                                "url": "http://agency.test/c.csv"}),
                           ("resource_patch", {"id": created_resource, "name": "Tệp C"}),
                           ("resource_delete", {"id": created_resource}),
                           ("package_delete", {"id": "moi"})]:
        _post_checked(client, doc, token, action, params)
        answered.add(action)
    assert answered == set(ACTIONS)  # a new action needs its result declared and checked


def _datastore_table(client: FlaskClient, token: str, org: str) -> str:
    """A public table in the datastore (issue 21): a CSV uploaded and loaded."""
    import io

    from datastore_setup import run_loads

    _post_checked(client, {}, token, "package_create",
                  {"name": "bang-so-lieu", "title": "Bảng", "owner_org": org}, check=False)
    response = client.post("/api/3/action/resource_create", headers={"Authorization": token},
                           data={"package_id": "bang-so-lieu",
                                 "upload": (io.BytesIO("mã,số\n01,3\n02,5\n".encode()),
                                            "bang.csv", "text/csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    run_loads(client.application)
    return str(response.get_json()["result"]["id"])


def _post_checked(client: FlaskClient, doc: dict[str, Any], token: str, action: str,
                  params: dict[str, Any], *, check: bool = True) -> Any:
    response = client.post(f"/api/3/action/{action}", json=params,
                           headers={"Authorization": token})
    assert response.status_code == 200, (action, response.get_json())
    if not check:
        return response.get_json()["result"]
    errors = [e.message for e in _validator(doc, action, "post").iter_errors(
        response.get_json())]
    assert errors == [], (action, errors[:5])
    return response.get_json()["result"]


def test_package_show_revalidates_with_its_etag_as_declared(client: FlaskClient,
                                                           seeded: Catalogue) -> None:
    doc = client.get("/api/3/openapi.json").get_json()
    declared = doc["paths"]["/api/3/action/package_show"]["get"]
    assert "304" in declared["responses"]
    assert "ETag" in declared["responses"]["200"]["headers"]
    first = client.get("/api/3/action/package_show?id=quan-trac-nuoc")
    etag = first.headers["ETag"]
    again = client.get("/api/3/action/package_show?id=quan-trac-nuoc",
                       headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_parameter_limits_are_declared(client: FlaskClient) -> None:
    doc = client.get("/api/3/openapi.json").get_json()
    search = {p["name"]: p["schema"] for p in
              doc["paths"]["/api/3/action/package_search"]["get"]["parameters"]}
    assert search["rows"] == {"type": "integer", "minimum": 0}  # above the cap: capped
    assert search["start"]["maximum"] == 10_000_000
    autocomplete = doc["paths"]["/api/3/action/package_autocomplete"]["post"]["requestBody"]
    limit = autocomplete["content"]["application/json"]["schema"]["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"]) == (0, 100)


def test_fuzzed_reads_answer_as_described(app: Flask, seeded: Catalogue) -> None:
    """schemathesis, a bounded budget: whatever a read is asked, a 200 carries the declared
    result and every status is one the description lists."""
    schema = schemathesis.openapi.from_wsgi("/api/3/openapi.json", app)
    checks = [response_schema_conformance, status_code_conformance]
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue

        @settings(max_examples=4, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=FUZZ_PHASES)
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call()
            try:
                case.validate_response(response, checks=checks)
            except FailureGroup as group:  # how schemathesis reports what its checks found
                failures.extend(f"{case.path} {case.query!r}: {type(exc).__name__} "
                                f"{str(exc)[:200]}" for exc in group.exceptions)

        run()
    assert failures == [], "\n".join(failures)

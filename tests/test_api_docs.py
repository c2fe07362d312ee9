"""The API documents itself: OpenAPI 3.1 from the action table, and a page for people."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from portal.api.registry import ACTIONS


def test_openapi_lists_every_action_with_its_parameters(client: FlaskClient) -> None:
    response = client.get("/api/3/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": "http://portal.test"}]
    assert {path.rsplit("/", 1)[-1] for path in doc["paths"]} == set(ACTIONS)
    search = doc["paths"]["/api/3/action/package_search"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {"q", "fq", "rows", "start", "sort",
                                                         "facet.field", "include_private"}
    create = doc["paths"]["/api/3/action/package_create"]
    assert "get" not in create
    assert create["post"]["security"] == [{"ApiToken": []}]
    upload = doc["paths"]["/api/3/action/resource_create"]["post"]["requestBody"]["content"]
    assert "upload" in upload["multipart/form-data"]["schema"]["properties"]


def test_openapi_schemas_are_valid_json_schema(client: FlaskClient) -> None:
    from jsonschema import Draft202012Validator

    doc = client.get("/api/3/openapi.json").get_json()
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for item in doc["paths"].values():
        for operation in item.values():
            for param in operation.get("parameters", []):
                Draft202012Validator.check_schema(param["schema"])


@pytest.mark.parametrize("lang, phrases", [
    ("vi", ["Tìm kiếm bộ dữ liệu", "Công bố dữ liệu qua API"]),
    ("en", ["Searching datasets", "Publishing through the API"]),
])
def test_docs_page_in_both_languages_with_examples(client: FlaskClient, lang: str,
                                                   phrases: list[str]) -> None:
    response = client.get(f"/api?lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for phrase in phrases:
        assert phrase in page
    # curl, Python (ckanapi) and JavaScript examples, and the OpenAPI link
    for example in ("curl ", "from ckanapi import RemoteCKAN", "await (await fetch(url)).json()",
                    "/api/3/openapi.json", "ckanapi dump datasets --all"):
        assert example in page
    assert 'id="package_search"' in page


def test_api_version_root(client: FlaskClient) -> None:
    assert client.get("/api/3").get_json() == {"version": 3}


def test_each_action_is_described_in_whole_sentences_with_names_as_code(
        client: FlaskClient) -> None:
    # The table showed each docstring's first line: "…, an admin's is" and ``upload``.
    page = client.get("/api?lang=vi").get_data(as_text=True)
    row = page.split('<tr id="package_create">', 1)[1].split("</tr>", 1)[0]
    assert "an admin's is published as asked." in row.replace("&#39;", "'")
    assert '<td lang="en">' in row  # English inside the Vietnamese page, said so
    assert "``" not in page
    assert "<code>upload</code>" in page.split('<tr id="resource_create">', 1)[1].split(
        "</tr>", 1)[0]

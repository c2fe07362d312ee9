"""The OpenAPI description draws the line where the server draws it (issue 17 item 4): a value
its patterns allow is answered, a value the server refuses as malformed is outside them.
Schemathesis checks the same at random in tests/test_api_fuzz.py; these are the known cases,
one per constraint."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient


def _schema(doc: dict[str, Any], action: str, name: str) -> dict[str, Any]:
    params = doc["paths"][f"/api/3/action/{action}"]["get"]["parameters"]
    return next(p["schema"] for p in params if p["name"] == name)


def _allows(schema: dict[str, Any], value: str) -> bool:
    if "enum" in schema:
        return value in schema["enum"]
    return (len(value) <= schema.get("maxLength", len(value))
            and re.fullmatch(schema["pattern"], value) is not None)


CASES = [  # action, parameter, a value the server answers, a value it refuses (400)
    ("package_search", "fq", "tags:nước -organization:so-tnmt", "nước"),
    ("package_search", "fq_list", "+res_format:CSV", "res_format"),
    ("package_search", "sort", "metadata_modified desc, name asc", "size desc"),
    ("package_search", "q", "chất lượng nước " * 60, "nước " * 201),
    ("package_search", "facet.field", '["tags", "year"]', "colour"),
    ("organization_list", "sort", "package_count desc", "package_count down"),
    ("group_list", "sort", "title", "members"),
    ("resource_search", "order_by", "last_modified", "size"),
    ("resource_search", "query", "format:csv", "csv"),
    ("package_show", "id", "chat-luong-nuoc", "chat-luong\nnuoc"),
]


@pytest.mark.parametrize("action, name, accepted, refused", CASES,
                         ids=[f"{a}.{n}" for a, n, _, _ in CASES])
def test_described_values_are_answered_and_refused_ones_are_outside_the_description(
        client: FlaskClient, action: str, name: str, accepted: str, refused: str) -> None:
    doc = client.get("/api/3/openapi.json").get_json()
    schema = _schema(doc, action, name)
    assert _allows(schema, accepted)
    assert not _allows(schema, refused)
    answered = client.get(f"/api/3/action/{action}", query_string={name: accepted})
    assert answered.status_code in (200, 404), answered.get_data(as_text=True)
    refused_answer = client.get(f"/api/3/action/{action}", query_string={name: refused})
    assert refused_answer.status_code == 400, refused_answer.get_data(as_text=True)


def test_a_read_body_takes_only_its_parameters_and_a_write_body_single_line_extras(
        client: FlaskClient) -> None:
    """Unknown keys in a read's JSON body are not described (package_search refuses them);
    a write's extra fields (CKAN's author, version …) are single-line values with
    single-line names, as the input check wants."""
    doc = client.get("/api/3/openapi.json").get_json()

    def body(action: str) -> dict[str, Any]:
        operation = doc["paths"][f"/api/3/action/{action}"]["post"]
        return dict(operation["requestBody"]["content"]["application/json"]["schema"])

    assert body("package_search")["additionalProperties"] is False
    create = body("package_create")
    assert re.fullmatch(create["propertyNames"]["pattern"], "author")
    assert not re.fullmatch(create["propertyNames"]["pattern"], "au\nthor")
    assert create["properties"]["tags"]["items"]["anyOf"][1]["properties"] == {
        "name": {"type": "string", "pattern": "^[^\\x00]*$"}}
    refused = client.post("/api/3/action/package_search", json={"q": "nước", "colour": 1})
    assert refused.status_code == 400

"""The API documents itself: OpenAPI 3.1 from the action table, and a page for people."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

from portal.api.action_words import SUMMARIES
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


def action_descriptions(page: str) -> dict[str, str]:
    """Each action row's description cell on the ``/api`` page, by action name."""
    rows = re.findall(r'<tr id="([a-z_]+)">\s*<td>.*?</td>\s*<td>(.*?)</td>', page, re.S)
    return dict(rows)


def test_every_action_has_a_summary_in_words() -> None:
    # A new action without one would show its English docstring on the Vietnamese page.
    assert set(SUMMARIES) == set(ACTIONS)


def test_each_action_is_described_in_vietnamese_on_the_vietnamese_page(
        client: FlaskClient) -> None:
    # The table showed each action's English docstring on the Vietnamese side (issue 19).
    page = client.get("/api?lang=vi").get_data(as_text=True)
    described = action_descriptions(page)
    assert set(described) == set(ACTIONS)
    for name, cell in described.items():
        english = ACTIONS[name].doc.split("\n\n")[0].split(":")[0].split(";")[0]
        assert english.strip() not in html.unescape(cell), name
        assert any(not char.isascii() for char in cell), (name, cell)  # Vietnamese letters
    assert ("biên tập viên tạo thì bộ dữ liệu là bản nháp gửi duyệt"
            in described["package_create"])
    assert 'lang="en"' not in page.split('id="package_create"', 1)[1].split("</table>", 1)[0]
    assert "``" not in page
    assert "<code>upload</code>" in described["resource_create"]


def test_each_action_is_described_in_english_on_the_english_page(client: FlaskClient) -> None:
    # Red until `make translations` has taken the summaries in and they are translated.
    page = client.get("/api?lang=en").get_data(as_text=True)
    described = action_descriptions(page)
    assert set(described) == set(ACTIONS)
    vietnamese = {name: cell for name, cell in described.items()
                  if any(char.isalpha() and not char.isascii() for char in html.unescape(cell))}
    assert not vietnamese
    assert "<code>upload</code>" in described["resource_create"]

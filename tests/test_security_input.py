"""Hostile input gets a 400 with a clear message, never a 500 (issue 15).

Nested JSON where text is expected, lone surrogates, NUL bytes (which PostgreSQL refuses in
text), CR/LF in single-line values and huge page numbers: through the API (CKAN's envelope)
and through the pages' query strings, paths and forms. On SQLite and PostgreSQL alike
(``pytest --db=postgres``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from portal.api.registry import ACTIONS

TokenFactory = Callable[..., str]


def _post_raw(client: FlaskClient, action: str, body: str, token: str | None = None) -> Any:
    headers = {"Authorization": token} if token else {}
    return client.post(f"/api/3/action/{action}", data=body.encode("utf-8", "surrogatepass"),
                       content_type="application/json", headers=headers)


def _refused(response: Any, *words: str) -> str:
    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    envelope = response.get_json()
    assert envelope["success"] is False
    assert envelope["error"]["__type"] == "Validation Error"
    message = str(envelope["error"]["message"])
    for word in words:
        assert word in message, message
    return message


@pytest.fixture
def dataset(client: FlaskClient, api_token: TokenFactory, org: str) -> str:
    token = api_token("an", org=org, role="admin")
    answer = client.post("/api/3/action/package_create", headers={"Authorization": token},
                         json={"name": "muc-tieu", "title": "Mục tiêu", "owner_org": org,
                               "resources": [{"url": "http://agency.test/a.csv"}]})
    assert answer.status_code == 200, answer.get_json()
    return token


# The API ----------------------------------------------------------------------------------

def test_a_json_object_where_an_id_is_expected_is_a_400(client: FlaskClient) -> None:
    response = client.post("/api/3/action/package_show", json={"id": {"$ne": ""}})
    _refused(response, "id", "must be string", "object")


def test_a_json_list_where_a_number_is_expected_is_a_400(client: FlaskClient) -> None:
    response = client.post("/api/3/action/package_search", json={"rows": [1, 2]})
    _refused(response, "rows")


def test_malformed_tags_are_refused_before_screening(client: FlaskClient, dataset: str,
                                                     org: str) -> None:
    response = client.post("/api/3/action/package_create", headers={"Authorization": dataset},
                           json={"name": "the-tags", "owner_org": org, "tags": [1, {"x": []}]})
    assert response.status_code in (400, 409), response.get_data(as_text=True)
    assert response.get_json()["error"]["__type"] == "Validation Error"


def test_json_nested_thousands_deep_is_a_400(client: FlaskClient) -> None:
    body = '{"q": ' + "[" * 50_000 + "]" * 50_000 + "}"
    _refused(_post_raw(client, "package_search", body), "nested")


@pytest.mark.parametrize("action", ["package_search", "package_show", "organization_show"])
def test_a_lone_surrogate_is_a_400(client: FlaskClient, action: str) -> None:
    key = "q" if action == "package_search" else "id"
    _refused(_post_raw(client, action, f'{{"{key}": "nu\\ud800oc"}}'), key, "surrogate")


def test_a_lone_surrogate_in_a_new_title_is_a_400_and_nothing_is_written(
        client: FlaskClient, dataset: str, org: str) -> None:
    body = json.dumps({"name": "be-mat", "owner_org": org, "title": "Sông \ud83d đêm"})
    _refused(_post_raw(client, "package_create", body, dataset), "title", "surrogate")
    assert client.get("/api/3/action/package_show?id=be-mat").status_code == 404


def test_a_nul_in_a_field_name_is_a_400(client: FlaskClient) -> None:
    _refused(_post_raw(client, "package_search", '{"q\\u0000x": "a"}'), "NUL")


@pytest.mark.parametrize("field", ["id", "name"])
def test_crlf_in_a_single_line_value_is_a_400(client: FlaskClient, dataset: str,
                                              field: str) -> None:
    body = {"id": "muc-tieu", field: "muc-tieu\r\nX-Injected: 1"}
    response = client.post("/api/3/action/package_patch", json=body,
                           headers={"Authorization": dataset})
    _refused(response, field, "one line")


def test_crlf_in_a_description_is_kept(client: FlaskClient, dataset: str) -> None:
    response = client.post("/api/3/action/package_patch", headers={"Authorization": dataset},
                           json={"id": "muc-tieu", "notes": "Dòng một\r\nDòng hai"})
    assert response.status_code == 200
    assert "Dòng hai" in response.get_json()["result"]["notes"]


# A huge ``rows`` is capped at api_max_rows, as CKAN does (tests/test_ckan_parity.py).
@pytest.mark.parametrize("query", ["start=" + "9" * 40, "start=-1", "rows=1e400"])
def test_huge_numbers_in_the_api_are_a_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/3/action/package_search?{query}")
    _refused(response, query.split("=")[0])


def test_huge_page_in_the_api_is_a_400(client: FlaskClient) -> None:
    response = client.get("/api/3/action/current_package_list_with_resources?page=" + "9" * 30)
    _refused(response, "page")


HOSTILE: dict[str, Any] = {
    "nested": {"a": {"b": [1, {"c": None}]}}, "list": [["x"], {"y": 1}],
    "surrogate": "x\ud800y", "nul": "a\x00b", "crlf": "a\r\nSet-Cookie: x=1",
    "huge": 10**40, "negative": -10**30, "float": 1e308,
}


def test_every_action_answers_hostile_values_without_a_server_error(
        client: FlaskClient, api_token: TokenFactory, org: str) -> None:
    """Each declared parameter of each action, alone, with each hostile value: the answer is
    CKAN's envelope with a 4xx or a success, never a 500."""
    token = api_token("fuzz", sysadmin=True)
    client.post("/api/3/action/package_create", headers={"Authorization": token},
                json={"name": "fuzz-target", "owner_org": org,
                      "resources": [{"url": "http://agency.test/a.csv"}]})
    failures = []
    for name, act in sorted(ACTIONS.items()):
        for param in act.params:
            for kind, value in HOSTILE.items():
                body = {"id": "fuzz-target", param.name: value}
                response = _post_raw(client, name, json.dumps(body), token)
                envelope = response.get_json()
                if response.status_code >= 500 or envelope is None or (
                        response.status_code >= 400 and not {"__type", "message"} <= set(
                            envelope.get("error") or {})):
                    failures.append((name, param.name, kind, response.status_code))
    assert failures == []


# The pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/dataset?q=n%00uoc", "/dataset?tags=a%00", "/dataset/muc%00tieu",
    "/dataset/muc-tieu/history?page=" + "9" * 30, "/dataset?page=" + "9" * 30,
    "/organization?page=99999999", "/request?page=" + "9" * 25,
    "/dataset/muc-tieu/history?page=-3", "/dataset?page=abc",
    "/user/login?next=%2F%0D%0ASet-Cookie:%20x=1", "/dataset/muc%0D%0Atieu",
])
def test_hostile_query_strings_and_paths_get_a_400_page(client: FlaskClient, dataset: str,
                                                        path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400, (path, response.status_code)
    page = response.get_data(as_text=True)
    assert "Yêu cầu không hợp lệ" in page and ("NUL" in page or "page" in page
                                                or "one line" in page)


def test_a_nul_in_a_login_form_is_a_400(client: FlaskClient) -> None:
    page = client.get("/user/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/user/login", data={"login": "lan\x00", "password": "x" * 12,
                                                 "csrf_token": token})
    assert response.status_code == 400
    assert "login: must not contain a NUL character" in response.get_data(as_text=True)


def test_ordinary_pages_still_answer(client: FlaskClient, dataset: str) -> None:
    for path in ("/dataset?q=m%E1%BB%A5c+ti%C3%AAu&page=1", "/dataset/muc-tieu",
                 "/dataset/muc-tieu/history?page=2", "/organization?page=", "/dataset?page=500"):
        # (page=500 of a one-page result goes to the last page: a redirect, then 200)
        assert client.get(path, follow_redirects=True).status_code == 200, path
    assert client.get("/dataset?q=" + quote("nước\r\nsạch")).status_code == 200

"""Every action answers errors in CKAN's envelope, with CKAN's status codes, never a 500."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from catalogue.context import Catalogue
from portal.api.registry import ACTIONS

ERROR_STATUSES = {400: {"Validation Error", "Search Query Error", "Bad Request"},
                  403: {"Authorization Error"}, 404: {"Not Found Error"},
                  409: {"Validation Error", "Search Error"}}


def _assert_envelope(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.get_json()
    assert set(body) == {"help", "success", "result" if response.status_code == 200 else "error"}
    # The host the client called (the test client calls localhost), as CKAN.
    assert body["help"].startswith("http://localhost/api/3/action/help_show?name=")
    if response.status_code != 200:
        assert body["success"] is False
        error = body["error"]
        assert error["__type"] in ERROR_STATUSES[response.status_code], body
        assert isinstance(error["message"], str) and error["message"]
    return body


def test_every_action_answers_in_the_envelope_without_parameters(
        client: FlaskClient, searchable: Catalogue) -> None:
    for name in sorted(ACTIONS):
        if ACTIONS[name].writes:
            response = client.post(f"/api/3/action/{name}", json={})
            assert response.status_code == 403, name  # anonymous: refused before any lookup
        else:
            response = client.get(f"/api/3/action/{name}")
            assert response.status_code in (200, 409), name  # 409: a required parameter
        _assert_envelope(response)


def test_every_action_refuses_an_invalid_token(client: FlaskClient) -> None:
    for name in sorted(ACTIONS):
        response = client.post(f"/api/3/action/{name}", json={}, headers={"Authorization": "x"})
        assert response.status_code == 403, name
        assert _assert_envelope(response)["error"]["__type"] == "Authorization Error"


MALFORMED_BODIES = [(b"{not json", "application/json"), (b"[1, 2, 3]", "application/json"),
                    (b"\xff\xfe\x00garbage", "application/json"),
                    (b'"just a string"', "text/plain")]


def test_malformed_bodies_are_400(client: FlaskClient) -> None:
    for body, content_type in MALFORMED_BODIES:
        response = client.post("/api/3/action/package_search", data=body,
                               content_type=content_type)
        assert response.status_code == 400, body
        assert "JSON" in _assert_envelope(response)["error"]["message"]


WRONGLY_TYPED: list[dict[str, Any]] = [
    {"rows": "many"}, {"rows": 1.5}, {"rows": True}, {"rows": [1, 2]}, {"start": -5},
    {"q": {"nested": "object"}}, {"fq": ["a", "b"]}, {"facet.field": "[broken"},
    {"facet.field": [1, 2]}, {"sort": 42}, {"fq_list": "not a list"},
]


def test_wrongly_typed_search_parameters_are_client_errors(
        client: FlaskClient, searchable: Catalogue) -> None:
    for payload in WRONGLY_TYPED:
        response = client.post("/api/3/action/package_search", json=payload)
        assert response.status_code == 400, (payload, response.get_json())
        _assert_envelope(response)


BAD_LOOKUPS = [
    "/api/3/action/package_show?id=", "/api/3/action/organization_show?id=nope",
    "/api/3/action/group_show?id=nope", "/api/3/action/tag_show?id=nope",
    "/api/3/action/resource_show?id=nope", "/api/3/action/help_show?name=nope",
    "/api/3/action/package_activity_list?id=nope&limit=abc",
    "/api/3/action/package_list?limit=-1", "/api/3/action/package_list?offset=x",
    "/api/3/action/organization_list?all_fields=perhaps",
    "/api/3/action/resource_search?order_by=secret", "/api/3/action/resource_search?query=[",
    "/api/3/action/package_search?rows=1&rows=2",
]


def test_bad_lookups_are_clear_errors(client: FlaskClient) -> None:
    for url in BAD_LOOKUPS:
        response = client.get(url)
        assert response.status_code in (400, 404, 409), url
        _assert_envelope(response)


def test_unknown_action_is_400_in_the_envelope(client: FlaskClient) -> None:
    response = client.get("/api/3/action/no_such_action")
    assert response.status_code == 400
    assert "Action name not known" in _assert_envelope(response)["error"]["message"]


def test_nul_character_in_a_parameter_is_a_clear_error(client: FlaskClient) -> None:
    response = client.post("/api/3/action/package_search", json={"q": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.get_json()["error"]["message"]


def test_status_show_lists_notices(client: FlaskClient) -> None:
    result = client.get("/api/3/action/status_show").get_json()["result"]
    assert result["notices"] == []

"""No search request widens what its caller may see (issue 15): the permission filter is a
tree applied outside everything a user writes in ``fq``/``q``, and "did you mean" and
autocomplete only ever offer words of public datasets.

Real requests through the Flask client, from an anonymous visitor and from an editor of
another agency. With ``--db=postgres`` the app runs on PostgreSQL with the PostgreSQL
search backend; otherwise on SQLite with Whoosh.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset
from catalogue.organizations.service import create_organization

# Words that occur only in private or draft datasets: no answer may carry them.
SECRET_WORDS = ("bí mật", "quốc phòng", "nháp", "chưa duyệt")


@pytest.fixture
def database_config(database_config: dict[str, str]) -> Iterator[dict[str, str]]:
    """On PostgreSQL, search with the PostgreSQL backend too."""
    if database_config:
        yield {**database_config, "search_backend": "postgres"}
    else:
        yield database_config


@pytest.fixture
def agencies(searchable: Catalogue, org: str) -> Catalogue:
    """Agency A (``org``): two public datasets, a private one, a draft one. Agency B: one
    public dataset."""
    with searchable.unit("setup") as uow:
        create_organization(uow, {"name": "so-gtvt", "title": "Sở Giao thông vận tải"})
        create_dataset(uow, {"name": "nuoc-mat", "title": "Quan trắc nước mặt",
                             "owner_org": org, "tags": ["nước"]})
        create_dataset(uow, {"name": "khong-khi", "title": "Quan trắc không khí",
                             "owner_org": org, "tags": ["không khí"]})
        create_dataset(uow, {"name": "mat", "title": "Quan trắc bí mật quốc phòng",
                             "owner_org": org, "private": True, "tags": ["bí mật"]})
        create_dataset(uow, {"name": "nhap", "title": "Quan trắc nháp chưa duyệt",
                             "owner_org": org, "state": "draft", "tags": ["nháp"]})
        create_dataset(uow, {"name": "giao-thong", "title": "Quan trắc giao thông",
                             "owner_org": "so-gtvt"})
        uow.commit()
    return searchable


@pytest.fixture
def outsider(agencies: Catalogue, api_token: Any) -> dict[str, str]:
    """Headers of an editor of agency B (may see B's private data and drafts, not A's)."""
    return {"Authorization": api_token("lan", org="so-gtvt", role="editor")}


HIDDEN = {"mat", "nhap"}
# Filters that tried to break out of the permission filter when fq was joined as text.
BREAKOUTS = [
    "*:*) OR (capacity:private",
    "*:* ) OR ( capacity:private",
    "*:*) OR (*:*",
    "*:*) OR NOT (capacity:public",
    "capacity:public) OR (state:draft",
    "*:*) OR (state:draft",
    '"x") OR (capacity:private',
    "owner_org:(\"a\")) OR (capacity:private",
    "tags:(x OR capacity:private)",
    "owner_org:(x OR capacity:private) OR *:*",
    "NOT capacity:public",
    "capacity:private",
    "state:draft",
    "*:* OR capacity:private OR state:draft",
    "-capacity:public",
    "(*:*)",
]


def _search(client: FlaskClient, headers: dict[str, str] | None = None,
            **params: str) -> tuple[int, dict[str, Any]]:
    response = client.get("/api/3/action/package_search", query_string={
        "rows": "100", "facet.field": '["organization", "tags"]', **params},
        headers=headers or {})
    body = response.get_json()
    return response.status_code, body


def _assert_nothing_hidden(status: int, body: dict[str, Any]) -> None:
    if status == 400:
        assert body["error"]["__type"] == "Search Query Error"
        return
    assert status == 200, body
    result = body["result"]
    names = {r["name"] for r in result["results"]}
    assert not names & HIDDEN, names
    assert result["count"] == len(names)
    tags = set(result["facets"].get("tags", {}))
    assert not tags & {"bí mật", "nháp"}, tags
    assert sum(result["facets"]["organization"].values()) == result["count"]
    assert "suggestion" not in result or not any(
        w in result["suggestion"] for w in SECRET_WORDS)


@pytest.mark.parametrize("fq", BREAKOUTS)
def test_anonymous_fq_never_reaches_private_or_draft_datasets(
        client: FlaskClient, agencies: Catalogue, fq: str) -> None:
    status, body = _search(client, fq=fq, include_private="true", include_drafts="true")
    _assert_nothing_hidden(status, body)


@pytest.mark.parametrize("fq", BREAKOUTS)
def test_another_agency_fq_never_reaches_private_or_draft_datasets(
        client: FlaskClient, outsider: dict[str, str], fq: str) -> None:
    status, body = _search(client, outsider, fq=fq, include_private="true",
                           include_drafts="true")
    _assert_nothing_hidden(status, body)


def test_breakout_in_fq_list_and_q_field_terms_is_contained(
        client: FlaskClient, outsider: dict[str, str]) -> None:
    for params in ({"fq_list": "*:*) OR (capacity:private"},
                   {"fq_list": '["*:*) OR (capacity:private", "*:*"]'},
                   {"q": "capacity:private"}, {"q": "state:draft quan"},
                   {"q": "*:*) OR (capacity:private"},
                   {"q": "quan trắc", "fq": "*:*) OR (capacity:private"}):
        status, body = _search(client, outsider, include_private="true",
                               include_drafts="true", **params)
        _assert_nothing_hidden(status, body)


def test_the_break_out_filter_is_refused_with_a_clear_400(
        client: FlaskClient, outsider: dict[str, str]) -> None:
    status, body = _search(client, outsider, fq="*:*) OR (capacity:private",
                           include_private="true")
    assert status == 400
    assert "unexpected ')'" in body["error"]["message"]


def test_the_outsider_still_sees_public_and_own_agency_drafts(
        client: FlaskClient, agencies: Catalogue, api_token: Any) -> None:
    with agencies.unit("setup") as uow:
        create_dataset(uow, {"name": "gt-nhap", "title": "Quan trắc giao thông nháp",
                             "owner_org": "so-gtvt", "state": "draft"})
        uow.commit()
    headers = {"Authorization": api_token("lan", org="so-gtvt", role="editor")}
    status, body = _search(client, headers, q="quan trắc", include_private="true",
                           include_drafts="true")
    assert status == 200
    names = {r["name"] for r in body["result"]["results"]}
    assert names == {"nuoc-mat", "khong-khi", "giao-thong", "gt-nhap"}
    status, body = _search(client, headers, fq="state:draft", include_drafts="true")
    assert {r["name"] for r in body["result"]["results"]} == {"gt-nhap"}


def test_a_filter_value_from_the_search_page_cannot_break_out(
        client: FlaskClient, outsider: dict[str, str], app: Any) -> None:
    """The page passes facet filters as a structure, so a crafted value is just a value."""
    from test_portal_search_shared import signed_in

    viewer = signed_in(app, app.extensions["dulieumo.catalogue"], org="so-gtvt", role="viewer")
    for value in ('x") OR (capacity:private', 'x" OR *:* OR "'):
        html = viewer.get("/dataset", query_string={"tags": value}).get_data(as_text=True)
        assert "/dataset/mat" not in html and "/dataset/nhap" not in html
        assert "0 bộ dữ liệu" in html or "Không tìm thấy" in html


@pytest.mark.parametrize("typed", ["bi mat", "bí mậy", "quoc phong", "nhap chua duyet",
                                   "quan trac bi mat"])
def test_did_you_mean_never_offers_words_of_hidden_datasets(
        client: FlaskClient, outsider: dict[str, str], typed: str) -> None:
    for headers in (None, outsider):
        status, body = _search(client, headers, q=typed, include_private="true",
                               include_drafts="true")
        assert status == 200
        suggestion = body["result"].get("suggestion") or ""
        assert not any(w in suggestion for w in SECRET_WORDS), suggestion
        html = client.get("/dataset", query_string={"q": typed}).get_data(as_text=True)
        assert not any(w in html for w in SECRET_WORDS)


def test_autocomplete_never_offers_hidden_datasets(
        client: FlaskClient, outsider: dict[str, str]) -> None:
    for prefix in ("quan trac", "quan trắc bí", "quan trac nh"):
        page = client.get("/autocomplete", query_string={"q": prefix}).get_json()
        api = client.get("/api/3/action/package_autocomplete", query_string={"q": prefix},
                         headers=outsider).get_json()["result"]
        titles = [i["title"] for i in page] + [i["title"] for i in api]
        assert not any(w in t for t in titles for w in SECRET_WORDS), titles

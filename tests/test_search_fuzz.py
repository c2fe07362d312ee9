"""Property tests of the query parser against the permission filter (issue 15).

Random ``fq``/``q`` strings built from the pieces of a break-out (``*:*``, parentheses,
``OR``, ``NOT``, quotes, ``capacity:private``, ``owner_org:``, nested fields) are run as an
anonymous visitor and as an editor of another agency, through the API's own permission
filter, on Whoosh and PostgreSQL (in memory and in SQL). Whatever the parser makes of them,
no result, count or facet ever includes a dataset the caller may not see
(:func:`catalogue.classification.visible_to` is the oracle). Deterministic and bounded:
``derandomize=True`` and a modest ``max_examples``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.accounts.principal import Principal
from catalogue.classification import visible_to
from catalogue.search.backend import SearchBackend, SearchQuery
from catalogue.search.errors import SearchQueryError
from catalogue.search.postgres_backend import PostgresBackend
from catalogue.search.query import parse_fq, split_field_terms
from catalogue.search.whoosh_backend import WhooshBackend
from portal.api.search import permission_filter

pytest_plugins = ["pg_cluster"]

ANONYMOUS = Principal(user_id=None, name="")
OUTSIDER = Principal(user_id="u-b", name="lan", roles={"org-b": "editor"},
                     scopes=frozenset({"read", "write"}))
VIEWER = Principal(user_id="u-v", name="vy", roles={"org-b": "viewer"})


def _package(name: str, org: str, **extra: Any) -> dict[str, Any]:
    doc = {"id": "id-" + name, "name": name, "title": f"Quan trắc {name} bí mật",
           "notes": "", "tags": [{"name": name}], "owner_org": org,
           "organization": {"name": org, "title": org}, "groups": [], "resources": [],
           "state": "active", "private": False, "access_class": "open",
           "metadata_created": "2024-01-01T00:00:00", "metadata_modified": "2024-01-01T00:00:00"}
    doc.update(extra)
    return doc


PACKAGES = [
    _package("a-open", "org-a"),
    _package("a-private", "org-a", private=True),
    _package("a-internal", "org-a", access_class="private"),
    _package("a-shared", "org-a", access_class="shared"),
    _package("a-draft", "org-a", state="draft"),
    _package("a-shared-draft", "org-a", access_class="shared", state="draft"),
    _package("b-open", "org-b"),
    _package("b-private", "org-b", private=True),
    _package("b-draft", "org-b", state="draft"),
    _package("a-deleted", "org-a", state="deleted"),
]
BY_ID = {p["id"]: p for p in PACKAGES}

TOKENS = ["*:*", "(", ")", "OR", "AND", "NOT", "-", "+", '"', "\\", ":", "*",
          "capacity:private", "capacity:public", "capacity:", "state:draft", "state:deleted",
          "state:active", "owner_org:", "owner_org:org-a", "owner_org:org-b", "owner_org:(",
          "tags:(", "tags:a-private", "access_class:shared", "access_class:private",
          "name:a-draft", "id:id-a-private", "organization:org-a", '"org-a"', "[", "]", "TO",
          "metadata_modified:[2020-01-01 TO *]", "{", "}", "private", "draft", "quan", "bí"]
fq_text = st.lists(st.sampled_from(TOKENS), max_size=12).flatmap(
    lambda tokens: st.lists(st.sampled_from(["", " "]), min_size=len(tokens),
                            max_size=len(tokens)).map(
        lambda seps: "".join(t + s for t, s in zip(tokens, seps, strict=True))))


@pytest.fixture(scope="module", params=["whoosh", "postgres", "postgres-sql"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[SearchBackend]:
    if request.param == "whoosh":
        engine: SearchBackend = WhooshBackend(tmp_path_factory.mktemp("fuzz") / "index")
    else:
        engine = PostgresBackend(request.getfixturevalue("pg_url"), result_cache=0,
                                 in_memory=request.param == "postgres")
        engine.clear()
    engine.index_documents(PACKAGES)
    yield engine
    engine.close()


def _query(principal: Principal, q: str, fq: str) -> SearchQuery:
    """The backend query the API builds (see portal.api.search.search_query)."""
    q, terms = split_field_terms(q)
    include = not principal.is_anonymous
    return SearchQuery(q=q, fq=fq, fq_list=terms, rows=100,
                       facet_fields=["organization", "owner_org", "tags", "state", "capacity"],
                       include_private=include, include_drafts=include,
                       restrict=permission_filter(principal, include, include))


def _check(backend: SearchBackend, principal: Principal, q: str, fq: str) -> None:
    try:
        found = backend.search(_query(principal, q, fq))
    except SearchQueryError:
        return  # refused with a 400: nothing shown
    shown = [BY_ID[i] for i in found.ids]
    assert all(visible_to(p, principal) and p["state"] != "deleted" for p in shown), found.ids
    visible = {p["name"] for p in PACKAGES if visible_to(p, principal)
               and p["state"] != "deleted"}
    assert found.count == len(found.ids)
    assert set(found.facets["tags"]) <= visible, found.facets
    assert sum(found.facets["owner_org"].values()) == found.count


FUZZ = settings(derandomize=True, max_examples=120, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(fq=fq_text)
def test_no_fq_widens_the_permission_filter(backend: SearchBackend, fq: str) -> None:
    for principal in (ANONYMOUS, OUTSIDER, VIEWER):
        _check(backend, principal, "", fq)


@FUZZ
@given(q=fq_text, fq=fq_text)
def test_no_q_with_field_terms_widens_the_permission_filter(
        backend: SearchBackend, q: str, fq: str) -> None:
    _check(backend, OUTSIDER, q, fq)


@settings(derandomize=True, max_examples=400, deadline=None, database=None)
@given(fq=fq_text | st.text(max_size=40))
def test_the_parser_only_ever_fails_with_a_query_error(fq: str) -> None:
    try:
        parse_fq(fq)
    except SearchQueryError:
        pass


def test_the_fuzzed_catalogue_has_something_to_hide(backend: SearchBackend) -> None:
    """The oracle is not vacuous: a sysadmin sees hidden datasets the others do not."""
    everything = backend.search(SearchQuery(rows=100, include_private=True,
                                            include_drafts=True))
    assert everything.count == len(PACKAGES) - 1  # deleted never
    assert {"b-private", "b-draft"} <= {i.removeprefix("id-") for i in backend.search(
        _query(OUTSIDER, "", "")).ids}


@FUZZ
@given(q=st.text(max_size=60) | st.lists(st.sampled_from(
    ["OR", "AND", "NOT", "-", '"', "giao", "thông", "Đắk", "Lắk", "bí", "mật", "tags:", "(",
     ")", "pm2.5", "*", "-quan", '"quan trắc"', "capacity:private", "\x00", "\u0301"]),
    max_size=10).map(" ".join))
def test_any_text_is_searched_or_refused_never_a_crash(backend: SearchBackend, q: str) -> None:
    query = _query(OUTSIDER, q, "")
    try:
        found = backend.search(query)
    except SearchQueryError:
        return
    assert found.count >= len(found.ids)
    assert all(visible_to(BY_ID[i], OUTSIDER) for i in found.ids)

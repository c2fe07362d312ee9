"""``package_search``'s core, shared by the API and ``dulieumo search-eval``.

Runs the query through the search backend, then loads the package dicts for the ids in
order from the database (one query), and answers in CKAN's shape. No Flask here: the
catalogue, the raw parameters and the principal are passed in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from catalogue.accounts.principal import Principal
from catalogue.context import Catalogue
from catalogue.datasets.package_cache import cached_packages
from catalogue.groups.model import Group
from catalogue.organizations.model import Organization
from catalogue.places.gazetteer import gazetteer
from catalogue.search.backend import SearchQuery, SearchResult
from catalogue.search.errors import SearchQueryError
from catalogue.search.places import parse_bbox
from catalogue.search.query import And, Filter, Match, MatchAll, Or, split_field_terms
from portal.api.auth import EDIT, READ_PRIVATE, can_read, orgs_with
from portal.api.registry import ParamError, bool_param, int_param, list_param, str_param

# Parameters package_search understands; anything else is refused as CKAN does
# ("Invalid search parameters"), except ``ext_*`` extension parameters and the cache
# buster/JSONP names browsers add.
KNOWN_PARAMS = frozenset({
    "q", "fq", "fq_list", "sort", "rows", "start", "facet", "facet.field", "facet.limit",
    "facet.mincount", "include_private", "include_drafts", "include_deleted", "fl",
    "defType", "qf", "facet.sort", "use_default_schema", "callback", "_", "hl",
})
FACET_TITLES = {"organization": "Organizations", "groups": "Groups", "tags": "Tags",
                "res_format": "Formats", "license_id": "Licenses", "year": "Years",
                "spatial": "Places", "spatial_code": "Administrative units"}
MAX_START = 10_000_000


def _restricted_to(org_ids: list[str], allowed: Filter) -> Filter:
    """``allowed``, or a dataset of one of ``org_ids``."""
    if not org_ids:
        return allowed
    return Or((allowed, *(Match("owner_org", o) for o in org_ids)))


def permission_filter(principal: Principal, include_private: bool,
                      include_drafts: bool) -> Filter:
    """What ``principal`` may see once private datasets or drafts are asked for.

    The backend shows all private datasets / drafts once asked; this narrows that to the
    organizations where the caller holds the right role. Built as a tree, never as text:
    joined to the user's ``fq`` as a string, ``*:*) OR (capacity:private`` closed it and
    reached every agency's private data (issue 15).
    """
    items: list[Filter] = []
    if include_private:
        readable = orgs_with(principal, READ_PRIVATE)
        if readable is not None:
            # Shared data is for every agency account with a role (Law on Data Art. 13).
            public = Match("capacity", "public")
            allowed = Or((public, Match("access_class", "shared"))) if readable else public
            items.append(_restricted_to(readable, allowed))
    if include_drafts:
        editable = orgs_with(principal, EDIT)
        if editable is not None:
            items.append(_restricted_to(editable, Match("state", "active")))
    return And(tuple(items)) if items else MatchAll()


def search_query(params: dict[str, Any], principal: Principal, max_rows: int,
                 now: datetime | None = None) -> SearchQuery:
    """The backend query for CKAN ``package_search`` parameters; ParamError when malformed.

    ``now`` is what ``NOW`` means in ``fq`` date ranges (the catalogue's clock).
    """
    unknown = sorted(k for k in params if k not in KNOWN_PARAMS and not k.startswith("ext_"))
    if unknown:
        raise ParamError(f"Invalid search parameters: {unknown}", "Search Query Error")
    q = str_param(params, "q").strip()
    if q in ("*:*", "*"):
        q = ""
    q, q_terms = split_field_terms(q)
    include_private = bool_param(params, "include_private") and not principal.is_anonymous
    include_drafts = bool_param(params, "include_drafts") and not principal.is_anonymous
    bool_param(params, "include_deleted")  # accepted (ckanapi sends it); deleted never shown
    wants_facets = bool_param(params, "facet", True)
    facet_limit = int_param(params, "facet.limit", 50, minimum=-1, maximum=100_000)
    bbox = None
    if str_param(params, "ext_bbox").strip():
        # ckanext-spatial's box filter: datasets whose places' box meets it (issue 22).
        try:
            bbox = parse_bbox(str_param(params, "ext_bbox"))
        except SearchQueryError as error:
            raise ParamError(str(error), "Search Query Error") from None
    return SearchQuery(
        q=q,
        fq=str_param(params, "fq"),
        # Each user filter is parsed on its own: none can close another's parenthesis.
        fq_list=[*list_param(params, "fq_list"), *q_terms],
        restrict=permission_filter(principal, include_private, include_drafts),
        sort=str_param(params, "sort") or "relevance",
        # Above the limit, CKAN answers the limit's worth rather than an error (issue 17).
        rows=min(int_param(params, "rows", 10), max_rows),
        start=int_param(params, "start", 0, maximum=MAX_START),
        facet_fields=list_param(params, "facet.field") if wants_facets else [],
        facet_limit=facet_limit,
        facet_mincount=int_param(params, "facet.mincount", 1, maximum=1_000_000),
        include_private=include_private,
        include_drafts=include_drafts,
        now=now,
        bbox=bbox,
    )


def load_packages(session: Session, ids: list[str], site_url: str,
                  principal: Principal) -> list[dict[str, Any]]:
    """Package dicts for ``ids`` in that order, from their stored documents; unreadable ones
    left out."""
    packages = cached_packages(session, ids, site_url)
    # The index may lag a concurrent write by a moment; never show what the database
    # says the caller may not see.
    return [packages[i] for i in ids if i in packages and can_read(principal, packages[i])]


# Built once: package_search asks on every call.
_ORGANIZATION_TITLES = select(Organization.name, Organization.title).where(
    Organization.name.in_(bindparam("names", expanding=True)))
_GROUP_TITLES = select(Group.name, Group.title).where(
    Group.name.in_(bindparam("names", expanding=True)))


def _display_names(session: Session, facets: dict[str, dict[str, int]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for field, statement in (("organization", _ORGANIZATION_TITLES), ("groups", _GROUP_TITLES)):
        if facets.get(field):
            rows = session.connection().execute(statement, {"names": list(facets[field])})
            for name, title in rows:
                names[f"{field}:{name}"] = title
    for code in facets.get("spatial_code", {}):
        unit = gazetteer().lookup_code(code)
        if unit is not None:
            names[f"spatial_code:{code}"] = unit.name
    return names


def search_facets(session: Session, facets: dict[str, dict[str, int]]) -> dict[str, Any]:
    """CKAN's ``search_facets``: per field, items with name, display name and count."""
    display = _display_names(session, facets)
    return {
        field: {"title": FACET_TITLES.get(field, field),
                "items": [{"name": value, "display_name": display.get(f"{field}:{value}", value),
                           "count": count} for value, count in counts.items()]}
        for field, counts in facets.items()
    }


def _only_fields(results: list[dict[str, Any]], fl: str) -> list[dict[str, Any]]:
    wanted = [f for f in fl.replace(",", " ").split() if f]
    if not wanted or "*" in wanted:
        return results
    return [{k: r[k] for k in wanted if k in r} for r in results]


def run_package_search(catalogue: Catalogue, params: dict[str, Any], principal: Principal,
                       filters: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """CKAN ``package_search``: count, results, facets, search_facets, sort.

    ``filters`` (the search page's facet choices) are passed as values, never as ``fq``
    text. Raises ParamError for malformed parameters and for queries the backend refuses
    (``Search Query Error``, 400, as CKAN).
    """
    max_rows = int(catalogue.settings.get("api_max_rows", 1000))
    sq = search_query(params, principal, max_rows, catalogue.clock.now())
    sq.filters = dict(filters or {})
    backend = getattr(catalogue, "search", None)
    if backend is None or not hasattr(backend, "search"):
        raise ParamError("Search is not available on this portal", "Search Error", 409)
    try:
        found: SearchResult = backend.search(sq)
    except SearchQueryError as exc:
        raise ParamError(exc.message, "Search Query Error") from None
    with catalogue.sessions() as session:
        results = load_packages(session, found.ids, catalogue.site_url, principal)
        facets_out = search_facets(session, found.facets)
    body: dict[str, Any] = {
        "count": found.count,
        "results": _only_fields(results, str_param(params, "fl")),
        "facets": found.facets,
        "search_facets": facets_out,
        "sort": sq.sort if sq.sort != "relevance" else "score desc, metadata_modified desc",
    }
    if found.suggestion:
        body["suggestion"] = found.suggestion  # dulieumo addition: "did you mean"
    if found.relaxed:
        # dulieumo addition: no dataset held enough of the words; these hold some (issue 18)
        body["relaxed"] = True
    return body

"""The search page ``/dataset``: results, snippets, combinable facets, sort, paging.

The URL holds the whole state (``q``, one parameter per facet value, ``sort``, ``page``),
so every result page is a shareable link and works without JavaScript.

Anonymous visitors search the public catalogue straight through the backend. Signed-in
agency staff (a viewer role or above in any agency) search through the API's
``package_search`` with ``include_private``, as CKAN's own search page does: they also find
data shared between state agencies (Law on Data Art. 13) and their agencies' private data,
each marked with a badge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, redirect, render_template, request
from markupsafe import Markup
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from catalogue.accounts.principal import Principal
from catalogue.collation import vietnamese_key
from catalogue.datasets.model import Dataset
from catalogue.groups.model import Group
from catalogue.organizations.model import Organization
from catalogue.places.gazetteer import gazetteer
from catalogue.search.backend import SearchQuery
from catalogue.search.errors import SearchQueryError
from catalogue.search.places import renamed_places
from catalogue.search.query import split_field_terms
from licenses import registry
from portal.api.registry import ParamError
from portal.api.search import run_package_search
from portal.auth import current_principal
from portal.pages import counts
from portal.pages.public import catalogue, datasets_by_ids, public_datasets, reading
from portal.quality_bands import quality_band_labels

bp = Blueprint("search", __name__)

FACETS = ("organization", "spatial_code", "groups", "quality_band", "tags", "res_format",
          "license_id", "year")
# Facet values counted per request: enough for every province of today (34) beside the old
# ones and the communes that share the place facet's counts (issue 22).
FACET_LIMIT = 200
SORTS = {
    "relevance": "relevance",
    "modified": "metadata_modified desc",
    "created": "metadata_created desc",
    "title": "title_string asc",
}
PAGE_SIZE = 20
FACET_SHOWN = 10
MAX_PAGE = 500  # deep paging is for the API
# Characters of ``q`` the page searches; a longer text (a pasted paragraph) is cut, and the
# page says so (issue 19: it was cut silently).
MAX_Q = 500


@dataclass
class SearchPage:
    q: str
    filters: dict[str, list[str]]
    sort: str
    page: int
    count: int = 0
    datasets: list[Dataset] = field(default_factory=list)
    highlights: dict[str, dict[str, str]] = field(default_factory=dict)
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    relaxed: bool = False  # no dataset held enough of the words: the looser set (issue 18)
    # Old units typed in q and what they belong to now: "Phú Yên nay thuộc tỉnh Đắk Lắk".
    renamed: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    error: str = ""
    degraded: bool = False  # no search engine: a plain title match
    q_cut: bool = False  # the words were longer than MAX_Q: only their start was searched

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.count // PAGE_SIZE)))


def read_state() -> tuple[str, dict[str, list[str]], str, int]:
    """q, facet filters, sort key and page number from the URL (bad values fall back)."""
    q = request.args.get("q", "").strip()[:MAX_Q].strip()
    filters = {f: [v for v in request.args.getlist(f) if v][:20] for f in FACETS}
    filters = {f: v for f, v in filters.items() if v}
    sort = request.args.get("sort", "")
    if sort not in SORTS:
        sort = "relevance" if q else "modified"
    try:
        page = max(1, min(MAX_PAGE, int(request.args.get("page", "1"))))
    except ValueError:
        page = 1
    return q, filters, sort, page


def state_url(q: str, filters: dict[str, list[str]], sort: str, page: int = 1, **change: Any
              ) -> str:
    """The search URL for this state with one change: ``add=(facet, value)``, ``remove=``,
    ``sort=`` or ``to_page=``."""
    filters = {k: list(v) for k, v in filters.items()}
    if "add" in change:
        key, value = change["add"]
        filters.setdefault(key, []).append(value)
        page = 1
    if "remove" in change:
        key, value = change["remove"]
        filters[key] = [v for v in filters.get(key, []) if v != value]
        page = 1
    sort = change.get("sort", sort)
    page = change.get("to_page", page)
    args: list[tuple[str, str]] = [("q", q)] if q else []
    for key in FACETS:
        args += [(key, v) for v in filters.get(key, [])]
    if sort not in ("relevance", "modified") or change.get("sort"):
        args.append(("sort", sort))
    if page > 1:
        args.append(("page", str(page)))
    return "?" + urlencode(args) if args else "?"


def _labels(session: Any, facets: dict[str, dict[str, int]]) -> dict[str, dict[str, str]]:
    """Display names of facet values: agency and sector titles, licence titles."""
    from portal.i18n import is_english

    english = is_english()
    labels: dict[str, dict[str, str]] = {}
    for key, model in (("organization", Organization), ("groups", Group)):
        names = list(facets.get(key, {}))
        if names:
            rows = session.execute(select(model.name, model.title, model.title_en)
                                   .where(model.name.in_(names))).all()
            labels[key] = {n: (te if english and te else t) for n, t, te in rows}
    labels["quality_band"] = quality_band_labels()
    licences = registry()
    labels["license_id"] = {
        i: ((lic.title_en if english else lic.title) if (lic := licences.get(i)) else i)
        for i in facets.get("license_id", {})}
    return labels


def _search_engine(page: SearchPage) -> None:
    backend = catalogue().search
    assert backend is not None
    with reading() as session:
        # Browsing without words: the facets of a filter set change only when the catalogue
        # does, and counting them over every document is most of the engine's work.
        browse_key = None if page.q else "facets:" + repr(sorted(page.filters.items()))
        stamp = counts.catalogue_stamp(session) if browse_key else None
        known = counts.peek(browse_key, stamp) if browse_key else None
        # Field terms typed in the box (organization:, tags:, res_format:) filter, as in
        # the API (issue 18).
        text, field_terms = split_field_terms(page.q)
        query = SearchQuery(q=text, filters=page.filters, fq_list=field_terms,
                            sort=SORTS[page.sort],
                            rows=PAGE_SIZE, start=(page.page - 1) * PAGE_SIZE,
                            facet_fields=[] if known is not None else list(FACETS),
                            facet_limit=FACET_LIMIT, highlight=True)
        result = backend.search(query)  # type: ignore[attr-defined]
        facets = known if known is not None else result.facets
        if browse_key and known is None:
            counts.cached(browse_key, stamp, lambda: facets)
        page.count = result.count
        page.relaxed = result.relaxed
        page.highlights = result.highlights
        if result.suggestion and result.suggestion != text:
            page.suggestion = " ".join([result.suggestion, *field_terms])
        page.datasets = datasets_by_ids(session, result.ids)  # organization joined eagerly
        labels = _labels(session, facets)
        session.expunge_all()  # loaded: the template reads them after the session closes
    _set_facets(page, facets, labels)


def _set_facets(page: SearchPage, facets: dict[str, dict[str, int]],
                labels: dict[str, dict[str, str]]) -> None:
    for key in FACETS:
        values = facets.get(key, {})
        names = labels.get(key, {})
        # Most datasets first; equal counts in Vietnamese alphabetical order of what is
        # shown (Đất đai among the D's, not after Y tế; issue 19).
        page.facets[key] = sorted(((v, names.get(v, v), n) for v, n in values.items()),
                                  key=lambda f: (-f[2], vietnamese_key(f[1])))
    # The place facet lists today's provinces (issue 22); their counts take in the data of
    # the old provinces and communes inside them.
    # A unit chosen by link (the dataset page's, an old province) stays listed, as chosen.
    g = gazetteer()
    chosen = set(page.filters.get("spatial_code", []))
    provinces = {u.code: u.short for u in g.units("new", "province")}
    page.facets["spatial_code"] = [
        (v, provinces.get(v) or (unit.name if (unit := g.lookup_code(v)) else v), n)
        for v, _, n in page.facets["spatial_code"] if v in provinces or v in chosen]
    # Years read in time order, newest first, not by how many datasets each has (issue 19).
    page.facets["year"].sort(key=lambda f: f[0], reverse=True)
    # Quality bands read best from good to poor, whatever their counts.
    order = list(quality_band_labels())
    page.facets["quality_band"].sort(key=lambda f: order.index(f[0]) if f[0] in order else 9)


def agency_staff(principal: Principal) -> bool:
    """Whether the visitor may see shared data: signed in with a role in some agency."""
    return not principal.is_anonymous and (principal.sysadmin or any(principal.roles.values()))


def _package_search(page: SearchPage, principal: Principal) -> None:
    """Through the API's ``package_search`` with ``include_private`` (CKAN's page does the
    same): public, shared and the visitor's agencies' private data, with facet counts to
    match. No snippets: the API does not highlight."""
    params: dict[str, Any] = {
        "q": page.q, "sort": SORTS[page.sort], "rows": PAGE_SIZE,
        "start": (page.page - 1) * PAGE_SIZE, "facet.field": list(FACETS),
        "facet.limit": FACET_LIMIT, "include_private": True, "fl": "id"}
    try:
        body = run_package_search(catalogue(), params, principal, filters=page.filters)
    except ParamError as exc:
        page.error = str(exc)
        return
    facets: dict[str, dict[str, int]] = body["facets"]
    page.count = body["count"]
    page.relaxed = bool(body.get("relaxed"))
    suggestion = body.get("suggestion")
    page.suggestion = suggestion if page.q and suggestion != page.q else None
    with reading() as session:
        page.datasets = datasets_by_ids(session, [r["id"] for r in body["results"]])
        labels = _labels(session, facets)
        session.expunge_all()
    _set_facets(page, facets, labels)


def _plain_match(page: SearchPage) -> None:
    """Without a search engine: titles containing the query, so the page still works."""
    page.degraded = True
    with reading() as session:
        query = public_datasets(select(Dataset))
        if page.q:
            like = f"%{page.q}%"
            query = query.where(or_(Dataset.title.ilike(like), Dataset.title_en.ilike(like),
                                    Dataset.name.ilike(like)))
        if "organization" in page.filters:
            query = query.join(Organization, Organization.id == Dataset.owner_org_id).where(
                Organization.name.in_(page.filters["organization"]))
        page.count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        order: Any = {"title": Dataset.title.asc(), "created": Dataset.metadata_created.desc()}.get(
            page.sort, Dataset.metadata_modified.desc())
        page.datasets = list(session.scalars(query.order_by(order).limit(PAGE_SIZE)
                                             .offset((page.page - 1) * PAGE_SIZE)))
        for d in page.datasets:
            _ = (d.organization, d.resources)
        session.expunge_all()


def _lower_kind(name: str) -> str:
    """ "Tỉnh Đắk Lắk" → "tỉnh Đắk Lắk": the unit's kind inside a sentence."""
    return name[:1].lower() + name[1:]


def renamed_notes(q: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(old name, [(name, code) of what it belongs to now]) for the old units ``q`` names
    (issue 22); the page links each new unit to its place filter, where the old one's
    data now is."""
    return [(r.old.short, [(_lower_kind(u.name), u.code) for u in r.now])
            for r in renamed_places(q)]


def run_search() -> SearchPage:
    q, filters, sort, page_no = read_state()
    page = SearchPage(q=q, filters=filters, sort=sort, page=page_no,
                      q_cut=len(request.args.get("q", "").strip()) > MAX_Q)
    page.renamed = renamed_notes(q) if q else []
    if catalogue().search is None:
        _plain_match(page)
        return page
    principal = current_principal()
    if agency_staff(principal):
        _package_search(page, principal)
        return page
    try:
        _search_engine(page)
    except SearchQueryError as exc:
        page.error = str(exc)
    return page


def snippet(page: SearchPage, ds: Dataset, key: str) -> Markup | None:
    """The engine's highlighted snippet (already HTML-escaped, with <mark>), if any."""
    text = page.highlights.get(ds.id, {}).get(key)
    return Markup(text) if text else None  # noqa: S704 - escaped by catalogue.search.highlight


@bp.get("/dataset")
def search() -> tuple[str, int] | str | Response:
    page = run_search()
    if not page.error and page.count and page.page > page.pages:
        # Past the last page (an old link, a typed number): the last page, not "none found,
        # page 4 of 3".
        return redirect(state_url(page.q, page.filters, page.sort, page.page,
                                  to_page=page.pages))
    status = 400 if page.error else 200
    return render_template("search.html", page=page, facet_names=FACETS, sorts=SORTS,
                           state_url=state_url, snippet=snippet,
                           facet_shown=FACET_SHOWN, max_q=MAX_Q), status

"""DCAT-AP 3 endpoints for the national data portal's harvester.

``/catalog.jsonld|.ttl|.rdf`` (paged with hydra: ``?page=N``, optionally
``?modified_since=2024-01-01``) and ``/dataset/<name>.jsonld|.ttl|.rdf``. Public datasets only.
DCAT-AP 3.0.1 by default; DCAT-AP 2.1.1 for harvesters that ask for it with ``Accept-Profile``
(a profile IRI) or ``?profile=dcat-ap-2`` (issue 17). The answer names its profile in
``Content-Profile``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, request
from rdflib import Graph

from catalogue.dcat import (
    PROFILE_IRIS,
    CatalogInfo,
    catalog_page,
    dataset_document,
    profile_named,
    serialize,
    to_dcat_ap_2,
)
from catalogue.errors import NotFound
from portal.catalogue_ext import catalogue_of

blueprint = Blueprint("dcat", __name__)
# Datasets per catalogue page; ckanext-dcat uses the same default.
PAGE_SIZE = 100
MAX_PAGE = 1_000_000


def _info() -> CatalogInfo:
    catalogue = catalogue_of()
    settings = catalogue.settings
    return CatalogInfo(site_url=catalogue.site_url, title=str(settings.get("site_title") or ""),
                       title_en=str(settings.get("site_title_en") or ""),
                       language=str(settings.get("default_locale") or "vi"),
                       publisher=str(settings.get("site_publisher") or ""))


def _respond(graph: Graph, fmt: str, profile: str) -> Response:
    if profile == "dcat-ap-2":
        to_dcat_ap_2(graph)
    body, media_type = serialize(graph, fmt)
    response = Response(body, mimetype=media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Content-Profile"] = f"<{PROFILE_IRIS[profile]}>"
    response.headers["Vary"] = "Accept-Profile"
    return response


class BadRequest(Exception):
    """A malformed query parameter; answered as plain text, machines read these feeds."""


def _problem(message: str, status: int) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _page() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise BadRequest(f"page must be a whole number from 1 to {MAX_PAGE}")
    return int(raw)


def _profile() -> str:
    """The profile asked for: ``?profile=`` (a name or IRI; unknown → 400), else the first
    known IRI in ``Accept-Profile`` (RFC-draft "content negotiation by profile"; q-values are
    honoured by order), else DCAT-AP 3."""
    raw = request.args.get("profile")
    if raw is not None:
        named = profile_named(raw)
        if named is None:
            raise BadRequest("profile must be dcat-ap-3 or dcat-ap-2 (or a DCAT-AP profile IRI)")
        return named
    offers = []
    for position, part in enumerate(request.headers.get("Accept-Profile", "").split(",")):
        iri, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        named = profile_named(iri)
        if named is not None and quality > 0:
            offers.append((-quality, position, named))
    return min(offers)[2] if offers else "dcat-ap-3"


def _modified_since() -> datetime | None:
    raw = request.args.get("modified_since", "").strip()
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest("modified_since must be an ISO 8601 date or date-time") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.replace(tzinfo=None)


@blueprint.get("/catalog.<any(jsonld, ttl, rdf, xml):fmt>")
def catalog(fmt: str) -> Response:
    """One page of the public catalogue."""
    info = _info()
    try:
        page, since, profile = _page(), _modified_since(), _profile()
    except BadRequest as exc:
        return _problem(str(exc), 400)
    query = {"modified_since": request.args["modified_since"]} if since else {}
    if "profile" in request.args:  # the next pages keep the profile asked for
        query["profile"] = request.args["profile"]
    page_url = f"{info.base}/catalog.{fmt}?" + urlencode(query) + ("&" if query else "") + \
        "page={page}"
    with catalogue_of().sessions() as session:
        graph = catalog_page(session, info, page, PAGE_SIZE, page_url, since)
    return _respond(graph, fmt, profile)


@blueprint.get("/dataset/<name>.<any(jsonld, ttl, rdf, xml):fmt>")
def dataset(name: str, fmt: str) -> Response:
    """One public dataset with its distributions."""
    info = _info()
    try:
        profile = _profile()
    except BadRequest as exc:
        return _problem(str(exc), 400)
    with catalogue_of().sessions() as session:
        try:
            graph = dataset_document(session, info, name)
        except NotFound:
            return _problem(f"Dataset not found: {name}", 404)
    return _respond(graph, fmt, profile)


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

"""DCAT-AP 3 endpoints for the national data portal's harvester.

``/catalog.jsonld|.ttl|.rdf`` (paged with hydra: ``?page=N``, optionally
``?modified_since=2024-01-01``) and ``/dataset/<name>.jsonld|.ttl|.rdf``. Public datasets only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, request

from catalogue.dcat import CatalogInfo, catalog_page, dataset_document, serialize
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
                       language=str(settings.get("default_locale") or "vi"))


def _respond(body: bytes, media_type: str) -> Response:
    response = Response(body, mimetype=media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
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
        page, since = _page(), _modified_since()
    except BadRequest as exc:
        return _problem(str(exc), 400)
    query = {"modified_since": request.args["modified_since"]} if since else {}
    page_url = f"{info.base}/catalog.{fmt}?" + urlencode(query) + ("&" if query else "") + \
        "page={page}"
    with catalogue_of().sessions() as session:
        graph = catalog_page(session, info, page, PAGE_SIZE, page_url, since)
    return _respond(*serialize(graph, fmt))


@blueprint.get("/dataset/<name>.<any(jsonld, ttl, rdf, xml):fmt>")
def dataset(name: str, fmt: str) -> Response:
    """One public dataset with its distributions."""
    info = _info()
    with catalogue_of().sessions() as session:
        try:
            graph = dataset_document(session, info, name)
        except NotFound:
            return _problem(f"Dataset not found: {name}", 404)
    return _respond(*serialize(graph, fmt))


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

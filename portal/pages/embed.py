"""Embeddable views of one resource version (issue 22): its map, chart or table in an iframe.

A journalist copies the iframe snippet from the resource page (or lets a CMS find it through
oEmbed discovery) and the article shows live data with its citation and a link back, instead
of a screenshot. Only these pages may be framed: their Content-Security-Policy says
``frame-ancestors *`` where every other page says ``'none'`` and adds ``X-Frame-Options:
DENY``. They show published versions of public datasets only (what anyone may see, whoever
is logged in), in the language their URL names, so one cached copy serves every reader: a
version never changes, so the page is cached immutable and answered 304 from its ETag, which
costs one indexed lookup (is the version still public?) and no rendering.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from catalogue import citations
from catalogue.accounts.principal import ANONYMOUS
from catalogue.datasets.model import Dataset
from catalogue.datasets.service import get_dataset
from catalogue.errors import NotFound
from catalogue.history.service import is_published, latest_published_number
from catalogue.preview import tables
from portal.i18n import current_locale, is_english
from portal.pages import map_view
from portal.pages.dataset import absolute, citation_of, version_url
from portal.pages.public import can_see, catalogue, reading
from portal.pages.stored import published_snapshot, resource_in, stored_key

bp = Blueprint("embed", __name__)
VIEWS = ("map", "chart", "table")
EMBED_MAX_AGE = 24 * 3600  # a withdrawn dataset leaves shared caches within a day
EMBED_TABLE_ROWS = 50
SIZES = {"map": (640, 560), "chart": (640, 460), "table": (640, 480)}  # room for the citation
CSP = ("default-src 'self'; img-src 'self' data:{tiles}; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors *")


@dataclass
class Embedded:
    """A resource of a published version of a public dataset."""

    ds: Dataset
    number: int
    pkg: dict[str, Any]
    res: dict[str, Any]


def public_dataset(session: Session, name: str) -> Dataset:
    """The dataset if anyone may see it, whoever asks (the page is cached and shown to every
    reader of an article); else a 404."""
    try:
        ds = get_dataset(session, name)
    except NotFound:
        abort(404)
    if ds.state == "deleted" or not can_see(ANONYMOUS, ds):
        abort(404)
    return ds


def public_version(session: Session, name: str, number: int, resource_id: str,
                   ds: Dataset | None = None) -> Embedded:
    """The resource as version ``number`` published it, if anyone may see it; else a 404."""
    ds = ds or public_dataset(session, name)
    pkg = published_snapshot(session, ds, number)
    res = resource_in(pkg, resource_id)
    if res is None:
        abort(404)
    return Embedded(ds, number, pkg, res)


def views_of(res: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The views a resource has, each with what its template needs (cached previews)."""
    from portal.pages.resource import chart_of, table_preview  # it imports this module

    found: dict[str, dict[str, Any]] = {}
    if stored_key(res) is None:
        return found
    table = None
    if tables.is_tabular(res.get("format") or "", res.get("filename", "")):
        preview = table_preview(res)
        table = preview.table if preview is not None else None
        if table is not None:
            series, chart = chart_of(res, table)
            if chart is not None:
                found["chart"] = {"chart": chart, "series": series}
            found["table"] = {"table": table, "rows": table.rows[:EMBED_TABLE_ROWS]}
    summary = map_view.summary_for(res, table)
    if summary and summary.get("has_map"):
        found["map"] = map_view.context(summary)
    return found


def embed_url(name: str, number: int, resource_id: str, view: str) -> str:
    """The absolute address of an embed, in the page's language."""
    return absolute(url_for("embed.view", name=name, number=number, resource_id=resource_id,
                            view=view, lang=current_locale()))


def iframe_html(src: str, title: str, view: str, width: int | None = None,
                height: int | None = None) -> str:
    """The snippet a publisher pastes into an article."""
    w, h = SIZES[view]
    w, h = min(w, width or w), min(h, height or h)
    return (f'<iframe src="{escape(src)}" width="{w}" height="{h}" title="{escape(title)}" '
            f'loading="lazy" frameborder="0"></iframe>')


def snippets(session: Session, ds: Dataset, res: dict[str, Any],
             views: list[str]) -> list[dict[str, str]]:
    """The iframe snippets of a resource page: its newest published version's views, when
    the dataset is public and that version has the resource; none otherwise."""
    number = latest_published_number(session, ds.id)
    if not number or ds.state == "deleted" or not can_see(ANONYMOUS, ds):
        return []
    pkg = published_snapshot(session, ds, number)
    published = resource_in(pkg, res["id"])
    if published is None or published.get("sha256") != res.get("sha256"):
        return []  # the page shows a file the public version does not have
    title = f'{res.get("name") or ""} · {pkg.get("title") or ds.name}'
    return [{"view": view, "url": embed_url(ds.name, number, res["id"], view),
             "html": iframe_html(embed_url(ds.name, number, res["id"], view), title, view)}
            for view in views]


def oembed_link(name: str, resource_id: str) -> str:
    """The oEmbed discovery address of a resource page."""
    page = absolute(url_for("resource.show", name=name, resource_id=resource_id))
    return absolute(url_for("embed.oembed", url=page, format="json"))


def _etag(name: str, number: int, resource_id: str, view: str) -> str:
    """Everything an embed's bytes depend on besides the (immutable) version."""
    settings = catalogue().settings
    parts = (name, number, resource_id, view, current_locale(),
             current_app.jinja_env.globals.get("asset_version"),
             current_app.config.get("PAGES_CSP"), settings.get("site_title"),
             settings.get("site_title_en"), catalogue().site_url)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _embed_headers(response: Response, etag: str) -> Response:
    tiles = map_view.map_settings()["tiles"]
    origin = urlsplit(tiles)
    response.headers["Content-Security-Policy"] = CSP.format(
        tiles=f" {origin.scheme}://{origin.netloc}" if tiles else "")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = EMBED_MAX_AGE
    response.cache_control.immutable = True
    return response


@bp.get("/embed/dataset/<name>/v/<int:number>/resource/<resource_id>/<any(map,chart,table):view>")
def view(name: str, number: int, resource_id: str, view: str) -> Response:
    """One view of a resource version, alone on a page made to be framed."""
    with reading() as session:
        ds = public_dataset(session, name)
        etag = _etag(name, number, resource_id, view)
        # A version never changes: if it is still there and public, the copy the asker holds
        # is this page, and nothing needs loading or rendering.
        if request.if_none_match.contains(etag) and is_published(session, ds.id, number):
            return _embed_headers(Response(status=304), etag)
        found = public_version(session, name, number, resource_id, ds)
        views = views_of(found.res)
        if view not in views:
            abort(404)
        english = is_english()
        cite = citation_of(found.pkg, number, english=english)
        body = render_template(
            "embed.html", ds=found.ds, pkg=found.pkg, res=found.res, number=number, view=view,
            citation=citations.version_line(cite, english=english),
            back_url=version_url(name, number),
            map_data_url=map_view.data_url(name, resource_id, number),
            oembed_url=oembed_link(name, resource_id), **views[view])
    return _embed_headers(Response(body, mimetype="text/html"), etag)


def _target(url: str) -> tuple[str, int | None, str, str]:
    """(dataset, version or None for the newest, resource id, view or "") of a page URL."""
    parts = urlsplit(url)
    site = urlsplit(catalogue().site_url)
    if parts.scheme not in ("http", "https") or parts.netloc not in (site.netloc, request.host):
        abort(404)
    try:
        endpoint, args = current_app.url_map.bind(parts.netloc).match(parts.path, method="GET")
    except HTTPException:
        abort(404)
    if endpoint == "resource.show":
        return args["name"], None, args["resource_id"], ""
    if endpoint == "embed.view":
        return args["name"], args["number"], args["resource_id"], args["view"]
    abort(404)


def _bound(name: str) -> int | None:
    try:
        value = int(request.args.get(name, ""))
    except ValueError:
        return None
    return value if value > 0 else None


@bp.get("/oembed")
def oembed() -> Response:
    """oEmbed (https://oembed.com) for resource pages and embeds: a ``rich`` iframe."""
    if request.args.get("format", "json") != "json":
        abort(501)  # the spec's answer to a format we do not give
    name, number, resource_id, wanted = _target(request.args.get("url", ""))
    with reading() as session:
        if number is None:
            try:
                number = latest_published_number(session, get_dataset(session, name).id)
            except NotFound:
                abort(404)
        found = public_version(session, name, number or 0, resource_id)
        views = views_of(found.res)
    chosen = wanted or next((v for v in VIEWS if v in views), "")
    if chosen not in views:
        abort(404)
    title = f'{found.res.get("name") or ""} · {found.pkg.get("title") or name}'
    src = embed_url(name, number, resource_id, chosen)
    width, height = SIZES[chosen]
    width, height = min(width, _bound("maxwidth") or width), min(height,
                                                                  _bound("maxheight") or height)
    org = found.pkg.get("organization") or {}
    settings = catalogue().settings
    response = jsonify({
        "version": "1.0", "type": "rich", "title": title,
        "provider_name": settings.get("site_title"), "provider_url": absolute("/"),
        **({"author_name": org["title"]} if org.get("title") else {}),
        "html": iframe_html(src, title, chosen, width, height),
        "width": width, "height": height, "cache_age": EMBED_MAX_AGE})
    response.headers["Access-Control-Allow-Origin"] = "*"  # public data, read by other sites
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response

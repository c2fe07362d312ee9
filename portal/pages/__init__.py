"""The public portal's HTML pages, one blueprint per page family.

``init_app`` wires languages (``portal.i18n``), CSRF (``portal.csrf``), the form rate limit,
template helpers, cache headers for static files and HTML error pages.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from catalogue.clock import Clock
from catalogue.errors import ConfigError
from portal import column_words, csrf, i18n
from portal.pages import (
    about,
    bulk,
    dataset,
    embed,
    explorer,
    feedback,
    feeds,
    home,
    map_view,
    organizations,
    resource,
    search,
    spam,
    stats,
)
from portal.pages.links import safe_href
from portal.pages.markdown import plain_text

BLUEPRINTS = (home.bp, search.bp, dataset.bp, resource.bp, organizations.bp, feedback.bp,
              stats.bp, feeds.bp, about.bp, bulk.bp, explorer.bp, map_view.bp, embed.bp)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_MAX_AGE = 365 * 24 * 3600  # asset URLs carry a content hash (?v=), so they may be cached
CSP = ("default-src 'self'; img-src 'self' data:{tiles}; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def tile_origin(url: str) -> str:
    """The origin of the ``map_tile_url`` setting, which the pages may load images from.

    Raises ConfigError for anything but an http(s) URL template: it lands in the CSP."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(
            c in parts.netloc for c in " ;'\""):
        raise ConfigError(f"map_tile_url: expected an http(s) URL template such as "
                          f"https://tiles.example.vn/{{z}}/{{x}}/{{y}}.png, got {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def asset_version() -> str:
    """A short hash of the static files, appended to their URLs to bust caches."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _headers(response: Response) -> Response:
    # Framing is refused everywhere (clickjacking) but on embeds, which exist to be framed
    # (issue 22); X-Frame-Options for browsers that predate CSP's frame-ancestors.
    if request.blueprint != "embed":
        response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint == "static":
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE if request.args.get("v") else 3600
        if request.args.get("v"):
            response.cache_control.immutable = True
    elif request.blueprint in {bp.name for bp in BLUEPRINTS} - {"embed"} and (
            response.mimetype == "text/html"):
        response.headers.setdefault("Content-Security-Policy", current_app.config["PAGES_CSP"])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def _html_error(exc: HTTPException) -> Response | HTTPException | tuple[str, int]:
    """HTML error pages for people; the API keeps its own envelope."""
    if request.path.startswith("/api/") or exc.code is None:
        return exc
    return render_template("error.html", error=exc), exc.code


def init_app(app: Flask, clock: Clock) -> None:
    """Register the page blueprints and what they need."""
    i18n.init_app(app)
    csrf.init_app(app)
    spam.init_app(app, clock)
    version = asset_version()
    tiles = tile_origin(str(app.config["DULIEUMO"].get("map_tile_url", "")))
    app.config["PAGES_CSP"] = CSP.format(tiles=f" {tiles}" if tiles else "")
    app.jinja_env.globals.update(site_title=dataset.site_title, asset_version=version,
                                 map_tiles=map_view.map_settings)
    # Every link to an address someone else wrote passes this one check (issue 15).
    app.jinja_env.filters["safe_href"] = safe_href
    app.jinja_env.filters["cell"] = explorer.format_cell  # a table explorer's cell (issue 21)
    app.jinja_env.filters["plain_text"] = plain_text
    column_words.init_app(app)  # types as words, columns by their labels
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.after_request(_headers)
    # 403 too: a staff page refused showed Werkzeug's English "Forbidden" (issue 19).
    for code in (400, 403, 404, 405, 429):
        app.register_error_handler(code, _html_error)

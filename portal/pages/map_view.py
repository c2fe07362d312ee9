"""Maps on resource pages and embeds (issue 22): the static picture, the GeoJSON behind the
interactive map, and the country outline the map is drawn over.

The page carries the SVG picture (all a browser without JavaScript shows); ``map.js`` then
fetches the bounded GeoJSON and replaces the picture with a Leaflet map, served from
``static/vendor/leaflet``. The base layer is the country outline shipped with the app; a tile
server is used only when ``map_tile_url`` names one.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from flask import Blueprint, Response, abort, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from catalogue.maps import basemap, outlines
from catalogue.maps.preview import (
    cached_geojson,
    cached_map,
    looks_like_geojson,
    map_kind,
    points_map,
    units_map,
)
from catalogue.places.gazetteer import Era, Gazetteer, Unit, gazetteer
from catalogue.preview import tables
from portal.pages.public import catalogue, reading, visible_dataset
from portal.pages.stored import (
    current_resource,
    header_row,
    preview_cache,
    read_limits,
    stored_key,
    version_resource,
)

bp = Blueprint("maps", __name__)
GEOJSON_MAX_AGE = 3600  # the current resource's map; a version's never changes (immutable)
VERSION_MAX_AGE = 365 * 24 * 3600


def table_key(res: dict[str, Any]) -> str:
    """How a table's rows were read for its preview (what its points depend on)."""
    limits = read_limits()
    return repr((tables.READER_VERSION, res.get("format") or "", res.get("filename", ""),
                 header_row(res), limits.max_unpacked_bytes, limits.max_cells))


def summary_for(res: dict[str, Any],
                table: tables.Table | None = None) -> dict[str, Any] | None:
    """The map summary of a resource (picture, counts, ``data_variant``); None: no map.

    A geographic file (GeoJSON, KML/KMZ, zipped Shapefile) always gets one, maybe saying it
    is too large or unreadable; a table only when it has latitude/longitude columns."""
    sha = stored_key(res)
    if sha is None:
        return None
    title = res.get("name") or ""
    kind = map_kind(res.get("format") or "", res.get("filename", ""))
    if not kind and is_json(res) and looks_like_geojson(catalogue().files, sha):
        kind = "geojson"
    if kind:
        try:
            summary = cached_map(preview_cache(), catalogue().files, sha, kind, title=title,
                                 limits=read_limits())
        except FileNotFoundError:
            return None
        return summary if kind != "zip" or summary.get("has_map") else None
    if not tables.is_tabular(res.get("format") or "", res.get("filename", "")):
        return None
    if table is None:
        try:
            table = tables.cached_preview(catalogue().files, sha,
                                          res.get("format") or "", res.get("filename", ""),
                                          limits=read_limits(), header_row=header_row(res)).table
        except OSError:
            return None
    if table is None:
        return None
    return points_map(preview_cache(), res["sha256"], table_key(res), table.headers,
                      table.rows, title=title) or units_summary(res, table)


class EraResolver:
    """The gazetteer's lookups restricted to one era: a code or a name ("Đắk Lắk") may name a
    unit of each era, and a table uses one set of units."""

    def __init__(self, places: Gazetteer, era: Era) -> None:
        self.places, self.era = places, era

    def lookup_code(self, code: str) -> Unit | None:
        return self.places.lookup_code(code, era=self.era)

    def match_name(self, text: str) -> list[Unit]:
        return [u for u in self.places.match_name(text) if u.era == self.era]

    def province_code(self, unit: Unit) -> str:
        return self.places.province_of(unit).code


def units_summary(res: dict[str, Any], table: tables.Table) -> dict[str, Any] | None:
    """The choropleth of a table keyed by units, in the era whose units it names best
    (today's 34 provinces, or the 63 before 1 July 2025)."""
    places = gazetteer()
    # The outlines too: a table drawn before they shipped had circles.
    version = f"{places.effective}/{places.source.get('version', '')}/{outlines.version()}"
    best: dict[str, Any] | None = None
    for era in ("new", "old"):
        summary = units_map(preview_cache(), res["sha256"], f"{table_key(res)}/{era}",
                            table.headers, table.rows, title=res.get("name") or "",
                            resolver=EraResolver(places, era), resolver_version=version)
        if summary is not None and (best is None or summary["choropleth"]["matched"] >
                                    best["choropleth"]["matched"]):
            best = summary
    return best


def is_json(res: dict[str, Any]) -> bool:
    fmt = (res.get("format") or "").strip().upper()
    return fmt == "JSON" or res.get("filename", "").lower().endswith(".json")


def context(summary: dict[str, Any] | None) -> dict[str, Any]:
    """What resource.html and the map embed need of a summary."""
    svg = (summary or {}).get("svg")
    return {"map": Markup(svg) if svg else None,  # noqa: S704 - built with html.escape
            "map_summary": summary}


def map_settings() -> dict[str, str]:
    """The optional tile server the map draws under the data (``map_tile_*`` settings)."""
    settings = catalogue().settings
    return {"tiles": str(settings.get("map_tile_url", "")),
            "attribution": str(settings.get("map_tile_attribution", ""))}


def _geojson_response(res: dict[str, Any], *, immutable: bool) -> Response:
    summary = summary_for(res)
    if not summary or not summary.get("has_map"):
        abort(404)
    variant = str(summary["data_variant"])
    etag = f'{res["sha256"][:32]}-{variant}'
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        data = cached_geojson(preview_cache(), res["sha256"], variant)
        if data is None:
            abort(404)
        response = Response(orjson.dumps(data), mimetype="application/geo+json")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = VERSION_MAX_AGE if immutable else GEOJSON_MAX_AGE
    if immutable:
        response.cache_control.immutable = True
    return response


@bp.get("/dataset/<name>/resource/<resource_id>/map.geojson")
def resource_geojson(name: str, resource_id: str) -> Response:
    """The bounded GeoJSON the interactive map draws (the resource as it is now)."""
    with reading() as session:
        res = current_resource(visible_dataset(session, name), resource_id)
    return _geojson_response(res, immutable=False)


@bp.get("/dataset/<name>/v/<int:number>/resource/<resource_id>/map.geojson")
def version_geojson(name: str, number: int, resource_id: str) -> Response:
    """The same for the resource as published version ``number`` had it (never changes)."""
    with reading() as session:
        ds = visible_dataset(session, name)
        res = version_resource(session, ds, number, resource_id)
    return _geojson_response(res, immutable=True)


@bp.get("/maps/country.geojson")
def country() -> BaseResponse:
    """The base layer: the country outline shipped with the app (no tile server needed)."""
    body = basemap.country_bytes()
    response = Response(body, mimetype="application/geo+json")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = VERSION_MAX_AGE if request.args.get("v") else 3600
    return response.make_conditional(request)


@bp.get("/maps/provinces.geojson")
def provinces() -> BaseResponse:
    """An optional layer: today's provinces, named, for the reader to place the data: their
    simplified outlines (:mod:`catalogue.maps.outlines`), or their boxes from the gazetteer
    where none is shipped."""
    places = gazetteer()
    shapes = {f["properties"]["code"]: f["geometry"]
              for f in outlines.provinces("new")["features"]}
    features = []
    for unit in places.units(era="new", level="province"):
        west, south, east, north = unit.bbox
        box = {"type": "Polygon", "coordinates": [[
            [west, south], [east, south], [east, north], [west, north], [west, south]]]}
        features.append({"type": "Feature", "properties": {"name": unit.name, "code": unit.code},
                         "geometry": shapes.get(unit.code, box)})
    body = orjson.dumps({"type": "FeatureCollection", "effective": places.effective,
                         "source": outlines.provinces("new").get("source", ""),
                         "features": features})
    response = Response(body, mimetype="application/geo+json")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = VERSION_MAX_AGE if request.args.get("v") else 3600
    return response.make_conditional(request)


def data_url(name: str, resource_id: str, number: int | None) -> str:
    """Where the interactive map fetches its GeoJSON."""
    if number is None:
        return url_for("maps.resource_geojson", name=name, resource_id=resource_id)
    return url_for("maps.version_geojson", name=name, number=number, resource_id=resource_id)

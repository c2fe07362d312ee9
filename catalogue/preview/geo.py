"""GeoJSON outlines as SVG paths, drawn without a tile server (government networks are offline).

Longitude/latitude are projected equirectangularly with the x axis shrunk by the cosine of
the middle latitude, which is faithful enough for a province-sized outline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import Any

from catalogue.files.preview_cache import PreviewCache
from catalogue.files.store import FileStore

Ring = list[tuple[float, float]]
MAX_POINTS = 20000  # beyond this a preview gets heavy; coordinates are thinned evenly


@dataclass
class Outline:
    """SVG path data for lines and polygons, and circle centres for points."""

    paths: list[str]
    points: list[tuple[float, float]]
    width: int
    height: int
    feature_count: int


def _rings(geometry: dict[str, Any] | None) -> Iterator[tuple[str, Ring]]:
    """(kind, coordinates) of every ring, line and point; kind is polygon, line or point."""
    if not geometry:
        return
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "GeometryCollection":
        for part in geometry.get("geometries") or []:
            yield from _rings(part)
    elif kind == "Point" and coords:
        yield "point", [(float(coords[0]), float(coords[1]))]
    elif kind == "MultiPoint" and coords:
        for c in coords:
            yield "point", [(float(c[0]), float(c[1]))]
    elif kind == "LineString" and coords:
        yield "line", [(float(c[0]), float(c[1])) for c in coords]
    elif kind == "MultiLineString" and coords:
        for line in coords:
            yield "line", [(float(c[0]), float(c[1])) for c in line]
    elif kind == "Polygon" and coords:
        for ring in coords:
            yield "polygon", [(float(c[0]), float(c[1])) for c in ring]
    elif kind == "MultiPolygon" and coords:
        for polygon in coords:
            for ring in polygon:
                yield "polygon", [(float(c[0]), float(c[1])) for c in ring]


def geometries(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The geometries of a FeatureCollection, a Feature or a bare geometry."""
    kind = data.get("type")
    if kind == "FeatureCollection":
        return [f.get("geometry") for f in data.get("features") or [] if f.get("geometry")]
    if kind == "Feature":
        return [data["geometry"]] if data.get("geometry") else []
    return [data] if kind else []


def outline(data: dict[str, Any], width: int = 480, height: int = 360,
            margin: int = 8) -> Outline | None:
    """Project every geometry of ``data`` into a ``width`` × ``height`` box; None if empty."""
    geoms = geometries(data)
    shapes = [shape for g in geoms for shape in _rings(g)]
    total = sum(len(ring) for _, ring in shapes)
    if not total:
        return None
    lons = [p[0] for _, ring in shapes for p in ring]
    lats = [p[1] for _, ring in shapes for p in ring]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    shrink = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * shrink, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    out_w = int(span_x * scale + 2 * margin)
    out_h = int(span_y * scale + 2 * margin)
    step = max(1, total // MAX_POINTS)

    def project(p: tuple[float, float]) -> tuple[float, float]:
        return (margin + (p[0] - min_lon) * shrink * scale, margin + (max_lat - p[1]) * scale)

    paths: list[str] = []
    points: list[tuple[float, float]] = []
    for kind, ring in shapes:
        if kind == "point":
            points.append(project(ring[0]))
            continue
        kept = ring[::step] if len(ring) > 4 * step else ring
        coords = " L".join(f"{x:.1f},{y:.1f}" for x, y in map(project, kept))
        paths.append("M" + coords + (" Z" if kind == "polygon" else ""))
    return Outline(paths=paths, points=points, width=max(out_w, 2 * margin + 1),
                   height=max(out_h, 2 * margin + 1), feature_count=len(geoms))


def outline_svg(data: dict[str, Any], *, title: str) -> str | None:
    """A complete ``<svg>`` of ``data``'s outline, or None when it has no coordinates."""
    shape = outline(data)
    if shape is None:
        return None
    body = "".join(f'<path d="{d}" fill="{"#1f5fa8" if d.endswith("Z") else "none"}" '
                   f'fill-opacity="0.15" stroke="#1f5fa8" stroke-width="1.2" '
                   f'fill-rule="evenodd"/>' for d in shape.paths)
    body += "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#b3261e"/>'
                    for x, y in shape.points)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {shape.width} {shape.height}" '
            f'role="img" class="map"><title>{escape(title)}</title>{body}</svg>')


def cached_map(files: FileStore, sha256: str, *, title: str,
               max_bytes: int) -> dict[str, Any]:
    """``{"svg", "feature_count", "too_large", "unreadable"}`` for a stored GeoJSON file,
    computed once per file and title and read back from the store's preview cache afterwards
    (issue 15): parsing a 20 MB GeoJSON takes ten times that in memory, which no view should
    repeat. FileNotFoundError when the file is not in the store."""
    cache = PreviewCache.beside(files)
    variant = cache.variant("map", 1, title, max_bytes)
    stored = cache.get(sha256, variant)
    if stored is not None:
        return stored
    result: dict[str, Any] = {"svg": None, "feature_count": 0, "too_large": False,
                              "unreadable": False}
    size = files.size(sha256)
    if size is None:
        raise FileNotFoundError(f"{sha256} is not in the file store")
    if size > max_bytes:
        result["too_large"] = True
    else:
        with files.open(sha256) as fh:
            raw = fh.read(max_bytes + 1)
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
            result["unreadable"] = True
        if isinstance(data, dict):
            result["svg"] = outline_svg(data, title=title)
            result["feature_count"] = len(geometries(data))
    cache.put(sha256, variant, result)
    return result

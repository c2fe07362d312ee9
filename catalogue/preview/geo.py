"""GeoJSON outlines as SVG paths, drawn without a tile server (government networks are offline).

This is the picture shown without JavaScript (and under the interactive map until it loads);
:mod:`catalogue.maps` reads and bounds the geometry first.

Longitude/latitude are projected equirectangularly with the x axis shrunk by the cosine of
the middle latitude, which is faithful enough for a province-sized outline.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Any

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
    backdrop: list[str] = field(default_factory=list)  # the country under the data
    fills: list[str] = field(default_factory=list)  # per point: its class colour, or ""


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


def _point_fills(data: dict[str, Any]) -> dict[tuple[float, float], str]:
    """Class colours of point features (property ``__fill``, set by a choropleth)."""
    fills: dict[tuple[float, float], str] = {}
    for item in data.get("features") or [] if data.get("type") == "FeatureCollection" else []:
        geometry, properties = item.get("geometry") or {}, item.get("properties") or {}
        fill = properties.get("__fill")
        if geometry.get("type") == "Point" and isinstance(fill, str):
            x, y = geometry["coordinates"][:2]
            fills[(float(x), float(y))] = fill
    return fills


def geometries(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The geometries of a FeatureCollection, a Feature or a bare geometry."""
    kind = data.get("type")
    if kind == "FeatureCollection":
        return [f.get("geometry") for f in data.get("features") or [] if f.get("geometry")]
    if kind == "Feature":
        return [data["geometry"]] if data.get("geometry") else []
    return [data] if kind else []


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to SVG pixels for one drawing."""

    min_lon: float
    max_lat: float
    shrink: float
    scale: float
    margin: int

    def __call__(self, p: tuple[float, float]) -> tuple[float, float]:
        return (self.margin + (p[0] - self.min_lon) * self.shrink * self.scale,
                self.margin + (self.max_lat - p[1]) * self.scale)


def _path(points: Iterable[tuple[float, float]]) -> str:
    """SVG path coordinates, leaving out points within ``MIN_STEP`` pixels of the last one
    kept: a country outline of thousands of points needs a few hundred at this size."""
    kept: list[str] = []
    last: tuple[float, float] | None = None
    for x, y in points:
        if last is not None and abs(x - last[0]) < MIN_STEP and abs(y - last[1]) < MIN_STEP:
            continue
        last = (x, y)
        kept.append(f"{x:.1f},{y:.1f}")
    if len(kept) == 1:
        kept.append(kept[0])
    return " L".join(kept)


MIN_STEP = 1.0  # pixels
MIN_SPAN = 0.02  # degrees (about 2 km): one point, or a street, is shown with its surroundings


def outline(data: dict[str, Any], width: int = 480, height: int = 360,
            margin: int = 8, backdrop: dict[str, Any] | None = None) -> Outline | None:
    """Project every geometry of ``data`` into a ``width`` × ``height`` box; None if empty.

    ``backdrop`` (a GeoJSON of the country, say) is drawn in the same projection under the
    data, clipped by the picture's edges; its rings wholly outside the picture are left out."""
    geoms = geometries(data)
    fill_of = _point_fills(data)
    shapes = [shape for g in geoms for shape in _rings(g)]
    total = sum(len(ring) for _, ring in shapes)
    if not total:
        return None
    lons = [p[0] for _, ring in shapes for p in ring]
    lats = [p[1] for _, ring in shapes for p in ring]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    if backdrop is not None:  # a lone point or a short line gets some surroundings
        pad_lon = max(0.0, MIN_SPAN - (max_lon - min_lon)) / 2
        pad_lat = max(0.0, MIN_SPAN - (max_lat - min_lat)) / 2
        min_lon, max_lon = min_lon - pad_lon, max_lon + pad_lon
        min_lat, max_lat = min_lat - pad_lat, max_lat + pad_lat
    shrink = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * shrink, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    out_w = int(span_x * scale + 2 * margin)
    out_h = int(span_y * scale + 2 * margin)
    step = max(1, total // MAX_POINTS)
    project = Projection(min_lon, max_lat, shrink, scale, margin)

    paths: list[str] = []
    points: list[tuple[float, float]] = []
    fills: list[str] = []
    for kind, ring in shapes:
        if kind == "point":
            points.append(project(ring[0]))
            fills.append(fill_of.get(ring[0], ""))
            continue
        kept = ring[::step] if len(ring) > 4 * step else ring
        coords = _path(map(project, kept))
        paths.append("M" + coords + (" Z" if kind == "polygon" else ""))
    behind: list[str] = []
    for g in geometries(backdrop) if backdrop is not None else []:
        for _kind, ring in _rings(g):
            xs = [p[0] for p in ring]
            ys = [p[1] for p in ring]
            if max(xs) < min_lon or min(xs) > max_lon or max(ys) < min_lat or min(ys) > max_lat:
                continue
            # Clamped to a frame just outside the picture: the parts of the country beyond
            # it collapse onto its edge (and then into a few points) instead of being drawn.
            coords = _path((min(max(x, -margin), out_w + margin),
                            min(max(y, -margin), out_h + margin)) for x, y in map(project, ring))
            behind.append("M" + coords + " Z")
    return Outline(paths=paths, points=points, width=max(out_w, 2 * margin + 1),
                   height=max(out_h, 2 * margin + 1), feature_count=len(geoms),
                   backdrop=behind, fills=fills)


def outline_svg(data: dict[str, Any], *, title: str,
                backdrop: dict[str, Any] | None = None) -> str | None:
    """A complete ``<svg>`` of ``data``'s outline, or None when it has no coordinates."""
    shape = outline(data, backdrop=backdrop)
    if shape is None:
        return None
    body = "".join(f'<path d="{d}" fill="#eef1f4" stroke="#8a96a3" stroke-width="0.8"/>'
                   for d in shape.backdrop)
    body += "".join(f'<path d="{d}" fill="{"#1f5fa8" if d.endswith("Z") else "none"}" '
                    f'fill-opacity="0.15" stroke="#1f5fa8" stroke-width="1.2" '
                    f'fill-rule="evenodd"/>' for d in shape.paths)
    for (x, y), fill in zip(shape.points, shape.fills or [""] * len(shape.points),
                            strict=True):
        body += (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{escape(fill)}" '
                 f'stroke="#1b2a3a" stroke-width="0.8"/>' if fill else
                 f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#b3261e"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {shape.width} {shape.height}" '
            f'role="img" class="map"><title>{escape(title)}</title>{body}</svg>')

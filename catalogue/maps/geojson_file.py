"""GeoJSON files: parsed whole, so only files small enough to parse whole (issue 15's rule)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from catalogue.files.limits import TooLarge
from catalogue.maps.bounded import Feature


def features_of(data: Any) -> Iterator[Feature]:
    """(geometry, properties) of a FeatureCollection, a Feature or a bare geometry."""
    if not isinstance(data, dict):
        return
    kind = data.get("type")
    if kind == "FeatureCollection":
        for item in data.get("features") or []:
            if isinstance(item, dict):
                yield item.get("geometry"), item.get("properties")
    elif kind == "Feature":
        yield data.get("geometry"), data.get("properties")
    elif kind:
        yield data, None


def read(path: Path, max_bytes: int) -> Iterator[Feature]:
    """The features of a GeoJSON file of at most ``max_bytes``.

    Raises TooLarge past it, and ValueError for what is not JSON, including arrays nested so
    deep that the parser would overflow its stack (``[[[[…`` a million times)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise TooLarge(f"a GeoJSON file of {size:,} bytes is more than the {max_bytes:,} "
                       f"a map preview parses")
    try:
        data = json.loads(path.read_bytes())
    except RecursionError as exc:
        raise ValueError("JSON nested too deep") from exc
    yield from features_of(data)

"""Points from a table's latitude and longitude columns (CSV, XLSX… as the table preview read them).

Agencies name these columns in Vietnamese or English, with or without diacritics: ``vĩ độ`` /
``kinh độ``, ``vi_do``, ``lat`` / ``lng``, ``latitude``, or ``y`` / ``x``; decimal commas
(``21,0285``) are common in Vietnamese exports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from catalogue.maps.bounded import Feature

LATITUDE = ("vido", "latitude", "lat", "y", "toadoy", "vidobac")
LONGITUDE = ("kinhdo", "longitude", "lon", "lng", "long", "x", "toadox", "kinhdodong")


def _key(header: str) -> str:
    """``Vĩ độ (N)`` → ``vido``: no diacritics, case, spaces, units or punctuation."""
    text = unicodedata.normalize("NFD", header.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"\(.*?\)|\[.*?\]", "", text)  # units: "(độ)", "[WGS84]"
    return re.sub(r"[^a-z0-9]", "", text)


def coordinate_columns(headers: Sequence[str]) -> tuple[int, int] | None:
    """(latitude, longitude) column indexes, or None when the table has no such pair.

    Explicit names win over ``x``/``y``, which many tables use for something else."""
    keys = [_key(h) for h in headers]

    def find(names: Sequence[str]) -> int | None:
        for name in names:  # in order of preference
            if name in keys:
                return keys.index(name)
        return None
    lat, lon = find(LATITUDE), find(LONGITUDE)
    if lat is None or lon is None or lat == lon:
        return None
    return lat, lon


def _number(text: str) -> float | None:
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")  # decimal comma
    try:
        return float(value)
    except ValueError:
        return None


def features_of(headers: Sequence[str], rows: Sequence[Sequence[str]]
                ) -> Iterator[Feature]:
    """A Point feature per row with both coordinates, the other cells as its properties."""
    columns = coordinate_columns(headers)
    if columns is None:
        return
    lat_at, lon_at = columns
    for row in rows:
        if max(lat_at, lon_at) >= len(row):
            continue
        lat, lon = _number(row[lat_at]), _number(row[lon_at])
        if lat is None or lon is None:
            continue
        properties = {h: cell for i, (h, cell) in enumerate(zip(headers, row, strict=False))
                      if i not in columns}
        yield {"type": "Point", "coordinates": [lon, lat]}, properties

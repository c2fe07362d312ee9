"""Where Vietnamese provinces lie: a bounding box and centre for ``dct:spatial`` (DCAT-AP 3).

Datasets name their place in words ("Tỉnh Quảng Ninh"); DCAT-AP recommends ``dcat:bbox`` and
``dcat:centroid``. The extents are those of the provincial administrative units (before the 2025
mergers, as the demo agencies and most harvested records still name them), rounded outward to
0.01°: enough to place a dataset on a map, not a boundary.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Extent:
    """A province's bounding box in WGS 84 degrees."""

    west: float
    south: float
    east: float
    north: float

    @property
    def bbox_wkt(self) -> str:
        w, s, e, n = self.west, self.south, self.east, self.north
        return f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"

    @property
    def centroid_wkt(self) -> str:
        return f"POINT({round((self.west + self.east) / 2, 3)} " \
               f"{round((self.south + self.north) / 2, 3)})"


# Mainland Viet Nam with its near-shore islands (the Paracel and Spratly archipelagos lie
# further east, to 117.8° E; a bbox that wide would place the country in the sea).
VIETNAM = Extent(102.14, 8.38, 109.47, 23.39)
# (west, south, east, north), by province name without its "Tỉnh"/"Thành phố" prefix.
PROVINCES: dict[str, Extent] = {
    "Quảng Ninh": Extent(106.43, 20.70, 108.08, 21.68),
    "Cao Bằng": Extent(105.27, 22.35, 106.83, 23.12),
    "Bình Phước": Extent(106.40, 11.30, 107.42, 12.29),
    "Cà Mau": Extent(104.72, 8.55, 105.53, 9.55),
}
_PREFIXES = ("tỉnh ", "thành phố ", "tp. ", "tp ")


def _key(name: str) -> str:
    text = unicodedata.normalize("NFC", " ".join(name.split())).lower()
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


_BY_KEY = {_key(name): extent for name, extent in PROVINCES.items()}


def place_geometry(name: str) -> Extent | None:
    """The extent of the province a dataset's place names, or None when it is no province."""
    return _BY_KEY.get(_key(name))

"""Where a dataset lies, for ``dct:spatial`` (DCAT-AP 3): the gazetteer's units and boxes.

Datasets name their place in words ("Tỉnh Quảng Ninh"); the catalogue recognises the units
those words name (:mod:`catalogue.places.recognise`, issue 22) and DCAT-AP recommends a
``dcat:bbox`` and ``dcat:centroid`` for them. The boxes are the gazetteer's
(``catalogue/places/SOURCES.md``): computed from the units' communes, good to place a
dataset on a map or find it by area, not boundaries. Places the gazetteer does not know
(free text, a river basin) get neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from catalogue.places.gazetteer import Unit, gazetteer
from catalogue.places.recognise import coverage_box, document_units


@dataclass(frozen=True)
class Extent:
    """A bounding box in WGS 84 degrees, and the point that stands for it."""

    west: float
    south: float
    east: float
    north: float
    centre: tuple[float, float] | None = None

    @property
    def bbox_wkt(self) -> str:
        w, s, e, n = self.west, self.south, self.east, self.north
        return f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"

    @property
    def centroid_wkt(self) -> str:
        x, y = self.centre or (round((self.west + self.east) / 2, 4),
                               round((self.south + self.north) / 2, 4))
        return f"POINT({x} {y})"


@lru_cache(maxsize=1)
def country() -> Extent:
    """Viet Nam: the union of its provinces' boxes (the far archipelagos, Hoàng Sa and
    Trường Sa, have boxes of their own and would place the country in the sea)."""
    boxes = [u.bbox for u in gazetteer().units("new", "province")]
    return Extent(min(b[0] for b in boxes), min(b[1] for b in boxes),
                  max(b[2] for b in boxes), max(b[3] for b in boxes))


def dataset_place(package: Mapping[str, Any]) -> tuple[list[Unit], Extent | None]:
    """The units a package covers and their extent: one unit's own box and centre, several
    units' (or a geometry's) joint box with its middle."""
    units = document_units(package)
    box = coverage_box(package, units)
    if box is None:
        return units, None
    centre = units[0].centroid if len(units) == 1 and box == units[0].bbox else None
    return units, Extent(*box, centre=centre)

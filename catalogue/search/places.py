"""Search by place (issue 22): what the index keeps of a dataset's units, and the filters
and query terms that find them, for every backend.

A dataset about a unit is indexed with the unit's *closure*
(:meth:`catalogue.places.gazetteer.Gazetteer.closure`): the unit, the units of the other
era it overlaps, and the districts and provinces they lie in. Three views of it:

* ``spatial_code`` filter and facet values: the bare codes (``fq=spatial_code:54``, old or
  new). A code in both eras names an old unit inside the new one, so ``24`` reads as the
  new Bắc Ninh with the old Bắc Giang and Bắc Ninh it was formed from;
* place terms ``@:old:54`` in the text index, one per unit of the closure: a place typed in
  ``q`` is one concept satisfied by its name in the text or by its term, so "Phú Yên" finds
  the data of the old province and of the new Đắk Lắk, but not the old Đắk Lắk's;
* ``spatial_cell`` filter values: the half-degree cells the dataset's box covers, for
  ``ext_bbox`` (ckanext-spatial's intersection filter). Intersection is judged on that
  grid: a box that misses a dataset's box by less than a cell may still find it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from catalogue.places.gazetteer import Gazetteer, Place, Unit, gazetteer, name_key, split_prefix
from catalogue.places.recognise import Box, coverage_box, document_units
from catalogue.search.analyzer import ENGLISH_PREFIX
from catalogue.search.errors import SearchQueryError
from catalogue.search.query import Filter, Match, MatchAll, Or

# In the English namespace's prefix, so every check that keeps stems out of the vocabulary
# (spelling, diacritic restoration) keeps place terms out too; no English stem has a colon.
PLACE_PREFIX = ENGLISH_PREFIX + ":"
CELL_DEGREES = 0.5
# A dataset box wider than this many cells (a country-wide geometry) is not gridded cell by
# cell; it is found by any box (it covers the country).
MAX_CELLS = 2000
WHOLE = "all"


def place_term(unit: Unit) -> str:
    """The text-index term of one unit: ``@:old:54``."""
    return PLACE_PREFIX + unit.key


@dataclass(frozen=True)
class PlaceFields:
    """What the index keeps of one dataset's places."""

    codes: list[str]
    terms: list[str]
    cells: list[str]


def _cell(x: float, y: float) -> tuple[int, int]:
    return math.floor(x / CELL_DEGREES), math.floor(y / CELL_DEGREES)


def cells_of(box: Box) -> list[str]:
    """The grid cells ``box`` touches, as ``"i:j"``; ``["all"]`` past :data:`MAX_CELLS`."""
    (x0, y0), (x1, y1) = _cell(box[0], box[1]), _cell(box[2], box[3])
    if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS:
        return [WHOLE]
    return [f"{i}:{j}" for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]


def place_fields(package: Mapping[str, Any], g: Gazetteer | None = None) -> PlaceFields:
    """The ``spatial_code`` values, place terms and cells of a package dict."""
    g = g or gazetteer()
    units = document_units(package, g)
    closure = g.closure(units)
    box = coverage_box(package, units)
    return PlaceFields(codes=sorted({u.code for u in closure}),
                       terms=sorted(place_term(u) for u in closure),
                       cells=cells_of(box) if box else [])


def parse_bbox(text: str) -> Box:
    """ckanext-spatial's ``ext_bbox=minx,miny,maxx,maxy`` (degrees); SearchQueryError else."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise SearchQueryError("ext_bbox: expected minx,miny,maxx,maxy in degrees")
    w, s, e, n = values
    if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
        raise SearchQueryError("ext_bbox: expected minx <= maxx and miny <= maxy, in degrees")
    return (w, s, e, n)


@lru_cache(maxsize=1)
def _extent() -> Box:
    """The box of every unit: no dataset box from the gazetteer lies outside it."""
    boxes = [u.bbox for u in gazetteer().units(level="province")] + \
        [u.bbox for u in gazetteer().units(level="commune")]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def bbox_filter(box: Box) -> Filter:
    """Datasets whose box intersects ``box`` (on the grid). Cells outside the gazetteer's
    extent are not asked for: only a dataset's own geometry can reach them, and a box over
    the whole world would otherwise ask for a quarter of a million cells."""
    ex = _extent()
    clipped = (max(box[0], ex[0]), max(box[1], ex[1]), min(box[2], ex[2]), min(box[3], ex[3]))
    items: list[Filter] = [Match("spatial_cell", WHOLE)]
    if clipped[0] <= clipped[2] and clipped[1] <= clipped[3]:
        items += [Match("spatial_cell", c) for c in cells_of(clipped) if c != WHOLE]
    if box[0] < ex[0] or box[1] < ex[1] or box[2] > ex[2] or box[3] > ex[3]:
        # Geometries beyond the country: their own cells, a few at most, as asked.
        outside = cells_of(box)
        if outside != [WHOLE] and len(outside) <= MAX_CELLS:
            items += [Match("spatial_cell", c) for c in outside]
    return Or(tuple(dict.fromkeys(items))) if items else MatchAll()


def places_in_query(text: str) -> list[Place]:
    """The places a search text names (see :meth:`Gazetteer.find_places`)."""
    return gazetteer().find_places(text)


@dataclass(frozen=True)
class Renamed:
    """An old unit typed in a search and the new units it now belongs to."""

    old: Unit
    now: tuple[Unit, ...]


def renamed_places(text: str) -> list[Renamed]:
    """For the page's note "Phú Yên nay thuộc tỉnh Đắk Lắk": the old units a search names
    whose name no new unit of the mention carries; a district or commune only when typed
    with its kind ("xã Đất Mũi")."""
    g = gazetteer()
    notes: list[Renamed] = []
    for place in places_in_query(text):
        if place.units[0].level != "province" and split_prefix(name_key(place.text))[0] is None:
            continue  # "văn hoá" is culture before it is a commune: say nothing
        new_names = {u.short for u in place.units if u.era == "new"}
        for unit in place.units:
            if unit.era == "old" and unit.short not in new_names:
                now = tuple(g.successors(unit.code))
                if now and any(n.short != unit.short for n in now):
                    notes.append(Renamed(unit, now))
    return notes

"""Search by place (issue 22): what the index keeps of a dataset's units, and the filters
and query terms that find them, for every backend.

A dataset about a unit is indexed with the unit's *closure*
(:meth:`catalogue.places.gazetteer.Gazetteer.closure`): the unit, the units of the other
era it overlaps, and the districts and provinces they lie in. Two views of it, and
two of where its places lie:

* ``spatial_code`` filter and facet values: the bare codes (``fq=spatial_code:54``, old or
  new). A code in both eras names an old unit inside the new one, so ``24`` reads as the
  new Bắc Ninh with the old Bắc Giang and Bắc Ninh it was formed from;
* place terms ``@:old:54`` in the text index, one per unit of the closure: a place typed in
  ``q`` is one concept satisfied by its name in the text or by its term, so "Phú Yên" finds
  the data of the old province and of the new Đắk Lắk, but not the old Đắk Lắk's;
* ``spatial_box`` filter values, one per place: each unit's box and the dataset's own
  geometry's, as ``west,south,east,north`` (Python's shortest exact decimal of each
  float). ``ext_bbox`` (ckanext-spatial's filter) finds a dataset when one of these meets
  the requested box, edges included: exactly, on both backends, from the same numbers.
  Each place is tested apart, so data about Hà Giang and Cà Mau is not found over Thanh
  Hoá, which lies inside their joint box;
* ``spatial_cell`` filter values: the half-degree cells those boxes touch. Only an index
  lookup narrowing the rows an exact test reads (PostgreSQL's SQL search); never the
  answer itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalogue.places.gazetteer import Gazetteer, Place, Unit, gazetteer, name_key, split_prefix
from catalogue.places.recognise import Box, document_units, own_box
from catalogue.search.analyzer import ENGLISH_PREFIX
from catalogue.search.errors import SearchQueryError
from catalogue.search.query import Intersects

# In the English namespace's prefix, so every check that keeps stems out of the vocabulary
# (spelling, diacritic restoration) keeps place terms out too; no English stem has a colon.
PLACE_PREFIX = ENGLISH_PREFIX + ":"
CELL_DEGREES = 0.5
# A box wider than this many cells (a country-wide geometry) is not gridded cell by cell:
# a dataset's is indexed as the cell "all", a request's narrows nothing.
MAX_CELLS = 2000
WHOLE = "all"
# A dataset naming more places than this is tested by their joint box (more is no one
# place's data: recognise.MAX_UNITS stops at 50 units).
MAX_BOXES = 64
# The filter field of place boxes; its terms are "spatial_box=west,south,east,north".
BOX_FIELD = "spatial_box"
CELL_FIELD = "spatial_cell"


def place_term(unit: Unit) -> str:
    """The text-index term of one unit: ``@:old:54``."""
    return PLACE_PREFIX + unit.key


@dataclass(frozen=True)
class PlaceFields:
    """What the index keeps of one dataset's places."""

    codes: list[str]
    terms: list[str]
    boxes: list[str]
    cells: list[str]


def _cell(x: float, y: float) -> tuple[int, int]:
    return math.floor(x / CELL_DEGREES), math.floor(y / CELL_DEGREES)


def cells_of(box: Box) -> list[str]:
    """The grid cells ``box`` touches, as ``"i:j"``; ``["all"]`` past :data:`MAX_CELLS`."""
    (x0, y0), (x1, y1) = _cell(box[0], box[1]), _cell(box[2], box[3])
    if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS:
        return [WHOLE]
    return [f"{i}:{j}" for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]


def box_value(box: Box) -> str:
    """A box as its ``spatial_box`` filter value, ``west,south,east,north``: each float
    written so that reading it back (Python's ``float``, PostgreSQL's ``float8``) gives
    the same float."""
    return ",".join(repr(float(v)) for v in box)


def parse_box_value(value: str) -> Box:
    """The box of a ``spatial_box`` filter value (:func:`box_value`)."""
    w, s, e, n = (float(v) for v in value.split(","))
    return (w, s, e, n)


def intersects(a: Box, b: Box) -> bool:
    """Whether two boxes meet, edges included (PostGIS's ``&&``, which ckanext-spatial
    asks)."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def place_boxes(package: Mapping[str, Any], units: list[Unit]) -> list[Box]:
    """The boxes a dataset is found by: each unit's and its own geometry's; past
    :data:`MAX_BOXES`, their joint box."""
    boxes = list(dict.fromkeys(u.bbox for u in units))
    own = own_box(package)
    if own is not None and own not in boxes:
        boxes.append(own)
    if len(boxes) > MAX_BOXES:
        boxes = [(min(b[0] for b in boxes), min(b[1] for b in boxes),
                  max(b[2] for b in boxes), max(b[3] for b in boxes))]
    return boxes


def place_fields(package: Mapping[str, Any], g: Gazetteer | None = None) -> PlaceFields:
    """The ``spatial_code`` values, place terms, boxes and cells of a package dict."""
    g = g or gazetteer()
    units = document_units(package, g)
    closure = g.closure(units)
    boxes = place_boxes(package, units)
    cells = list(dict.fromkeys(c for box in boxes for c in cells_of(box)))
    return PlaceFields(codes=sorted({u.code for u in closure}),
                       terms=sorted(place_term(u) for u in closure),
                       boxes=[box_value(b) for b in boxes],
                       cells=[WHOLE] if WHOLE in cells else cells)


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


def bbox_filter(box: Box) -> Intersects:
    """Datasets with a place whose box meets ``box`` (ckanext-spatial's ``ext_bbox``)."""
    return Intersects(box)


def candidate_cells(box: Box) -> tuple[list[str], list[str]] | None:
    """The ``spatial_cell`` values of the datasets that may meet ``box``, as (the cells
    wholly inside it, the others: those on its edges, and "all"); None when it touches too
    many cells to narrow anything.

    A dataset's box reaches into every cell it is indexed with (:func:`cells_of`), edges
    included, so a dataset in a cell wholly inside ``box`` meets it; one in an edge cell may
    or may not (its numbers decide); one in neither does not."""
    (x0, y0), (x1, y1) = _cell(box[0], box[1]), _cell(box[2], box[3])
    if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS:
        return None
    inner: list[str] = []
    edge: list[str] = [WHOLE]
    for i in range(x0, x1 + 1):
        for j in range(y0, y1 + 1):
            # Multiples of a half are exact floats: no rounding decides which list.
            wholly = box[0] <= i * CELL_DEGREES and (i + 1) * CELL_DEGREES <= box[2] and \
                box[1] <= j * CELL_DEGREES and (j + 1) * CELL_DEGREES <= box[3]
            (inner if wholly else edge).append(f"{i}:{j}")
    return inner, edge


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

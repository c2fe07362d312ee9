"""A dataset's spatial coverage as gazetteer units, from what sources write about it.

Sources name places in words ("Tỉnh Phú Yên", "TP.HCM; Bình Dương", "Xã Đất Mũi, huyện Ngọc
Hiển, tỉnh Cà Mau"), as administrative unit codes or URIs (``admin_unit_code`` and
``spatial_uri`` extras kept by the harvesters), as geometries (the ``spatial`` extra,
ckanext-spatial's GeoJSON; ``spatial_bbox``, DCAT's WKT), in a table's columns (read from the
table's first rows, :mod:`catalogue.places.columns`), and when nothing else names a place, in
the title. The original text is kept as the source wrote it; the units go beside it as
``spatial_units`` in the package document.

A name that is a unit in both eras ("Tỉnh Đắk Lắk": the old province, or the new one that
took in Phú Yên) is read in the era of the data: the new unit when its temporal coverage
reaches 1 July 2025 or is not stated, the old one when it ends before.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from catalogue.places.gazetteer import LEVEL_OF_DIGITS, Era, Gazetteer, Unit, gazetteer

MAX_UNITS = 50  # more units than this is no one place's data
_CODE_RE = re.compile(r"(?<![\d.])(\d{2}|\d{3}|\d{5})(?![\d.])")
_BARE_CODE_RE = re.compile(r"^\s*(?:.*\()?\s*(\d{2}|\d{3}|\d{5})\s*\)?\s*$")
# Extras that hold unit codes: the harvesters' ``admin_unit_code``; the table scan's.
CODE_EXTRAS = ("admin_unit_code", "spatial_columns")
MAX_GEOMETRY_CHARS = 1_000_000
MAX_COORDINATES = 200_000


def era_of(temporal_start: str | None, temporal_end: str | None, effective: str) -> Era:
    """The era a dataset's names are read in: ``old`` when its coverage ends before the
    new units took effect."""
    last = (temporal_end or temporal_start or "")[:10]
    return "old" if last and last < effective else "new"


def _prefer(units: Iterable[Unit], era: Era) -> list[Unit]:
    """Of the units one mention names, those of ``era`` when the mention names any."""
    found = list(units)
    same = [u for u in found if u.era == era]
    return same or found


def units_in_text(g: Gazetteer, text: str, era: Era) -> list[Unit]:
    """The units a place text names: every mention, in the data's era where it has one;
    a whole text that is a unit code ("01", "Xã Đất Mũi (32248)") is read as one."""
    return list(_units_in_text(g, text, era)) if text.strip() else []


@lru_cache(maxsize=20_000)
def _units_in_text(g: Gazetteer, text: str, era: Era) -> tuple[Unit, ...]:
    """Cached: a rebuild reads the same few hundred place texts thousands of times."""
    return tuple(_read_text(g, text, era))


def _read_text(g: Gazetteer, text: str, era: Era) -> list[Unit]:
    bare = _BARE_CODE_RE.match(text)
    if bare:
        unit = g.lookup_code(bare.group(1), era) or g.lookup_code(bare.group(1))
        return [unit] if unit else []
    whole = g.match_name(text)
    if whole:
        return _prefer(whole, era)
    found: list[Unit] = []
    for place in g.find_places(text):
        found += _prefer(place.units, era)
    return found


def units_of_codes(g: Gazetteer, text: str, era: Era) -> list[Unit]:
    """Units of the codes in a comma- or space-separated list ("01, 79", "00004")."""
    found: list[Unit] = []
    for code in _CODE_RE.findall(text):
        if code.isdigit() and len(code) in LEVEL_OF_DIGITS:
            unit = g.lookup_code(code, era) or g.lookup_code(code)
            if unit is not None:
                found.append(unit)
    return found


def most_specific(g: Gazetteer, units: Iterable[Unit]) -> list[Unit]:
    """The units without their own ancestors: "xã Đất Mũi, tỉnh Cà Mau" covers the commune."""
    distinct = list(dict.fromkeys(units))
    covered = {a for u in distinct for a in g.ancestors(u)}
    return [u for u in distinct if u not in covered]


def extras_of(package: Mapping[str, Any]) -> dict[str, str]:
    """A package's extras as a dict, whichever shape it has (list of key/value or dict)."""
    extras = package.get("extras") or []
    if isinstance(extras, Mapping):
        return {str(k): str(v) for k, v in extras.items()}
    return {str(e.get("key")): str(e.get("value") or "") for e in extras
            if isinstance(e, Mapping)}


def package_units(package: Mapping[str, Any], g: Gazetteer | None = None,
                  table_units: Iterable[str] = ()) -> list[Unit]:
    """The gazetteer units a package dict covers (most specific, in the order found; none
    past :data:`MAX_UNITS` or for most provinces: the country). ``table_units``: the
    ``era:code`` keys its tables' columns name (:mod:`catalogue.places.columns`), used when
    the metadata names no place."""
    g = g or gazetteer()
    era = era_of(package.get("temporal_start"), package.get("temporal_end"), g.effective)
    extras = extras_of(package)
    found = units_in_text(g, str(package.get("spatial") or ""), era)
    for key in CODE_EXTRAS:
        found += units_of_codes(g, extras.get(key, ""), era)
    uri = extras.get("spatial_uri", "")
    if uri and not found:
        tail = uri.rstrip("/").rsplit("/", 1)[-1]
        found += units_of_codes(g, tail, era) if tail.isdigit() else []
    if not found:
        found = [u for key in table_units if (u := g.by_key(key)) is not None]
    if not found:
        # The title, last: "Dân số tỉnh Phú Yên 2024" with no place in its metadata. Only
        # provinces and units named with their kind ("xã Đất Mũi"), prose being prose.
        found = [u for place in g.find_places(str(package.get("title") or ""), bare_names=False)
                 for u in _prefer(place.units, era)]
    units = most_specific(g, found)
    return [] if len(units) > MAX_UNITS or national(g, units) else units


def national(g: Gazetteer, units: Iterable[Unit]) -> bool:
    """True when ``units`` are provinces covering more than half of their era's: the
    country, which no unit stands for (nor should every province's search find it)."""
    chosen = list(units)
    for era in ("old", "new"):
        provinces = {u for u in chosen if u.era == era and u.level == "province"}
        if len(provinces) > len(g.units(era, "province")) / 2:
            return True
    return False


def unit_refs(units: Iterable[Unit]) -> list[dict[str, str]]:
    """The units as the package document keeps them (``spatial_units``)."""
    return [{"code": u.code, "era": u.era, "level": u.level, "name": u.name} for u in units]


def units_of_refs(refs: Any, g: Gazetteer | None = None) -> list[Unit]:
    """The units of stored ``spatial_units`` refs; unknown ones left out."""
    g = g or gazetteer()
    found: list[Unit] = []
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, Mapping):
            unit = g.by_key(f"{ref.get('era')}:{ref.get('code')}")
            if unit is not None:
                found.append(unit)
    return found


def document_units(package: Mapping[str, Any], g: Gazetteer | None = None) -> list[Unit]:
    """The units of a package document: its ``spatial_units`` when it has them, else
    recognised now (documents stored before the gazetteer)."""
    if "spatial_units" in package:
        return units_of_refs(package["spatial_units"], g)
    return package_units(package, g)


# -- geometry ------------------------------------------------------------------------------
Box = tuple[float, float, float, float]


def _coordinates(value: Any, depth: int = 0) -> Iterator[tuple[float, float]]:
    if depth > 8:
        return
    if isinstance(value, list) and len(value) >= 2 and all(
            isinstance(v, int | float) for v in value[:2]):
        yield float(value[0]), float(value[1])
    elif isinstance(value, list):
        for item in value:
            yield from _coordinates(item, depth + 1)


_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_BBOX_RE = re.compile(rf"^\s*({_NUMBER})\s*,\s*({_NUMBER})\s*,\s*({_NUMBER})\s*,\s*({_NUMBER})\s*$")
_WKT_RE = re.compile(r"^\s*(?:<[^>]*>\s*)?(?:MULTI)?(?:POINT|POLYGON|LINESTRING)\s*Z?\s*\(",
                     re.IGNORECASE)
# GeoJSON nests four arrays at most (MultiPolygon); deeper is hostile, and json.loads would
# recurse through all of it before anything could stop it.
_DEEP_RE = re.compile(r"(?:\[\s*){12}")
_PAIR_RE = re.compile(rf"({_NUMBER})\s+({_NUMBER})")


def geometry_box(text: str) -> Box | None:
    """The box of a geometry as sources write it: GeoJSON (ckanext-spatial's ``spatial``
    extra), WKT (DCAT's ``dcat:bbox``, ``locn:geometry``) or ``west,south,east,north``
    (data.json's ``spatial``). Bounded: a huge or hostile geometry yields None."""
    if len(text) > MAX_GEOMETRY_CHARS:
        return None
    bbox = _BBOX_RE.match(text)
    if bbox:
        w, s, e, n = (float(v) for v in bbox.groups())
        return _valid([(w, s), (e, n)]) if w <= e and s <= n else None
    if _WKT_RE.match(text):
        pairs = _PAIR_RE.findall(text)
        if len(pairs) > MAX_COORDINATES:
            return None
        return _valid([(float(x), float(y)) for x, y in pairs])
    if not text.lstrip().startswith("{") or _DEEP_RE.search(text):
        return None
    try:
        geometry = json.loads(text)
    except (ValueError, RecursionError):  # nesting the pattern above did not see
        return None
    if not isinstance(geometry, dict):
        return None
    points: list[tuple[float, float]] = []
    for point in _coordinates(geometry.get("coordinates")):
        points.append(point)
        if len(points) > MAX_COORDINATES:
            return None
    return _valid(points)


def _valid(points: list[tuple[float, float]]) -> Box | None:
    points = [(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y)
              and -180 <= x <= 180 and -90 <= y <= 90]
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def own_box(package: Mapping[str, Any]) -> Box | None:
    """The box of the dataset's own geometry (ckanext-spatial's ``spatial`` extra, DCAT's
    ``spatial_bbox``, data.json's ``spatial``), the first one readable; None without one."""
    extras = extras_of(package)
    for text in (extras.get("spatial", ""), extras.get("spatial_bbox", ""),
                 str(package.get("spatial") or "")):
        own = geometry_box(text)
        if own is not None:
            return own
    return None


def coverage_box(package: Mapping[str, Any], units: Iterable[Unit]) -> Box | None:
    """The box a dataset covers: its units' boxes and its own geometry together."""
    boxes = [u.bbox for u in units]
    own = own_box(package)
    if own is not None:
        boxes.append(own)
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))

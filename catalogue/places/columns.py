"""Places named in a table's columns: provinces, districts and communes, by name or code.

Agencies publish tables "by commune" whose metadata names no place at all; the units are in
a column ("Tỉnh/thành phố", "Mã xã", "Đơn vị hành chính"). Validation already reads the
first rows of every table (:mod:`catalogue.validation.tabular`, through the bounded reader
:mod:`catalogue.files.rows`); this looks at those rows, nothing more, and names the units
a column holds when most of its values are units: a column of numbers or of people's names
that happens to hold a "Tân Lập" says nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from catalogue.places.gazetteer import Era, Gazetteer, Unit, name_key
from catalogue.places.recognise import MAX_UNITS, most_specific, national

MAX_ROWS = 500  # of the sample validation keeps: enough to tell a column's kind
MAX_DISTINCT = 300  # distinct values looked up in one column
SHARE = 0.8  # of a column's distinct values that must be units
PROBE = 20  # distinct values looked at before the rest of a column
# Header words that say a column is about places (folded): "Tỉnh", "Mã xã", "Địa bàn".
PLACE_HEADERS = ("tinh", "thanh pho", "huyen", "quan", "xa", "phuong", "dia ban", "dia phuong",
                 "don vi hanh chinh", "dvhc", "province", "district", "commune", "ward")
CODE_HEADERS = ("ma", "code", "id")
_CODE_LENGTHS = {"province": 2, "district": 3, "commune": 5}


def _header_levels(header: str) -> tuple[bool, bool]:
    """(names places, holds codes) from a column's header."""
    words = f" {name_key(header)} "
    places = any(f" {h} " in words or words.strip().startswith(h) for h in PLACE_HEADERS)
    codes = any(f" {h} " in words for h in CODE_HEADERS)
    return places, codes


def _column(rows: Sequence[Sequence[str]], index: int) -> list[str]:
    values: dict[str, None] = {}
    for row in rows[:MAX_ROWS]:
        if index < len(row) and row[index].strip():
            values.setdefault(row[index].strip(), None)
            if len(values) >= MAX_DISTINCT:
                break
    return list(values)


def _codes(g: Gazetteer, values: list[str], era: Era) -> list[Unit] | None:
    """The units of a column of codes, or None when it is not one. Spreadsheets drop the
    leading zero ("1" for "01"): codes are padded to their level's length."""
    found: list[Unit] = []
    for value in values:
        text = value.removesuffix(".0")
        if not text.isdigit() or len(text) > 5:
            return None
        unit = None
        for length in sorted({len(text), *(n for n in _CODE_LENGTHS.values() if n > len(text))}):
            code = text.zfill(length)
            unit = g.lookup_code(code, era) or g.lookup_code(code)
            if unit is not None:
                break
        if unit is not None:
            found.append(unit)
    return found if len(found) >= SHARE * len(values) else None


@lru_cache(maxsize=65_536)
def _match(g: Gazetteer, value: str) -> tuple[Unit, ...]:
    """``g.match_name(value)``, remembered: table after table names the same provinces and
    communes, and matching a name cost a harvest more than validating the table did."""
    return tuple(g.match_name(value))


def _names(g: Gazetteer, values: list[str], era: Era, within: set[Unit]) -> list[Unit] | None:
    """The units of a column of names, or None when most values are not units. A name many
    units share ("Tân Lập") counts only inside the provinces another column names."""
    probe = values[:PROBE]
    if sum(1 for v in probe if _match(g, v)) < SHARE * len(probe):
        return None  # most columns are not places: a glance says so
    found: list[Unit] = []
    recognised = 0
    for value in values:
        units = list(_match(g, value))
        if within and units and units[0].level != "province":
            units = [u for u in units if g.province_of(u) in within] or units
        same_era = [u for u in units if u.era == era] or units
        distinct = {(u.level, u.code) for u in same_era}
        if len(distinct) == 1:
            found.append(same_era[0])
            recognised += 1
        elif units:
            recognised += 1  # a unit, but which one is not known
    return found if values and recognised >= SHARE * len(values) else None


def places_in_table(g: Gazetteer, header: Sequence[str], rows: Sequence[Sequence[str]],
                    era: Era = "new") -> list[Unit]:
    """The units the columns of a table name; many communes of one province are that
    province, and a table of most provinces is about the country: no units."""
    columns = [(i, *_header_levels(h)) for i, h in enumerate(header)]
    found: list[Unit] = []
    provinces: set[Unit] = set()
    # Province columns first: they narrow the commune names of the others.
    for i, named, coded in sorted(columns, key=lambda c: not _is_province_header(header[c[0]])):
        values = _column(rows, i)
        if not values:
            continue
        units = _codes(g, values, era) if coded and named else None
        if units is None and not all(v.replace(".", "").isdigit() for v in values):
            units = _names(g, values, era, provinces)
        if units:
            found += units
            provinces |= {g.province_of(u) for u in units}
            for province in list(provinces):
                provinces.update(g.successors_of(province))
    units = most_specific(g, found)
    if len(units) > MAX_UNITS:
        units = list(dict.fromkeys(g.province_of(u) for u in units))
    if len(units) > MAX_UNITS or national(g, units):
        return []  # every province, or most: the country, which no unit stands for
    if len(rows) > MAX_ROWS and len({g.province_of(u) for u in units}) > 1:
        return []  # the rows not read may name any province: coverage unknown
    return units


def _is_province_header(header: str) -> bool:
    words = name_key(header).split()
    return "tinh" in words or "province" in words


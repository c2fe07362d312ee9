"""A table keyed by administrative units, drawn by class of one numeric column (issue 22).

Provincial tables are keyed by unit: a column of names ("Tỉnh Phú Yên", "Hà Nội", "phu yen")
or codes (``01``, ``00004``; Excel drops the leading zero). The key column is the one whose
cells the gazetteer recognises most often; the value column the first numeric one that is not
a code, a rank or a year. Tables with one row per unit and year are drawn for their latest
year; a table repeating a unit otherwise is not drawn (no value could honestly stand for it).

A province is drawn as its outline (:mod:`catalogue.maps.outlines`, Natural Earth's, for the
63 provinces before 1 July 2025 and the 34 after); a district or commune, which has none, as
a circle at its centre, coloured by its class.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from catalogue.maps.bounded import Feature
from catalogue.maps.outlines import outline
from catalogue.preview.series import parse_number

# ColorBrewer "Blues", 5 classes (light to dark): readable in grey and by the colour-blind.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
MIN_MATCHED = 3
MIN_SHARE = 0.6  # of a column's non-empty cells that must name a unit
PROBE_ROWS = 200
# Headers of numeric columns that are not values to map: codes, ranks, years.
NOT_VALUES = re.compile(r"^(stt|tt|so thu tu|ma\b|ma |code|id\b|nam\b|year|ky\b|thang|quy)")
# A column saying which year a row is for; not "năm xây dựng" (the year a market was built).
YEAR_HEADERS = re.compile(r"^(nam|year|nam bao cao|nam thong ke|nam so lieu|ky bao cao)$")
GENERATED = re.compile(r"^column_\d+$")  # a header the table lacked (catalogue.files.header)
RANKS = re.compile(r"^(stt|tt|so thu tu|no|rank|thu hang|xep hang)$")


class Unit(Protocol):
    """What the map needs of a gazetteer unit (``catalogue.places.Unit`` has it)."""

    @property
    def era(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def short(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def centroid(self) -> tuple[float, float]: ...


class Resolver(Protocol):
    """The lookups of ``catalogue.places.Gazetteer`` that a table key needs."""

    def lookup_code(self, code: str) -> Any: ...
    def match_name(self, text: str) -> list[Any]: ...
    def province_code(self, unit: Any) -> str: ...


@dataclass(frozen=True)
class Classes:
    """The bounds of each colour class (``low`` ≤ value ≤ ``high``)."""

    bounds: list[tuple[float, float, str]]

    def colour(self, value: float) -> str:
        for low, high, colour in self.bounds:
            if low <= value <= high:
                return colour
        return self.bounds[-1][2]


def _key(header: str) -> str:
    text = unicodedata.normalize("NFD", header.replace("đ", "d").replace("Đ", "D"))
    return " ".join(re.findall(r"[a-z0-9]+", "".join(
        c for c in text if not unicodedata.combining(c)).lower()))


def _candidates(cell: str, resolver: Resolver) -> list[Any]:
    """The units a cell may name: by code (zero-padded as Excel loses it), or by name."""
    text = cell.strip()
    if not text:
        return []
    if text.isdigit():
        for code in (text, text.zfill(2), text.zfill(5)) if len(text) < 5 else (text,):
            if len(code) in (2, 3, 5) and (unit := resolver.lookup_code(code)) is not None:
                return [unit]
        return []
    return resolver.match_name(text)


def _unit_of(cell: str, resolver: Resolver, province: str = "") -> Any | None:
    """The unit a cell names; a name several units share ("Huyện Phú Tân": Cà Mau and An
    Giang) is read as the one in ``province``, the table's own, when that decides."""
    found = _candidates(cell, resolver)
    if len(found) > 1 and province:
        found = [u for u in found if resolver.province_code(u) == province]
    return found[0] if len(found) == 1 else None


def _main_province(cells: Sequence[str], resolver: Resolver) -> str:
    """The province most unambiguous cells lie in, when they mostly lie in one."""
    provinces = [resolver.province_code(found[0]) for found in
                 (_candidates(c, resolver) for c in cells) if len(found) == 1]
    if not provinces:
        return ""
    top = max(set(provinces), key=provinces.count)
    return top if provinces.count(top) >= 0.8 * len(provinces) else ""


def key_column(headers: Sequence[str], rows: Sequence[Sequence[str]],
               resolver: Resolver) -> int | None:
    """The column whose cells name units most often, if enough of them do."""
    best, best_count = None, 0
    for index in range(len(headers)):
        if RANKS.match(_key(headers[index])):
            continue  # 1, 2, 4… are codes of provinces too
        cells = [r[index] for r in rows[:PROBE_ROWS] if index < len(r) and r[index].strip()]
        if not cells:
            continue
        matched = sum(1 for c in cells if _unit_of(c, resolver) is not None)
        if matched >= MIN_MATCHED and matched >= MIN_SHARE * len(cells) and matched > best_count:
            best, best_count = index, matched
    return best


def value_column(headers: Sequence[str], rows: Sequence[Sequence[str]],
                 skip: int) -> int | None:
    """The numeric column to map: a measure (not the key, a code, a rank or a year), the
    latest year's where the columns are years ("2011 Diện tích", …, "2015 Diện tích", as GSO
    exports them), else the first."""
    candidates: list[int] = []
    for index, header in enumerate(headers):
        if index == skip or NOT_VALUES.match(_key(header)):
            continue
        cells = [r[index] for r in rows[:PROBE_ROWS] if index < len(r) and r[index].strip()]
        numbers = [parse_number(c) for c in cells]
        if cells and sum(n is not None for n in numbers) >= 0.8 * len(cells):
            candidates.append(index)
    if not candidates:
        return None
    years = {i: int(m.group(0)) for i in candidates
             if (m := re.search(r"\b(19|20)\d\d\b", headers[i]))}
    if years:
        latest = max(years.values())
        return next(i for i in candidates if years.get(i) == latest)
    return candidates[0]


def classes(values: Sequence[float], count: int = len(PALETTE)) -> Classes:
    """Quantile classes (as many as there are distinct values, at most ``count``)."""
    ordered = sorted(values)
    distinct = sorted(set(ordered))
    k = max(1, min(count, len(distinct)))
    palette = PALETTE if k == len(PALETTE) else PALETTE[len(PALETTE) - k:]
    bounds: list[tuple[float, float, str]] = []
    low = ordered[0]
    for i in range(k):
        high = ordered[min(len(ordered) - 1, ((i + 1) * len(ordered)) // k - 1)]
        if i == k - 1:
            high = ordered[-1]
        if bounds and high <= bounds[-1][1]:
            continue  # ties at a quantile: the class would be empty
        bounds.append((low, high, palette[i]))
        later = [v for v in distinct if v > high]
        low = later[0] if later else high
    return Classes(bounds)


@dataclass
class Choropleth:
    """What was drawn, for the caption and the legend."""

    key: str  # the key column's header; "" when the table had none
    value: str
    classes: Classes
    matched: int
    unmatched: list[str]
    year: str = ""
    outlined: bool = False  # every unit drawn as its outline (provinces), none as a circle

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "matched": self.matched,
                "unmatched": self.unmatched, "year": self.year, "outlined": self.outlined,
                "classes": [{"low": lo, "high": hi, "colour": c}
                            for lo, hi, c in self.classes.bounds]}


def _latest_year_rows(headers: Sequence[str], rows: Sequence[Sequence[str]]
                      ) -> tuple[list[Sequence[str]], str]:
    for index, header in enumerate(headers):
        if YEAR_HEADERS.match(_key(header)):
            years = [r[index].strip() for r in rows if index < len(r) and r[index].strip()]
            if years and all(re.fullmatch(r"(19|20)\d\d", y) for y in years):
                latest = max(years)
                return [r for r in rows if index < len(r) and r[index].strip() == latest], latest
    return list(rows), ""


def build(headers: Sequence[str], rows: Sequence[Sequence[str]],
          resolver: Resolver) -> tuple[Choropleth, list[Feature]] | None:
    """The choropleth of a table keyed by units, or None when it is not such a table."""
    key = key_column(headers, rows, resolver)
    if key is None:
        return None
    value = value_column(headers, rows, key)
    if value is None:
        return None
    chosen, year = _latest_year_rows(headers, rows)
    province = _main_province([r[key] for r in chosen if key < len(r)], resolver)
    found: dict[str, tuple[Any, float, Sequence[str]]] = {}
    unmatched: list[str] = []
    for row in chosen:
        if max(key, value) >= len(row):
            continue
        unit = _unit_of(row[key], resolver, province)
        number = parse_number(row[value])
        if unit is None:
            if row[key].strip():
                unmatched.append(row[key].strip())
            continue
        if number is None:
            continue
        if unit.code in found:
            return None  # the same unit twice: no single value stands for it
        found[unit.code] = (unit, number, row)
    if len(found) < MIN_MATCHED:
        return None
    bins = classes([number for _, number, _ in found.values()])
    features = list(_features(headers, found, bins, key, value))
    named = "" if GENERATED.match(headers[key]) else headers[key]
    outlined = all(geometry["type"] != "Point" for geometry, _ in features)
    return Choropleth(named, headers[value], bins, len(found), unmatched[:10],
                      year, outlined), features


def _features(headers: Sequence[str], found: dict[str, tuple[Any, float, Sequence[str]]],
              bins: Classes, key: int, value: int) -> Iterator[Feature]:
    for unit, number, row in found.values():
        lon, lat = unit.centroid
        properties = {headers[key]: unit.short, headers[value]: row[value].strip(),
                      "__fill": bins.colour(number)}
        shape = outline(unit.era, unit.level, unit.code)
        yield shape or {"type": "Point", "coordinates": [lon, lat]}, properties

"""Viet Nam's administrative units before and after 1 July 2025, read from shipped data.

The units, their codes, centres, boxes and the mapping from the old units to the new ones
are data (``catalogue/places/data/vn-<effective date>.json``, built by
``tools/build_gazetteer.py`` from the ``vietnamadminunits`` package; sources and method in
``catalogue/places/SOURCES.md``). Units keep changing: a new file with a later effective
date replaces this one; nothing here names a unit.

Two *eras*: ``old`` — the units up to 30 June 2025 (63 provinces, their districts and
communes) — and ``new`` — the units from 1 July 2025 (34 provinces and 3,321 communes, no
districts; Resolution 202/2025/QH15). Codes are text (``"01"``, ``"00004"``): two digits for
a province, three for a district, five for a commune. A code may name a unit in each era
(``"24"``: Bắc Giang before, Bắc Ninh after), but the old unit is then always part of the new
one (the new units took the code of one of the units they were formed from; checked by
``tests/test_gazetteer.py``), so a bare code can be read as "the new unit, or the old one
where no new unit has it".

The API::

    g = gazetteer()                        # the newest data, loaded once
    g.lookup_code("54")                    # Unit(old province Phú Yên); era= to choose
    g.match_name("tinh Phu Yen")           # [Unit(old 54)]: prefixes, no diacritics
    g.successors("54")                     # [Unit(new 66 Đắk Lắk)]
    g.predecessors("66")                   # [Unit(old 54 Phú Yên), Unit(old 66 Đắk Lắk)]
    g.current(unit)                        # today's units an old unit lies in (itself if new)
    g.units("new", "province")             # the 34 provinces, with centroid and bbox
    g.find_places("dân số Phú Yên 2024")   # [Place(span, units)]: mentions in free text
    g.closure([unit])                      # what a dataset about ``unit`` is found by

A :class:`Unit` has ``era``, ``level`` (``province``/``district``/``commune``), ``code``,
``name`` ("Tỉnh Phú Yên"), ``short`` ("Phú Yên"), ``parent`` (code, "" for a province),
``centroid`` (lon, lat) and ``bbox`` (west, south, east, north), WGS 84 degrees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from catalogue.search.analyzer import fold, normalize

Era = Literal["old", "new"]
Level = Literal["province", "district", "commune"]
DATA_DIR = Path(__file__).resolve().parent / "data"
LEVEL_OF_DIGITS: dict[int, Level] = {2: "province", 3: "district", 5: "commune"}

# The words that say what kind of unit a name is ("Tỉnh", "TP.", "Xã"), folded, with the
# levels they may name. "Thành phố" is a province (Hà Nội) or a district-level city
# (the old "Thành phố Thủ Đức"); "Đặc khu" the island communes of 2025.
PREFIXES: dict[str, tuple[Level, ...]] = {
    "tinh": ("province",), "thanh pho": ("province", "district"),
    "tp": ("province", "district"), "t p": ("province", "district"),
    "quan": ("district",), "huyen": ("district",), "thi xa": ("district",),
    "tx": ("district",), "xa": ("commune",), "phuong": ("commune",),
    "thi tran": ("commune",), "tt": ("commune",), "dac khu": ("commune",),
    "p": ("commune",),
}
_PREFIXES_LONGEST_FIRST = sorted(PREFIXES, key=len, reverse=True)
_LONGEST_NAME = 6  # words of the longest name ("Bà Rịa Vũng Tàu" is 4)
# A name typed without its prefix is taken as a commune's only where it is this rare: "Phường
# 1" exists in dozens of towns and "Tân Lập" in many provinces.
MAX_SAME_NAME = 3


@dataclass(frozen=True)
class Unit:
    """One administrative unit of one era."""

    era: Era
    level: Level
    code: str
    name: str
    short: str
    parent: str
    centroid: tuple[float, float]
    bbox: tuple[float, float, float, float]

    @property
    def key(self) -> str:
        """``era:code``, unique across eras (``old:24`` is Bắc Giang, ``new:24`` Bắc Ninh)."""
        return f"{self.era}:{self.code}"

    @property
    def bbox_wkt(self) -> str:
        """The box as a WKT polygon (DCAT-AP's ``dcat:bbox``)."""
        w, s, e, n = self.bbox
        return f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"

    @property
    def centroid_wkt(self) -> str:
        """The centre as a WKT point (DCAT-AP's ``dcat:centroid``)."""
        return f"POINT({self.centroid[0]} {self.centroid[1]})"


@dataclass(frozen=True)
class Place:
    """A mention of a place in free text: the words, where they are, the units they name."""

    text: str
    start: int
    end: int
    units: tuple[Unit, ...]


def name_key(text: str) -> str:
    """A name as it is compared: folded, lower case, words split on anything else, numbers
    without leading zeros ("Phường 01" is "Phường 1")."""
    return " ".join(w.lstrip("0") or "0" if w.isdigit() else w
                    for w in re.findall(r"[a-z0-9]+", fold(normalize(text))))


def _exact_key(text: str) -> str:
    """Like :func:`name_key` but keeping diacritics (tone placement normalised)."""
    return " ".join(re.findall(r"[^\W_]+", normalize(text)))


def split_prefix(key: str) -> tuple[tuple[Level, ...] | None, str]:
    """(levels the prefix names, the rest) of a folded name; (None, key) without prefix."""
    for prefix in _PREFIXES_LONGEST_FIRST:
        if key.startswith(prefix + " "):
            return PREFIXES[prefix], key[len(prefix) + 1:]
    return None, key


class Gazetteer:
    """The units of one data file, indexed by code, name and succession."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.effective: str = data["effective"]
        self.source: dict[str, str] = data["source"]
        columns = data["columns"]
        self._units: list[Unit] = []
        self._selections: dict[tuple[str | None, str | None], tuple[Unit, ...]] = {}
        self._by_key: dict[str, Unit] = {}
        self._by_name: dict[str, list[Unit]] = {}
        self._children: dict[str, list[Unit]] = {}
        for row in data["units"]:
            r = dict(zip(columns, row, strict=True))
            unit = Unit(r["era"], r["level"], r["code"], r["name"], r["short"], r["parent"],
                        (r["lon"], r["lat"]), (r["west"], r["south"], r["east"], r["north"]))
            self._units.append(unit)
            self._by_key[unit.key] = unit
            self._by_name.setdefault(name_key(unit.short), []).append(unit)
            if unit.parent:
                self._children.setdefault(f"{unit.era}:{unit.parent}", []).append(unit)
        self._aliases: dict[str, list[Unit]] = {}
        for era, code, names in data.get("aliases", []):
            for alias in names:
                self._aliases.setdefault(name_key(alias), []).append(self._by_key[f"{era}:{code}"])
        self._next: dict[str, list[Unit]] = {}
        self._before: dict[str, list[Unit]] = {}
        for pairs in data["successors"].values():
            for old, new in pairs:
                self._next.setdefault(old, []).append(self._by_key[f"new:{new}"])
                self._before.setdefault(new, []).append(self._by_key[f"old:{old}"])
        # Old districts went with their communes.
        for unit in self._units:
            if unit.era == "old" and unit.level == "district" and unit.code not in self._next:
                found = {n.key: n for c in self.children(unit) for n in self._next.get(c.code, [])}
                self._next[unit.code] = sorted(found.values(), key=lambda u: u.code)

    # -- lookups -------------------------------------------------------------------------
    def units(self, era: Era | None = None, level: Level | None = None) -> list[Unit]:
        """Every unit, or those of one era and/or level, in code order."""
        key = (era, level)
        if key not in self._selections:  # asked per document when indexing: a scan each time
            self._selections[key] = tuple(
                u for u in self._units
                if (era is None or u.era == era) and (level is None or u.level == level))
        return list(self._selections[key])

    def by_key(self, key: str) -> Unit | None:
        """The unit of an ``era:code`` key."""
        return self._by_key.get(key)

    def lookup_code(self, code: str, era: Era | None = None) -> Unit | None:
        """The unit with ``code`` (text: ``"01"``, ``"00004"``); without ``era`` the new unit
        where there is one (codes are read as they read today), else the old one."""
        code = code.strip()
        if era is not None:
            return self._by_key.get(f"{era}:{code}")
        return self._by_key.get(f"new:{code}") or self._by_key.get(f"old:{code}")

    def parent(self, unit: Unit) -> Unit | None:
        """The unit ``unit`` belongs to (district or province of its era), None for one."""
        return self._by_key.get(f"{unit.era}:{unit.parent}") if unit.parent else None

    def ancestors(self, unit: Unit) -> list[Unit]:
        """The district (old era) and province ``unit`` lies in, nearest first."""
        found: list[Unit] = []
        up = self.parent(unit)
        while up is not None:
            found.append(up)
            up = self.parent(up)
        return found

    def province_of(self, unit: Unit) -> Unit:
        """The province of ``unit`` (itself for a province)."""
        ancestors = self.ancestors(unit)
        return ancestors[-1] if ancestors else unit

    def children(self, unit: Unit) -> list[Unit]:
        """The units directly inside ``unit``, same era."""
        return list(self._children.get(unit.key, []))

    def successors(self, old_code: str) -> list[Unit]:
        """The new units an old unit (by code) became part of, or was divided among."""
        return list(self._next.get(old_code.strip(), []))

    def predecessors(self, new_code: str) -> list[Unit]:
        """The old units a new unit (by code) was formed from, wholly or in part."""
        return list(self._before.get(new_code.strip(), []))

    def successors_of(self, unit: Unit) -> list[Unit]:
        """:meth:`successors` of an old unit, :meth:`predecessors` of a new one: the units
        of the other era that overlap it."""
        return self.successors(unit.code) if unit.era == "old" else \
            self.predecessors(unit.code)

    def current(self, unit: Unit) -> list[Unit]:
        """The units of today that ``unit`` lies in: itself when new, else what it became
        (a choropleth of today's provinces from a table of the old ones)."""
        return [unit] if unit.era == "new" else self.successors(unit.code)

    # -- names ---------------------------------------------------------------------------
    def match_name(self, text: str, levels: Iterable[Level] | None = None) -> list[Unit]:
        """The units ``text`` names whole: "Tỉnh Phú Yên", "phu yen", "TP. Hồ Chí Minh",
        "Xã Đất Mũi". A prefix limits the levels; without one the highest level named wins
        (a province before a commune of the same name). Diacritics, when typed, must match
        (``Huệ`` is not ``Huế``); folded text matches any."""
        key = name_key(text)
        if not key:
            return []
        allowed, rest = split_prefix(key)
        candidates = self._candidates(rest, _exact_key(text), allowed)
        if allowed is not None:
            candidates = _same_kind(candidates, key[:len(key) - len(rest)])
        if allowed is None:
            candidates += [u for u in self._candidates(key, _exact_key(text), None)
                           if u not in candidates]
        if levels is not None:
            wanted = set(levels)
            candidates = [u for u in candidates if u.level in wanted]
        if allowed is None and candidates:
            top = min(_RANK[u.level] for u in candidates)
            candidates = [u for u in candidates if _RANK[u.level] == top]
        return candidates

    def _candidates(self, key: str, exact: str, allowed: tuple[Level, ...] | None
                    ) -> list[Unit]:
        found = list(self._by_name.get(key, [])) + list(self._aliases.get(key, []))
        if not found:
            return []
        if allowed is not None:
            found = [u for u in found if u.level in allowed]
        if exact != fold(exact):
            # Typed with diacritics: the unit's own must be among the words typed.
            found = [u for u in found if _exact_key(u.short) in exact
                     or any(_exact_key(a) in exact for a in self._alias_names(u))]
        seen: dict[str, Unit] = {}
        for unit in found:
            seen.setdefault(unit.key, unit)
        return list(seen.values())

    def _alias_names(self, unit: Unit) -> list[str]:
        return [k for k, units in self._aliases.items() if unit in units]

    def find_places(self, text: str, bare_names: bool = True) -> list[Place]:
        """The places ``text`` mentions, longest mention first at each position.

        A province is recognised by its name alone ("Phú Yên", "phu yen"); a district or
        commune only after its prefix ("huyện Ngọc Hiển", "xã Đất Mũi"), and, when the text
        also names a province, only within it: "phường 1" alone names dozens of wards.
        Without ``bare_names`` a district or commune needs its prefix even when its name is
        one place (prose: "văn hoá" is culture before it is Xã Văn Hóa).
        """
        words = [(m.group(), m.start(), m.end()) for m in re.finditer(r"[^\W_]+", text)]
        keys = [name_key(w) for w, _, _ in words]
        found: list[Place] = []
        i = 0
        while i < len(words):
            match = self._match_at(text, words, keys, i, bare_names)
            if match is None:
                i += 1
                continue
            found.append(match)
            i = next(j for j, w in enumerate(words) if w[1] >= match.end) \
                if match.end < words[-1][2] else len(words)
        return _within_named_provinces(self, found)

    def _match_at(self, text: str, words: list[tuple[str, int, int]], keys: list[str],
                  i: int, bare_names: bool) -> Place | None:
        for length in range(min(_LONGEST_NAME + 2, len(words) - i), 0, -1):
            start, end = words[i][1], words[i + length - 1][2]
            span = text[start:end]
            key = " ".join(keys[i:i + length])
            allowed, rest = split_prefix(key)
            lookup = key if allowed is None else rest
            if lookup not in self._by_name and lookup not in self._aliases:
                continue
            if allowed is None:
                if len(rest) < 3 or any(ch.isdigit() for ch in rest):
                    continue
                units = self._candidates(key, _exact_key(span), ("province",))
                if not units and length >= 2 and bare_names:
                    # A district or commune without its prefix ("Đất Mũi"), when the name
                    # is one place: many are shared ("Tân Lập") and stay plain words.
                    units = self._one_place(
                        self._candidates(key, _exact_key(span), ("district", "commune")))
            else:
                units = _same_kind(self._candidates(rest, _exact_key(span), allowed),
                                   key[:len(key) - len(rest)])
                if any(u.level == "province" for u in units):
                    units = [u for u in units if u.level == "province"]
            if units:
                return Place(span, start, end, tuple(units))
        return None

    def _one_place(self, units: list[Unit]) -> list[Unit]:
        """``units`` when they are one place (one code, or one unit and what it became),
        else none."""
        if len({u.code for u in units}) == 1:
            return units
        if len(units) == 2 and units[1] in self.successors_of(units[0]):
            return units
        return []

    # -- what a dataset is found by ------------------------------------------------------
    def closure(self, units: Iterable[Unit]) -> set[Unit]:
        """The units whose searches should find a dataset about ``units``: each unit, the
        units of the other era it overlaps (an old name finds the new unit's data and a new
        name the old units'), and the districts and provinces all of these lie in. Not the
        other era of those provinces: data of a commune of Cà Mau is not Bạc Liêu's."""
        found: set[Unit] = set()
        for unit in units:
            for each in [unit, *self.successors_of(unit)]:
                found.add(each)
                found.update(self.ancestors(each))
        return found


_RANK = {"province": 0, "district": 1, "commune": 2}


def _same_kind(units: list[Unit], kind: str) -> list[Unit]:
    """"phường Ba Đình" is not "xã Ba Đình": the units of the kind typed, where any are."""
    return [u for u in units if name_key(u.name).startswith(kind)] or units


def _within_named_provinces(g: Gazetteer, places: list[Place]) -> list[Place]:
    """Districts and communes narrowed to the provinces the text names (of either era), and
    communes to the districts it names; dropped when they stay ambiguous (more than
    :data:`MAX_SAME_NAME` units)."""
    provinces = {u for p in places for u in p.units if u.level == "province"}
    related = set(provinces)
    for province in provinces:
        related.update(g.successors_of(province))
    districts = {u for p in places for u in p.units if u.level == "district"}
    kept: list[Place] = []
    for place in places:
        units = place.units
        if units[0].level != "province":
            if related:
                narrowed = tuple(u for u in units if g.province_of(u) in related)
                units = narrowed or units
            if districts and units[0].level == "commune":
                # "phường 1, quận 3": the wards of the district named.
                narrowed = tuple(u for u in units if g.parent(u) in districts)
                units = narrowed or units
            if len({(u.level, u.short) for u in units}) > 1 and len(units) > MAX_SAME_NAME \
                    or len(units) > 2 * MAX_SAME_NAME:
                continue
        kept.append(Place(place.text, place.start, place.end, units))
    return kept


def data_files() -> list[Path]:
    """The shipped data files, oldest effective date first."""
    return sorted(DATA_DIR.glob("vn-*.json"))


@lru_cache(maxsize=4)
def gazetteer(path: Path | None = None) -> Gazetteer:
    """The gazetteer of ``path`` (default: the newest data file), loaded once: immutable
    reference data, like the licence registry."""
    chosen = path or data_files()[-1]
    return Gazetteer(json.loads(chosen.read_text("utf-8")))

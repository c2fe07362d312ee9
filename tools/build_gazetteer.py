"""Build the gazetteer data file ``catalogue/places/data/vn-<effective date>.json``.

Reads the data files the PyPI package ``vietnamadminunits`` ships (its SQLite ``dataset.db``
and ``converter_2025.json``), never imports the package (it pulls in shapely and geopy)::

    pip install --no-deps --target /tmp/vau vietnamadminunits==1.0.4
    python tools/build_gazetteer.py /tmp/vau/vietnamadminunits

What comes out, and how each number is made, is in ``catalogue/places/SOURCES.md``. Units
keep changing: a later release of the package (or another source) becomes a new file with
its own effective date; the code that reads it does not change.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import statistics
import sys
from importlib import metadata
from pathlib import Path

EFFECTIVE = "2025-07-01"  # Resolution 202/2025/QH15 (provinces), 1656-1682/NQ-UBTVQH15 (communes)
OUT = Path(__file__).resolve().parent.parent / "catalogue" / "places" / "data"
# A unit farther than this (degrees) from the median of its province's communes stays out of
# the province's box: the offshore districts (Côn Đảo, Hoàng Sa, Trường Sa) and a commune the
# package geocoded into another province would otherwise stretch the box over the sea.
FAR = 1.5
# A commune this many times farther from its province's median than the median commune is
# taken as geocoded into a namesake elsewhere and left out of the province's box.
STRAY = 5.0
# A commune box without a usable extent: this half-width around its centre (about 2 km).
DEFAULT_HALF = 0.02
# Other names people write, in no source's tables: the old province name of Huế (until
# 2025 Thừa Thiên Huế) and the common names of Hồ Chí Minh City. (era, code) → names.
ALIASES = {
    ("old", "46"): ["Thừa Thiên Huế", "Thừa Thiên - Huế"],
    ("old", "79"): ["TP.HCM", "TPHCM", "Sài Gòn", "HCM"],
    ("new", "79"): ["TP.HCM", "TPHCM", "Sài Gòn", "HCM"],
}

Box = tuple[float, float, float, float]  # west, south, east, north


def _bounds(text: str | None) -> Box | None:
    """The package's "lat,lon – lat,lon" (south-west – north-east) as a box, else None."""
    if not text or "–" not in text:
        return None
    try:
        (s, w), (n, e) = (tuple(float(v) for v in part.split(",")) for part in text.split("–"))
    except ValueError:
        return None
    return (min(w, e), min(s, n), max(w, e), max(s, n))


def _around(lon: float, lat: float, half_lat: float) -> Box:
    half_lon = half_lat / max(math.cos(math.radians(lat)), 0.1)
    return (lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)


def _area_box(lon: float, lat: float, km2: float | None) -> Box:
    """A square of the commune's area around its centre: the package gives no outline."""
    half_km = math.sqrt(km2) / 2 if km2 and km2 > 0 else DEFAULT_HALF * 111
    return _around(lon, lat, half_km / 111.0)


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _near(boxes: list[tuple[float, float, Box]], islands: frozenset[Box] = frozenset()
          ) -> list[Box]:
    """Boxes whose centre lies near the median centre: within :data:`FAR` for the offshore
    districts without communes (``islands``), within :data:`STRAY` times the median
    distance for communes (the package geocoded a few into a namesake elsewhere)."""
    mid_lon = statistics.median(p[0] for p in boxes)
    mid_lat = statistics.median(p[1] for p in boxes)
    away = [math.hypot(lon - mid_lon, lat - mid_lat) for lon, lat, _ in boxes]
    usual = statistics.median(away)
    return [b for (_, _, b), d in zip(boxes, away, strict=True)
            if d <= (FAR if b in islands else min(FAR, max(0.4, STRAY * usual)))]


def _round(box: Box) -> list[float]:
    return [round(v, 4) for v in box]


def _short(name: str, kind: str | None) -> str:
    return name[len(kind) + 1:] if kind and name.startswith(kind + " ") else name


def build(package_dir: Path) -> dict[str, object]:
    db = sqlite3.connect(package_dir / "data" / "dataset.db")
    db.row_factory = sqlite3.Row
    converter = json.loads((package_dir / "data" / "converter_2025.json").read_text("utf-8"))
    units: list[list[object]] = []

    # --- before 1 July 2025: 63 provinces, districts, communes ------------------------
    legacy = db.execute("SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode,"
                        " wardCode").fetchall()
    by_province: dict[str, list[sqlite3.Row]] = {}
    for row in legacy:
        by_province.setdefault(row["provinceCode"], []).append(row)
    old_key: dict[str, str] = {}  # "province_district_ward" key of the converter → code
    old_province_key: dict[str, str] = {}
    old_box: dict[str, Box] = {}
    for pcode, rows in by_province.items():
        first = rows[0]
        old_province_key[first["provinceKey"]] = pcode
        placed: list[tuple[float, float, Box]] = []
        islands: set[Box] = set()
        districts: dict[str, list[tuple[float, float, Box]]] = {}
        for row in rows:
            if row["wardCode"]:
                old_key[f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"] = \
                    row["wardCode"]
                lon, lat = row["wardLon"], row["wardLat"]
                box = _bounds(row["wardBounds"])
                if box is None or not (box[0] <= lon <= box[2] and box[1] <= lat <= box[3]) \
                        or box[2] - box[0] > 1 or box[3] - box[1] > 1:
                    box = _around(lon, lat, DEFAULT_HALF)
                units.append(["old", "commune", row["wardCode"], row["ward"],
                              _short(row["ward"], row["wardType"]), row["districtCode"],
                              round(lon, 5), round(lat, 5), *_round(box)])
            else:  # an island district without communes
                old_key[f"{row['provinceKey']}_{row['districtKey']}_"] = row["districtCode"]
                lon, lat = row["districtLon"], row["districtLat"]
                box = _bounds(row["districtBounds"]) or _around(lon, lat, DEFAULT_HALF)
                islands.add(box)
            districts.setdefault(row["districtCode"], []).append((lon, lat, box))
            placed.append((lon, lat, box))
        near = _near(placed, frozenset(islands))
        province_box = _union(near)
        old_box[pcode] = province_box
        seen: set[str] = set()
        for row in rows:
            dcode = row["districtCode"]
            if dcode in seen:
                continue
            seen.add(dcode)
            parts = districts[dcode]
            inner = [b for b in (p[2] for p in parts) if b in near] or [p[2] for p in parts]
            box = _union(inner)
            units.append(["old", "district", dcode, row["district"],
                          _short(row["district"], row["districtType"]), pcode,
                          round(row["districtLon"], 5), round(row["districtLat"], 5),
                          *_round(box)])
        units.append(["old", "province", pcode, first["province"], first["provinceShort"], "",
                      round((province_box[0] + province_box[2]) / 2, 5),
                      round((province_box[1] + province_box[3]) / 2, 5), *_round(province_box)])

    # --- from 1 July 2025: 34 provinces, communes --------------------------------------
    current = db.execute("SELECT * FROM admin_units ORDER BY provinceCode, wardCode").fetchall()
    new_key: dict[tuple[str, str], str] = {}
    new_province_key: dict[str, str] = {}
    provinces: dict[str, list[sqlite3.Row]] = {}
    for row in current:
        provinces.setdefault(row["provinceCode"], []).append(row)
        new_key[(row["provinceKey"], row["wardKey"])] = row["wardCode"]
        new_province_key[row["provinceKey"]] = row["provinceCode"]
    province_pairs = sorted(
        (old_province_key[o], new_province_key[n])
        for n, olds in converter["DICT_PROVINCE"].items() for o in olds)
    for pcode, rows in provinces.items():
        placed = []
        for row in rows:
            box = _area_box(row["wardLon"], row["wardLat"], row["wardAreaKm2"])
            placed.append((row["wardLon"], row["wardLat"], box))
            units.append(["new", "commune", row["wardCode"], row["ward"],
                          _short(row["ward"], row["wardType"]), pcode,
                          round(row["wardLon"], 5), round(row["wardLat"], 5), *_round(box)])
        # The merged provinces' boxes, with the communes (areas) where those fall short.
        olds = [old_box[o] for o, n in province_pairs if n == pcode]
        box = _union(olds + _near(placed))
        first = rows[0]
        units.append(["new", "province", pcode, first["province"], first["provinceShort"], "",
                      round(first["provinceLon"], 5), round(first["provinceLat"], 5),
                      *_round(box)])

    commune_pairs: set[tuple[str, str]] = set()
    for pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            commune_pairs.update((old_key[o], new_key[(pkey, new_ward)]) for o in olds)
    for pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            commune_pairs.update((old_key[old], new_key[(pkey, p["newWardKey"])])
                                 for p in parts)

    # The island districts without communes became communes (đặc khu) themselves.
    district_pairs = sorted(p for p in commune_pairs if len(p[0]) == 3)
    commune_pairs -= set(district_pairs)
    try:
        version = metadata.version("vietnamadminunits")
    except metadata.PackageNotFoundError:
        version = _version_beside(package_dir)
    units.sort(key=lambda u: (u[0] != "old", ("province", "district", "commune").index(
        str(u[1])), u[2]))
    return {
        "effective": EFFECTIVE,
        "source": {"package": "vietnamadminunits", "version": version, "licence": "MIT",
                   "url": "https://pypi.org/project/vietnamadminunits/"},
        "eras": {"old": {"until": "2025-06-30"}, "new": {"from": EFFECTIVE}},
        "columns": ["era", "level", "code", "name", "short", "parent", "lon", "lat",
                    "west", "south", "east", "north"],
        "units": units,
        "aliases": [[era, code, names] for (era, code), names in ALIASES.items()],
        "successors": {"province": [list(p) for p in province_pairs],
                       "district": [list(p) for p in district_pairs],
                       "commune": sorted([list(p) for p in commune_pairs])},
    }


def _version_beside(package_dir: Path) -> str:
    for info in package_dir.parent.glob("vietnamadminunits-*.dist-info"):
        return info.name.removeprefix("vietnamadminunits-").removesuffix(".dist-info")
    raise SystemExit("cannot tell the version of vietnamadminunits: install it with pip")


def _write(data: dict[str, object], path: Path) -> None:
    """One unit per line: a new release reads as a diff of the units that changed."""
    head = {k: v for k, v in data.items() if k not in ("units", "successors")}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ',\n"units": [']
    units = data["units"]
    assert isinstance(units, list)
    lines.append(",\n".join(json.dumps(u, ensure_ascii=False) for u in units) + "],")
    lines.append('"successors": ' + json.dumps(data["successors"], separators=(",", ":")) + "}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("package_dir", type=Path, help="the installed vietnamadminunits folder")
    args = parser.parse_args(argv)
    data = build(args.package_dir)
    path = OUT / f"vn-{EFFECTIVE}.json"
    _write(data, path)
    json.loads(path.read_text("utf-8"))  # what we wrote reads back
    print(f"{path}: {len(data['units'])} units")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())

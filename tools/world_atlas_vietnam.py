"""Derive the base map's country outline from Natural Earth, as the npm `world-atlas` ships it.

Run once when upgrading world-atlas (ISC licence; Natural Earth data is public domain):

    cd "$(mktemp -d)" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/world_atlas_vietnam.py package/countries-10m.json 2.0.2

It writes ``catalogue/maps/data/vietnam.geojson``: Vietnam's land outline plus the Hoàng Sa
(Paracel) and Trường Sa (Spratly) archipelagos, which Vietnamese maps must show (Luật Đo đạc
và bản đồ 2018, Điều 6 and 47). Natural Earth files the Spratlys as a feature of their own and
the Paracels inside China's MultiPolygon, so those islands are cut out by their box. Coordinates
are rounded to 4 decimals (about 11 m): the outline is a backdrop, not a boundary of record.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

TARGET = Path(__file__).resolve().parent.parent / "catalogue" / "maps" / "data" / "vietnam.geojson"
PARACEL_BOX = (111.0, 15.5, 113.5, 17.3)  # lon/lat box holding the Paracels only (Hainan: 18°N+)

Position = list[float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Position]]:
    """Every arc as absolute lon/lat positions (TopoJSON quantises and delta-encodes them)."""
    transform = topology.get("transform")
    arcs: list[list[Position]] = []
    for arc in topology["arcs"]:
        x = y = 0.0
        points: list[Position] = []
        for position in arc:
            if transform:
                x += position[0]
                y += position[1]
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append([round(x * sx + tx, 4), round(y * sy + ty, 4)])
            else:
                points.append([round(position[0], 4), round(position[1], 4)])
        arcs.append(points)
    return arcs


def ring(arcs: list[list[Position]], indexes: list[int]) -> list[Position]:
    """A ring stitched from arcs; a negative index ``~i`` is arc ``i`` reversed."""
    out: list[Position] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        out.extend(points if not out else points[1:])  # arcs share their end points
    return out


def polygons(arcs: list[list[Position]], geometry: dict[str, Any]) -> list[list[list[Position]]]:
    """The polygons (lists of rings) of a TopoJSON Polygon or MultiPolygon."""
    parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return [[ring(arcs, r) for r in polygon] for polygon in parts]


def inside(polygon: list[list[Position]], box: tuple[float, float, float, float]) -> bool:
    return all(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in polygon[0])


def feature(name: str, name_en: str, parts: list[list[list[Position]]]) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"name": name, "name_en": name_en},
            "geometry": {"type": "MultiPolygon", "coordinates": parts}}


def main(source: Path, version: str) -> None:
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    by_name = {g.get("properties", {}).get("name"): g
               for g in topology["objects"]["countries"]["geometries"]}
    vietnam = polygons(arcs, by_name["Vietnam"])
    spratly = polygons(arcs, by_name["Spratly Is."])
    paracel = [p for p in polygons(arcs, by_name["China"]) if inside(p, PARACEL_BOX)]
    if not paracel:
        raise SystemExit("no Paracel polygon found inside PARACEL_BOX: check the source")
    collection = {
        "type": "FeatureCollection",
        "source": f"Natural Earth 1:10m admin 0 countries, via npm world-atlas@{version} "
                  f"({source.name}); ISC / public domain",
        "features": [feature("Việt Nam", "Viet Nam", vietnam),
                     feature("Quần đảo Hoàng Sa", "Hoang Sa (Paracel) Islands", paracel),
                     feature("Quần đảo Trường Sa", "Truong Sa (Spratly) Islands", spratly)]}
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    points = sum(len(r) for f in collection["features"]
                 for p in f["geometry"]["coordinates"] for r in p)
    print(f"{TARGET}: {TARGET.stat().st_size:,} bytes, {points:,} points")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: world_atlas_vietnam.py COUNTRIES_TOPOJSON WORLD_ATLAS_VERSION")
    main(Path(sys.argv[1]), sys.argv[2])

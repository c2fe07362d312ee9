"""The provinces' outlines shipped with the maps (issue 22): Natural Earth's 63 provinces
matched to the gazetteer's codes, and the 34 of 1 July 2025 dissolved from them."""

from __future__ import annotations

from statistics import median
from typing import Any

from catalogue.maps import outlines
from catalogue.places.gazetteer import gazetteer
from tools.build_province_outlines import area, inside

Ring = list[tuple[float, float]]


def _rings(geometry: dict[str, Any]) -> list[list[Ring]]:
    parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else \
        [geometry["coordinates"]]
    return [[[(x, y) for x, y in ring] for ring in part] for part in parts]


def _area(geometry: dict[str, Any]) -> float:
    return sum(abs(area(part[0])) - sum(abs(area(hole)) for hole in part[1:])
               for part in _rings(geometry))


def _holds(geometry: dict[str, Any], point: tuple[float, float]) -> bool:
    return sum(inside(*point, ring) for part in _rings(geometry) for ring in part) % 2 == 1


def test_every_province_of_each_era_has_an_outline_under_its_code() -> None:
    g = gazetteer()
    for era, count in (("old", 63), ("new", 34)):
        data = outlines.provinces(era)
        assert "Natural Earth" in data["source"] and data["effective"] == g.effective
        codes = [f["properties"]["code"] for f in data["features"]]
        assert sorted(codes) == sorted(u.code for u in g.units(era, "province"))
        assert len(codes) == count
    assert outlines.outline("new", "commune", "00004") is None


def test_a_new_province_is_the_union_of_the_old_ones_it_took_in() -> None:
    g = gazetteer()
    for feature in outlines.provinces("new")["features"]:
        code = feature["properties"]["code"]
        formed = sorted(u.code for u in g.predecessors(code) if u.level == "province")
        assert sorted(feature["properties"]["from"]) == formed
        parts = sum(_area(outlines.outline("old", "province", c) or {}) for c in formed)
        # Inner borders dropped, nothing lost or doubled: the areas add up.
        assert abs(_area(feature["geometry"]) - parts) < 1e-9 * parts, code
    dak_lak = outlines.outline("new", "province", "66")
    assert dak_lak is not None
    phu_yen = g.lookup_code("54", era="old")
    assert phu_yen is not None and _holds(dak_lak, phu_yen.centroid)


def test_outlines_hold_their_own_communes() -> None:
    """Natural Earth's lines are coarse (Cần Thơ's reaches into Đồng Tháp), but each
    province's outline holds most of its communes' centres, and the bulk of all of them."""
    g = gazetteer()
    for era in ("old", "new"):
        shares = []
        for province in g.units(era, "province"):
            shape = outlines.outline(era, "province", province.code)
            assert shape is not None
            communes = [u for u in g.units(era, "commune") if g.province_of(u) == province]
            held = sum(_holds(shape, u.centroid) for u in communes)
            shares.append(held / len(communes))
        assert median(shares) > 0.94 and min(shares) > 0.35, era

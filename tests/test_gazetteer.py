"""The gazetteer: shipped data checked against Resolution 202/2025/QH15, and its lookups."""

from __future__ import annotations

import json

import pytest

from catalogue.places.gazetteer import (
    Gazetteer,
    data_files,
    gazetteer,
    name_key,
    split_prefix,
)

# Resolution 202/2025/QH15 (12 June 2025), Article 1: the provinces merged into each new one.
RESOLUTION_202 = {
    "Đồng Nai": {"Bình Phước", "Đồng Nai"},
    "Đắk Lắk": {"Phú Yên", "Đắk Lắk"},
    "Cà Mau": {"Bạc Liêu", "Cà Mau"},
    "Tuyên Quang": {"Hà Giang", "Tuyên Quang"},
    "Lào Cai": {"Yên Bái", "Lào Cai"},
    "Phú Thọ": {"Vĩnh Phúc", "Hòa Bình", "Phú Thọ"},
    "Ninh Bình": {"Hà Nam", "Nam Định", "Ninh Bình"},
    "Hồ Chí Minh": {"Bình Dương", "Bà Rịa - Vũng Tàu", "Hồ Chí Minh"},
    "Cần Thơ": {"Sóc Trăng", "Hậu Giang", "Cần Thơ"},
    "Quảng Ngãi": {"Kon Tum", "Quảng Ngãi"},
    "Gia Lai": {"Bình Định", "Gia Lai"},
    "Lâm Đồng": {"Đắk Nông", "Bình Thuận", "Lâm Đồng"},
    "Hà Nội": {"Hà Nội"},
}


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return gazetteer()


def test_the_units_from_july_2025_are_34_provinces_and_3321_communes(g: Gazetteer) -> None:
    assert len(g.units("new", "province")) == 34
    assert len(g.units("new", "commune")) == 3321
    assert g.units("new", "district") == []
    assert len(g.units("old", "province")) == 63


def test_provinces_merged_as_resolution_202_says(g: Gazetteer) -> None:
    for new_name, old_names in RESOLUTION_202.items():
        (new,) = g.match_name(f"Tỉnh {new_name}", levels=["province"]) and \
            [u for u in g.match_name(new_name) if u.era == "new"]
        assert {u.short for u in g.predecessors(new.code)} == old_names, new_name
        for old in g.predecessors(new.code):
            assert [u.short for u in g.successors(old.code)] == [new_name]


def test_bình_phước_phú_yên_bạc_liêu_became_part_of_đồng_nai_đắk_lắk_cà_mau(
        g: Gazetteer) -> None:
    for old, new in [("70", "75"), ("54", "66"), ("95", "96")]:
        (unit,) = g.successors(old)
        assert (unit.era, unit.code) == ("new", new)
    assert g.lookup_code("54").short == "Phú Yên"  # no new unit has code 54


def test_current_units_of_old_and_new(g: Gazetteer) -> None:
    (phu_yen,) = g.match_name("Phú Yên")
    assert [u.key for u in g.current(phu_yen)] == ["new:66"]
    ha_noi = g.lookup_code("01")
    assert g.current(ha_noi) == [ha_noi]


def test_codes_are_text_and_keep_their_leading_zeros(g: Gazetteer) -> None:
    hanoi = g.lookup_code("01")
    assert hanoi is not None and hanoi.short == "Hà Nội" and hanoi.code == "01"
    ward = g.lookup_code("00004", era="old")
    assert ward is not None and ward.level == "commune" and ward.parent == "001"
    assert g.lookup_code("1") is None


def test_a_code_in_both_eras_names_an_old_unit_inside_the_new_one(g: Gazetteer) -> None:
    """Why a bare code (``fq=spatial_code:24``) can stand for the new unit and its parts."""
    for old in g.units("old"):
        new = g.by_key(f"new:{old.code}")
        if new is not None:
            assert new in g.successors(old.code), old


def test_every_unit_has_a_centre_inside_a_box_in_viet_nam(g: Gazetteer) -> None:
    for unit in g.units():
        w, s, e, n = unit.bbox
        assert 102 <= w <= e <= 118 and 6 <= s <= n <= 24, unit
        if unit.level == "province":
            lon, lat = unit.centroid
            assert w <= lon <= e and s <= lat <= n, unit


def test_province_boxes_agree_with_extents_taken_from_maps(g: Gazetteer) -> None:
    # (west, south, east, north) read off maps, independently of the package.
    maps = {"Phú Yên": (108.67, 12.70, 109.47, 13.70), "Sơn La": (103.18, 20.57, 105.03, 22.03),
            "Cà Mau": (104.72, 8.55, 105.53, 9.55), "Hà Nội": (105.28, 20.55, 106.02, 21.39),
            "Lâm Đồng": (107.25, 11.20, 108.75, 12.32)}
    for name, box in maps.items():
        (unit,) = [u for u in g.match_name(name) if u.era == "old"]
        assert max(abs(a - b) for a, b in zip(unit.bbox, box, strict=True)) < 0.2, name


def test_names_match_with_or_without_diacritics_and_prefixes(g: Gazetteer) -> None:
    for text in ["Phú Yên", "phu yen", "Tỉnh Phú Yên", "TINH PHU YEN", "tỉnh  phú yên"]:
        assert [u.key for u in g.match_name(text)] == ["old:54"], text
    assert {u.key for u in g.match_name("TP. Hồ Chí Minh")} == {"old:79", "new:79"}
    assert {u.key for u in g.match_name("Thành phố Hồ Chí Minh")} == {"old:79", "new:79"}
    assert {u.key for u in g.match_name("TP.HCM")} == {"old:79", "new:79"}
    assert [u.key for u in g.match_name("Thừa Thiên Huế")] == ["old:46"]
    assert {u.key for u in g.match_name("Xã Đất Mũi")} == {"old:32248", "new:32248"}
    assert {u.level for u in g.match_name("huyện Ngọc Hiển")} == {"district"}


def test_typed_diacritics_must_be_the_units_own(g: Gazetteer) -> None:
    assert g.match_name("Huệ") == []
    assert g.match_name("Phú Yến") == []
    assert g.match_name("Khánh Hoà")  # old-style tone placement is the same name


def test_places_are_found_in_free_text(g: Gazetteer) -> None:
    found = g.find_places("Dân số tỉnh Phú Yên và giao thong dak lak 2024")
    assert [(p.text, {u.key for u in p.units}) for p in found] == [
        ("tỉnh Phú Yên", {"old:54"}), ("dak lak", {"old:66", "new:66"})]
    assert g.find_places("hoa huệ, phường 1, xã Tân Lập") == []  # none, or too many
    # Without its kind, a commune or district is recognised when its name is one place.
    assert {u.key for u in g.find_places("dat mui")[0].units} == {"old:32248", "new:32248"}
    assert g.find_places("Tân Lập") == [] and g.find_places("Ba Đình") == []
    (commune, province) = g.find_places("Xã Đất Mũi, tỉnh Cà Mau")
    assert {u.code for u in commune.units} == {"32248"}


def test_a_commune_is_narrowed_to_the_province_named_beside_it(g: Gazetteer) -> None:
    place = g.find_places("xã Tân Lập, tỉnh Phú Thọ")[0]
    assert place.units and {g.province_of(u).short for u in place.units} <= {
        "Phú Thọ", "Vĩnh Phúc", "Hòa Bình"}


def test_a_ward_is_narrowed_to_the_district_named_beside_it(g: Gazetteer) -> None:
    for text in ["phường 1, quận 3, TP.HCM", "Phường 01, Quận 3, Thành phố Hồ Chí Minh"]:
        ward = g.find_places(text)[0]
        assert [(u.short, g.parent(u).short) for u in ward.units] == [("1", "3")], text
    assert g.find_places("phường 1") == []  # dozens of towns have one


def test_the_kind_typed_chooses_among_namesakes(g: Gazetteer) -> None:
    assert {u.name for u in g.match_name("thị xã Sơn Tây")} == {"Thị xã Sơn Tây"}
    assert "Xã Ba Đình" not in {u.name for u in g.find_places("phường Ba Đình")[0].units}
    # The provincial town, not the province (old and new) of the same name.
    (town,) = g.find_places("thành phố Bắc Ninh")[0].units
    assert (town.level, town.name) == ("district", "Thành phố Bắc Ninh")
    assert {u.level for u in g.find_places("tỉnh Bắc Ninh")[0].units} == {"province"}


def test_the_closure_joins_old_and_new(g: Gazetteer) -> None:
    keys = {u.key for u in g.closure([g.lookup_code("54")])}
    assert keys == {"old:54", "new:66"}
    new_dak_lak = g.lookup_code("66", era="new")
    assert {u.key for u in g.closure([new_dak_lak])} == {"new:66", "old:54", "old:66"}
    commune = g.lookup_code("32248", era="new")
    keys = {u.key for u in g.closure([commune])}
    assert {"new:32248", "new:96", "old:32248", "old:973", "old:96"} <= keys
    assert "old:95" not in keys  # Bạc Liêu: part of the new Cà Mau, not of this commune


def test_the_data_file_states_its_source_version_and_effective_date() -> None:
    (path,) = data_files()
    data = json.loads(path.read_text("utf-8"))
    assert data["effective"] == "2025-07-01" and path.name == "vn-2025-07-01.json"
    assert data["source"]["package"] == "vietnamadminunits"
    assert data["source"]["version"] and data["source"]["licence"] == "MIT"


def test_name_keys_fold_and_split() -> None:
    assert name_key("Bà Rịa - Vũng Tàu") == "ba ria vung tau"
    assert name_key("ĐẮK  LẮK") == "dak lak"


def test_the_new_communes_match_an_independent_list(g: Gazetteer) -> None:
    """thanglequoc/vietnamese-provinces-database (in ../shared/fixtures/real/vn, dated July
    2026): the same 3,321 communes and 34 provinces. It is a year newer, and units kept
    changing (why the gazetteer is versioned by date): eleven communes differ, each only in its
    kind (Đồng Nai's communes that became wards) or only in its code (Ba Chẽ), never in place."""
    import csv

    from conftest import SHARED

    path = SHARED / "fixtures" / "real" / "vn" / "don-vi-hanh-chinh-cap-xa-2025.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3321
    differ = []
    for row in rows:
        unit = g.lookup_code(row["ma_xa"], era="new")
        if unit is None or name_key(unit.name) != name_key(row["ten_xa"]) \
                or unit.parent != row["ma_tinh"]:
            differ.append(row)
    assert len(differ) <= 11
    for row in differ:
        unit = g.lookup_code(row["ma_xa"], era="new")
        if unit is not None:  # the kind changed: same code, short name and province
            assert unit.parent == row["ma_tinh"] and unit.short in row["ten_xa"], row
        else:  # the code changed: same name in the same province
            (same,) = [u for u in g.match_name(row["ten_xa"]) if u.era == "new"]
            assert same.parent == row["ma_tinh"], row
    # Đồng Nai has since become a city ("Thành phố Đồng Nai"): the names without their kind.
    provinces = {(r["ma_tinh"], split_prefix(name_key(r["ten_tinh"]))[1]) for r in rows}
    assert provinces == {(u.code, name_key(u.short)) for u in g.units("new", "province")}

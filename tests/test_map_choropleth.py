"""Tables keyed by administrative units drawn by class of a measure (issue 22), with the real
gazetteer: names or codes, today's 34 provinces or the 63 before 1 July 2025."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import Upload, create_dataset, create_resource
from catalogue.maps import choropleth, outlines
from catalogue.places.gazetteer import gazetteer
from portal.pages.map_view import EraResolver

NEW = EraResolver(gazetteer(), "new")
OLD = EraResolver(gazetteer(), "old")


def test_classes_are_quantiles_from_light_to_dark() -> None:
    bins = choropleth.classes([float(v) for v in range(1, 11)])
    assert [c for _, _, c in bins.bounds] == list(choropleth.PALETTE)
    assert bins.bounds[0][0] == 1 and bins.bounds[-1][1] == 10
    assert bins.colour(1) == choropleth.PALETTE[0] and bins.colour(10) == choropleth.PALETTE[-1]
    same = choropleth.classes([5.0, 5.0, 5.0])
    assert len(same.bounds) == 1


def test_today_provinces_by_name() -> None:
    headers = ["Tỉnh, thành phố", "Dân số (nghìn người)"]
    rows = [["Hà Nội", "8.587,7"], ["Đắk Lắk", "3.346,9"], ["Cà Mau", "2.606,7"],
            ["Đồng Nai", "4.491,4"], ["TP. Hồ Chí Minh", "14.002,6"]]
    built = choropleth.build(headers, rows, NEW)
    assert built is not None
    described, features = built
    assert (described.key, described.value, described.matched) == (
        "Tỉnh, thành phố", "Dân số (nghìn người)", 5)
    names = [props["Tỉnh, thành phố"] for _, props in features]
    assert "Đắk Lắk" in names and all(props["__fill"] in choropleth.PALETTE
                                      for _, props in features)
    darkest = next(props for _, props in features if props["Tỉnh, thành phố"] == "Hồ Chí Minh")
    assert darkest["__fill"] == choropleth.PALETTE[-1]


def test_old_provinces_by_code_without_leading_zero() -> None:
    headers = ["STT", "Mã tỉnh", "Tên tỉnh", "GRDP (tỷ đồng)"]
    rows = [["1", "1", "Hà Nội", "1.196.000"], ["2", "54", "Phú Yên", "60.000"],
            ["3", "95", "Bạc Liêu", "66.000"], ["4", "70", "Bình Phước", "92.000"]]
    built = choropleth.build(headers, rows, OLD)
    assert built is not None
    described, features = built
    assert described.value == "GRDP (tỷ đồng)" and described.matched == 4  # not STT
    assert choropleth.build(headers, rows, NEW) is None or \
        choropleth.build(headers, rows, NEW)[0].matched < 4  # type: ignore[index]


def test_rows_per_year_draw_the_latest_year() -> None:
    headers = ["Năm", "Địa phương", "Số doanh nghiệp"]
    rows = [[year, name, str(value * (1 if year == "2023" else 2))]
            for year in ("2023", "2024")
            for name, value in (("Hà Nội", 30), ("Huế", 5), ("Cần Thơ", 8), ("Sơn La", 2))]
    built = choropleth.build(headers, rows, NEW)
    assert built is not None
    described, features = built
    assert described.year == "2024" and described.value == "Số doanh nghiệp"
    assert sorted(props["Số doanh nghiệp"] for _, props in features) == ["10", "16", "4", "60"]


def test_a_unit_repeated_without_years_is_not_drawn() -> None:
    headers = ["Tỉnh", "Giá trị"]
    rows = [["Hà Nội", "1"], ["Hà Nội", "2"], ["Huế", "3"], ["Cần Thơ", "4"]]
    assert choropleth.build(headers, rows, NEW) is None


@pytest.mark.parametrize("headers,rows", [
    (["ngay", "tram", "PM2.5"], [["2026-01-01", "Hạ Long", "35"]] * 5),
    (["Tỉnh", "Ghi chú"], [["Hà Nội", "x"], ["Huế", "y"], ["Cần Thơ", "z"]]),  # no measure
])
def test_tables_that_are_not_keyed_by_units_get_no_choropleth(
        headers: list[str], rows: list[list[str]]) -> None:
    assert choropleth.build(headers, rows, NEW) is None


def _publish(catalogue: Catalogue, org: str, name: str, data: bytes, **extra: Any) -> str:
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": name, "title": "Dân số các tỉnh", "owner_org": org,
                             "license_id": "CC-BY-4.0", **extra})
        res = create_resource(uow, name, {"name": "Dân số", "format": "CSV"},
                              upload=Upload(stored=catalogue.files.put_bytes(data),
                                            filename="dan-so.csv", mimetype="text/csv"))
        uow.commit()
    return res.id


def test_resource_page_draws_the_choropleth_with_its_legend(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    csv = ("Tỉnh/thành phố,Dân số (nghìn người)\nHà Nội,8587\nĐắk Lắk,3347\nCà Mau,2607\n"
           "Đồng Nai,4491\nKhánh Hòa,2243\n")
    rid = _publish(catalogue, org, "dan-so-tinh", csv.encode())
    page = client.get(f"/dataset/dan-so-tinh/resource/{rid}").get_data(as_text=True)
    # Provinces are drawn as their outlines, not as circles at their centres.
    assert 'class="map-legend"' in page and page.count('<circle') == 0
    assert "mỗi tỉnh, thành phố tô màu theo nhóm giá trị" in page
    drawn = client.get(f"/dataset/dan-so-tinh/resource/{rid}/map.geojson").get_json()
    assert len(drawn["features"]) == 5
    assert {f["properties"]["__fill"] for f in drawn["features"]} <= set(choropleth.PALETTE)
    assert {f["geometry"]["type"] for f in drawn["features"]} <= {"Polygon", "MultiPolygon"}
    layer = client.get("/maps/provinces.geojson").get_json()
    assert len(layer["features"]) == 34 and "Natural Earth" in layer["source"]
    assert all(f["geometry"]["type"] == "MultiPolygon" or len(f["geometry"]["coordinates"][0]) > 5
               for f in layer["features"])  # outlines, not boxes


def test_provinces_are_drawn_as_outlines_of_their_era_and_districts_as_circles() -> None:
    headers = ["Tỉnh", "Dân số"]
    old_rows = [["Phú Yên", "961"], ["Bạc Liêu", "921"], ["Bình Phước", "1024"]]
    built = choropleth.build(headers, old_rows, OLD)
    assert built is not None and built[0].outlined
    phu_yen = next(g for g, props in built[1] if props["Tỉnh"] == "Phú Yên")
    assert phu_yen == outlines.outline("old", "province", "54")
    new_rows = [["Đắk Lắk", "3347"], ["Cà Mau", "2607"], ["Đồng Nai", "4491"]]
    built = choropleth.build(headers, new_rows, NEW)
    assert built is not None and built[0].outlined
    dak_lak = next(g for g, props in built[1] if props["Tỉnh"] == "Đắk Lắk")
    assert dak_lak == outlines.outline("new", "province", "66")  # Phú Yên's land included
    districts = [["Huyện Ngọc Hiển", "10"], ["Huyện Năm Căn", "12"], ["Huyện Đầm Dơi", "8"]]
    built = choropleth.build(["Huyện", "Số hộ"], districts, OLD)
    assert built is not None and not built[0].outlined
    assert {g["type"] for g, _ in built[1]} == {"Point"}


def test_real_34_province_list_is_drawn_by_ward_count() -> None:
    """The 2025 province list as an agency exports it (title row, codes as text)."""
    from conftest import SHARED

    from catalogue.preview import tables

    path = SHARED / "fixtures" / "real" / "vn" / "don-vi-hanh-chinh-tieu-de.csv"
    table = tables.read_table(path, "CSV", path.name)
    built = choropleth.build(table.headers, table.rows, NEW)
    assert built is not None
    described, features = built
    assert (described.key, described.value, described.matched) == (
        "ma_tinh", "so_xa_phuong", 34)  # not the first ward's code
    assert not described.unmatched


def test_real_gso_export_by_old_province_maps_its_latest_year() -> None:
    """GSO's area by province 2011–2015: 63 old provinces, regions in between, years as
    columns."""
    from conftest import SHARED

    from catalogue.preview import tables

    path = SHARED / "fixtures" / "real" / "vn" / "gso-dien-tich-dia-phuong-2011-2015.csv"
    table = tables.read_table(path, "CSV", path.name)
    assert choropleth.build(table.headers, table.rows, NEW) is None  # too few today's names
    built = choropleth.build(table.headers, table.rows, OLD)
    assert built is not None
    described, _ = built
    assert described.matched == 63 and described.value.startswith("2015")
    assert described.key == ""  # the export names no key column
    assert "Đồng bằng sông Hồng" in described.unmatched  # a region, not a unit


def test_a_shared_district_name_is_read_in_the_table_s_province() -> None:
    headers = ["Huyện", "Diện tích (ha)"]
    rows = [["Huyện U Minh", "51.7"], ["Huyện Cái Nước", "42.0"], ["Huyện Năm Căn", "40.8"],
            ["Huyện Thới Bình", "66.9"], ["Huyện Phú Tân", "21.7"]]  # Phú Tân: Cà Mau, An Giang
    built = choropleth.build(headers, rows, OLD)
    assert built is not None
    described, features = built
    assert described.matched == 5 and not described.unmatched
    assert len(gazetteer().match_name("Huyện Phú Tân")) > 1  # the name alone cannot tell
    lon, lat = next(g["coordinates"] for g, p in features if p["Huyện"] == "Phú Tân")
    assert lat < 9.5  # Cà Mau's, not An Giang's (about 10.6° N)


def test_a_list_of_facilities_is_not_drawn_by_their_construction_year() -> None:
    headers = ["ten_cho", "huyen", "so_diem_kinh_doanh", "nam_xay_dung"]
    rows = [["Chợ A", "Huyện U Minh", "131", "2022"], ["Chợ B", "Huyện U Minh", "98", "2022"],
            ["Chợ C", "Huyện Cái Nước", "240", "2004"], ["Chợ D", "Huyện Năm Căn", "120", "2022"],
            ["Chợ E", "Huyện Thới Bình", "80", "2010"]]
    assert choropleth.build(headers, rows, OLD) is None  # U Minh twice: no single value

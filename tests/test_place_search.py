"""Search by place (issue 22), on both backends: old and new units, codes, boxes, names."""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalogue.places.gazetteer import Era, gazetteer
from catalogue.places.recognise import document_units
from catalogue.search.backend import SearchBackend, SearchQuery
from catalogue.search.errors import SearchQueryError
from catalogue.search.places import (
    candidate_cells,
    cells_of,
    intersects,
    parse_bbox,
    place_boxes,
    place_fields,
    renamed_places,
)
from catalogue.search.postgres_backend import PostgresBackend
from catalogue.search.whoosh_backend import WhooshBackend

pytest_plugins = ["pg_cluster"]


# PostgreSQL twice: ranked in the process's columns (the default) and all in SQL.
@pytest.fixture(params=["whoosh", "postgres", "postgres-sql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    if request.param == "whoosh":
        engine: SearchBackend = WhooshBackend(tmp_path / "index")
    else:
        engine = PostgresBackend(request.getfixturevalue("pg_url"), result_cache=0,
                                 in_memory=request.param == "postgres")
        engine.clear()
    yield engine
    engine.close()


def package(name: str, title: str, spatial: str = "", day: int = 1, **extra: Any
            ) -> dict[str, Any]:
    doc = {"id": "id-" + name, "name": name, "title": title, "notes": "", "tags": [],
           "organization": {"name": "so-tnmt", "title": "Sở Tài nguyên và Môi trường"},
           "groups": [], "resources": [], "state": "active", "private": False,
           "spatial": spatial,
           "metadata_created": f"2024-01-{day:02d}T00:00:00",
           "metadata_modified": f"2024-01-{day:02d}T00:00:00"}
    doc.update(extra)
    return doc


# Data named as agencies name it: before the merger (coverage ending in 2024) and after.
CATALOGUE = [
    package("phu-yen-dan-so", "Dân số trung bình", "Tỉnh Phú Yên", day=1,
            temporal_start="2020-01-01", temporal_end="2024-12-31"),
    package("dak-lak-cu-rung", "Diện tích rừng", "Tỉnh Đắk Lắk", day=2,
            temporal_start="2020-01-01", temporal_end="2024-12-31"),
    package("dak-lak-moi-dan-so", "Dân số theo xã", "Tỉnh Đắk Lắk", day=3,
            temporal_start="2025-07-01", temporal_end="2025-12-31"),
    package("binh-phuoc-dat", "Giá đất", "Bình Phước", day=4, temporal_end="2024-12-31"),
    package("dong-nai-giao-thong", "Giao thông", "Đồng Nai", day=5, temporal_end="2026-01-01"),
    package("dat-mui", "Rừng ngập mặn", "Xã Đất Mũi, tỉnh Cà Mau", day=6,
            temporal_end="2026-01-01"),
    package("bac-lieu-muoi", "Sản lượng muối", "Tỉnh Bạc Liêu", day=7, temporal_end="2023-12-31"),
    package("ha-noi", "Dân số", "Thành phố Hà Nội", day=8),
    package("khong-dia-phuong", "Dân số cả nước", "Việt Nam", day=9),
]


def names(backend: SearchBackend, q: str = "", **kwargs: Any) -> set[str]:
    found = backend.search(SearchQuery(q=q, rows=100, **kwargs))
    ids = {i.removeprefix("id-") for i in found.ids}
    assert found.count == len(ids)
    return ids


@pytest.fixture
def indexed(backend: SearchBackend) -> SearchBackend:
    backend.index_documents(CATALOGUE)
    return backend


def test_an_old_name_finds_the_old_unit_and_the_unit_it_merged_into(indexed):
    assert names(indexed, "Phú Yên") == {"phu-yen-dan-so", "dak-lak-moi-dan-so"}


def test_a_new_province_finds_the_old_provinces_that_formed_it(indexed):
    assert names(indexed, "Đắk Lắk") == {"phu-yen-dan-so", "dak-lak-cu-rung",
                                           "dak-lak-moi-dan-so"}
    assert names(indexed, "Đồng Nai") == {"binh-phuoc-dat", "dong-nai-giao-thong"}
    assert names(indexed, "Cà Mau") == {"dat-mui", "bac-lieu-muoi"}


def test_places_are_found_without_diacritics_and_with_prefixes(indexed):
    assert names(indexed, "phu yen") == names(indexed, "tỉnh Phú Yên") == {
        "phu-yen-dan-so", "dak-lak-moi-dan-so"}
    assert names(indexed, "binh phuoc") == {"binh-phuoc-dat", "dong-nai-giao-thong"}


def test_a_place_is_one_concept_beside_other_words(indexed):
    assert names(indexed, "dân số Phú Yên") == {"phu-yen-dan-so", "dak-lak-moi-dan-so"}
    assert names(indexed, "dan so dak lak") == {"phu-yen-dan-so", "dak-lak-moi-dan-so"}


def test_a_commune_is_found_by_name_and_within_its_province(indexed):
    assert names(indexed, "xã Đất Mũi") == {"dat-mui"}
    assert names(indexed, "rừng ngập mặn Cà Mau") == {"dat-mui"}
    assert "dat-mui" not in names(indexed, "Bạc Liêu")  # Cà Mau's commune, not Bạc Liêu's


def test_fq_spatial_code_takes_old_and_new_codes(indexed):
    assert names(indexed, fq="spatial_code:54") == {"phu-yen-dan-so", "dak-lak-moi-dan-so"}
    assert names(indexed, fq="spatial_code:66") == {"phu-yen-dan-so", "dak-lak-cu-rung",
                                                      "dak-lak-moi-dan-so"}
    assert names(indexed, fq="spatial_code:32248") == {"dat-mui"}
    assert names(indexed, "dân số", fq="spatial_code:01") == {"ha-noi"}


def test_the_spatial_code_facet_counts_the_matched_set(indexed):
    found = indexed.search(SearchQuery(q="dân số", facet_fields=["spatial_code"]))
    counts = found.facets["spatial_code"]
    assert counts["66"] == 2 and counts["54"] == 2 and counts["01"] == 1
    assert "75" not in counts  # Đồng Nai's data says nothing of dân số
    everything = indexed.search(SearchQuery(facet_fields=["spatial_code"])).facets
    assert everything["spatial_code"]["96"] == 2 and everything["spatial_code"]["75"] == 2


def test_ext_bbox_finds_datasets_whose_box_meets_it(indexed):
    # Around Tuy Hòa (Phú Yên's capital), on the coast.
    assert names(indexed, bbox=(109.2, 13.0, 109.4, 13.2)) == {
        "phu-yen-dan-so", "dak-lak-moi-dan-so"}
    # Hà Nội only.
    assert names(indexed, bbox=(105.7, 20.9, 105.9, 21.1)) == {"ha-noi"}
    # Far at sea, and the other side of the world.
    assert names(indexed, bbox=(112.5, 5.0, 113.0, 5.5)) == set()
    assert names(indexed, bbox=(-80.0, 40.0, -70.0, 45.0)) == set()
    assert len(names(indexed, bbox=(-180.0, -90.0, 180.0, 90.0))) == 8


def test_a_dataset_geometry_is_found_by_its_box(backend):
    geometry = '{"type": "Point", "coordinates": [2.35, 48.85]}'
    backend.index_documents([package("paris", "Bản đồ", extras=[
        {"key": "spatial", "value": geometry}])])
    assert names(backend, bbox=(2.0, 48.0, 3.0, 49.0)) == {"paris"}
    assert names(backend, bbox=(105.0, 20.0, 106.0, 21.0)) == set()


def _unit_box(code: str, era: Era) -> tuple[float, float, float, float]:
    unit = gazetteer().lookup_code(code, era=era)
    assert unit is not None
    return unit.bbox


def test_ext_bbox_is_exact_at_a_units_edges(indexed):
    """A box touching Hà Nội's box finds its data; one a millionth of a degree off does not
    (on the half-degree grid of before, both did)."""
    w, s, e, n = _unit_box("01", "new")
    mid = (s + n) / 2
    off = 1e-6
    assert "ha-noi" in names(indexed, bbox=(e, mid, e + 0.01, mid + 0.01))  # its east edge
    assert "ha-noi" not in names(indexed, bbox=(e + off, mid, e + 0.01, mid + 0.01))
    assert "ha-noi" in names(indexed, bbox=(w - 0.01, s - 0.01, w, s))  # south-west corner
    assert "ha-noi" not in names(indexed, bbox=(w - 0.01, s - 0.01, w - off, s))
    assert "ha-noi" not in names(indexed, bbox=(w, n + off, e, n + 0.01))  # just north
    assert "ha-noi" in names(indexed, bbox=(w + off, s + off, e - off, n - off))  # inside


def test_a_geometry_is_found_at_the_boxs_edge_and_not_one_float_past_it(backend):
    x, y = 105.83416, 21.02776
    geometry = json.dumps({"type": "Point", "coordinates": [x, y]})
    backend.index_documents([package("tram", "Trạm quan trắc", extras=[
        {"key": "spatial", "value": geometry}])])
    assert names(backend, bbox=(x, y, x + 1, y + 1)) == {"tram"}
    assert names(backend, bbox=(math.nextafter(x, 180), y, x + 1, y + 1)) == set()
    assert names(backend, bbox=(x - 1, y - 1, x, y)) == {"tram"}
    assert names(backend, bbox=(x - 1, y - 1, x, math.nextafter(y, -90))) == set()


def test_a_dataset_about_two_places_is_found_by_each_box_not_by_their_union(backend):
    backend.index_documents([package("ha-giang-ca-mau", "Tỷ lệ hộ nghèo",
                                     "Tỉnh Hà Giang, tỉnh Cà Mau", temporal_end="2024-12-31")])
    both = {"ha-giang-ca-mau"}
    assert names(backend, bbox=_unit_box("02", "old")) == both  # Hà Giang
    assert names(backend, bbox=_unit_box("96", "old")) == both  # Cà Mau
    # Thanh Hoá and Huế lie between them (Thanh Hoá inside their joint box): neither's data.
    assert names(backend, bbox=_unit_box("38", "old")) == set()
    assert names(backend, bbox=_unit_box("46", "old")) == set()


def _expected(box: tuple[float, float, float, float]) -> tuple[set[str], Counter[str]]:
    """The datasets of CATALOGUE one of whose places' boxes meets ``box``, and their
    ``spatial_code`` counts: the answer worked out from the numbers, without an index."""
    found = {doc["name"] for doc in CATALOGUE
             if any(intersects(b, box) for b in place_boxes(doc, document_units(doc)))}
    codes = Counter(c for doc in CATALOGUE if doc["name"] in found
                    for c in place_fields(doc).codes)
    return found, codes


def _probes() -> list[tuple[float, float, float, float]]:
    """Boxes at random over the country, and boxes on and just past each place's edges."""
    rng = random.Random(22)
    boxes = []
    for _ in range(40):
        x, y = rng.uniform(102.0, 110.0), rng.uniform(8.0, 24.0)
        boxes.append((x, y, x + rng.uniform(0.0, 2.0), y + rng.uniform(0.0, 2.0)))
    for doc in CATALOGUE:
        for w, s, e, n in place_boxes(doc, document_units(doc)):
            past = math.nextafter(e, 180.0)
            boxes += [(e, s, e + 0.2, s + 0.2), (past, s, e + 0.2, s + 0.2),
                      (w - 0.2, n, w, n + 0.2), (w - 0.2, math.nextafter(n, 90.0), w, n + 0.2)]
    return boxes


def test_ext_bbox_matches_the_numbers_with_counts_and_facets_of_the_matched_set(indexed):
    for box in _probes():
        expected, codes = _expected(box)
        found = indexed.search(SearchQuery(rows=100, bbox=box, facet_fields=["spatial_code"],
                                           facet_limit=-1))
        assert ({i.removeprefix("id-") for i in found.ids}, found.count) == \
            (expected, len(expected)), box
        assert found.facets["spatial_code"] == dict(codes), box
    # With words too: the box narrows the text's matches.
    found = indexed.search(SearchQuery(q="dân số", bbox=_unit_box("66", "new"),
                                       facet_fields=["spatial_code"]))
    assert {i.removeprefix("id-") for i in found.ids} == {"phu-yen-dan-so",
                                                          "dak-lak-moi-dan-so"}
    assert found.facets["spatial_code"]["66"] == 2


def test_the_cells_narrow_without_losing_or_guessing() -> None:
    """A dataset in a cell wholly inside the box meets it; every dataset that meets it is in
    one of the cells asked for (boxes at random, and on the half-degree lines)."""
    rng = random.Random(8)

    def some_box() -> tuple[float, float, float, float]:
        x = rng.choice([rng.uniform(100, 112), rng.randint(200, 224) * 0.5])
        y = rng.choice([rng.uniform(6, 24), rng.randint(12, 48) * 0.5])
        return (x, y, x + rng.choice([0.0, 0.5, rng.uniform(0, 3)]),
                y + rng.choice([0.0, 1.0, rng.uniform(0, 3)]))

    for _ in range(3000):
        data, asked = some_box(), some_box()
        split = candidate_cells(asked)
        assert split is not None
        inner, edge = split
        cells = set(cells_of(data))
        if cells & set(inner):
            assert intersects(data, asked), (data, asked)
        if intersects(data, asked):
            assert cells & (set(inner) | set(edge)), (data, asked)
    assert candidate_cells((-180.0, -90.0, 180.0, 90.0)) is None  # narrows nothing


def test_bad_boxes_are_refused() -> None:
    for text in ["1,2,3", "a,b,c,d", "10,0,5,1", "0,0,1,nan", "0,-100,1,1"]:
        with pytest.raises(SearchQueryError):
            parse_bbox(text)
    assert parse_bbox("105,20,106,21.5") == (105.0, 20.0, 106.0, 21.5)


def test_an_old_name_is_noted_with_the_unit_it_now_belongs_to() -> None:
    (note,) = renamed_places("dân số Phú Yên")
    assert note.old.short == "Phú Yên" and [u.name for u in note.now] == ["Tỉnh Đắk Lắk"]
    assert renamed_places("dân số Đắk Lắk") == []  # the name lives on
    assert renamed_places("dân số Hà Nội") == []
    assert renamed_places("văn hoá") == []  # a word before it is a commune (Xã Văn Hóa)
    (commune,) = renamed_places("huyện Ngọc Hiển")
    assert {u.level for u in commune.now} == {"commune"}


def test_a_commune_typed_without_its_kind_is_found_when_its_name_is_one_place(indexed):
    assert names(indexed, "Đất Mũi") == names(indexed, "dat mui") == {"dat-mui"}
    assert names(indexed, "rừng ngập mặn Đất Mũi") == {"dat-mui"}


# -- through the portal: the API's parameters and the search page -------------------------
@pytest.fixture
def placed(searchable: Any, org: str) -> Any:
    from catalogue.datasets.service import create_dataset

    with searchable.unit("setup") as uow:
        for name, title, spatial, end in [
                ("phu-yen", "Dân số trung bình", "Tỉnh Phú Yên", "2024-12-31"),
                ("dak-lak", "Dân số theo xã", "Tỉnh Đắk Lắk", "2025-12-31"),
                ("ha-noi", "Dân số", "Hà Nội", "2025-12-31"),
                ("ca-nuoc", "Dân số cả nước", "", "2025-12-31")]:
            create_dataset(uow, {"name": name, "title": title, "owner_org": org,
                                 "license_id": "CC-BY-4.0", "spatial": spatial,
                                 "temporal_start": "2020-01-01", "temporal_end": end})
        uow.commit()
    return searchable


def _api(client: Any, **params: Any) -> dict[str, Any]:
    response = client.get("/api/3/action/package_search", query_string=params)
    body: dict[str, Any] = response.get_json()
    assert response.status_code == 200 or not body["success"], body
    return body


def test_the_api_filters_and_counts_by_unit_code(client, placed):
    body = _api(client, fq="spatial_code:54", **{"facet.field": '["spatial_code"]'})
    assert {r["name"] for r in body["result"]["results"]} == {"phu-yen", "dak-lak"}
    assert body["result"]["facets"]["spatial_code"]["66"] == 2
    items = {i["name"]: i for i in body["result"]["search_facets"]["spatial_code"]["items"]}
    assert items["66"]["display_name"] == "Tỉnh Đắk Lắk"
    result = _api(client, q="phu yen")["result"]
    assert {r["name"] for r in result["results"]} == {"phu-yen", "dak-lak"}
    assert result["results"][0]["spatial_units"]  # the document names its units


def test_the_api_takes_ext_bbox_as_ckanext_spatial(client, placed):
    body = _api(client, ext_bbox="105.7,20.9,105.9,21.1")
    assert [r["name"] for r in body["result"]["results"]] == ["ha-noi"]
    refused = client.get("/api/3/action/package_search", query_string={"ext_bbox": "1,2,3"})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["__type"] == "Search Query Error"


def test_the_search_page_has_a_place_facet_of_todays_provinces(client, placed):
    page = client.get("/dataset").get_data(as_text=True)
    assert "Địa phương" in page
    assert "spatial_code=66" in page and "spatial_code=01" in page
    assert "spatial_code=54" not in page  # Phú Yên is no province today
    filtered = client.get("/dataset?spatial_code=66").get_data(as_text=True)
    assert "Dân số trung bình" in filtered and "Dân số theo xã" in filtered
    assert "/dataset/ha-noi" not in filtered
    old = client.get("/dataset?spatial_code=54").get_data(as_text=True)
    assert "Địa phương: Tỉnh Phú Yên" in old  # the chosen filter, named


def test_the_search_page_says_where_an_old_province_is_now(client, placed):
    page = client.get("/dataset", query_string={"q": "phu yen"}).get_data(as_text=True)
    # The new province is a link to its place filter, where the old one's data now is.
    assert 'Phú Yên nay thuộc <a href="/dataset?spatial_code=66">tỉnh Đắk Lắk</a>' in page
    assert "/dataset/phu-yen" in page and "/dataset/dak-lak" in page
    assert "nay thuộc" not in client.get("/dataset?q=Đắk+Lắk").get_data(as_text=True)


# -- places in a table's columns ----------------------------------------------------------
def test_a_column_of_province_names_or_codes_names_its_units() -> None:
    from catalogue.places.columns import places_in_table
    from catalogue.places.gazetteer import gazetteer

    g = gazetteer()
    rows = [["Phú Yên", "1200"], ["Bình Phước", "900"], ["Bạc Liêu", "800"]]
    assert [u.key for u in places_in_table(g, ["Tỉnh", "Dân số"], rows)] == [
        "old:54", "old:70", "old:95"]
    coded = [["54", "x"], ["1", "y"]]  # a spreadsheet dropped the leading zero of 01
    assert {u.key for u in places_in_table(g, ["Mã tỉnh", "Ghi chú"], coded)} == {
        "old:54", "new:01"}
    # Numbers that are not codes, names that are mostly not places.
    assert places_in_table(g, ["Năm", "Số hộ"], [["2024", "54"], ["2023", "66"]]) == []
    people = [["Nguyễn Văn An"], ["Trần Thị Bình"], ["Hà Nội"]]
    assert places_in_table(g, ["Họ tên"], people) == []
    # Every province: the country, which no unit stands for.
    every = [[u.name, "1"] for u in g.units("new", "province")]
    assert places_in_table(g, ["Tỉnh", "Số"], every) == []


def test_communes_named_in_a_column_are_narrowed_by_the_province_column() -> None:
    from catalogue.places.columns import places_in_table
    from catalogue.places.gazetteer import gazetteer

    g = gazetteer()
    rows = [["Cà Mau", "Xã Đất Mũi"], ["Cà Mau", "Xã Tân Ân"]]
    units = places_in_table(g, ["Tỉnh", "Xã"], rows)
    assert units and all(u.level == "commune" for u in units)
    assert {g.province_of(u).short for u in units} == {"Cà Mau"}


def test_a_table_by_province_makes_its_dataset_found_by_place(client, api_token, org):
    import io

    token = api_token("an", org=org, role="admin")
    created = client.post("/api/3/action/package_create", headers={"Authorization": token},
                          json={"name": "theo-tinh", "title": "Số hộ nghèo", "owner_org": org,
                                "license_id": "CC-BY-4.0"})
    assert created.status_code == 200, created.get_json()
    table = "Tỉnh,Số hộ\nPhú Yên,1200\nBình Phước,900\nBạc Liêu,800\n".encode()
    response = client.post("/api/3/action/resource_create", headers={"Authorization": token},
                           data={"package_id": "theo-tinh", "name": "Số hộ",
                                 "upload": (io.BytesIO(table), "so-ho.csv", "text/csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    shown = client.get("/api/3/action/package_show?id=theo-tinh").get_json()["result"]
    assert shown["spatial"] == ""  # the metadata names no place; the table does
    assert {u["code"] for u in shown["spatial_units"]} == {"54", "70", "95"}
    for fq in ("spatial_code:66", "spatial_code:75", "spatial_code:95"):
        found = _api(client, fq=fq)["result"]["results"]
        assert [r["name"] for r in found] == ["theo-tinh"], fq


# -- what harvested records say of their place ---------------------------------------------
def _as_package(record: Any) -> dict[str, Any]:
    return {"spatial": record.spatial, "extras": dict(record.extras),
            "temporal_start": record.temporal_start, "temporal_end": record.temporal_end}


def test_real_ckan_geometries_are_kept_and_boxed() -> None:
    """ckanext-spatial's ``spatial`` extra and ckanext-dcat's ``spatial_coverage`` geometry
    (real records, ../shared/fixtures/real/ckan): the box ext_bbox finds them by."""
    from real_records import ckan_record

    from catalogue.places.recognise import coverage_box

    rostock = _as_package(ckan_record("test-dataset-shacl"))
    assert coverage_box(rostock, []) == (11.9936, 54.0486, 12.3045, 54.2466)
    zimbabwe = _as_package(ckan_record("zimbabwe-regional-geochemical-survey"))
    box = coverage_box(zimbabwe, [])
    assert box is not None and box[0] == 25.0 and box[2] == 33.0


def test_real_dcat_geometries_are_kept_and_boxed() -> None:
    from real_records import REAL, file_records

    from catalogue.places.recognise import coverage_box

    (record,) = [r for r in file_records("dcat", REAL / "dcat" / "dataset_gov_de.rdf")
                 if r.extras.get("spatial") or r.extras.get("spatial_bbox")]
    assert coverage_box(_as_package(record), []) == (11.9936, 54.0486, 12.3045, 54.2466)


def test_harvested_codes_uris_and_words_become_units() -> None:
    from catalogue.places.recognise import package_units

    def keys(**package: Any) -> list[str]:
        return [u.key for u in package_units(package)]

    assert keys(spatial="Tỉnh Bình Phước") == ["old:70"]
    assert keys(spatial="", extras={"admin_unit_code": "32248"}) == ["new:32248"]
    assert keys(spatial="Xã Đất Mũi (32248)", temporal_end="2024-12-31") == ["old:32248"]
    assert keys(spatial="", extras=[{"key": "spatial_uri",
                                     "value": "https://dvhc.gov.vn/dvhc/54"}]) == ["old:54"]
    # A name in both eras is read in the era of the data.
    assert keys(spatial="Đắk Lắk", temporal_end="2024-12-31") == ["old:66"]
    assert keys(spatial="Đắk Lắk", temporal_end="2026-12-31") == ["new:66"]
    assert keys(spatial="Hà Nội; TP.HCM") == ["new:01", "new:79"]
    assert keys(spatial="Việt Nam") == [] and keys(spatial="Lưu vực sông Hồng") == []


def test_a_hostile_geometry_costs_nothing() -> None:
    from catalogue.places.recognise import MAX_GEOMETRY_CHARS, geometry_box

    deep = '{"type": "Point", "coordinates": ' + "[" * 5000 + "1, 2" + "]" * 5000 + "}"
    assert geometry_box(deep) is None
    assert geometry_box("{" + " " * MAX_GEOMETRY_CHARS + "}") is None
    assert geometry_box('{"type": "Point", "coordinates": [1e999, 2]}') is None
    huge = "POLYGON((" + ",".join(["1 2"] * 300_000) + "))"
    assert geometry_box(huge) is None


def test_the_dataset_page_names_its_units_and_where_they_are_now(client, placed):
    page = client.get("/dataset/phu-yen").get_data(as_text=True)
    assert "Tỉnh Phú Yên" in page and "nay thuộc tỉnh Đắk Lắk" in page
    assert "/dataset?spatial_code=54" in page
    assert '"@type": "Place"' in page and '"identifier": "54"' in page
    assert "nay thuộc" not in client.get("/dataset/ha-noi").get_data(as_text=True)


def test_the_real_list_of_2025_communes_is_the_country_and_its_first_rows_ha_noi() -> None:
    import csv

    from conftest import SHARED

    from catalogue.places.columns import places_in_table
    from catalogue.places.gazetteer import gazetteer

    path = SHARED / "fixtures" / "real" / "vn" / "don-vi-hanh-chinh-cap-xa-2025.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    g = gazetteer()
    assert places_in_table(g, header, rows) == []
    units = places_in_table(g, header, rows[:40])
    assert len(units) == 40 and {g.province_of(u).short for u in units} == {"Hà Nội"}


def test_a_title_names_the_place_when_nothing_else_does() -> None:
    from catalogue.places.recognise import package_units

    def keys(**package: Any) -> list[str]:
        return [u.key for u in package_units(package)]

    assert keys(title="Dân số tỉnh Phú Yên 2024", spatial="") == ["old:54"]
    assert keys(title="Rừng ngập mặn xã Đất Mũi", temporal_end="2026-01-01") == ["new:32248"]
    assert keys(title="Di sản văn hoá phi vật thể") == []  # not Xã Văn Hóa
    assert keys(title="Dân số Phú Yên", spatial="Tỉnh Bình Phước") == ["old:70"]


def test_the_place_facet_folds_away_past_ten_provinces(client, searchable, org):
    import html5lib

    from catalogue.datasets.service import create_dataset
    from catalogue.places.gazetteer import gazetteer

    provinces = gazetteer().units("new", "province")[:12]
    with searchable.unit("setup") as uow:
        for i, province in enumerate(provinces):
            create_dataset(uow, {"name": f"ds-{i}", "title": f"Dữ liệu {i}", "owner_org": org,
                                 "license_id": "CC-BY-4.0", "spatial": province.name})
        uow.commit()
    page = client.get("/dataset").get_data(as_text=True)
    assert "Thêm 2 địa phương" in page
    assert all(f"spatial_code={p.code}" in page for p in provinces)
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)

"""Map previews (issue 22): GeoJSON, KML/KMZ, zipped Shapefile and tables with coordinate
columns read into one bounded GeoJSON, drawn as a static picture over the country outline;
hostile geometry costs a bounded amount, like every other preview (issue 15)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import shapefile
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import Upload, create_dataset, create_resource, get_dataset
from catalogue.files.limits import ReadLimits, TooLarge
from catalogue.files.preview_cache import PreviewCache
from catalogue.files.store import LocalFileStore
from catalogue.history.service import latest_published_number
from catalogue.maps import bounded, geojson_file, kml, points, shapefile_zip
from catalogue.maps.preview import cached_geojson, cached_map, map_kind, points_map

HA_LONG = [107.08, 20.95]
KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
<Placemark><name>Trạm Hạ Long</name><description>&lt;b&gt;quan trắc&lt;/b&gt;</description>
  <ExtendedData><Data name="ma"><value>QN01</value></Data></ExtendedData>
  <Point><coordinates>107.08,20.95,0</coordinates></Point></Placemark>
<Placemark><name>Vịnh</name><Polygon><outerBoundaryIs><LinearRing><coordinates>
  107.0,20.8 107.3,20.8 107.3,21.0 107.0,21.0 107.0,20.8</coordinates></LinearRing>
  </outerBoundaryIs></Polygon></Placemark>
<Placemark><name>Tuyến</name><MultiGeometry><LineString><coordinates>107.0,20.9 107.1,20.95
  </coordinates></LineString><Point><coordinates>107.2,20.9</coordinates></Point>
  </MultiGeometry></Placemark>
</Folder></Document></kml>"""


def geojson(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def feature(geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def shapefile_zip_bytes(*, prj: str = "", cpg: str = "UTF-8") -> bytes:
    """A real zipped Shapefile (points with a Vietnamese name) written with pyshp."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POINT,
                          encoding="utf-8") as writer:
        writer.field("ten", "C", size=50)
        writer.point(*HA_LONG)
        writer.record("Trạm Hạ Long")
        writer.point(105.85, 21.03)
        writer.record("Hà Nội")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tram/tram.shp", shp.getvalue())
        archive.writestr("tram/tram.shx", shx.getvalue())
        archive.writestr("tram/tram.dbf", dbf.getvalue())
        if cpg:
            archive.writestr("tram/tram.cpg", cpg)
        if prj:
            archive.writestr("tram/tram.prj", prj)
    return out.getvalue()


def summary_of(tmp_path: Path, data: bytes, kind: str) -> tuple[dict[str, Any],
                                                                  dict[str, Any] | None]:
    files = LocalFileStore(tmp_path / "files", 1 << 30)
    sha = files.put_bytes(data).sha256
    cache = PreviewCache(files)
    summary = cached_map(cache, files, sha, kind, title="Bản đồ", limits=ReadLimits())
    return summary, cached_geojson(cache, sha, summary["data_variant"])


# --- each format ------------------------------------------------------------------------

def test_kind_is_found_from_format_or_file_name() -> None:
    assert map_kind("GeoJSON") == "geojson"
    assert map_kind("", "ranh-gioi.kml") == "kml" and map_kind("KMZ") == "kml"
    assert map_kind("SHP", "x.zip") == "shapefile"
    assert map_kind("", "ranh-gioi.shp.zip") == "shapefile"
    assert map_kind("ZIP", "du-lieu.zip") == "zip"  # maybe a shapefile: looked inside
    assert map_kind("CSV", "a.csv") == ""


def test_geojson_is_drawn_over_the_country_outline(tmp_path: Path) -> None:
    data = geojson(feature({"type": "Polygon", "coordinates": [[[105.3, 22.4], [106.8, 22.4],
                                                                [106.8, 23.1], [105.3, 22.4]]]},
                           ten="Cao Bằng"),
                   feature({"type": "Point", "coordinates": [106.25, 22.66]}))
    summary, drawn = summary_of(tmp_path, json.dumps(data).encode(), "geojson")
    assert summary["has_map"] and summary["feature_count"] == 2 and summary["shown"] == 2
    assert summary["svg"].count('fill="#eef1f4"') >= 1  # the backdrop: Vietnam's outline
    assert drawn is not None and drawn["bbox"] == [105.3, 22.4, 106.8, 23.1]
    assert drawn["features"][0]["properties"] == {"ten": "Cao Bằng"}


def test_data_far_from_vietnam_has_no_backdrop(tmp_path: Path) -> None:
    data = geojson(feature({"type": "Point", "coordinates": [2.35, 48.85]}))
    summary, _ = summary_of(tmp_path, json.dumps(data).encode(), "geojson")
    assert summary["has_map"] and 'fill="#eef1f4"' not in summary["svg"]


def test_kml_placemarks_with_their_names(tmp_path: Path) -> None:
    summary, drawn = summary_of(tmp_path, KML.encode(), "kml")
    assert summary["has_map"] and summary["feature_count"] == 3
    assert drawn is not None
    kinds = [f["geometry"]["type"] for f in drawn["features"]]
    assert kinds == ["Point", "Polygon", "GeometryCollection"]
    first = drawn["features"][0]
    assert first["geometry"]["coordinates"] == HA_LONG
    # Descriptions stay text: map.js shows them with textContent, never as HTML.
    assert first["properties"] == {"name": "Trạm Hạ Long", "description": "<b>quan trắc</b>",
                                   "ma": "QN01"}


def test_kmz_reads_the_kml_inside(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", KML)
        archive.writestr("files/icon.png", b"\x89PNG")
    summary, _ = summary_of(tmp_path, out.getvalue(), "kml")
    assert summary["has_map"] and summary["feature_count"] == 3


def test_zipped_shapefile_with_vietnamese_attributes(tmp_path: Path) -> None:
    summary, drawn = summary_of(tmp_path, shapefile_zip_bytes(), "shapefile")
    assert summary["has_map"] and summary["feature_count"] == 2
    assert drawn is not None
    assert drawn["features"][0]["properties"] == {"ten": "Trạm Hạ Long"}
    assert drawn["features"][0]["geometry"] == {"type": "Point", "coordinates": HA_LONG}


def test_generic_zip_holding_a_shapefile_gets_a_map(tmp_path: Path) -> None:
    summary, _ = summary_of(tmp_path, shapefile_zip_bytes(), "zip")
    assert summary["has_map"]


def test_zip_without_shapefile_is_no_map_and_no_error(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bang.csv", "a,b\n1,2\n")
    summary, drawn = summary_of(tmp_path, out.getvalue(), "zip")
    assert not summary["has_map"] and not summary["unreadable"] and drawn is None


def test_projected_shapefile_is_reported_not_drawn(tmp_path: Path) -> None:
    vn2000 = 'PROJCS["VN_2000_UTM_zone_48N",GEOGCS["GCS_VN_2000"]]'
    summary, drawn = summary_of(tmp_path, shapefile_zip_bytes(prj=vn2000), "shapefile")
    assert summary["projected"] and not summary["has_map"] and drawn is None


@pytest.mark.parametrize(("headers", "row"), [
    (["Tên trạm", "Vĩ độ", "Kinh độ"], ["Hạ Long", "20,95", "107,08"]),
    (["ten", "vi_do", "kinh_do"], ["Hạ Long", "20.95", "107.08"]),
    (["name", "Latitude (WGS84)", "Longitude (WGS84)"], ["Hạ Long", "20.95", "107.08"]),
    (["name", "lat", "lng"], ["Hạ Long", "20.95", "107.08"]),
    (["name", "Y", "X"], ["Hạ Long", "20.95", "107.08"]),
])
def test_table_coordinate_columns_in_vietnamese_or_english(headers: list[str],
                                                           row: list[str]) -> None:
    found = list(points.features_of(headers, [row, ["trống", "", ""]]))
    assert len(found) == 1
    geometry, properties = found[0]
    assert geometry == {"type": "Point", "coordinates": HA_LONG}
    assert properties == {headers[0]: "Hạ Long"}


def test_table_without_coordinates_has_no_map(tmp_path: Path) -> None:
    assert points.coordinate_columns(["ngay", "tram", "PM2.5"]) is None
    cache = PreviewCache(LocalFileStore(tmp_path, 1 << 20))
    assert points_map(cache, "ab" * 32, "k", ["ngay", "tram"], [["1", "2"]], title="x") is None


# --- hostile geometry -------------------------------------------------------------------

@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> int:
    """The read budget lowered, so a test proves the mechanism without a million points."""
    monkeypatch.setattr(bounded, "MAX_READ_POSITIONS", 5_000)
    return 5_000


def test_too_many_positions_stop_reading(tmp_path: Path, small_budget: int) -> None:
    line = [[105.0 + i * 1e-7, 21.0] for i in range(bounded.MAX_READ_POSITIONS + 1)]
    with pytest.raises(TooLarge):
        bounded.collect([({"type": "LineString", "coordinates": line}, {})])
    huge = json.dumps(geojson(feature({"type": "MultiPoint", "coordinates": line})))
    summary, drawn = summary_of(tmp_path, huge.encode(), "geojson")
    assert summary["too_large"] and drawn is None


def test_long_lines_are_thinned_to_the_drawing_budget() -> None:
    ring = [[105.0 + i * 1e-5, 21.0 + (i % 7) * 1e-5] for i in range(60_000)] + [[105.0, 21.0]]
    out = bounded.collect([({"type": "Polygon", "coordinates": [ring]}, {})])
    drawn = out["features"][0]["geometry"]["coordinates"][0]
    assert len(drawn) <= bounded.MAX_DRAWN_POSITIONS + 2 and out["thinned"] > 1
    assert drawn[0] == drawn[-1]  # the ring stays closed


def test_deeply_nested_json_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    summary, _ = summary_of(tmp_path, b"[" * 200_000 + b"]" * 200_000, "geojson")
    assert summary["unreadable"] and not summary["has_map"]


def test_nested_geometry_collections_are_cut_at_the_depth_cap() -> None:
    geometry: dict[str, Any] = {"type": "Point", "coordinates": HA_LONG}
    for _ in range(500):
        geometry = {"type": "GeometryCollection", "geometries": [geometry]}
    out = bounded.collect([(geometry, {})])
    assert out["shown"] == 0 and out["nesting_refused"]


def test_coordinates_nested_deeper_than_their_type_are_dropped() -> None:
    deep: Any = [105.0, 21.0]
    for _ in range(10_000):
        deep = [deep]
    out = bounded.collect([({"type": "LineString", "coordinates": deep}, {})])
    assert out["shown"] == 0


def test_positions_that_are_not_longitude_latitude_are_counted_and_dropped() -> None:
    line = [[105.0, 21.0], ["x", 1], [float("nan"), 1.0], [560000.0, 2300000.0], [True, 1.0],
            [105.1, 21.1]]
    out = bounded.collect([({"type": "LineString", "coordinates": line}, {"a": {"b": 1}})])
    assert out["outside"] == 4
    assert out["features"][0]["geometry"]["coordinates"] == [[105.0, 21.0], [105.1, 21.1]]
    assert out["features"][0]["properties"] == {}  # nested values are not labels


def test_feature_count_is_capped() -> None:
    many = [({"type": "Point", "coordinates": HA_LONG}, {}) for _ in range(
        bounded.MAX_FEATURES + 10)]
    out = bounded.collect(many)
    assert out["feature_count"] == bounded.MAX_FEATURES + 10 and out["truncated"]
    assert out["shown"] <= bounded.MAX_FEATURES


def test_kml_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><kml><Placemark><name>&b;</name>'
              '<Point><coordinates>107,21</coordinates></Point></Placemark></kml>')
    with pytest.raises(ValueError):
        list(kml.read(_write(tmp_path, laughs.encode()), 1 << 20, ReadLimits()))
    summary, _ = summary_of(tmp_path, laughs.encode(), "kml")
    assert summary["unreadable"]


def test_deeply_nested_kml_is_read_without_recursion(tmp_path: Path) -> None:
    point = "<Placemark><Point><coordinates>107.08,20.95</coordinates></Point></Placemark>"
    folders = "<Folder>" * 20_000 + point + "</Folder>" * 20_000
    found = list(kml.read(_write(tmp_path, f"<kml>{folders}</kml>".encode()), 4 << 20,
                          ReadLimits()))
    assert [g["type"] for g, _ in found] == ["Point"]
    nested = "<MultiGeometry>" * 1000 + "<Point><coordinates>107,21</coordinates></Point>" + \
        "</MultiGeometry>" * 1000
    doc = f"<kml><Placemark>{nested}</Placemark></kml>"
    out = bounded.collect(kml.read(_write(tmp_path, doc.encode()), 1 << 20, ReadLimits()))
    assert out["shown"] == 0  # cut at the depth cap, not drawn, no RecursionError


def test_kml_with_millions_of_positions_stops(tmp_path: Path, small_budget: int) -> None:
    text = " ".join("107.0,21.0" for _ in range(bounded.MAX_READ_POSITIONS + 1))
    doc = f"<kml><Placemark><LineString><coordinates>{text}</coordinates></LineString>" \
          f"</Placemark></kml>"
    with pytest.raises(TooLarge):
        list(kml.read(_write(tmp_path, doc.encode()), 64 << 20, ReadLimits()))


def test_shapefile_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("x.shp", "w", force_zip64=True) as member:
            for _ in range(30):  # 30 MiB of zeros, about 30 KiB packed: a 1000:1 ratio
                member.write(chunk)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(TooLarge):  # past the limit…
        list(shapefile_zip.read(path, 20 << 20, ReadLimits(max_unpacked_bytes=16 << 20)))
    with pytest.raises(TooLarge):  # …and within it, by its ratio
        list(shapefile_zip.read(path, 64 << 20, ReadLimits(max_unpacked_bytes=200 << 20)))
    summary, _ = summary_of(tmp_path, path.read_bytes(), "shapefile")
    assert summary["too_large"]


# pyshp warns about the header before it fails on the records; the failure is what matters.
@pytest.mark.filterwarnings("ignore::shapefile.PossiblyCorruptFileHeader")
def test_damaged_shapefile_is_unreadable(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.shp", b"\0\0\x27\x0a" + b"\xff" * 200)
    summary, _ = summary_of(tmp_path, out.getvalue(), "shapefile")
    assert summary["unreadable"] and not summary["has_map"]


def test_geojson_file_over_the_byte_limit_is_not_parsed(tmp_path: Path) -> None:
    path = _write(tmp_path, b" " * 1000)
    with pytest.raises(TooLarge):
        list(geojson_file.read(path, 999))


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "hostile"
    path.write_bytes(data)
    return path


# --- the portal ----------------------------------------------------------------------------

def _publish(catalogue: Catalogue, org: str, name: str, data: bytes, filename: str, fmt: str,
             **extra: Any) -> str:
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": name, "title": "Bản đồ thử", "owner_org": org,
                             "license_id": "CC-BY-4.0", **extra})
        res = create_resource(uow, name, {"name": "Tệp bản đồ", "format": fmt},
                              upload=Upload(stored=catalogue.files.put_bytes(data),
                                            filename=filename, mimetype=""))
        uow.commit()
    return res.id


def test_resource_page_shows_picture_and_interactive_map_hooks(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    rid = _publish(catalogue, org, "tram-quan-trac", KML.encode(), "tram.kml", "KML")
    html = client.get(f"/dataset/tram-quan-trac/resource/{rid}").get_data(as_text=True)
    assert 'class="map"' in html and "<circle" in html  # the picture shown without JS
    assert f'data-geojson="/dataset/tram-quan-trac/resource/{rid}/map.geojson"' in html
    assert "vendor/leaflet/leaflet.js" in html and "map.js" in html
    data = client.get(f"/dataset/tram-quan-trac/resource/{rid}/map.geojson")
    assert data.status_code == 200 and data.mimetype == "application/geo+json"
    assert len(data.get_json()["features"]) == 3
    again = client.get(f"/dataset/tram-quan-trac/resource/{rid}/map.geojson",
                       headers={"If-None-Match": data.headers["ETag"]})
    assert again.status_code == 304
    with catalogue.sessions() as session:
        number = latest_published_number(session, get_dataset(session, "tram-quan-trac").id)
    version = client.get(f"/dataset/tram-quan-trac/v/{number}/resource/{rid}/map.geojson")
    assert version.status_code == 200 and "immutable" in version.headers["Cache-Control"]
    country = client.get("/maps/country.geojson")
    assert country.status_code == 200 and "Hoàng Sa" in country.get_data(as_text=True)


def test_csv_with_coordinates_gets_a_map_beside_its_table(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    csv = "Tên trạm;Vĩ độ;Kinh độ\nHạ Long;20,95;107,08\nCẩm Phả;21,01;107,29\n"
    rid = _publish(catalogue, org, "tram-csv", csv.encode(), "tram.csv", "CSV")
    html = client.get(f"/dataset/tram-csv/resource/{rid}").get_data(as_text=True)
    assert "<td>Hạ Long</td>" in html and html.count("<circle") == 2
    drawn = client.get(f"/dataset/tram-csv/resource/{rid}/map.geojson").get_json()
    assert drawn["features"][1]["properties"] == {"Tên trạm": "Cẩm Phả"}


def test_private_dataset_map_is_not_served(client: FlaskClient, catalogue: Catalogue,
                                           org: str) -> None:
    rid = _publish(catalogue, org, "ban-do-noi-bo", KML.encode(), "tram.kml", "KML",
                   private=True)
    assert client.get(f"/dataset/ban-do-noi-bo/resource/{rid}/map.geojson").status_code == 404


def test_a_hostile_file_page_says_too_large(client: FlaskClient, catalogue: Catalogue,
                                            org: str, small_budget: int) -> None:
    line = [[105.0, 21.0]] * (bounded.MAX_READ_POSITIONS + 1)
    data = json.dumps({"type": "LineString", "coordinates": line}).encode()
    rid = _publish(catalogue, org, "qua-lon", data, "x.geojson", "GeoJSON")
    page = client.get(f"/dataset/qua-lon/resource/{rid}")
    assert page.status_code == 200 and "quá lớn" in page.get_data(as_text=True)
    assert client.get(f"/dataset/qua-lon/resource/{rid}/map.geojson").status_code == 404


def test_a_configured_tile_server_is_used_and_allowed_by_the_csp(
        home: Path, request: pytest.FixtureRequest) -> None:
    (home / "dulieumo.toml").write_text(
        'map_tile_url = "https://tiles.example.vn/{z}/{x}/{y}.png"\n'
        'map_tile_attribution = "© Cục Đo đạc"\n', encoding="utf-8")
    catalogue: Catalogue = request.getfixturevalue("catalogue")
    client: FlaskClient = request.getfixturevalue("client")
    org: str = request.getfixturevalue("org")
    rid = _publish(catalogue, org, "tram-nen", KML.encode(), "tram.kml", "KML")
    response = client.get(f"/dataset/tram-nen/resource/{rid}")
    page = response.get_data(as_text=True)
    assert 'data-tiles="https://tiles.example.vn/{z}/{x}/{y}.png"' in page
    assert 'data-attribution="© Cục Đo đạc"' in page
    csp = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.vn;" in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize("url", ["javascript:alert(1)", "tiles.example.vn/{z}/{x}/{y}.png",
                                 "https://a.vn; script-src *"])
def test_a_tile_server_that_is_not_an_http_url_stops_start_up(tmp_path: Path, url: str) -> None:
    from catalogue.errors import ConfigError
    from portal import create_app

    with pytest.raises(ConfigError, match="map_tile_url"):
        create_app({"map_tile_url": url}, home=tmp_path)


def test_geojson_labelled_json_is_recognised(client: FlaskClient, catalogue: Catalogue,
                                             org: str) -> None:
    data = json.dumps(geojson(feature({"type": "Point", "coordinates": HA_LONG}))).encode()
    rid = _publish(catalogue, org, "diem-json", data, "diem.json", "JSON")
    assert "<circle" in client.get(f"/dataset/diem-json/resource/{rid}").get_data(as_text=True)
    plain = _publish(catalogue, org, "ban-ghi-json", b'[{"a": 1}]', "a.json", "JSON")
    assert "<circle" not in client.get(f"/dataset/ban-ghi-json/resource/{plain}").get_data(
        as_text=True)


def test_shapefile_record_claiming_a_billion_points_is_unreadable(tmp_path: Path) -> None:
    """A record's header says how many points follow; the bytes are not there."""
    real = zipfile.ZipFile(io.BytesIO(shapefile_zip_bytes()))
    shp = bytearray(real.read("tram/tram.shp"))
    out = io.BytesIO()
    # A polyline record: type 3, box, 1 part, 1e9 points, then nothing.
    record = (3).to_bytes(4, "little") + b"\0" * 32 + (1).to_bytes(4, "little") + \
        (10**9).to_bytes(4, "little") + b"\0" * 4
    header = bytearray(shp[:100])
    header[32:36] = (3).to_bytes(4, "little")  # the file's shape type: polyline
    body = (1).to_bytes(4, "big") + (len(record) // 2).to_bytes(4, "big") + record
    header[24:28] = ((100 + len(body)) // 2).to_bytes(4, "big")
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("x.shp", bytes(header) + body)
    summary, drawn = summary_of(tmp_path, out.getvalue(), "shapefile")
    assert summary["unreadable"] and drawn is None

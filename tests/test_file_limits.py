"""Every file is read within declared limits: decompression bombs are refused (issue 15).

The bombs are built here (small on disk, large unpacked); the server's memory under load is
measured by bench/preview_bomb.py, not here: these tests assert the behaviour.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from pathlib import Path

import pytest
from bombs import gzip_bomb, ods, ods_bomb, xlsx_bomb
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from catalogue.context import Catalogue
from catalogue.datasets.service import Upload, create_dataset, create_resource
from catalogue.files.limits import ReadLimits, TooLarge
from catalogue.files.preview_cache import PreviewCache
from catalogue.files.store import LocalFileStore
from catalogue.preview import tables
from catalogue.privacy import screen_file
from catalogue.validation import ValidationLimits, validate_resource_file
from tests.harvest_servers import datasets, harvest, make_source

SMALL = ReadLimits(max_unpacked_bytes=8 << 20, max_cells=1000)
TOO_LARGE = "Tệp quá lớn để xem trước"


def _publish(catalogue: Catalogue, org: str, path: Path, filename: str, fmt: str) -> str:
    """A public dataset holding ``path`` as an uploaded resource; returns its page URL."""
    stored = catalogue.files.put_bytes(path.read_bytes())
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "bom-du-lieu", "title": "Bom dữ liệu", "owner_org": org,
                             "license_id": "CC-BY-4.0"})
        res = create_resource(uow, "bom-du-lieu", {"name": "Bảng tính", "format": fmt},
                              upload=Upload(stored, filename, "application/octet-stream"))
        uow.commit()
    return f"/dataset/bom-du-lieu/resource/{res.id}"


def test_xlsx_bomb_page_says_too_large_and_convert_refuses(
        client: FlaskClient, catalogue: Catalogue, org: str, tmp_path: Path) -> None:
    bomb = xlsx_bomb(tmp_path / "bom.xlsx", rows=200_000)  # ~0.1 MB, ~17 MB unzipped
    assert bomb.stat().st_size < 1 << 20
    catalogue.settings["file_max_unpacked_mb"] = 8
    url = _publish(catalogue, org, bomb, "bom.xlsx", "XLSX")
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert TOO_LARGE in html and '<table class="preview">' not in html
    assert client.get(url + "/convert.csv").status_code == 422


def test_preview_is_computed_once_and_read_back(
        client: FlaskClient, catalogue: Catalogue, org: str, tmp_path: Path) -> None:
    bomb = xlsx_bomb(tmp_path / "bom.xlsx", rows=200_000)
    catalogue.settings["file_max_unpacked_mb"] = 8
    url = _publish(catalogue, org, bomb, "bom.xlsx", "XLSX")
    assert TOO_LARGE in client.get(url).get_data(as_text=True)
    cached = list((catalogue.files.root / "previews").glob("*/*.json"))
    assert len(cached) == 1 and json.loads(cached[0].read_text())["too_large"]
    # The second view reads the stored preview, whatever the file: make it say something else.
    cached[0].write_text(json.dumps({"table": {"headers": ["đã lưu"], "rows": [["từ bộ nhớ"]]},
                                     "too_large": "", "unreadable": ""}))
    html = client.get(url).get_data(as_text=True)
    assert "từ bộ nhớ" in html and TOO_LARGE not in html


def test_cell_limit_stops_reading_before_the_rest_of_the_sheet(tmp_path: Path) -> None:
    # 5,000 rows, then bytes that are not XML: any reader that went on would fail there.
    bomb = xlsx_bomb(tmp_path / "bom.xlsx", rows=5000, tail=b"<<< not xml")
    table = tables.read_table(bomb, "XLSX", limits=SMALL)
    assert table.truncated and table.headers[:2] == ["cot_A", "cot_B"]
    assert len(table.rows) * 10 <= SMALL.max_cells
    outcome = validate_resource_file(bomb, "xlsx", None, ValidationLimits(), read_limits=SMALL)
    assert outcome.status == "valid" and outcome.report["stats"]["truncated"] is True
    screened = screen_file(bomb, "xlsx", limits=SMALL)
    assert screened.scanned and screened.truncated


def test_declared_size_refuses_before_inflating(tmp_path: Path) -> None:
    bomb = xlsx_bomb(tmp_path / "bom.xlsx", rows=200_000)
    # Damage the compressed sheet: only a reader that inflates it would notice.
    data = bytearray(bomb.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = b"\xff" * 64
    bomb.write_bytes(bytes(data))
    with pytest.raises(TooLarge, match="file_max_unpacked_mb"):
        tables.read_table(bomb, "XLSX", limits=SMALL)
    outcome = validate_resource_file(bomb, "xlsx", None, ValidationLimits(), read_limits=SMALL)
    assert outcome.report["error_types"] == {"limit-error": 1}
    screened = screen_file(bomb, "xlsx", limits=SMALL)
    assert not screened.scanned and "file_max_unpacked_mb" in screened.note
    assert screened.held and screened.kinds == {"unscreened"}  # held for review, not published


def test_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    # 16 MiB of rows, then garbage: inflating stops at 8 MiB and never reaches it.
    bomb = gzip_bomb(tmp_path / "bom.csv.gz", 16, tail=b"garbage")
    with pytest.raises(TooLarge):
        tables.read_table(bomb, "CSV", "bom.csv.gz", limits=SMALL)
    outcome = validate_resource_file(bomb, "csv", None, ValidationLimits(), read_limits=SMALL,
                                     filename="bom.csv.gz")
    assert outcome.report["error_types"] == {"limit-error": 1}


def test_zip_ratio_marks_a_bomb(tmp_path: Path) -> None:
    bomb = xlsx_bomb(tmp_path / "bom.xlsx", rows=200_000)
    with pytest.raises(TooLarge, match="decompression bomb"):
        tables.read_table(bomb, "XLSX", limits=ReadLimits())


def test_preview_cache_keeps_results_beside_the_store(tmp_path: Path) -> None:
    cache = PreviewCache.beside(LocalFileStore(tmp_path / "files", 1 << 20))
    sha = "ab" * 32
    variant = cache.variant(1, "csv", None)
    assert cache.get(sha, variant) is None
    cache.put(sha, variant, {"too_large": "x"})
    assert cache.get(sha, variant) == {"too_large": "x"}
    assert cache.get(sha, cache.variant(2, "csv", None)) is None
    assert (tmp_path / "files" / "previews" / "ab").is_dir()


def test_map_preview_is_computed_once(client: FlaskClient, catalogue: Catalogue, org: str,
                                      tmp_path: Path) -> None:
    shape = tmp_path / "ranh-gioi.geojson"
    shape.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[105.3, 22.4], [106.8, 22.4], [106.8, 23.1],
                                            [105.3, 22.4]]]}}), encoding="utf-8")
    url = _publish(catalogue, org, shape, "ranh-gioi.geojson", "GeoJSON")
    assert "<path d=" in client.get(url).get_data(as_text=True)
    (cached,) = (catalogue.files.root / "previews").glob("*/*.json")
    cached.write_text(json.dumps({"svg": "<svg><title>đã lưu</title></svg>",
                                  "feature_count": 7, "too_large": False, "unreadable": False}))
    html = client.get(url).get_data(as_text=True)
    assert "<title>đã lưu</title>" in html and "<path d=" not in html


def test_json_too_big_to_parse_whole_is_not_parsed(tmp_path: Path) -> None:
    path = tmp_path / "lon.json"
    path.write_text("[" + ",".join(['{"so_dien_thoai": "0912345678"}'] * 40_000) + "]")
    tiny = ReadLimits(max_unpacked_bytes=1 << 20)  # JSON parsed whole up to 128 KiB
    outcome = validate_resource_file(path, "json", None, ValidationLimits(), read_limits=tiny)
    assert outcome.report["error_types"] == {"limit-error": 1}
    screened = screen_file(path, "json", limits=tiny)
    assert not screened.scanned and "parsed whole" in screened.note
    assert screen_file(path, "json").held  # within the default limits it is read


def test_ods_repeated_cells_are_counted_against_the_budget(tmp_path: Path) -> None:
    bomb = ods_bomb(tmp_path / "bom.ods")
    assert bomb.stat().st_size < 2000  # a thousand bytes standing for 16 billion cells
    table = tables.read_table(bomb, "ODS", "bom.ods", limits=SMALL)
    assert table.truncated and not table.rows  # one 16,384-cell row is past 1,000 cells
    outcome = validate_resource_file(bomb, "ods", None, ValidationLimits(), read_limits=SMALL)
    assert outcome.report["stats"]["truncated"] is True
    assert screen_file(bomb, "ods", limits=SMALL).truncated


def test_ods_is_read_and_its_trailing_blank_runs_cost_nothing(tmp_path: Path) -> None:
    sheet = ods(tmp_path / "so-lieu.ods", (
        '<table:table table:name="Bìa"><table:table-row><table:table-cell '
        'office:value-type="string"><text:p>Số liệu</text:p></table:table-cell>'
        '</table:table-row></table:table>'
        '<table:table table:name="Dân số"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>ma_tinh</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>ngay'
        '</text:p></table:table-cell><table:table-cell office:value-type="string">'
        '<text:p>dan<text:s text:c="2"/>so</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="1021"/></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>01</text:p>'
        '</table:table-cell><table:table-cell office:value-type="date" '
        'office:date-value="2025-07-01T00:00:00"/><table:table-cell office:value-type="float" '
        'office:value="8587100.000000001"/><table:table-cell '
        'table:number-columns-repeated="1021"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row></table:table>'))
    table = tables.read_table(sheet, "ODS", "so-lieu.ods", limits=SMALL)  # past the cover
    assert table.headers == ["ma_tinh", "ngay", "dan  so"]
    assert table.rows == [["01", "2025-07-01", "8587100"]] and not table.truncated
    outcome = validate_resource_file(sheet, "ods", None, ValidationLimits(), read_limits=SMALL)
    assert outcome.status == "valid"
    assert [f["type"] for f in outcome.schema["fields"]] == ["string", "date", "integer"]


def test_harvested_bomb_is_held_for_review_not_published(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    xlsx_bomb(share / "bom.xlsx", rows=200_000)
    (share / "bom.xlsx.meta.toml").write_text('name = "bom"\ntitle = "Bom"\n', encoding="utf-8")
    catalogue.settings["file_max_unpacked_mb"] = 8
    source = make_source("files", path=str(share))
    summary = harvest(catalogue, source, home)
    assert summary.counts["new"] == 0 and summary.counts["held"] == 1
    found = datasets(catalogue, source.name)
    assert [ds.private or ds.state != "active" for ds in found.values()] == [True]


def test_four_anonymous_users_at_once_over_http_all_see_too_large(
        app: Flask, catalogue: Catalogue, org: str, tmp_path: Path) -> None:
    bomb = xlsx_bomb(tmp_path / "bom.xlsx", rows=200_000)
    catalogue.settings["file_max_unpacked_mb"] = 8
    path = _publish(catalogue, org, bomb, "bom.xlsx", "XLSX")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pages: list[str] = []

    def view() -> None:
        url = f"http://127.0.0.1:{server.server_port}{path}"
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - local server
            pages.append(response.read().decode())

    try:
        users = [threading.Thread(target=view) for _ in range(4)]
        for user in users:
            user.start()
        for user in users:
            user.join()
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    assert len(pages) == 4 and all(TOO_LARGE in page for page in pages)
    assert len(list((catalogue.files.root / "previews").glob("*/*.json"))) == 1


def test_every_spreadsheet_format_is_screened_where_files_come_in(tmp_path: Path) -> None:
    """Uploads, harvests and the publication gate share one list (XLS and ODS were missing)."""
    from catalogue.privacy import SCREENED_FORMATS

    assert {"csv", "xlsx", "xls", "ods", "gz"} <= SCREENED_FORMATS
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    rows = "".join("<table:table-row>" + "".join(cell.format(v) for v in values)
                   + "</table:table-row>"
                   for values in (("ho_ten", "so_cccd"), ("Nguyễn Văn An", "001090123456"),
                                  ("Lê Thị Mai", "079185001234")))
    sheet = ods(tmp_path / "ho-tro.ods", f'<table:table table:name="DS">{rows}</table:table>')
    assert screen_file(sheet, "ods").kinds >= {"cccd"}

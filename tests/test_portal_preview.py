"""Previews without a browser plug-in: tables, series, charts and GeoJSON outlines (pure)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from catalogue.preview import charts, geo, tables
from catalogue.preview.series import find_series, parse_number, parse_time


def test_numbers_written_either_way() -> None:
    assert parse_number("1.234,5") == 1234.5
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("12.5") == 12.5
    assert parse_number("-3") == -3
    assert parse_number("abc") is None and parse_number("") is None


def test_times() -> None:
    assert parse_time("02/03/2026") == datetime(2026, 3, 2)
    assert parse_time("2026-03-02") == datetime(2026, 3, 2)
    assert parse_time("2026") == datetime(2026, 1, 1)
    assert parse_time("Hạ Long") is None


def test_csv_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("tên;giá trị\nA;1,5\n\nB;2\n".encode("utf-8-sig"))
    table = tables.read_table(path, "CSV")
    assert table.headers == ["tên", "giá trị"] and table.rows == [["A", "1,5"], ["B", "2"]]
    assert table.delimiter == ";" and table.encoding == "utf-8-sig"


def test_legacy_windows_1258(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_bytes("ten,gia\nC\xe0 Mau,1\n".encode("latin-1"))
    table = tables.read_table(path, "CSV")
    assert table.encoding == "windows-1258" and table.rows[0][0] == "Cà Mau"


def test_preview_stops_after_max_rows(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("n\n" + "\n".join(str(i) for i in range(50)) + "\n")
    table = tables.read_table(path, "CSV", max_rows=10)
    assert len(table.rows) == 10 and table.truncated


def test_ragged_rows_are_padded(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1\n2,3,4\n")
    table = tables.read_table(path, "CSV")
    assert table.headers == ["a", "b", "column_3"]
    assert table.rows == [["1", "", ""], ["2", "3", "4"]]


def test_xlsx(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ngày", "mực nước"])
    sheet.append([datetime(2026, 1, 1), 1.5])
    sheet.append([datetime(2026, 1, 2), 2.0])
    path = tmp_path / "e.xlsx"
    book.save(path)
    table = tables.read_table(path, "XLSX")
    assert table.headers == ["ngày", "mực nước"]
    assert table.rows == [["2026-01-01", "1.5"], ["2026-01-02", "2"]]


def test_sort_numeric_columns_numerically(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("x\n10\n9\n\n100\n")
    table = tables.read_table(path, "CSV")
    assert [r[0] for r in tables.sort_rows(table, 0)] == ["9", "10", "100"]
    assert [r[0] for r in tables.sort_rows(table, 0, descending=True)] == ["100", "10", "9"]


def test_conversions_stream_csv_and_json(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("a;b\n1;x\n")
    assert "".join(tables.to_csv(tables.iter_rows(path, "CSV"))) == "a,b\r\n1,x\r\n"
    assert "".join(tables.to_json(tables.iter_rows(path, "CSV"))) == '[\n{"a": "1", "b": "x"}\n]\n'


def test_series_found_and_drawn(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("ngay,tram,PM2.5\n03/01/2026,A,3\n01/01/2026,A,1\n02/01/2026,A,2\n")
    table = tables.read_table(path, "CSV")
    series = find_series(table)
    assert series is not None and series.time_label == "ngay"
    assert series.columns["PM2.5"] == [1.0, 2.0, 3.0]  # ordered by time
    svg = charts.line_chart_svg(series, title="PM2.5 <test>")
    assert svg.startswith("<svg") and "<polyline" in svg and "PM2.5 &lt;test&gt;" in svg


def test_no_series_without_dates(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text("a,b\nx,1\ny,2\nz,3\n")
    assert find_series(tables.read_table(path, "CSV")) is None


def test_geojson_outline() -> None:
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [
            [[[105.0, 22.0], [106.0, 22.0], [106.0, 23.0], [105.0, 22.0]]]]}},
        {"type": "Feature", "geometry": {"type": "LineString",
                                         "coordinates": [[105.5, 22.5], [105.6, 22.7]]}},
        {"type": "Feature", "geometry": None}]}
    shape = geo.outline(data)
    assert shape is not None and shape.feature_count == 2
    assert shape.paths[0].startswith("M") and shape.paths[0].endswith("Z")
    assert not shape.paths[1].endswith("Z")
    # North is up: the northernmost point has the smallest y.
    assert "M8.0," in shape.paths[0]
    svg = geo.outline_svg(data, title="Ranh giới")
    assert svg is not None and 'fill="none"' in svg


def test_empty_geojson_has_no_outline() -> None:
    assert geo.outline({"type": "FeatureCollection", "features": []}) is None
    assert geo.outline_svg({"type": "Point"}, title="x") is None


def test_bar_and_column_charts_escape_labels() -> None:
    svg = charts.bar_chart_svg([("<b>", 3), ("B", 0)], title="t")
    assert "&lt;b&gt;" in svg
    assert "<rect" in charts.column_chart_svg([("2026-01", 2)], title="t")


def test_xlsx_stored_without_extension(tmp_path: Path) -> None:
    """The file store keeps files under their sha256, with no extension."""
    book = openpyxl.Workbook()
    book.active.append(["a"])
    book.active.append([1])
    path = tmp_path / "0123abcd"
    book.save(tmp_path / "x.xlsx")
    (tmp_path / "x.xlsx").rename(path)
    assert tables.read_table(path, "XLSX").rows == [["1"]]
    assert list(tables.iter_rows(path, "XLSX")) == [["a"], ["1"]]


def test_damaged_xlsx_is_reported_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "broken"
    path.write_bytes(b"not a zip file")
    try:
        tables.read_table(path, "XLSX")
    except tables.UNREADABLE:
        pass
    else:
        raise AssertionError("a damaged workbook must raise one of tables.UNREADABLE")


def test_iso_and_vietnamese_times() -> None:
    assert parse_time("2026-03-02T10:15:00+07:00") == datetime(2026, 3, 2, 10, 15)
    assert parse_time("02/03/2026 10:15") == datetime(2026, 3, 2, 10, 15)
    assert parse_time("31/02/2026") is None

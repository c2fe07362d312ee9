"""Frictionless validation of single files (shared by harvests and uploads)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from catalogue.validation import (
    ValidationLimits,
    build_datapackage,
    check_datapackage,
    detect_encoding,
    validate_resource_file,
)
from catalogue.validation.encoding import encode_windows_1258

LIMITS = ValidationLimits()


def _write(tmp_path: Path, name: str, body: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def test_valid_csv_gets_an_inferred_schema(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "tram,pm25\nHạ Long,21.5\nUông Bí,30\n".encode())
    outcome = validate_resource_file(path, "csv", None, LIMITS)
    assert outcome.status == "valid"
    assert outcome.schema["fields"] == [{"name": "tram", "type": "string"},
                                        {"name": "pm25", "type": "number"}]
    assert outcome.report["stats"]["rows_checked"] == 2
    assert outcome.report["stats"]["schema_inferred"] is True


def test_errors_are_counted_by_type_with_positions(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", b"a,b\n1,2\nx,3\n4\n")
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]}
    outcome = validate_resource_file(path, "csv", schema, LIMITS)
    assert outcome.status == "invalid"
    assert outcome.report["error_types"] == {"type-error": 1, "missing-cell": 1}
    first = outcome.report["errors"][0]
    assert (first["row"], first["field_name"], first["cell"]) == (3, "a", "x")


def test_windows_1258_is_detected_and_read(tmp_path: Path) -> None:
    text = "huyện,ghi_chú\nHuyện Bù Đốp,Đất rừng sản xuất\nThị xã Phước Long,Ổn định\n"
    path = _write(tmp_path, "cp.csv", encode_windows_1258(text))
    assert detect_encoding(path).encoding == "windows-1258"
    outcome = validate_resource_file(path, "csv", None, LIMITS)
    assert outcome.status == "valid" and outcome.schema["fields"][0]["name"] == "huyện"
    assert outcome.report["stats"]["encoding"] == "windows-1258"


def test_tcvn3_is_converted_to_unicode(tmp_path: Path) -> None:
    path = _write(tmp_path, "abc.csv", "ten\nHµ Néi\nQu¶ng Ninh\n§µ N½ng\n".encode("latin-1"))
    outcome = validate_resource_file(path, "csv", None, LIMITS)
    assert outcome.status == "valid" and outcome.report["stats"]["encoding"] == "tcvn3"
    assert "TCVN3" in outcome.report["stats"]["encoding_note"]


def test_unknown_encoding_is_reported_clearly(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.csv", b"ten\n\x81\x8d\x8f\x90\n")  # undefined in cp1258
    outcome = validate_resource_file(path, "csv", None, LIMITS)
    assert outcome.status == "invalid"
    assert outcome.report["error_types"] == {"encoding-error": 1}


def test_wrong_delimiter_against_a_comma_schema_is_invalid(tmp_path: Path) -> None:
    path = _write(tmp_path, "semi.csv", b"a;b\n1;2\n")
    free = validate_resource_file(path, "csv", None, LIMITS)
    assert free.report["stats"]["delimiter"] == ";" and free.report["stats"]["warnings"]
    schema = {"fields": [{"name": "a;b", "type": "integer"}]}
    assert validate_resource_file(path, "csv", schema, LIMITS).status == "invalid"


def test_only_max_rows_are_validated(tmp_path: Path) -> None:
    path = _write(tmp_path, "long.csv", b"n\n" + b"1\n" * 500)
    outcome = validate_resource_file(path, "csv", None, ValidationLimits(max_rows=100))
    assert outcome.report["stats"]["rows_checked"] == 100
    assert outcome.report["stats"]["truncated"] is True


def test_xlsx_sheet_and_decompression_bomb(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Bảng giá"
    sheet.append(["Huyện", "Giá"])
    sheet.append(["Đồng Xoài", 1200])
    book.save(tmp_path / "gia.xlsx")
    outcome = validate_resource_file(tmp_path / "gia.xlsx", "xlsx", None, LIMITS, sheet="Bảng giá")
    assert outcome.status == "valid" and outcome.schema["fields"][1]["type"] == "integer"

    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (40 << 20))
    bomb = validate_resource_file(tmp_path / "bomb.xlsx", "xlsx", None, LIMITS)
    assert bomb.status == "invalid" and "decompression bomb" in bomb.report["errors"][0]["message"]


def test_geojson_and_broken_json(tmp_path: Path) -> None:
    good = _write(tmp_path, "a.geojson",
                  b'{"type": "FeatureCollection", "features": '
                  b'[{"type": "Feature", "geometry": null, "properties": {}}]}')
    assert validate_resource_file(good, "geojson", None, LIMITS).report["stats"]["features"] == 1
    bad = _write(tmp_path, "b.json", b'{"a": ')
    assert validate_resource_file(bad, "json", None, LIMITS).report["error_types"] == {
        "json-error": 1}


def test_datapackage_descriptor_carries_attribution() -> None:
    package = {
        "id": "1", "name": "gia-dat", "title": "Giá đất", "notes": "", "version": "2024",
        "license_id": "CC-BY-4.0", "metadata_created": "2026-03-02T08:30:00",
        "tags": [{"name": "giá đất"}], "extras": [{"key": "source_system", "value": "Kho tệp"}],
        "organization": {"name": "so", "title": "Sở TN&MT Bình Phước"},
        "provenance": {"harvest_source": "bp", "source_url": "https://bp.example/a.csv",
                       "retrieved_at": "2026-03-02T08:30:00"},
        "resources": [{"name": "a.csv", "url": "http://portal/a.csv", "format": "CSV",
                       "size": 10, "sha256": "a" * 64,
                       "schema": {"fields": [{"name": "x", "type": "integer"}]}}],
    }
    descriptor = build_datapackage(package)
    assert check_datapackage(descriptor) == []
    assert descriptor["sources"] == [{"title": "Kho tệp", "path": "https://bp.example/a.csv",
                                      "publisher": "Sở TN&MT Bình Phước",
                                      "retrieved_at": "2026-03-02T08:30:00Z"}]  # RFC 3339
    assert descriptor["contributors"] == [{"title": "Sở TN&MT Bình Phước", "role": "publisher",
                                           "roles": ["publisher"]}]  # v1 and v2
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["resources"][0]["hash"] == "sha256:" + "a" * 64


def test_codes_stay_text_even_past_the_inference_sample(tmp_path: Path) -> None:
    rows = "".join(f"{i:05d},{i}\n" for i in range(1, 1200)) + "X0001,1200\n"
    path = _write(tmp_path, "ma.csv", ("ma,so\n" + rows).encode())
    outcome = validate_resource_file(path, "csv", None, LIMITS)
    assert outcome.status == "valid", outcome.report["errors"]
    assert [f["type"] for f in outcome.schema["fields"]] == ["string", "integer"]


def test_dd_mm_yyyy_is_a_date_only_when_every_value_is(tmp_path: Path) -> None:
    dates = "".join(f"{i % 28 + 1:02d}/07/2025\n" for i in range(1200))
    good = _write(tmp_path, "d.csv", ("ngay\n" + dates).encode())
    outcome = validate_resource_file(good, "csv", None, LIMITS)
    assert outcome.schema["fields"] == [{"name": "ngay", "type": "date", "format": "%d/%m/%Y"}]
    bad = _write(tmp_path, "e.csv", ("ngay\n" + dates + "31/02/2025\n").encode())
    outcome = validate_resource_file(bad, "csv", None, LIMITS)
    assert outcome.status == "valid" and outcome.schema["fields"][0]["type"] == "string"

"""Vietnamese numbers and dates are typed as such when a schema is inferred (issue 16 item 6).

Agencies' spreadsheets exported in the Vietnamese locale write ``1.234.567`` and
``3.359,82`` (``.`` groups thousands, ``,`` marks decimals) and dates as ``dd/mm/yyyy``,
``dd-mm-yyyy`` or ``dd.mm.yyyy``. Frictionless reads the numbers as text and ``3.359,82`` as
a geopoint; the files here are written the way Excel writes them (``;``, CRLF, a BOM, an
Excel ``sep=`` line).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from datastore_setup import load

from catalogue.datastore.query import View, iter_rows
from catalogue.datastore.store import Datastore
from catalogue.validation import ValidationLimits, validate_resource_file
from catalogue.validation.types import refine_types

HEADER = "ma_tinh;ten_tinh;dan_so;dien_tich_km2;ngay_hieu_luc"
ROWS = [("01", "Thành phố Hà Nội", "8.718.023", "3.359,82", "01/07/2025"),
        ("96", "Tỉnh Cà Mau", "2.606.672", "7.942,39", "01/07/2025"),
        ("79", "Thành phố Hồ Chí Minh", "14.002.598", "6.772,59", "01/07/2025")]


def _write(folder: Path, rows: list[tuple[str, ...]], *, first: str = "",
           name: str = "t.csv") -> Path:
    lines = ([first] if first else []) + [HEADER] + [";".join(r) for r in rows]
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


def _fields(path: Path) -> dict[str, dict[str, Any]]:
    outcome = validate_resource_file(path, "csv", None, ValidationLimits())
    assert outcome.status == "valid", outcome.report["errors"]
    return {f["name"]: f for f in outcome.schema["fields"]}


def test_grouped_and_decimal_comma_columns_are_numbers_never_geopoints(tmp_path: Path) -> None:
    fields = _fields(_write(tmp_path, ROWS, first="sep=;"))
    assert fields["dien_tich_km2"]["type"] == "number"  # Frictionless alone: geopoint
    assert (fields["dien_tich_km2"]["decimalChar"], fields["dien_tich_km2"]["groupChar"]) == \
        (",", ".")
    assert fields["dan_so"]["type"] == "number" and fields["dan_so"]["groupChar"] == "."
    assert fields["ma_tinh"]["type"] == "string"  # codes with leading zeros stay text


def test_the_refined_schema_validates_the_file_it_came_from(tmp_path: Path) -> None:
    path = _write(tmp_path, ROWS)
    outcome = validate_resource_file(path, "csv", None, ValidationLimits())
    again = validate_resource_file(path, "csv", outcome.schema, ValidationLimits())
    assert again.status == "valid", again.report["errors"]


def test_the_datastore_holds_the_numbers_the_file_means(tmp_path: Path,
                                                        datastore_db: Datastore) -> None:
    path = _write(tmp_path, ROWS)
    load(datastore_db, "vn-numbers", path)
    _, rows = iter_rows(datastore_db, "vn-numbers", View(fields=["dan_so", "dien_tich_km2"]))
    assert [(float(r[0]), float(r[1])) for r in rows] == [
        (8718023, 3359.82), (2606672, 7942.39), (14002598, 6772.59)]


@pytest.mark.parametrize(("written", "fmt"), [
    ("01-07-2025", "%d-%m-%Y"), ("01.07.2025", "%d.%m.%Y"), ("01/07/2025", "%d/%m/%Y")])
def test_dates_with_dashes_or_dots_are_dates(tmp_path: Path, written: str, fmt: str) -> None:
    rows = [r[:4] + (written,) for r in ROWS]
    assert _fields(_write(tmp_path, rows))["ngay_hieu_luc"] == {
        "name": "ngay_hieu_luc", "type": "date", "format": fmt}


def test_a_column_mixing_date_separators_stays_text(tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[1][:4] + ("02-07-2025",), ROWS[2]]
    assert _fields(_write(tmp_path, rows))["ngay_hieu_luc"]["type"] == "string"


def test_a_bad_cell_after_the_sample_keeps_the_column_text(tmp_path: Path) -> None:
    """The whole file is read, not only the rows Frictionless infers from."""
    rows = [(f"{i:02d}", f"Xã {i}", "1.234.567", "3.359,82", "01/07/2025")
            for i in range(2000)]
    rows.append(("99", "Xã cuối", "không rõ", "1.5", "31/02/2025"))
    fields = _fields(_write(tmp_path, rows))
    assert [fields[n]["type"] for n in ("dan_so", "dien_tich_km2", "ngay_hieu_luc")] == \
        ["string", "string", "string"]


def test_ambiguous_thousands_alone_stay_as_frictionless_read_them() -> None:
    """``1.234`` is one thousand in Vietnamese and one point two elsewhere: without a
    decimal comma or a second group the file does not say which."""
    schema = {"fields": [{"name": "a", "type": "number"}, {"name": "b", "type": "string"}]}
    refined = refine_types(schema, [["1.234", "1.234"], ["5.678", "2.5"]], None)
    assert refined == schema

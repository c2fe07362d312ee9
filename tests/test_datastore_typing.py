"""The loader's column-wise typing agrees with the reference, cell for cell (issue 21 item 8).

:class:`ColumnTyper` takes fast ways through a batch (a parse per distinct cell, ``int`` and
``float`` over whole columns); :class:`RowTyper` is the reference, one parser call per cell.
Every cell must come out the same value *and* type, bad cells must be reported at the same
row and column, and a loaded table must hold exactly the reference's values, in file order,
on SQLite and (``--db=postgres``) PostgreSQL.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED
from datastore_setup import LOADED_AT, load, schema_of

from catalogue.datastore.batches import ColumnTyper, RowTyper, typed_batches
from catalogue.datastore.errors import LoadError
from catalogue.datastore.loader import Source, load_table
from catalogue.datastore.query import iter_rows
from catalogue.datastore.store import Datastore
from catalogue.files import header as headers
from catalogue.files.rows import open_rows

REAL = SHARED / "fixtures" / "real" / "vn"

# Fields of every type and option the loader reads, and cells that test their edges.
TRICKY_SCHEMA: dict[str, Any] = {
    "missingValues": ["", "NA", "-"],
    "fields": [
        {"name": "ma", "type": "string"},
        {"name": "so", "type": "integer"},
        {"name": "so_nhom", "type": "integer", "groupChar": "."},
        {"name": "nam", "type": "year"},
        {"name": "ty_le", "type": "number"},
        {"name": "dien_tich", "type": "number", "decimalChar": ",", "groupChar": "."},
        {"name": "dan_so", "type": "number", "decimalChar": ",", "groupChar": " "},
        {"name": "phan_tram", "type": "number", "bareNumber": False},
        {"name": "ngay", "type": "date", "format": "%d/%m/%Y"},
        {"name": "ngay_iso", "type": "date"},
        {"name": "ngay_bat_ky", "type": "date", "format": "any"},
        {"name": "luc", "type": "datetime"},
        {"name": "co", "type": "boolean"},
        {"name": "co_viet", "type": "boolean", "trueValues": ["có", "C"],
         "falseValues": ["không", "K"]},
        {"name": "gio", "type": "time"},
        {"name": "ghi_chu", "type": "string"},
    ]}
CELLS: dict[str, list[str]] = {
    "ma": ["00004", "0", " 01 ", "NA", "", "-", "mã 7", "NA "],
    "so": ["12", " 12 ", "-3", "+5", "1990.0", "1e3", "1_000", "٣", "0", "", "NA",
           "00012", "\t7\n", "9" * 30],
    "so_nhom": ["1.234", "1.234.567", "12", " 1.000 ", "-2.000", "", "1990.0"],
    "nam": ["2024", "1990.0", " 2025", "", "-"],
    "ty_le": ["1.5", " 2.25 ", "-0.0", "1e-3", "3", "", "NA", ".5", "5.", "1_0.5",
              "\u00a01.5\u00a0"],
    "dien_tich": ["1.234,5", "12,25", "0,5", "1.000", "7", "-1.234.567,89", "", " 3,5 "],
    "dan_so": ["1 234,5", "98 000", "12", "\u00a01 000,5", "", "-"],
    "phan_tram": ["12 %", "€ 3.5", "45", "1.5%", ""],
    "ngay": ["31/12/2024", "01/01/2025", "1/2/2025", " 29/02/2024 ", "", "NA"],
    "ngay_iso": ["2024-12-31", " 2025-01-01", "", "-"],
    "ngay_bat_ky": ["2024-12-31", "31/12/2024", "31-12-2024", "31.12.2024", ""],
    "luc": ["2024-12-31T08:30:00", "2024-12-31T08:30:00Z", "2024-12-31 08:30",
            "2024-12-31T08:30:00+07:00", "", "2025-06-01T00:00:00.250000"],
    "co": ["true", "True", "FALSE", "0", "1", " true ", "", "NA"],
    "co_viet": ["có", "không", "C", "K", ""],
    "gio": ["7:5", "07:05:09", "23:59", "0:0:0", " 12:30 ", ""],
    "ghi_chu": ["Xã Đất Mũi", "", "NA", "-", "dòng có, dấu phẩy", "đ"],
}


def _tricky_rows(count: int, seed: int, distinct_numbers: bool) -> list[list[str]]:
    """Rows of tricky cells; with ``distinct_numbers`` the number columns are mostly
    distinct (the int/float fast path) with the tricky cells sprinkled in."""
    rng = random.Random(seed)
    names = [f["name"] for f in TRICKY_SCHEMA["fields"]]
    rows = []
    for number in range(count):
        row = [rng.choice(CELLS[name]) for name in names]
        if distinct_numbers and rng.random() < 0.9:
            row[1] = str(number * 7 - 500)
            row[4] = f"{number / 3:.6f}"
            row[5] = f"{number * 1001:,}".replace(",", ".") + f",{number % 100:02d}"
        rows.append(row)
    return rows


def _same(left: list[Any], right: list[Any]) -> bool:
    """Equal values of equal types (1 == 1.0 == True would hide a typing difference)."""
    return [(type(v), v) for v in left] == [(type(v), v) for v in right]


def _reference(rows: list[list[str]], schema: dict[str, Any]) -> list[list[Any]]:
    typer = RowTyper(schema["fields"], schema)
    return [typer.convert(n, list(r)) for n, r in enumerate(rows, start=1)]


def _columnwise(rows: list[list[str]], schema: dict[str, Any], size: int) -> list[list[Any]]:
    typer = ColumnTyper(schema["fields"], schema)
    data = [(n, list(r)) for n, r in enumerate(rows, start=1)]
    return [row for batch in typed_batches(data, typer, size) for row in batch.rows]


@pytest.mark.parametrize("distinct_numbers", [False, True])
@pytest.mark.parametrize("size", [1, 7, 5000])
def test_column_typing_equals_row_typing_on_tricky_cells(distinct_numbers: bool,
                                                         size: int) -> None:
    rows = _tricky_rows(3000, seed=21 + size, distinct_numbers=distinct_numbers)
    expected, got = _reference(rows, TRICKY_SCHEMA), _columnwise(rows, TRICKY_SCHEMA, size)
    assert len(got) == len(expected)
    for number, (want, have) in enumerate(zip(expected, got, strict=True), start=1):
        assert _same(want, have), (number, rows[number - 1], want, have)


def test_fast_paths_are_taken_and_still_agree() -> None:
    """Numbers that repeat little go through int/float over the whole column, numbers
    that repeat through the distinct-cell table; a cell only the reference reads (1990.0
    as an integer) sends its column back to the reference parser."""
    schema = {"fields": [{"name": "so", "type": "integer"},
                         {"name": "dt", "type": "number", "decimalChar": ",",
                          "groupChar": "."}]}
    many = [[str(n), f"{n}.{n % 1000:03d},5"] for n in range(2000)]
    awkward = [*many[:1000], ["1990.0", "1,5"], *many[1000:]]
    for rows in (many, awkward, [["7", "1,5"]] * 2000):
        assert _columnwise(rows, schema, 10_000) == _reference(rows, schema)
    assert _columnwise(awkward, schema, 10_000)[1000] == [1990, 1.5]


@pytest.mark.parametrize("rows, where", [
    ([["1", "2"], ["3", "x"], ["y", "4"]], "Dòng 2, cột 'b'"),  # row order, not column order
    ([["1", "2"], ["z", "x"]], "Dòng 2, cột 'a'"),  # first bad column of the row
    ([["1", "2"]] * 5 + [["1", "nan"]], "Dòng 6, cột 'b'"),  # not a finite number
    ([["1", "2"]] * 5 + [["1", "1e999"]], "Dòng 6, cột 'b'"),
    ([[str(n), "1"] for n in range(3000)] + [["2.5", "1"]], "Dòng 3001, cột 'a'"),
])
@pytest.mark.parametrize("size", [2, 10_000])  # remembered cells cross batches
def test_a_bad_cell_is_named_as_the_reference_names_it(rows: list[list[str]], where: str,
                                                       size: int) -> None:
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "number"}]}
    with pytest.raises(LoadError) as reference:
        _reference(rows, schema)
    with pytest.raises(LoadError) as columnwise:
        _columnwise(rows, schema, size)
    assert str(columnwise.value) == str(reference.value)
    assert where in str(columnwise.value)


def _file_rows(path: Path, fmt: str) -> list[list[str]]:
    with open_rows(path, fmt, path.name) as opened:
        _header, data = headers.split(opened.rows, None)
        return [row for _number, row in data]


@pytest.mark.parametrize("name, fmt", [
    ("don-vi-hanh-chinh-cap-xa-2025.csv", "csv"),
    ("don-vi-hanh-chinh-cp1258.csv", "csv"),
    ("don-vi-hanh-chinh-tieu-de.csv", "csv"),
    ("don-vi-hanh-chinh-utf16.csv", "csv"),
    ("gso-dien-tich-dia-phuong-2011-2015.csv", "csv"),
    ("mof-quyettoan-2014-QT-2014-N-CKQT02-NN001.xlsx", "xlsx"),
])
def test_real_files_type_alike(name: str, fmt: str) -> None:
    path = REAL / name
    schema = schema_of(path, fmt)
    width = len(schema["fields"])
    rows = [(r + [""] * width)[:width] for r in _file_rows(path, fmt)]
    assert rows
    for size in (3, 10_000):
        got = _columnwise(rows, schema, size)
        assert all(_same(a, b) for a, b in zip(_reference(rows, schema), got, strict=True))


def _stored(store: Datastore, resource_id: str) -> list[list[Any]]:
    _columns, rows = iter_rows(store, resource_id)
    return [list(r) for r in rows]


def test_a_loaded_table_holds_the_reference_values_in_file_order(
        datastore_db: Datastore, tmp_path: Path) -> None:
    rows = _tricky_rows(2500, seed=8, distinct_numbers=True)
    # Integers past 64 bits fit neither database (a load error, before as now).
    rows = [r for r in rows if len(r[1]) < 30] + [["0", "5"]]  # a short row is padded
    path = tmp_path / "tricky.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([f["name"] for f in TRICKY_SCHEMA["fields"]])
        out.writerows(rows)
    load(datastore_db, "tricky", path, schema=TRICKY_SCHEMA)
    stored = _stored(datastore_db, "tricky")
    expected = _reference([(r + [""] * 16)[:16] for r in _file_rows(path, "csv")],
                          TRICKY_SCHEMA)
    assert [r[0] for r in stored] == list(range(1, len(expected) + 1))
    assert len(stored) == len(expected)
    for want, have in zip(expected, stored, strict=True):
        assert _same(want, have[1:]), (want, have)


def test_the_real_communes_file_loads_as_the_reference_types_it(
        datastore_db: Datastore) -> None:
    path = REAL / "don-vi-hanh-chinh-cap-xa-2025.csv"
    schema = schema_of(path, "csv")
    load(datastore_db, "communes", path, schema=schema)
    expected = _reference(_file_rows(path, "csv"), schema)
    assert [r[1:] for r in _stored(datastore_db, "communes")] == expected


def test_rows_typed_in_small_batches_are_told_every_ten_thousand(
        datastore_db: Datastore, tmp_path: Path) -> None:
    """Rows are typed a thousand at a time but committed (SQLite) and reported every
    10,000 and at the end; the row numbers run on across batches."""
    path = tmp_path / "many.csv"
    path.write_text("ma,so\n" + "".join(f"{n:06d},{n * 3}\n" for n in range(25_001)),
                    encoding="utf-8")
    told: list[int] = []
    schema = {"fields": [{"name": "ma", "type": "string"}, {"name": "so", "type": "integer"}]}
    info = load_table(datastore_db, "many", Source(path, "csv", path.name), schema,
                      sha256="1" * 64, version=1, now=LOADED_AT, progress=told.append)
    assert info.row_count == 25_001 and told == [10_000, 20_000, 25_001]
    stored = _stored(datastore_db, "many")
    assert stored[12_345] == [12_346, "012345", 37_035] and stored[-1][0] == 25_001

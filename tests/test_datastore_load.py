"""Loading real Vietnamese tables into the datastore and reading them back (issue 21 items 1
and 4's query interface), on SQLite and (``--db=postgres``) PostgreSQL."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED
from datastore_setup import LOADED_AT, load, schema_of

from catalogue.datastore.errors import LoadError, QueryError
from catalogue.datastore.loader import Source, load_table
from catalogue.datastore.query import column_summary, iter_rows, search_rows, view_from
from catalogue.datastore.store import Datastore, TableInfo

REAL = SHARED / "fixtures" / "real" / "vn"
COMMUNES = REAL / "don-vi-hanh-chinh-cap-xa-2025.csv"


def test_communes_load_typed_with_codes_as_text(datastore_db: Datastore) -> None:
    info = load(datastore_db, "communes", COMMUNES)
    assert info.row_count == 3321
    types = {c.id: c.type for c in info.columns}
    assert types["ma_xa"] == "text" and types["ngay_hieu_luc"] == "date"
    page = search_rows(datastore_db, "communes", limit=1)
    assert page.records == [{"_id": 1, "ma_xa": "00004", "ten_xa": "Phường Ba Đình",
                             "loai": "Phường", "ma_tinh": "01", "ten_tinh": "Thành phố Hà Nội",
                             "ngay_hieu_luc": "2025-07-01"}]
    assert page.total == 3321 and not page.total_was_estimated


def test_filters_sort_and_total_agree(datastore_db: Datastore) -> None:
    load(datastore_db, "communes", COMMUNES)
    view = view_from(filters={"ma_tinh": "01", "loai": ["Xã", "Đặc khu"]}, sort="ma_xa desc")
    page = search_rows(datastore_db, "communes", view, limit=5)
    assert all(r["ma_tinh"] == "01" and r["loai"] == "Xã" for r in page.records)
    assert [r["ma_xa"] for r in page.records] == sorted(
        (r["ma_xa"] for r in page.records), reverse=True)
    _, rows = iter_rows(datastore_db, "communes", view)
    assert page.total == len(list(rows))


def test_full_text_folds_diacritics_and_d(datastore_db: Datastore) -> None:
    load(datastore_db, "communes", COMMUNES)
    folded = search_rows(datastore_db, "communes", view_from(q="dat mui"))
    exact = search_rows(datastore_db, "communes", view_from(q="Đất Mũi"))
    assert folded.records == exact.records and folded.total == 1
    assert folded.records[0]["ma_xa"] == "32248"
    by_field = search_rows(datastore_db, "communes", view_from(q={"ten_tinh": "ca mau"}))
    assert by_field.total == search_rows(datastore_db, "communes",
                                         view_from(filters={"ten_tinh": "Tỉnh Cà Mau"})).total


def test_distinct_applies_before_paging(datastore_db: Datastore) -> None:
    load(datastore_db, "communes", COMMUNES)
    page = search_rows(datastore_db, "communes", view_from(fields=["loai"], distinct=True), limit=2)
    assert page.total == 3 and len(page.records) == 2
    assert [c.id for c in page.columns] == ["loai"]


def test_column_summary_counts_values_and_ranges(datastore_db: Datastore) -> None:
    load(datastore_db, "communes", COMMUNES)
    summary = column_summary(datastore_db, "communes", "loai")
    assert summary.complete and dict(summary.values) == {"Xã": 2611, "Phường": 697,
                                                         "Đặc khu": 13}
    many = column_summary(datastore_db, "communes", "_id", max_values=10)
    assert not many.complete and (many.minimum, many.maximum) == (1, 3321)


@pytest.mark.parametrize("name", ["don-vi-hanh-chinh-utf16.csv", "don-vi-hanh-chinh-cp1258.csv",
                                  "don-vi-hanh-chinh-tieu-de.csv"])
def test_encodings_and_title_rows_load_alike(datastore_db: Datastore, name: str) -> None:
    info = load(datastore_db, "provinces", REAL / name)
    assert info.row_count == 34
    names = {r["ten_tinh"] for r in search_rows(datastore_db, "provinces", limit=100).records
             if "ten_tinh" in r}
    hanoi = search_rows(datastore_db, "provinces", view_from(q="ha noi"))
    assert hanoi.total >= 1, names


def test_vietnamese_decimal_numbers_with_schema(datastore_db: Datastore, tmp_path: Path) -> None:
    path = tmp_path / "dien-tich.csv"
    path.write_text("ma;ten;dien_tich;ngay\n001;Xã A;1.234,5;31/12/2024\n"
                    "002;Xã B;12,25;01/01/2025\n003;Xã C;;\n", encoding="utf-8")
    schema = {"fields": [{"name": "ma", "type": "string"}, {"name": "ten", "type": "string"},
                         {"name": "dien_tich", "type": "number", "decimalChar": ",",
                          "groupChar": "."},
                         {"name": "ngay", "type": "date", "format": "%d/%m/%Y"}]}
    load(datastore_db, "areas", path, schema=schema)
    records = search_rows(datastore_db, "areas", view_from(sort="dien_tich desc")).records
    # Empty cells are the smallest value on both databases: last going down.
    assert [r["dien_tich"] for r in records] == [1234.5, 12.25, None]
    assert records[0]["ma"] == "001" and records[0]["ngay"] == "2024-12-31"
    typed = search_rows(datastore_db, "areas", view_from(filters={"ngay": "2025-01-01"}))
    assert [r["ma"] for r in typed.records] == ["002"]


def test_gzip_and_json_load(datastore_db: Datastore, tmp_path: Path) -> None:
    packed = tmp_path / "communes.csv.gz"
    packed.write_bytes(gzip.compress(COMMUNES.read_bytes()))
    assert load(datastore_db, "packed", packed, "csv", schema=schema_of(COMMUNES, "csv")
                ).row_count == 3321
    doc = tmp_path / "rows.json"
    doc.write_text(json.dumps([{"ma": "01", "so": 3, "ok": True}, {"ma": "02", "so": 5}]))
    schema = {"fields": [{"name": "ma", "type": "string"}, {"name": "so", "type": "integer"},
                         {"name": "ok", "type": "boolean"}]}
    load(datastore_db, "json", doc, "json", schema=schema)
    assert search_rows(datastore_db, "json").records == [
        {"_id": 1, "ma": "01", "so": 3, "ok": True}, {"_id": 2, "ma": "02", "so": 5, "ok": None}]


def test_xlsx_yearbook_loads(datastore_db: Datastore) -> None:
    path = REAL / "mof-quyettoan-2014-QT-2014-N-CKQT02-NN001.xlsx"
    outcome_schema = schema_of(path, "xlsx")
    info = load(datastore_db, "budget", path, "xlsx", schema=outcome_schema)
    assert info.row_count > 5


def test_a_bad_cell_fails_in_vietnamese_and_keeps_the_old_table(
        datastore_db: Datastore, tmp_path: Path) -> None:
    load(datastore_db, "communes", COMMUNES)
    bad = tmp_path / "bad.csv"
    bad.write_text("so\n1\nhai\n", encoding="utf-8")
    with pytest.raises(LoadError, match="Dòng 3, cột 'so'"):
        load(datastore_db, "communes", bad, schema={"fields": [{"name": "so", "type": "integer"}]})
    assert search_rows(datastore_db, "communes", limit=1).total == 3321


def test_a_new_file_swaps_the_table_and_keeps_the_old_one(datastore_db: Datastore,
                                                          tmp_path: Path) -> None:
    first = load(datastore_db, "communes", COMMUNES)
    newer = tmp_path / "newer.csv"
    newer.write_text("ma_xa,ten_xa\n00004,Phường Ba Đình\n", encoding="utf-8")
    schema = {"fields": [{"name": "ma_xa", "type": "string"},
                         {"name": "ten_xa", "type": "string"}]}
    second = load_table_again(datastore_db, newer, schema)
    assert second.table_name != first.table_name
    assert search_rows(datastore_db, "communes").total == 1
    assert search_rows(datastore_db, "communes", sha256=first.sha256).total == 3321
    assert len(datastore_db.history("communes")) == 2


def load_table_again(store: Datastore, path: Path, schema: dict[str, object]) -> TableInfo:
    return load_table(store, "communes", Source(path, "csv", path.name), schema,
                      sha256="f" * 64, version=2, now=LOADED_AT)


@pytest.mark.parametrize("view", [
    {"filters": {"no_such_field": "1"}},
    {"filters": {"_id": "một"}},
    {"sort": "ten_xa; DROP TABLE x"},
    {"fields": ["ten_xa", "ten_xa"]},
])
def test_views_this_table_cannot_answer_are_refused(datastore_db: Datastore,
                                                    view: dict[str, object]) -> None:
    load(datastore_db, "communes", COMMUNES)
    with pytest.raises(QueryError):
        search_rows(datastore_db, "communes", view_from(**view))  # type: ignore[arg-type]


def test_sorted_pages_match_the_file_whichever_plan(datastore_db: Datastore) -> None:
    """A broad filter sorted by an indexed column is read in index order on SQLite (the
    sort hint); the pages must be the file's rows in that order all the same."""
    import csv

    load(datastore_db, "communes", COMMUNES)
    with COMMUNES.open(encoding="utf-8") as fh:
        rows = [(number, row) for number, row in enumerate(csv.DictReader(fh), start=1)]
    wanted = sorted(((n, r) for n, r in rows if r["loai"] == "Xã"),
                    key=lambda item: (-int(item[1]["ma_tinh"]), item[0]))
    for offset in (0, 100, 2600):
        page = search_rows(datastore_db, "communes", view_from(
            filters={"loai": "Xã"}, sort="ma_tinh desc"), limit=5, offset=offset)
        assert [r["_id"] for r in page.records] == [n for n, _ in wanted[offset:offset + 5]]
        assert page.total == len(wanted)


@pytest.mark.parametrize("q", ["xa", "Phường", "dat mui", "ca*", "zzz không có",
                               {"ten_tinh": "ca mau"}, {"ten_xa": "phuong"}])
def test_full_text_totals_count_every_matching_row(datastore_db: Datastore, q: Any) -> None:
    """A total for ``q`` alone (counted from the full-text index on SQLite) is the number of
    rows the view streams, with filters or without."""
    load(datastore_db, "communes", COMMUNES)
    for view in (view_from(q=q, plain=False), view_from(q=q, plain=False,
                                                        filters={"loai": "Xã"})):
        page = search_rows(datastore_db, "communes", view, limit=5)
        _columns, rows = iter_rows(datastore_db, "communes", view)
        assert page.total == sum(1 for _ in rows)
    assert search_rows(datastore_db, "communes", view_from(q="xa")).total

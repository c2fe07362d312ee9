"""(facet, sort) indexes: a large table filtered on a column of few values and sorted by a
number or date reads its page in index order (issue 21 item 8), with the same rows as
without them, on SQLite and (``--db=postgres``) PostgreSQL."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path
from typing import Any

import pytest
from datastore_setup import LOADED_AT

from catalogue.datastore.loader import Source, load_table
from catalogue.datastore.query import _sort_index, search_rows, view_from
from catalogue.datastore.store import Datastore, TableInfo
from catalogue.datastore.writers import pair_index_name

SCHEMA: dict[str, Any] = {"fields": [
    {"name": "ma", "type": "string"}, {"name": "tinh", "type": "string"},
    {"name": "cap", "type": "string"}, {"name": "hoc_sinh", "type": "integer"},
    {"name": "ngay", "type": "date", "format": "%d/%m/%Y"}]}
PROVINCES = ["Hà Nội", "Huế", "Cà Mau", "Đà Nẵng", "Lào Cai"]


def _write(path: Path, rows: int) -> list[list[str]]:
    rng = random.Random(5)
    data = [[f"{n:05d}", rng.choice(PROVINCES), rng.choice(["Tiểu học", "THCS", "THPT"]),
             rng.choice(["", str(rng.randrange(40, 60))]),  # ties and blanks
             f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/2025"]
            for n in range(rows)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([f["name"] for f in SCHEMA["fields"]])
        out.writerows(data)
    return data


def _load(store: Datastore, resource_id: str, path: Path, pair_min_rows: int) -> TableInfo:
    return load_table(store, resource_id, Source(path, "csv", path.name), SCHEMA,
                      sha256="0" * 64, version=1, now=LOADED_AT, pair_min_rows=pair_min_rows)


def _indexes(store: Datastore, table: TableInfo) -> set[str]:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            rows = conn.execute(text(f"PRAGMA index_list(\"{table.table_name}\")"))
            return {str(r[1]) for r in rows}
        rows = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = :t"),
                            {"t": table.table_name})
        return {str(r[0]) for r in rows}


def test_large_tables_get_facet_sort_indexes(datastore_db: Datastore, tmp_path: Path) -> None:
    path = tmp_path / "truong.csv"
    _write(path, 1500)
    paired = _load(datastore_db, "paired", path, pair_min_rows=1000)
    plain = _load(datastore_db, "plain", path, pair_min_rows=100_000)
    name = paired.table_name
    # Facets (few values) tinh and cap, fewest first; sortables hoc_sinh then ngay.
    assert {pair_index_name(name, 2, 3), pair_index_name(name, 1, 3),
            pair_index_name(name, 2, 4), pair_index_name(name, 1, 4)} <= _indexes(
        datastore_db, paired)
    assert not any(re.fullmatch(r"r_[0-9a-f]+_c\d+_c\d+", i)
                   for i in _indexes(datastore_db, plain))


@pytest.mark.parametrize("sort", ["hoc_sinh desc", "hoc_sinh", "ngay desc"])
def test_pages_read_through_facet_indexes_match_the_file(datastore_db: Datastore,
                                                         tmp_path: Path, sort: str) -> None:
    path = tmp_path / "truong.csv"
    data = _write(path, 1500)
    paired = _load(datastore_db, "paired", path, pair_min_rows=1000)
    _load(datastore_db, "plain", path, pair_min_rows=100_000)
    field, _, direction = sort.partition(" ")
    position = [f["name"] for f in SCHEMA["fields"]].index(field)
    for province in PROVINCES[:3]:
        view = view_from(filters={"tinh": province}, sort=sort)
        if datastore_db.dialect == "sqlite":
            with datastore_db.reading() as conn:
                hint = _sort_index(datastore_db, conn, paired, view, 300, 50)
            assert hint == pair_index_name(paired.table_name, 1, position)

        def key(item: tuple[int, list[str]]) -> Any:
            cell = item[1][position]
            if field == "ngay":
                cell = "/".join(reversed(cell.split("/")))
            return (cell != "", int(cell) if field == "hoc_sinh" and cell else cell)

        matches = [(n, r) for n, r in enumerate(data, start=1) if r[1] == province]
        # Blanks smallest; a stable sort keeps ties in file order, going down too.
        ordered = sorted(matches, key=key, reverse=direction == "desc")
        for offset in (0, 40):
            pages = [search_rows(datastore_db, rid, view, limit=25, offset=offset)
                     for rid in ("paired", "plain")]
            assert pages[0].records == pages[1].records
            assert pages[0].total == pages[1].total == len(matches)
            assert [r["_id"] for r in pages[0].records] == [
                n for n, _ in ordered[offset:offset + 25]]



def test_sqlite_full_text_keeps_no_second_copy_of_the_text(datastore_db: Datastore,
                                                           tmp_path: Path) -> None:
    """The FTS5 index is contentless: it says which rows match, the table holds the text."""
    if datastore_db.dialect != "sqlite":
        pytest.skip("PostgreSQL keeps a tsvector column, not an FTS5 table")
    from sqlalchemy import text

    path = tmp_path / "truong.csv"
    _write(path, 50)
    table = _load(datastore_db, "small", path, pair_min_rows=100_000)
    with datastore_db.engine.connect() as conn:
        names = {str(r[0]) for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    assert f"{table.table_name}_fts" in names and f"{table.table_name}_fts_content" not in names
    found = search_rows(datastore_db, "small", view_from(q="ha noi"))
    assert found.total and all(r["tinh"] == "Hà Nội" for r in found.records)
    by_field = search_rows(datastore_db, "small", view_from(q={"tinh": "da nang"}))
    assert by_field.total and all(r["tinh"] == "Đà Nẵng" for r in by_field.records)


# -- two phases: the table answers before its column indexes exist (issue 21 item 8) --------

_VIEWS = [view_from(filters={"tinh": "Huế"}, sort="hoc_sinh desc"),
          view_from(filters={"cap": ["THCS", "THPT"]}, sort="ngay, ma"),
          view_from(q="ha noi"), view_from(q={"tinh": "đà nẵng"}, sort="hoc_sinh"),
          view_from(filters={"hoc_sinh": 45}), view_from(fields=["tinh"], distinct=True),
          view_from(sort="ngay desc")]


def _answers(store: Datastore, resource_id: str) -> list[Any]:
    from catalogue.datastore.query import column_summary

    pages = [search_rows(store, resource_id, view, limit=30, offset=offset)
             for view in _VIEWS for offset in (0, 60)]
    return ([(p.records, p.total) for p in pages]
            + [column_summary(store, resource_id, name, _VIEWS[0])
               for name in ("cap", "hoc_sinh", "ngay")])


def test_a_table_answers_before_its_indexes_exist_and_the_same_after(
        datastore_db: Datastore, tmp_path: Path) -> None:
    """The swap comes before the column and (facet, sort) indexes: a reader then gets the
    answers it gets once they are built, and the registry says the table is indexing."""
    path = tmp_path / "truong.csv"
    data = _write(path, 1500)
    seen: list[Any] = []

    def active(info: TableInfo) -> None:
        current = datastore_db.current("hai-pha")
        assert current is not None and current.table_name == info.table_name
        seen.append((current.indexing, _indexes(datastore_db, current), _answers(
            datastore_db, "hai-pha")))

    table = load_table(datastore_db, "hai-pha", Source(path, "csv", path.name), SCHEMA,
                       sha256="0" * 64, version=1, now=LOADED_AT, pair_min_rows=1000,
                       on_active=active)
    [(indexing, before, answers)] = seen
    assert indexing is True
    name = table.table_name
    assert not any(re.fullmatch(rf"{name}_c\d+(_c\d+)?", i) for i in before)
    current = datastore_db.current("hai-pha")
    assert current is not None and current.indexing is False and table.indexing is False
    assert pair_index_name(name, 1, 3) in _indexes(datastore_db, current)
    assert _answers(datastore_db, "hai-pha") == answers
    assert answers[0][1] == sum(1 for row in data if row[1] == "Huế")


def test_facets_that_lead_a_pair_index_get_no_index_of_their_own(
        datastore_db: Datastore, tmp_path: Path) -> None:
    """tinh and cap lead (facet, sort) indexes, which serve an equality filter on them as
    well: no one-column index is built for them (a load builds two indexes fewer); the
    sortable and other short columns keep theirs; the rows are those of a plain table."""
    path = tmp_path / "truong.csv"
    _write(path, 1500)
    paired = _load(datastore_db, "paired", path, pair_min_rows=1000)
    plain = _load(datastore_db, "plain", path, pair_min_rows=100_000)
    singles = {i for i in _indexes(datastore_db, paired) if re.fullmatch(r"r_[0-9a-f]+_c\d+", i)}
    name = paired.table_name
    assert singles == {f"{name}_c0", f"{name}_c3", f"{name}_c4"}
    assert {f"{plain.table_name}_c{i}" for i in range(5)} <= _indexes(datastore_db, plain)
    for view in (view_from(filters={"tinh": "Cà Mau"}), view_from(filters={"cap": "THPT"},
                                                                  sort="ma desc")):
        pages = [search_rows(datastore_db, rid, view, limit=40, offset=20)
                 for rid in ("paired", "plain")]
        assert pages[0].records == pages[1].records and pages[0].total == pages[1].total


def test_a_second_phase_cut_short_is_finished_by_the_next_run(datastore_db: Datastore,
                                                               tmp_path: Path) -> None:
    """A load whose process dies after the swap leaves its index plan in the registry: the
    table answers, says it is indexing, and the next queue run builds the indexes."""
    from catalogue.datastore.loader import finish_indexing

    path = tmp_path / "truong.csv"
    _write(path, 1500)

    class Died(Exception):
        pass

    def die(_info: TableInfo) -> None:
        raise Died

    with pytest.raises(Died):
        load_table(datastore_db, "cut", Source(path, "csv", path.name), SCHEMA,
                   sha256="0" * 64, version=1, now=LOADED_AT, pair_min_rows=1000,
                   on_active=die)
    table = datastore_db.current("cut")
    assert table is not None and table.indexing and table.row_count == 1500
    assert not any(i.startswith(f"{table.table_name}_c") for i in _indexes(datastore_db, table))
    answers = _answers(datastore_db, "cut")
    assert finish_indexing(datastore_db) == [table.table_name]
    after = datastore_db.current("cut")
    assert after is not None and not after.indexing
    assert pair_index_name(table.table_name, 1, 3) in _indexes(datastore_db, after)
    assert _answers(datastore_db, "cut") == answers and finish_indexing(datastore_db) == []


def test_columns_named_like_placeholders_are_indexed(datastore_db: Datastore,
                                                     tmp_path: Path) -> None:
    """Index statements run without placeholders: ``:`` and ``%`` in names are just names."""
    path = tmp_path / "odd.csv"
    path.write_text("ma:so,ty_le%,ten\n" + "".join(f"{n},{n % 7},Xã {n}\n" for n in range(40)),
                    encoding="utf-8")
    schema = {"fields": [{"name": "ma:so", "type": "integer"},
                         {"name": "ty_le%", "type": "integer"}, {"name": "ten", "type": "string"}]}
    table = load_table(datastore_db, "odd", Source(path, "csv", path.name), schema,
                       sha256="0" * 64, version=1, now=LOADED_AT)
    assert {f"{table.table_name}_c0", f"{table.table_name}_c1"} <= _indexes(datastore_db, table)
    page = search_rows(datastore_db, "odd", view_from(filters={"ma:so": 12}, sort="ty_le% desc"))
    assert page.total == 1 and page.records[0]["ten"] == "Xã 12"

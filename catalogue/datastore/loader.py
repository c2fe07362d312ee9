"""Load one stored file into a new datastore table, streaming, then swap it in (issue 21).

The file is read through the same bounded readers as previews and validation
(:func:`catalogue.files.rows.open_rows`: every encoding the harvesters read, XLSX/ODS/XLS,
``.gz``; JSON arrays of objects within the JSON limit), its header found the same way, and
each cell parsed by its Table Schema field (:mod:`catalogue.datastore.columns`), a batch of
rows at a time and column by column (:mod:`catalogue.datastore.batches`). Rows go to
the database in batches, so memory stays bounded whatever the file's size; the cell budget
(``datastore_max_cells``) and the unpacked-size limit stop a bomb. The new table becomes the
resource's only when complete (:meth:`Datastore.activate`, one transaction).

A file that cannot be loaded raises :class:`LoadError` with the reason in Vietnamese.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from catalogue.coordination.locks import LockBusy, exclusive
from catalogue.datastore.batches import ColumnTyper, typed_batches
from catalogue.datastore.columns import RESERVED, Column, columns_of
from catalogue.datastore.errors import LoadError
from catalogue.datastore.store import Datastore, TableInfo, quote
from catalogue.datastore.writers import PAIR_MIN_ROWS, build_indexes, writer_for
from catalogue.files import header as headers_
from catalogue.files.encoding import EncodingUnknown
from catalogue.files.limits import ReadLimits, TooLarge, check_json
from catalogue.files.rows import kind_of, open_rows

# Rows typed at a time: small enough that a batch's strings stay in the CPU's caches (a
# 10,000-row batch typed 40 % slower); the writers commit every COMMIT_ROWS.
BATCH = 1_000
log = logging.getLogger(__name__)
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Source:
    """The file to load and how to read it (what validation was told)."""

    path: Path
    format: str
    filename: str = ""
    sheet: str | None = None
    header_row: int | Sequence[int] | None = None


def _json_rows(path: Path, limits: ReadLimits) -> tuple[list[str], Iterator[list[str]]]:
    """A JSON array of objects as a header (keys in first-seen order) and rows of text."""
    try:
        check_json(path, limits)
        document = json.loads(path.read_bytes())
    except TooLarge:
        raise
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoadError(f"Tệp JSON không hợp lệ: {exc}") from None
    if not isinstance(document, list) or not all(isinstance(r, dict) for r in document):
        raise LoadError("Tệp JSON không phải một mảng các đối tượng (mỗi dòng một đối tượng)")
    names = list(dict.fromkeys(key for record in document for key in record))

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    return names, ([text(r.get(n)) for n in names] for r in document)


def _check_names(names: Sequence[str], dialect: str) -> None:
    seen: set[str] = set()
    for name in names:
        if not name or name in RESERVED or name.startswith("_"):
            raise LoadError(f"Tên cột {name!r} không dùng được trong kho dữ liệu "
                            "(trống hoặc bắt đầu bằng dấu gạch dưới)")
        if dialect == "postgresql" and len(name.encode()) > 63:
            raise LoadError(f"Tên cột {name!r} dài hơn 63 byte, PostgreSQL không giữ được")
        if name in seen:
            raise LoadError(f"Tên cột {name!r} bị trùng")
        seen.add(name)


def _read(source: Source, limits: ReadLimits,
          body: Callable[[list[str], Iterable[tuple[int, list[str]]]], TableInfo]) -> TableInfo:
    """Open the file, find its header and hand the rows to ``body``; errors in Vietnamese."""
    fmt = source.format.lower().lstrip(".")
    try:
        if fmt == "json":
            names, rows = _json_rows(source.path, limits)
            return body(names, ((n, r) for n, r in enumerate(rows, start=1)))
        if not kind_of(fmt, source.filename):
            raise LoadError(f"Định dạng {source.format or '(không rõ)'} không phải bảng dữ liệu")
        with open_rows(source.path, fmt, source.filename, limits, source.sheet) as opened:
            header, data = headers_.split(opened.rows, source.header_row)
            info = body(header.names, data)
            if opened.cells_exhausted:
                raise LoadError(f"Tệp có hơn {limits.max_cells:,} ô, vượt giới hạn của kho dữ "
                                "liệu (datastore_max_cells): chưa nạp")
            return info
    except TooLarge as exc:
        raise LoadError(f"Tệp vượt quá giới hạn dung lượng khi giải nén hoặc đọc: {exc.message}"
                        ) from None
    except EncodingUnknown as exc:
        raise LoadError(f"Không nhận ra bảng mã của tệp: {exc}") from None
    except (ValueError, KeyError, IndexError, zipfile.BadZipFile, csv.Error) as exc:
        raise LoadError(f"Không đọc được tệp như một bảng {fmt.upper()}: {exc}") from None


def load_table(store: Datastore, resource_id: str, source: Source, schema: Mapping[str, Any],
               *, sha256: str, version: int | None, now: datetime,
               limits: ReadLimits | None = None, progress: Progress | None = None,
               max_indexes: int = 32, pair_min_rows: int = PAIR_MIN_ROWS,
               on_active: Callable[[TableInfo], None] | None = None) -> TableInfo:
    """Load ``source`` into a new table typed by ``schema`` and make it the resource's.

    Two phases (issue 21 item 8: the column indexes were three quarters of a load's time,
    and a reader needs none of them to get exact answers):

    1. the rows and, on SQLite, the full-text index (``q`` has no other exact answer
       there); then the swap: the table is the resource's (``on_active`` is called with
       it, ``indexing`` true);
    2. the column and (facet, sort) indexes (and PostgreSQL's GIN index: its ``q`` reads
       the stored tsvector meanwhile), each committed as built; the registry then records
       the table as fully indexed.

    Returns the table's description once both are done. Raises LoadError (the reason, in
    Vietnamese) during phase 1 and leaves the resource's current table as it was.
    """
    fields = list(schema.get("fields") or [])
    if not fields:
        raise LoadError("Tài nguyên chưa có lược đồ bảng (Table Schema): chưa nạp được")
    limits = limits or ReadLimits()
    plans: list[list[str]] = []  # phase 1's index plan, for phase 2

    def body(names: list[str], data: Iterable[tuple[int, list[str]]]) -> TableInfo:
        if len(names) != len(fields):
            raise LoadError(f"Tệp có {len(names)} cột nhưng lược đồ có {len(fields)} trường")
        columns = columns_of(schema)
        _check_names([c.id for c in columns], store.dialect)
        typer = ColumnTyper(fields, schema)
        table_name = "r_" + uuid.uuid4().hex
        writer = writer_for(store, table_name, columns)
        try:
            count = writer.write(typed_batches(data, typer, BATCH, writer.keep), progress)
            writer.searchable()
            info = TableInfo(resource_id, table_name, sha256, version, tuple(columns), count,
                             now, indexing=True)
            plans.append(writer.index_plan(max_indexes, pair_min_rows))
            # Held from before the swap to the last index: finish_indexing never takes
            # over a second phase that is running.
            held.enter_context(exclusive(store.engine, _index_lock(table_name), wait=True))
            with store.engine.begin() as conn:
                store.register(conn, info, plans[0])
                store.activate(conn, resource_id, table_name)
        except BaseException:
            writer.drop()
            raise
        return info

    with ExitStack() as held:
        info = _read(source, limits, body)
        # The table is the resource's from here: never dropped, whatever happens below.
        if on_active is not None:
            on_active(info)
        _build(store, info.table_name, plans[0])
    return dataclasses.replace(info, indexing=False)


def _index_lock(table_name: str) -> str:
    return f"datastore-indexes-{table_name}"


def _build(store: Datastore, table_name: str, statements: Sequence[str]) -> None:
    """Phase 2. An index that fails to build costs speed, not answers: logged, and the
    table marked indexed all the same (a table stuck "indexing" would claim work nobody
    does). A process that dies mid-way leaves the plan for :func:`finish_indexing`."""
    try:
        build_indexes(store, table_name, statements)
    except Exception:  # noqa: BLE001  (the rows are in and answering; see above)
        log.exception("datastore: indexes of table %s not all built", table_name)
    store.indexed(table_name)


def finish_indexing(store: Datastore) -> list[str]:
    """Build the indexes of tables whose second phase was cut short (its process died):
    those no process is building now. Returns the tables finished."""
    finished = []
    for table_name, statements in store.index_plans().items():
        try:
            with exclusive(store.engine, _index_lock(table_name)):
                if table_name in store.index_plans():  # not finished meanwhile
                    _build(store, table_name, statements)
                    finished.append(table_name)
        except LockBusy:
            continue  # a load is building them now
    return finished


def drop_table(store: Datastore, table_name: str) -> None:
    """Remove a data table (and its full-text index) for good."""
    from sqlalchemy import text

    with store.engine.begin() as conn:
        conn.execute(store.indexing.delete().where(store.indexing.c.table_name == table_name))
        if store.dialect == "sqlite":
            conn.execute(text(f"DROP TABLE IF EXISTS {quote(table_name + '_fts')}"))
        conn.execute(text(f"DROP TABLE IF EXISTS {store.qualified(table_name)}"))


__all__ = ["Column", "Source", "drop_table", "finish_indexing", "load_table"]

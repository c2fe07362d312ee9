"""A view's rows as a file, produced piece by piece: CSV, TSV, JSON or XLSX (issue 21).

Each writer takes the columns and the row iterator of :func:`query.iter_rows` and yields
bytes as it goes, so a million-row dump holds one batch in memory, never the table. XLSX is
a zip and cannot be sent before it is finished: it is written by openpyxl's write-only
workbook (rows go straight to a temporary file) and that file is then sent in chunks.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from catalogue.datastore.columns import Column

FORMATS = {"csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
           "json": "application/json", "xlsx":
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
CHUNK_ROWS = 1000
CHUNK_BYTES = 1 << 16
XLSX_MAX_ROWS = 1_048_575  # a sheet's rows, less the header


def _delimited(columns: Sequence[Column], rows: Iterable[list[Any]], delimiter: str,
               bom: bool) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([c.id for c in columns])
    first = out.getvalue().encode("utf-8")
    yield (b"\xef\xbb\xbf" + first) if bom else first
    out.seek(0)
    out.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else ("true" if v is True else "false" if v is False
                                               else v) for v in row])
        if count % CHUNK_ROWS == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue().encode("utf-8")


def _json(columns: Sequence[Column], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """``{"fields": [...], "records": [[...], ...]}`` as CKAN's dump writes JSON."""
    head = json.dumps([c.as_field() for c in columns], ensure_ascii=False)
    yield f'{{"fields": {head}, "records": ['.encode()
    parts: list[str] = []
    for count, row in enumerate(rows):
        parts.append(("," if count else "") + json.dumps(row, ensure_ascii=False))
        if len(parts) >= CHUNK_ROWS:
            yield "\n".join(parts).encode()
            parts = []
    if parts:
        yield "\n".join(parts).encode()
    yield b"]}\n"


def _xlsx(columns: Sequence[Column], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    from openpyxl import Workbook

    with tempfile.TemporaryFile() as spool:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("data")
        sheet.append([c.id for c in columns])
        for count, row in enumerate(rows):
            if count >= XLSX_MAX_ROWS:
                break  # a sheet holds no more; CSV has every row
            sheet.append(row)
        book.save(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


def dump(fmt: str, columns: Sequence[Column], rows: Iterable[list[Any]], *,
         bom: bool = False) -> Iterator[bytes]:
    """The bytes of a dump in ``fmt`` (``csv``, ``tsv``, ``json``, ``xlsx``)."""
    if fmt == "csv":
        return _delimited(columns, rows, ",", bom)
    if fmt == "tsv":
        return _delimited(columns, rows, "\t", bom)
    if fmt == "json":
        return _json(columns, rows)
    if fmt == "xlsx":
        return _xlsx(columns, rows)
    raise ValueError(f"unknown dump format {fmt!r}")

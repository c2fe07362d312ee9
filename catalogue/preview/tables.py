"""Tabular resources (CSV, TSV, XLSX, XLS, gzipped CSV) for previews and conversions.

The rows come from :func:`catalogue.files.rows.open_rows`, which bounds what a file may cost
(decompression bombs, issue 15) and detects encodings (UTF-16, Windows-1258, TCVN3) and
delimiters; the header, wherever it is, from :mod:`catalogue.files.header` (issue 16).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from catalogue.files import header as headers_
from catalogue.files.limits import ReadLimits, TooLarge
from catalogue.files.preview_cache import PreviewCache
from catalogue.files.rows import is_tabular, kind_of, open_rows
from catalogue.files.store import FileStore
from catalogue.preview.fields import fields_by_column, typed_value

__all__ = ["UNREADABLE", "Preview", "Table", "TooLarge", "cached_preview", "is_tabular",
           "iter_rows", "read_table", "sort_rows", "to_csv", "to_json"]

# What a damaged or mislabelled file raises while being read (a zip that is not a workbook,
# XML that is not XML, an encoding we do not know, a sheet that is not there…).
UNREADABLE = (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile, csv.Error,
              ParseError)
# The preview reads at most this many rows, however long the file (pages and sorting act on them).
PREVIEW_MAX_ROWS = 1000
# …and at most this many cells: 1,000 rows of a 16,384-column sheet would be 16 million.
PREVIEW_MAX_CELLS = 200_000
# Part of every cached preview's name: raise it when reading changes what a preview shows.
READER_VERSION = 2


@dataclass
class Table:
    """Header and the first rows of a table, as strings."""

    headers: list[str]
    rows: list[list[str]]
    truncated: bool = False  # more rows exist than were read
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)  # 1-based rows the header came from

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        return cls(**data)


def read_table(path: Path, fmt: str, filename: str = "", max_rows: int = PREVIEW_MAX_ROWS,
               *, limits: ReadLimits | None = None, header_row: int | Sequence[int] | None = None,
               sheet: str | None = None) -> Table:
    """The header and the first ``max_rows`` rows; blank lines skipped, ragged rows padded.

    Raises TooLarge for a file past ``limits`` and one of :data:`UNREADABLE` for a file that
    cannot be read as a table.
    """
    limits = limits or ReadLimits()
    budget = min(limits.max_cells, PREVIEW_MAX_CELLS)
    with open_rows(path, fmt, filename, ReadLimits(limits.max_unpacked_bytes, budget),
                   sheet) as source:
        header, data = headers_.split(source.rows, header_row)
        rows: list[list[str]] = []
        truncated = False
        for _number, row in data:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append(row)
        truncated = truncated or source.cells_exhausted
        names = list(header.names)
        width = max([len(names)] + [len(r) for r in rows])
        names += [f"column_{i + 1}" for i in range(len(names), width)]
        rows = [r + [""] * (width - len(r)) for r in rows]
        notes = list(source.notes)
        if source.cells_exhausted:
            notes.append(f"stopped after {budget:,} cells")
        return Table(headers=names, rows=rows, truncated=truncated, encoding=source.encoding,
                     delimiter=source.delimiter, notes=notes, header_rows=header.rows)


@dataclass
class Preview:
    """A table preview, or why there is none: too large (past the limits) or unreadable."""

    table: Table | None = None
    too_large: str = ""
    unreadable: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table.to_dict() if self.table else None,
                "too_large": self.too_large, "unreadable": self.unreadable}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preview:
        table = data.get("table")
        return cls(Table.from_dict(table) if isinstance(table, dict) else None,
                   str(data.get("too_large") or ""), str(data.get("unreadable") or ""))


def cached_preview(files: FileStore, sha256: str, fmt: str, filename: str = "",
                   *, limits: ReadLimits | None = None,
                   header_row: int | Sequence[int] | None = None) -> Preview:
    """The preview of a stored file: read from the store's preview cache, or computed once
    (from a local copy of the file when the store is remote) and cached there.

    "Too large" and "unreadable" are results too, so a decompression bomb is refused once,
    not at every view. A file missing from the store (OSError) is not cached.
    """
    limits = limits or ReadLimits()
    cache = PreviewCache.beside(files)
    variant = cache.variant(READER_VERSION, kind_of(fmt, filename), limits.max_unpacked_bytes,
                            limits.max_cells, header_row, PREVIEW_MAX_ROWS, PREVIEW_MAX_CELLS)
    stored = cache.get(sha256, variant)
    if stored is not None:
        return Preview.from_dict(stored)
    with files.local_copy(sha256) as path:  # raises OSError when missing: not cached
        try:
            preview = Preview(read_table(path, fmt, filename, limits=limits,
                                         header_row=header_row))
        except TooLarge as exc:
            preview = Preview(too_large=exc.message)
        except OSError:
            raise
        except UNREADABLE as exc:
            preview = Preview(unreadable=f"{type(exc).__name__}: {exc}"[:500])
    cache.put(sha256, variant, preview.to_dict())
    return preview


def iter_rows(path: Path, fmt: str, filename: str = "", *, limits: ReadLimits | None = None,
              header_row: int | Sequence[int] | None = None) -> Iterator[list[str]]:
    """The header, then every data row (within ``limits``), as lists of strings."""
    with open_rows(path, fmt, filename, limits) as source:
        header, data = headers_.split(source.rows, header_row)
        yield header.names
        for _number, row in data:
            yield row


def sort_rows(table: Table, column: int, descending: bool = False) -> list[list[str]]:
    """The table's rows ordered by one column: numerically when every value is a number."""
    from catalogue.preview.series import parse_number

    values = [parse_number(r[column]) for r in table.rows if r[column].strip()]
    if values and all(v is not None for v in values):
        def key(row: list[str]) -> tuple[int, float | str]:
            number = parse_number(row[column])
            return (0, number) if number is not None else (1, "")
    else:
        def key(row: list[str]) -> tuple[int, float | str]:
            return (0 if row[column].strip() else 1, row[column].casefold())
    ordered = sorted(table.rows, key=key, reverse=descending)
    if descending:  # keep blanks last either way
        ordered = [r for r in ordered if r[column].strip()] + [
            r for r in ordered if not r[column].strip()]
    return ordered


def to_csv(rows: Iterator[list[str]]) -> Iterator[str]:
    """UTF-8 CSV text, one chunk per row (streamed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def to_json(rows: Iterator[list[str]],
            fields: Sequence[Mapping[str, Any]] = ()) -> Iterator[str]:
    """A JSON array of objects keyed by the header, streamed row by row.

    With the resource's Table Schema ``fields``, each cell is its field's JSON value
    (numbers as numbers, missing values as null); without, text as in the file.
    """
    headers: list[str] | None = None
    described: list[Mapping[str, Any] | None] = []
    first = True
    yield "["
    for row in rows:
        if headers is None:
            if not any(c.strip() for c in row):
                continue
            headers = [c.strip() or f"column_{i + 1}" for i, c in enumerate(row)]
            described = fields_by_column(headers, fields)
            continue
        if not any(c.strip() for c in row):
            continue
        keys = headers + [f"column_{i + 1}" for i in range(len(headers), len(row))]
        cells = row + [""] * (len(keys) - len(row))
        record = {key: typed_value(cell, described[i] if i < len(described) else None)
                  for i, (key, cell) in enumerate(zip(keys, cells, strict=True))}
        yield ("" if first else ",") + "\n" + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]\n"

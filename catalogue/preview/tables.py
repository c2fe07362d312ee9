"""Reading tabular resources (CSV, XLSX): the first rows for previews, all rows for conversions.

Vietnamese agencies still publish CSV in Windows-1258 or with a BOM, separated by commas
or semicolons (Excel with a Vietnamese locale writes ``;``), so encoding and delimiter are
detected rather than assumed.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

TABULAR_FORMATS = frozenset({"CSV", "TSV", "XLSX"})
# What a damaged or mislabelled file raises while being read (a zip that is not a workbook, …).
UNREADABLE = (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile, csv.Error)
SNIFF_BYTES = 64 * 1024
# The preview reads at most this many rows, however long the file (pages and sorting act on them).
PREVIEW_MAX_ROWS = 1000


@dataclass
class Table:
    """Header and the first rows of a table, as strings."""

    headers: list[str]
    rows: list[list[str]]
    truncated: bool = False  # more rows exist than were read
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)


def is_tabular(fmt: str, filename: str = "") -> bool:
    """Whether a resource of this format (or file name) can be previewed as a table."""
    ext = filename.rsplit(".", 1)[-1].upper() if "." in filename else ""
    return fmt.upper() in TABULAR_FORMATS or ext in TABULAR_FORMATS


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig, utf-8, then Windows-1258 (legacy Vietnamese), then latin-1 which never fails."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp1258"):
        try:
            sample.decode(encoding)
            return encoding
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is not an error.
            if encoding == "utf-8" and exc.start >= len(sample) - 3:
                return encoding
    return "latin-1"


def detect_delimiter(text: str) -> str:
    """The likeliest of , ; tab | in the first lines."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1
    for candidate in (",", ";", "\t", "|"):
        counts = [line.count(candidate) for line in lines]
        # Consistent across lines beats frequent on one line.
        score = min(counts) * 10 + sum(counts) if min(counts) > 0 else 0
        if score > best_score:
            best, best_score = candidate, score
    return best


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else (
            value.isoformat(sep=" "))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(path: Path) -> tuple[Iterator[list[str]], str, str]:
    with path.open("rb") as fh:
        sample = fh.read(SNIFF_BYTES)
    encoding = detect_encoding(sample)
    delimiter = detect_delimiter(sample.decode(encoding, errors="replace"))

    def rows() -> Iterator[list[str]]:
        with path.open("r", encoding=encoding, errors="replace", newline="") as fh:
            yield from csv.reader(fh, delimiter=delimiter)

    return rows(), encoding, delimiter


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    import openpyxl

    # A file object: openpyxl refuses paths without an .xlsx extension (the store's have none).
    with path.open("rb") as fh:
        book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            for row in sheet.iter_rows(values_only=True):
                cells = [_cell(v) for v in row]
                while cells and cells[-1] == "":
                    cells.pop()
                yield cells
        finally:
            book.close()


def iter_rows(path: Path, fmt: str, filename: str = "") -> Iterator[list[str]]:
    """Every row of the file, header first, as lists of strings."""
    kind = fmt.upper() or filename.rsplit(".", 1)[-1].upper()
    if kind == "XLSX" or filename.lower().endswith(".xlsx"):
        yield from _xlsx_rows(path)
    else:
        rows, _, _ = _csv_rows(path)
        yield from rows


def read_table(path: Path, fmt: str, filename: str = "",
               max_rows: int = PREVIEW_MAX_ROWS) -> Table:
    """The header and the first ``max_rows`` rows; blank lines skipped, ragged rows padded."""
    kind = fmt.upper() or filename.rsplit(".", 1)[-1].upper()
    encoding = delimiter = ""
    if kind == "XLSX" or filename.lower().endswith(".xlsx"):
        source: Iterator[list[str]] = _xlsx_rows(path)
    else:
        source, encoding, delimiter = _csv_rows(path)
    headers: list[str] | None = None
    rows: list[list[str]] = []
    truncated = False
    for row in source:
        if not any(cell.strip() for cell in row):
            continue
        if headers is None:
            headers = [cell.strip() for cell in row]
            continue
        if len(rows) >= max_rows:
            truncated = True
            break
        rows.append(row)
    headers = headers or []
    width = max([len(headers)] + [len(r) for r in rows]) if rows or headers else 0
    headers += [f"column_{i + 1}" for i in range(len(headers), width)]
    rows = [r + [""] * (width - len(r)) for r in rows]
    if hasattr(source, "close"):
        source.close()
    return Table(headers=headers, rows=rows, truncated=truncated, encoding=encoding,
                 delimiter=delimiter)


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


def to_json(rows: Iterator[list[str]]) -> Iterator[str]:
    """A JSON array of objects keyed by the header, streamed row by row."""
    headers: list[str] | None = None
    first = True
    yield "["
    for row in rows:
        if headers is None:
            if not any(c.strip() for c in row):
                continue
            headers = [c.strip() or f"column_{i + 1}" for i, c in enumerate(row)]
            continue
        if not any(c.strip() for c in row):
            continue
        keys = headers + [f"column_{i + 1}" for i in range(len(headers), len(row))]
        record = dict(zip(keys, row + [""] * (len(keys) - len(row)), strict=True))
        yield ("" if first else ",") + "\n" + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]\n"

"""A streaming XLSX reader with a cell budget: rows as strings, memory bounded per row.

openpyxl's read-only mode streams rows too, but builds a whole ``<row>`` (a bomb puts millions
of cells in one), pads every row to the width the sheet *declares* (``A1:XFD1048576`` makes
each row 16,384 cells) and yields a million empty rows for a jump in row numbers; that is how a
1 MB workbook took a worker to 2.3 GB (issue 15). This reader parses the sheet XML itself with
defusedxml (no entity expansion), counts every cell it materialises against
``ReadLimits.max_cells`` and drops each cell once read. Shared strings and number formats
(dates) are read the same bounded way; openpyxl only supplies its date-format knowledge.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Generator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from defusedxml.ElementTree import iterparse

from catalogue.files.limits import ReadLimits, TooLarge, check_zip

MAX_COLUMNS = 16_384  # Excel's own limit (XFD); a reference past it is not a worksheet


class CellBudget:
    """Cells left to read; ``exhausted`` says the reader stopped because of it."""

    def __init__(self, cells: int) -> None:
        self.left = cells
        self.exhausted = False

    def take(self, cells: int) -> bool:
        """Spend ``cells``; False (and exhausted) once the budget runs out."""
        self.left -= cells
        if self.left < 0:
            self.exhausted = True
        return not self.exhausted


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(elem: Any, name: str) -> str | None:
    value = elem.get(name)
    if value is not None:
        return str(value)
    for key, val in elem.attrib.items():  # r:id and other namespaced attributes
        if _local(key) == name:
            return str(val)
    return None


def _text_of(elem: Any) -> str:
    """Text of an ``<si>``/``<is>``: every ``<t>`` outside phonetic runs (``<rPh>``)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = _local(child.tag)
            if tag == "t":
                parts.append(child.text or "")
            elif tag != "rPh":
                walk(child)

    walk(elem)
    return "".join(parts)


def _column(ref: str) -> int:
    """1-based column of a reference such as ``AB12``; 0 when absent or malformed."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


def excel_number(text: str) -> str:
    """A number as Excel shows it: 15 significant digits, integers without ``.0``."""
    try:
        value = float(text)
    except ValueError:
        return text
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _excel_date(text: str) -> str:
    """A serial date (1900 system) as ISO date or date-time."""
    try:
        serial = float(text)
    except ValueError:
        return text
    if not 0 <= serial < 2_958_466:  # beyond 9999-12-31
        return excel_number(text)
    if serial < 1:
        moment = datetime.combine(datetime(1899, 12, 30).date(), time()) + timedelta(days=serial)
        return moment.time().isoformat()
    # Excel counts the non-existent 29 February 1900; serials after it are one day ahead.
    base = datetime(1899, 12, 30) if serial >= 61 else datetime(1899, 12, 31)
    moment = base + timedelta(days=serial)
    moment = moment.replace(microsecond=0) if moment.microsecond < 500_000 else (
        moment + timedelta(microseconds=1_000_000 - moment.microsecond))
    if moment.time() == time():
        return moment.date().isoformat()
    return moment.isoformat(sep=" ")


class Workbook:
    """An XLSX file opened for bounded reading (the container is checked on opening)."""

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        check_zip(path, limits)
        self.limits = limits
        self.archive = zipfile.ZipFile(path)
        self.names = set(self.archive.namelist())
        self.sheets = self._sheets()
        self._strings: list[str] | None = None
        self._date_styles: set[int] | None = None

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self, name: str) -> IO[bytes]:
        return self.archive.open(name)

    def _sheets(self) -> list[tuple[str, str]]:
        """(name, member path) of each worksheet in workbook order."""
        book = "xl/workbook.xml"
        rels = "xl/_rels/workbook.xml.rels"
        found: list[tuple[str, str]] = []
        if book in self.names and rels in self.names:
            targets: dict[str, str] = {}
            for _event, elem in iterparse(self._open(rels)):
                if _local(elem.tag) == "Relationship":
                    target = elem.get("Target") or ""
                    full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                        posixpath.join("xl", target))
                    targets[elem.get("Id") or ""] = full
            for _event, elem in iterparse(self._open(book)):
                if _local(elem.tag) == "sheet":
                    target = targets.get(_attr(elem, "id") or "", "")
                    if target in self.names:
                        found.append((elem.get("name") or "", target))
        if not found:  # a bare zip of sheets: take them in name order
            found = [(posixpath.basename(n).rsplit(".", 1)[0], n) for n in sorted(self.names)
                     if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        return found

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            strings: list[str] = []
            name = "xl/sharedStrings.xml"
            if name in self.names:
                context = iterparse(self._open(name), events=("start", "end"))
                root = None
                for event, elem in context:
                    if root is None:
                        root = elem
                    if event == "end" and _local(elem.tag) == "si":
                        strings.append(_text_of(elem))
                        root.clear()
                        if len(strings) > self.limits.max_cells:
                            raise TooLarge(f"more than {self.limits.max_cells:,} shared strings "
                                           f"(file_max_cells)")
            self._strings = strings
        return self._strings

    def _dates(self) -> set[int]:
        """Indexes of the cell styles that format numbers as dates."""
        if self._date_styles is None:
            from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

            formats = {k: v for k, v in BUILTIN_FORMATS.items()}
            styles: set[int] = set()
            name = "xl/styles.xml"
            if name in self.names:
                in_xfs = False
                index = 0
                for event, elem in iterparse(self._open(name), events=("start", "end")):
                    tag = _local(elem.tag)
                    if event == "start" and tag == "cellXfs":
                        in_xfs = True
                    elif event == "end" and tag == "cellXfs":
                        in_xfs = False
                    elif event == "end" and tag == "numFmt":
                        try:
                            formats[int(elem.get("numFmtId") or -1)] = elem.get("formatCode") or ""
                        except ValueError:
                            pass
                    elif event == "start" and tag == "xf" and in_xfs:
                        try:
                            fmt = formats.get(int(elem.get("numFmtId") or 0), "")
                        except ValueError:
                            fmt = ""
                        if fmt and is_date_format(fmt):
                            styles.add(index)
                        index += 1
            self._date_styles = styles
        return self._date_styles

    def sheet_names(self) -> list[str]:
        return [name for name, _ in self.sheets]

    def rows(self, budget: CellBudget, sheet: str | None = None
             ) -> Generator[list[str], None, None]:
        """The rows of one sheet (the first by default) as strings, trailing blanks dropped.

        Rows missing from the XML (blank in Excel) come as empty lists, so positions are the
        sheet's row numbers; each costs a cell, so a jump to row 1,048,576 ends the budget
        rather than the server. Stops when ``budget`` runs out. Raises KeyError for an
        unknown sheet name.
        """
        if not self.sheets:
            return
        member = dict(self.sheets)[sheet] if sheet else self.sheets[0][1]
        strings = self._shared_strings()
        dates = self._dates()
        with self._open(member) as source:
            context = iterparse(source, events=("start", "end"))
            root = rows_parent = row_elem = None
            cells: dict[int, str] = {}
            next_column = next_row = 1
            for event, elem in context:
                tag = _local(elem.tag)
                if root is None:
                    root = elem
                if event == "start":
                    if tag == "row":
                        row_elem, cells, next_column = elem, {}, 1
                        try:
                            number = int(elem.get("r") or next_row)
                        except ValueError:
                            number = next_row
                        for _gap in range(next_row, number):
                            if not budget.take(1):
                                return
                            yield []
                        next_row = max(number, next_row) + 1
                    elif tag == "sheetData":
                        rows_parent = elem
                    continue
                if tag == "c":
                    column = _column(elem.get("r") or "") or next_column
                    if column > MAX_COLUMNS:
                        raise TooLarge(f"a cell past column {MAX_COLUMNS:,}: not a worksheet")
                    next_column = column + 1
                    value = self._value(elem, strings, dates)
                    if value != "":
                        cells[column] = value
                    if row_elem is not None:
                        row_elem.clear()  # the cell is read: let it go
                elif tag == "row":
                    width = max(cells) if cells else 0
                    if not budget.take(max(width, 1)):
                        return
                    yield [cells.get(i, "") for i in range(1, width + 1)]
                    # Drop the rows read so far; the parser keeps appending to this parent.
                    (rows_parent if rows_parent is not None else root).clear()
                    row_elem = None

    def _value(self, cell: Any, strings: list[str], dates: set[int]) -> str:
        kind = cell.get("t") or "n"
        if kind == "inlineStr":
            inline = next((c for c in cell if _local(c.tag) == "is"), None)
            return _text_of(inline) if inline is not None else ""
        raw = next((c.text or "" for c in cell if _local(c.tag) == "v"), "")
        if kind == "s":
            try:
                return strings[int(raw)]
            except (ValueError, IndexError):
                return ""
        if kind in ("str", "e", "d"):
            return raw
        if kind == "b":
            return "True" if raw == "1" else "False" if raw == "0" else raw
        if not raw:
            return ""
        try:
            style = int(cell.get("s") or 0)
        except ValueError:
            style = 0
        return _excel_date(raw) if style in dates else excel_number(raw)

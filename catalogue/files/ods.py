"""OpenDocument spreadsheets (ODS) read as a stream, within the same cell budget as XLSX.

ODS compresses repetition twice: deflate, and ``table:number-rows-repeated`` /
``table:number-columns-repeated``, with which ten bytes of XML stand for a million cells.
LibreOffice itself ends every sheet with such runs of empty cells and rows, so blank runs are
only counted (and produced) when something follows them; a repeated *filled* cell or row costs
every cell it stands for, and the budget ends it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Generator
from pathlib import Path
from typing import Any

from defusedxml.ElementTree import iterparse

from catalogue.files.limits import ReadLimits, check_zip
from catalogue.files.xlsx import MAX_COLUMNS, CellBudget, excel_number

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
MAX_ROWS = 1_048_576


def _repeat(elem: Any, name: str, limit: int) -> int:
    try:
        return max(1, min(int(elem.get(f"{{{TABLE}}}{name}") or 1), limit))
    except ValueError:
        return 1


def _inline(node: Any, parts: list[str]) -> None:
    """Text of a paragraph's inline content (``text:s`` spaces, tabs, line breaks kept)."""
    if node.text:
        parts.append(node.text)
    for child in node:
        if child.tag == f"{{{TEXT}}}s":
            parts.append(" " * _repeat_text(child))
        elif child.tag == f"{{{TEXT}}}tab":
            parts.append("\t")
        elif child.tag == f"{{{TEXT}}}line-break":
            parts.append("\n")
        else:
            _inline(child, parts)
        if child.tail:
            parts.append(child.tail)


def _text(cell: Any) -> str:
    """The cell's paragraphs, joined by newlines."""
    lines = []
    for para in cell:
        if para.tag == f"{{{TEXT}}}p":
            parts: list[str] = []
            _inline(para, parts)
            lines.append("".join(parts))
    return "\n".join(lines)


def _repeat_text(elem: Any) -> int:
    try:
        return max(1, min(int(elem.get(f"{{{TEXT}}}c") or 1), 1000))
    except ValueError:
        return 1


def _value(cell: Any) -> str:
    kind = cell.get(f"{{{OFFICE}}}value-type")
    if kind in ("float", "percentage", "currency"):
        return excel_number(cell.get(f"{{{OFFICE}}}value") or "")
    if kind == "date":
        value = cell.get(f"{{{OFFICE}}}date-value") or ""
        return value[:10] if value.endswith("T00:00:00") else value.replace("T", " ")
    if kind == "boolean":
        return "True" if cell.get(f"{{{OFFICE}}}boolean-value") == "true" else "False"
    return _text(cell)


class OdsWorkbook:
    """An ODS file opened for bounded reading (the container is checked on opening)."""

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        check_zip(path, limits)
        self.archive = zipfile.ZipFile(path)
        if "content.xml" not in self.archive.namelist():
            self.archive.close()
            raise ValueError("not an OpenDocument spreadsheet (no content.xml)")
        self._names: list[str] | None = None

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> OdsWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sheet_names(self) -> list[str]:
        """Names of the sheets (reads the XML up to each sheet's start, not its cells)."""
        if self._names is None:
            names = []
            with self.archive.open("content.xml") as source:
                for event, elem in iterparse(source, events=("start",)):
                    if event == "start" and elem.tag == f"{{{TABLE}}}table":
                        names.append(elem.get(f"{{{TABLE}}}name") or "")
            self._names = names
        return self._names

    def rows(self, budget: CellBudget, sheet: str | None = None
             ) -> Generator[list[str], None, None]:
        """The rows of one sheet (the first by default), trailing blanks dropped.

        Raises KeyError for an unknown sheet name.
        """
        table, row_tag = f"{{{TABLE}}}table", f"{{{TABLE}}}table-row"
        cell_tags = (f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell")
        with self.archive.open("content.xml") as source:
            stack: list[Any] = []
            inside = found = False
            blank_rows = repeat_rows = blank_cells = 0
            cells: list[str] = []
            for event, elem in iterparse(source, events=("start", "end")):
                tag = elem.tag
                if event == "start":
                    stack.append(elem)
                    if tag == table:
                        inside = sheet is None or elem.get(f"{{{TABLE}}}name") == sheet
                        found = found or inside
                    elif tag == row_tag:
                        # Attributes now: the row is cleared cell by cell below.
                        repeat_rows = _repeat(elem, "number-rows-repeated", MAX_ROWS)
                        cells, blank_cells = [], 0
                    continue
                stack.pop()
                parent = stack[-1] if stack else None
                if tag == table and inside:
                    return
                if not inside:
                    if tag == row_tag and parent is not None:
                        parent.clear()  # another sheet's row: drop it
                    continue
                if tag in cell_tags:
                    value = _value(elem)
                    times = _repeat(elem, "number-columns-repeated", MAX_COLUMNS)
                    if value == "":
                        blank_cells += times
                    else:
                        times = max(0, min(times, MAX_COLUMNS - len(cells) - blank_cells))
                        cells += [""] * blank_cells + [value] * times
                        blank_cells = 0
                    if parent is not None:
                        parent.clear()  # the cell is read: let it go
                elif tag == row_tag:
                    if not cells:
                        blank_rows += repeat_rows
                    else:
                        for _ in range(min(blank_rows, MAX_ROWS)):
                            if not budget.take(1):
                                return
                            yield []
                        blank_rows = 0
                        for _ in range(repeat_rows):
                            if not budget.take(len(cells)):
                                return
                            yield list(cells)
                    if parent is not None:
                        parent.clear()
            if sheet is not None and not found:
                raise KeyError(sheet)

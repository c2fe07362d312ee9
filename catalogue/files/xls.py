"""Excel 97-2003 (XLS, BIFF8) files read with xlrd, TCVN3 text turned into Unicode.

Many Vietnamese statistics (the GSO yearbooks, the Ministry of Finance's accounts) are still
XLS. Their text is either Unicode or TCVN3 bytes stored as Latin-1 characters and drawn by
the ``.Vn*`` fonts; which one is decided over the workbook's text (:mod:`tcvn3`), and only
then does a ``.Vn…H`` font (the upper-case variant) make a cell upper case.

An XLS file is not compressed, so its size is what xlrd holds in memory: it counts against
``file_max_unpacked_mb`` like an XLSX's unzipped content, and its cells against the budget.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

from catalogue.files import tcvn3
from catalogue.files.limits import ReadLimits, TooLarge
from catalogue.files.xlsx import CellBudget, excel_number

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_xls(path: Path) -> bool:
    """Whether the file is an OLE2 compound document (what XLS files are)."""
    with path.open("rb") as fh:
        return fh.read(8) == OLE2_MAGIC


class XlsWorkbook:
    """An XLS file, opened whole (after its size is checked)."""

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        import xlrd

        size = path.stat().st_size
        if size > limits.max_unpacked_bytes:
            raise TooLarge(f"an XLS file of {size:,} bytes is more than the limit of "
                           f"{limits.max_unpacked_bytes:,} (file_max_unpacked_mb)")
        try:
            self.book = xlrd.open_workbook(str(path), formatting_info=True)
        except xlrd.XLRDError as exc:
            raise ValueError(f"not a readable XLS file: {exc}") from None
        except NotImplementedError:  # formatting of some BIFF versions: read without it
            self.book = xlrd.open_workbook(str(path))
        texts = (c.value for sheet in self.book.sheets() for row in sheet.get_rows()
                 for c in row if c.ctype == xlrd.XL_CELL_TEXT)
        self.tcvn3 = tcvn3.looks_like(texts)

    def sheet_names(self) -> list[str]:
        return list(self.book.sheet_names())

    def _upper_font(self, cell: Any) -> bool:
        fonts = getattr(self.book, "font_list", None)
        xfs = getattr(self.book, "xf_list", None)
        if not fonts or not xfs or cell.xf_index is None or cell.xf_index >= len(xfs):
            return False
        name = str(fonts[xfs[cell.xf_index].font_index].name)
        return name.startswith(".Vn") and name.endswith("H")

    def _text(self, cell: Any) -> str:
        import xlrd

        if cell.ctype == xlrd.XL_CELL_TEXT:
            text = str(cell.value)
            if self.tcvn3:
                text = tcvn3.from_latin1(text)
                if self._upper_font(cell):
                    text = text.upper()
            return text
        if cell.ctype == xlrd.XL_CELL_NUMBER:
            return excel_number(repr(float(cell.value)))
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                moment = xlrd.xldate_as_datetime(cell.value, self.book.datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return excel_number(repr(float(cell.value)))
            return str(moment.date().isoformat() if moment.time().isoformat() == "00:00:00"
                       else moment.isoformat(sep=" "))
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return "True" if cell.value else "False"
        if cell.ctype == xlrd.XL_CELL_ERROR:
            return str(xlrd.error_text_from_code.get(cell.value, "#ERR"))
        return ""

    def rows(self, budget: CellBudget, sheet: str | None = None
             ) -> Generator[list[str], None, None]:
        """The rows of one sheet (the first by default), trailing blanks dropped."""
        target = self.book.sheet_by_name(sheet) if sheet else self.book.sheet_by_index(0)
        for row in target.get_rows():
            cells = [self._text(c) for c in row]
            while cells and not cells[-1]:
                cells.pop()
            if not budget.take(max(len(cells), 1)):
                return
            yield cells

    def close(self) -> None:
        self.book.release_resources()

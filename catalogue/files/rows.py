"""One way to read a tabular file's rows, bounded: CSV/TSV (any encoding), XLSX, ODS, XLS, GZIP.

Previews, the personal-data screen and validation all read tables through :func:`open_rows`,
so each file gets the same limits (:mod:`limits`), the same encoding detection and the same
idea of where the header is. What a file *is* is decided from its first bytes where they
tell (zip: XLSX, OLE2: XLS, gzip), not from its name: agencies label CSV files ``.xls``.
"""

from __future__ import annotations

import csv
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO

from catalogue.files import tcvn3
from catalogue.files.encoding import EncodingUnknown, decode, detect_encoding
from catalogue.files.limits import ReadLimits, TooLarge, gunzip, sniff
from catalogue.files.ods import OdsWorkbook
from catalogue.files.xls import XlsWorkbook, is_xls
from catalogue.files.xlsx import CellBudget, Workbook

TABULAR = frozenset({"csv", "tsv", "xlsx", "xls", "ods"})
COMPRESSED = frozenset({"gz", "gzip"})
SNIFF_CHARS = 64 * 1024
PROBE_ROWS, PROBE_CELLS = 30, 100_000  # what choosing a workbook's table sheet may read
MAX_LINE_CHARS = 4 << 20  # one CSV line; a file with no line breaks is not a table
csv.field_size_limit(MAX_LINE_CHARS)


@dataclass
class RowSource:
    """Rows of one table, as lists of strings, in file order (blank rows included)."""

    rows: Iterator[list[str]]
    kind: str  # csv | tsv | xlsx | xls
    budget: CellBudget
    encoding: str = ""
    delimiter: str = ""
    sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def cells_exhausted(self) -> bool:
        """Whether reading stopped at the cell limit (``file_max_cells``)."""
        return self.budget.exhausted


def kind_of(fmt: str, filename: str = "") -> str:
    """The tabular kind a resource's format or file name names ("" when not tabular)."""
    name = filename.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    fmt = fmt.lower().lstrip(".")
    for candidate in (fmt, ext):
        if candidate in TABULAR:
            return candidate
    if fmt in COMPRESSED or filename.lower().endswith(".gz"):
        return "csv"  # a compressed table without a better name is most likely CSV
    return ""


def is_tabular(fmt: str, filename: str = "") -> bool:
    """Whether a resource of this format (or file name) is read as a table."""
    return bool(kind_of(fmt, filename))


def detect_delimiter(text: str) -> str:
    """The likeliest of , ; tab | : the one most lines share the same non-zero count of.

    Title rows and footnotes (no delimiter, or a stray comma) must not decide, so the count
    that most lines agree on wins, not the smallest.
    """
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", 0
    for candidate in (",", ";", "\t", "|"):
        counts = [line.count(candidate) for line in lines]
        tally: dict[int, int] = {}
        for count in counts:
            if count:
                tally[count] = tally.get(count, 0) + 1
        if not tally:
            continue
        agreeing = max(tally.values())
        score = agreeing * 1000 + max(tally, key=lambda c: (tally[c], c))
        if score > best_score:
            best, best_score = candidate, score
    return best


def _lines(handle: IO[str], normalize: bool, table: dict[int, str] | None) -> Iterator[str]:
    """The lines of a text file; raises TooLarge for a line past :data:`MAX_LINE_CHARS`."""
    while line := handle.readline(MAX_LINE_CHARS):
        if len(line) >= MAX_LINE_CHARS and not line.endswith("\n"):
            raise TooLarge(f"a line longer than {MAX_LINE_CHARS:,} characters: not a table")
        if table is not None:
            line = line.translate(table)
        yield unicodedata.normalize("NFC", line) if normalize else line


def _text_rows(path: Path, kind: str, budget: CellBudget, stack: ExitStack) -> RowSource:
    guess = detect_encoding(path)
    if not guess.readable:
        raise EncodingUnknown(guess.note)
    legacy = guess.encoding == "tcvn3"
    codec = "latin-1" if legacy else guess.encoding
    if codec == "utf-16":
        # Small by nature (Excel's Unicode Text) and sometimes damaged: repaired whole.
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dulieumo-")))
        utf8 = folder / "utf8.csv"
        utf8.write_text(decode(path.read_bytes(), codec, errors="replace"), encoding="utf-8",
                        newline="")
        path, codec = utf8, "utf-8"
    handle = stack.enter_context(path.open("r", encoding=codec, errors="replace", newline=""))
    sample = handle.read(SNIFF_CHARS)
    handle.seek(0)
    delimiter = "\t" if kind == "tsv" else detect_delimiter(sample)
    # Windows-1258 writes tone marks as separate characters; NFC joins them into letters.
    lines = _lines(handle, guess.encoding not in ("utf-8", "utf-8-sig"),
                   tcvn3.TABLE if legacy else None)

    def rows() -> Iterator[list[str]]:
        take = budget.take  # looked up once, not once a row (a load reads millions)
        for row in csv.reader(lines, delimiter=delimiter):
            if not take(len(row) or 1):
                return
            yield row

    notes = [guess.note] if guess.note else []
    return RowSource(rows(), "tsv" if delimiter == "\t" and kind == "tsv" else "csv", budget,
                     encoding=guess.encoding, delimiter=delimiter, notes=notes)


def _is_ods(path: Path) -> bool:
    """Whether a zip is an OpenDocument spreadsheet (its first member names the type)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
            return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
        return "content.xml" in names and "[Content_Types].xml" not in names


def _table_sheet(book: Workbook | XlsWorkbook | OdsWorkbook, limits: ReadLimits) -> str | None:
    """The first sheet with a row of two or more cells: yearbooks open with a cover sheet."""
    names = book.sheet_names()
    if len(names) < 2:
        return None
    for name in names:
        probe = book.rows(CellBudget(min(limits.max_cells, PROBE_CELLS)), name)
        try:
            if any(sum(1 for c in row if c.strip()) >= 2 for row in islice(probe, PROBE_ROWS)):
                return name
        finally:
            probe.close()
    return None


@contextmanager
def open_rows(path: Path, fmt: str, filename: str = "", limits: ReadLimits | None = None,
              sheet: str | None = None) -> Iterator[RowSource]:
    """The rows of a stored table, read within ``limits``; files are closed on exit.

    Raises TooLarge (past the limits), ValueError (not readable as a table: damaged, unknown
    encoding, not the format it claims) or KeyError (no such sheet).
    """
    import zipfile

    limits = limits or ReadLimits()
    budget = CellBudget(limits.max_cells)
    kind = kind_of(fmt, filename) or "csv"
    with ExitStack() as stack:
        if sniff(path) == "gzip":
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dulieumo-")))
            path = gunzip(path, folder / "unpacked", limits)
        container = sniff(path)
        try:
            if container == "zip":
                ods = _is_ods(path)
                book: Workbook | OdsWorkbook = OdsWorkbook(path, limits) if ods else Workbook(
                    path, limits)
                stack.callback(book.close)
                rows = book.rows(budget, sheet or _table_sheet(book, limits))
                yield RowSource(rows, "ods" if ods else "xlsx", budget,
                                sheets=book.sheet_names())
                return
            if is_xls(path):
                xls = XlsWorkbook(path, limits)
                stack.callback(xls.close)
                rows = xls.rows(budget, sheet or _table_sheet(xls, limits))
                notes = ["TCVN3 (ABC) text converted to Unicode"] if xls.tcvn3 else []
                yield RowSource(rows, "xls", budget, encoding="tcvn3" if xls.tcvn3 else "",
                                sheets=xls.sheet_names(), notes=notes)
                return
        except zipfile.BadZipFile as exc:
            raise ValueError(f"not a valid XLSX (zip) file: {exc}") from None
        if kind in ("xlsx", "ods"):
            raise ValueError(f"not a valid {kind.upper()} (zip) file")
        if kind == "xls":
            # Named a workbook but holding text: agencies export CSV (or HTML) as ".xls".
            with path.open("rb") as fh:
                head = fh.read(512).lstrip().lower()
            if head.startswith((b"<", b"\xef\xbb\xbf<")):
                raise ValueError("an HTML page, not an XLS file")
        yield _text_rows(path, "tsv" if kind == "tsv" else "csv", budget, stack)


def read_all(path: Path, fmt: str, filename: str = "", limits: ReadLimits | None = None
             ) -> list[list[str]]:
    """Every row (within the limits); for tests and small files."""
    with open_rows(path, fmt, filename, limits) as source:
        return list(source.rows)

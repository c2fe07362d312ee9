"""Where a table's header is: title rows above it, a header spread over two rows (issue 16).

Real files rarely start with the header. GSO exports put a title and a blank row first and
split the header over two rows (years, then the measure); Excel reports add a unit line.
The header is the first row that fills most of the table's width; the rows right below it
whose cells are words where the data has numbers continue it. An agency can also say where
the header is (the sidecar key ``header_row``), which wins over the guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

LOOKAHEAD = 30  # rows read ahead to decide
MAX_HEADER_ROWS = 3
MAX_FOOTNOTES = 10  # more single-cell rows than this in a row are data, not notes
_NUMBER = re.compile(r"[+-]?(\d[\d.,\s]*\d|\d)(%)?")


@dataclass
class Header:
    """The column names and the (1-based) rows of the file they came from."""

    names: list[str]
    rows: list[int] = field(default_factory=list)
    footnotes: list[int] = field(default_factory=list)  # known once the rows are read

    @property
    def skipped(self) -> int:
        """Rows above the first data row (titles, blank lines and the header itself)."""
        return max(self.rows) if self.rows else 0


def _filled(row: Sequence[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def _numeric(cell: str) -> bool:
    return _NUMBER.fullmatch(cell.strip()) is not None


def _names(rows: Sequence[Sequence[str]], width: int) -> list[str]:
    names = []
    for index in range(width):
        parts = [r[index].strip() for r in rows if index < len(r) and r[index].strip()]
        names.append(" ".join(dict.fromkeys(parts)) or f"column_{index + 1}")
    return names


def _continues(row: Sequence[str], below: Sequence[Sequence[str]]) -> bool:
    """Whether ``row`` (right under the header) is more header: words over numeric columns.

    The first column is left out: it holds the row labels (provinces, items), words either way.
    """
    measures = [(i, c) for i, c in enumerate(row) if i and c.strip()]
    if not measures or any(_numeric(c) for _, c in measures) or not below:
        return False
    for index, _cell in measures:
        values = [r[index] for r in below if index < len(r) and r[index].strip()]
        if not values or sum(map(_numeric, values)) < 0.8 * len(values):
            return False
    return not (row and row[0].strip() and _numeric(row[0]))


def guess(rows: Sequence[Sequence[str]]) -> list[int]:
    """0-based positions in ``rows`` of the header row(s); [] when the rows are all blank."""
    filled = [_filled(r) for r in rows]
    width = max(filled, default=0)
    if not width:
        return []
    need = 1 if width == 1 else math.ceil(0.6 * width)
    first = next(i for i, n in enumerate(filled) if n >= need)
    found = [first]
    for position in range(first + 1, min(len(rows), first + MAX_HEADER_ROWS)):
        if not filled[position]:
            break
        below = [r for r in rows[position + 1:position + 11] if _filled(r)]
        if not _continues(rows[position], below):
            break
        found.append(position)
    return found


def split(rows: Iterator[list[str]], header_row: int | Sequence[int] | None = None
          ) -> tuple[Header, Iterator[tuple[int, list[str]]]]:
    """The header and the data rows after it, each with its 1-based row number in the file.

    ``header_row`` (1-based, one row or several) is what the agency declared; without it the
    header is guessed from the first :data:`LOOKAHEAD` rows. Blank data rows are skipped.
    """
    ahead: list[list[str]] = []
    wanted: list[int]
    if header_row is not None:
        wanted = sorted({header_row} if isinstance(header_row, int) else set(header_row))
        for row in rows:
            ahead.append(row)
            if len(ahead) >= wanted[-1]:
                break
        positions = [n - 1 for n in wanted if 0 < n <= len(ahead)]
    else:
        for row in rows:
            ahead.append(row)
            if len(ahead) >= LOOKAHEAD:
                break
        positions = guess(ahead)
    chosen = [ahead[p] for p in positions]
    width = max((len(r) for r in chosen), default=0)
    header = Header(_names(chosen, width), [p + 1 for p in positions])
    start = header.skipped
    rest = chain(enumerate(ahead[start:], start=start + 1),
                 enumerate(rows, start=len(ahead) + 1))
    return header, _without_footnotes(rest, header)


def _note(row: Sequence[str]) -> bool:
    """A row of one text cell in the first column: a label, or (at the end) a footnote."""
    if not row or not row[0].strip() or (len(row) > 1 and row[1].strip()):
        return False  # the usual data row, told cheaply: every row of a table passes here
    return _filled(row) == 1 and not _numeric(row[0])


def _without_footnotes(rows: Iterator[tuple[int, list[str]]],
                       header: Header) -> Iterator[tuple[int, list[str]]]:
    """The rows less blank ones and the notes under the table (source, unit, ``(*)``
    explanations).

    Rows of one text cell are held back; a data row after them shows they were labels
    (region headings) and releases them; at the end they are footnotes, listed in
    ``header.footnotes`` instead. Only for tables of three or more columns.
    """
    if len(header.names) < 3:
        yield from (item for item in rows if "".join(item[1]).strip())
        return
    held: list[tuple[int, list[str]]] = []
    for item in rows:
        row = item[1]
        # Every row of a table comes here (a datastore load: millions): the usual data
        # row, a filled second cell with nothing held, is told in one test, no call.
        if len(row) > 1 and not held and row[1].strip():
            yield item
            continue
        if not "".join(row).strip():
            continue  # blank
        if _note(row) and len(held) < MAX_FOOTNOTES:
            held.append(item)
            continue
        yield from held
        held.clear()
        yield item
    header.footnotes = [number for number, _row in held]

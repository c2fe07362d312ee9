"""Rows of text as typed batches, column by column: the loader's hot path (issue 21 item 8).

Two ways to type the same cells, which must agree on every cell:

- :class:`RowTyper`, the reference: one row at a time, one parser call per typed cell
  (:func:`columns.parser_for`). It names the first bad cell, by row and column.
- :class:`ColumnTyper`, what the loader runs (:func:`typed_batches`): each typed column of
  a batch of rows is taken out (``itemgetter``, in C) and typed in as few Python calls as
  its cells allow, then written back into the rows, which go to the database as they are:

  - a column whose cells repeat (dates, booleans, years, codes) is parsed once per
    *distinct* cell with the reference parser (remembered from batch to batch), then
    mapped back with ``dict.__getitem__``;
  - integers and numbers with many distinct cells go through ``int``/``float`` directly
    (``map``, in C), which accept exactly what the reference accepts once it has removed
    group characters and turned the decimal mark into ``.``: both ignore surrounding
    white space, so the reference's ``strip`` changes nothing they return;
  - anything else, and any column where the fast way refuses a cell, goes through the
    reference parser once per distinct cell. If a cell is bad, the whole batch is retyped
    by :class:`RowTyper`, so the error names the same row and column as it always did.

The fast paths only ever decide *how* a cell reaches the reference's answer, never the
answer: ``tests/test_datastore_typing.py`` checks both ways cell for cell on tricky files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any

from catalogue.datastore.columns import missing_values, parser_for
from catalogue.datastore.errors import LoadError

# A distinct-cell dictionary pays when cells repeat at least this often on average.
REPEATS = 4
KNOWN_MAX = 20_000  # distinct cells a column remembers between batches
SAMPLE = 1000  # cells looked at to guess how often a number column's cells repeat
_JOIN = "\x1f"  # joins a column's cells for one str.replace over all of them (unit separator)


def _bad_cell(number: int, name: str, cell: str) -> LoadError:
    return LoadError(f"Dòng {number}, cột {name!r}: giá trị {cell!r} "
                     "không đúng kiểu của cột trong lược đồ")


class RowTyper:
    """The reference typing: rows of text into stored values, one row at a time."""

    def __init__(self, fields: Sequence[Mapping[str, Any]], schema: Mapping[str, Any]) -> None:
        self.fields = list(fields)
        self.width = len(fields)
        self.missing = missing_values(schema)
        parsers = [parser_for(f) for f in fields]
        self.typed = [(index, parse) for index, parse in enumerate(parsers) if parse is not None]
        self.names = [str(f.get("name")) for f in fields]

    def convert(self, number: int, cells: list[str]) -> list[Any]:
        """Stored values of row ``number`` (exactly ``width`` cells); LoadError for a bad cell."""
        missing = self.missing
        values: list[Any] = [None if cell in missing else cell for cell in cells]
        for index, parse in self.typed:
            cell = values[index]
            if cell is None:
                continue
            try:
                values[index] = parse(cell)
            except (ValueError, KeyError, OverflowError):
                raise _bad_cell(number, self.names[index], cell) from None
        return values


class _Refused(Exception):
    """A cell the fast path cannot type: the batch goes through :class:`RowTyper`."""


@dataclass
class Batch:
    """Consecutive rows of a file, typed: ``rows[k]`` is row ``first + k``'s stored values
    (``_id`` not included). ``kept[k]`` holds the cells of the columns the writer asked to
    keep, as the file wrote them (PostgreSQL folds them into its full text); ``sample`` the
    first batch's first rows as written (what chooses the indexes)."""

    first: int
    rows: list[list[Any]]
    kept: list[Any]
    sample: list[list[str]]

    def __len__(self) -> int:
        return len(self.rows)


class ColumnTyper:
    """Types a batch column by column; agrees with :class:`RowTyper` on every cell."""

    def __init__(self, fields: Sequence[Mapping[str, Any]], schema: Mapping[str, Any]) -> None:
        self.reference = RowTyper(fields, schema)
        self.missing = self.reference.missing
        # The reference parser without its cache: each distinct cell is parsed once anyway.
        self.parsers = [parser_for(f, cached=False) for f in fields]
        self.fast = [_fast_kind(f) for f in fields]
        self.text = [index for index, parse in enumerate(self.parsers) if parse is None]
        # Stored values of cells already seen, per column, across batches (dates repeat
        # from one batch to the next); emptied when it grows past KNOWN_MAX.
        self.known: list[dict[str, Any]] = [{} for _ in fields]

    def type_rows(self, numbers: Sequence[int], rows: list[list[Any]]) -> list[list[Any]]:
        """``rows`` (each exactly ``width`` cells) typed in place; returns them.

        Raises LoadError naming the first bad cell in file order (row, then column)."""
        typed: list[tuple[int, list[Any]]] = []
        try:
            for index, parse in enumerate(self.parsers):
                if parse is not None:
                    typed.append((index, self._column(index, parse,
                                                      list(map(itemgetter(index), rows)))))
        except _Refused:
            return [self.reference.convert(n, r) for n, r in zip(numbers, rows, strict=True)]
        # Missing text cells become NULL. Rows are searched for a missing marker with
        # ``in`` (equality, no hashing of every cell); few rows have one.
        for marker in self.missing:
            for row in [row for row in rows if marker in row]:
                for index in self.text:
                    if row[index] == marker:
                        row[index] = None
        for index, values in typed:  # nothing changed until every column typed
            for row, value in zip(rows, values, strict=True):
                row[index] = value
        return rows

    def _column(self, index: int, parse: Any, column: list[str]) -> list[Any]:
        missing = self.missing
        fast = self.fast[index]
        if fast is not None:
            sample = column[:SAMPLE]
            if len(set(sample)) * REPEATS > len(sample):
                try:
                    return _convert_fast(fast, column, missing,
                                         not any(marker in column for marker in missing))
                except (ValueError, OverflowError):
                    pass  # a cell only the reference reads (1990.0 as an integer), or a bad one
        lookup = self.known[index]
        if len(lookup) > KNOWN_MAX:
            lookup.clear()
        for cell in set(column).difference(lookup):
            if cell in missing:
                lookup[cell] = None
                continue
            try:
                lookup[cell] = parse(cell)
            except (ValueError, KeyError, OverflowError):
                raise _Refused from None
        return list(map(lookup.__getitem__, column))


@dataclass(frozen=True)
class _Fast:
    kind: str  # int | float
    group: str
    decimal: str


def _fast_kind(spec: Mapping[str, Any]) -> _Fast | None:
    """How an integer or number field's cells can go straight to ``int``/``float``."""
    kind = spec.get("type", "string")
    group = str(spec.get("groupChar", ""))
    if kind in ("integer", "year"):
        decimal = "."
    elif kind == "number" and bool(spec.get("bareNumber", True)):
        decimal = str(spec.get("decimalChar", "."))
    else:
        return None
    # Marks that are white space, or the joining character, would change what int/float's
    # own stripping sees: those fields keep the reference parser.
    if any(ch.isspace() or ch == _JOIN for ch in decimal) or _JOIN in group or not decimal:
        return None
    return _Fast("int" if kind in ("integer", "year") else "float", group, decimal)


def _convert_fast(fast: _Fast, column: Sequence[str], missing: frozenset[str], clean: bool
                  ) -> list[Any]:
    """int/float over a column, marks rewritten in one pass; ValueError if a cell is not
    plainly one (the caller then asks the reference parser)."""
    present = column if clean else [c for c in column if c not in missing]
    if fast.group or fast.decimal != ".":
        joined = _JOIN.join(present)
        if fast.group:
            joined = joined.replace(fast.group, "")
        if fast.decimal != ".":
            joined = joined.replace(fast.decimal, ".")
        rewritten = joined.split(_JOIN) if present else []
        if len(rewritten) != len(present):
            raise ValueError("a cell holds the joining character")
        present = rewritten
    if fast.kind == "int":
        numbers: list[Any] = list(map(int, present))
    else:
        numbers = list(map(float, present))
        if not all(map(math.isfinite, numbers)):
            raise ValueError("not a finite number")
    if clean:
        return numbers
    found = iter(numbers)
    return [None if c in missing else next(found) for c in column]


def typed_batches(data: Iterable[tuple[int, list[str]]], typer: ColumnTyper, size: int,
                  keep: Sequence[int] = (), sample: int = 1000) -> Iterator[Batch]:
    """Batches of ``size`` typed rows in file order, with the cells of the columns ``keep``
    as written. Blank rows are skipped by the header splitter; short rows are padded and long
    ones cut, as a spreadsheet row ends at its last filled cell."""
    width = typer.reference.width
    rows_in = iter(data)
    first = 1
    kept_cells = itemgetter(*keep) if keep else None
    while chunk := list(islice(rows_in, size)):
        numbers = list(map(itemgetter(0), chunk))
        rows: list[list[Any]] = list(map(itemgetter(1), chunk))
        if any(length != width for length in map(len, rows)):
            rows = [r[:width] if len(r) > width else r + [""] * (width - len(r)) for r in rows]
        kept = list(map(kept_cells, rows)) if kept_cells is not None else []
        head = [list(r) for r in rows[:sample]] if first == 1 else []
        yield Batch(first, typer.type_rows(numbers, rows), kept, head)
        first += len(chunk)

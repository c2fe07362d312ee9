"""Columns that are almost all numbers or dates, with a few cells that are not (issue 19).

Without a schema Frictionless infers a column with a stray word ("không rõ" among areas) or
an impossible date (2024-13-01 among dates) as plain text, so the file passes as valid and
the odd cells go unnoticed. This check reads the text columns of an inferred schema once
more and flags those where at least ``MIN_SHARE`` of the filled cells are numbers (or real
dates) but some are not: a warning naming the cells, the file's status unchanged.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

MIN_SHARE = 0.9  # this share of filled cells must fit the type for the rest to look wrong
MIN_FILLED = 10  # fewer filled cells say too little about what the column is
MAX_CELLS = 20  # odd cells kept per column in the report
SETTLE_ROWS = 1000  # rows after which a column that is plainly text is no longer read

# 1234 · 1234.5 · 1234,5 · 1.234.567 · 1,234,567.8 · 1 234 · -3 · +2.5 · 12%
NUMBER = re.compile(r"^[+-]?(\d{1,3}([.,\s]\d{3})+|\d+)([.,]\d+)?\s*%?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
VN_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")  # 31/12/2024, dd/mm/yyyy


def is_number(text: str) -> bool:
    return NUMBER.match(text) is not None


def date_shape(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) when the text is written as a date, possible or not."""
    if found := ISO_DATE.match(text):
        return int(found[1]), int(found[2]), int(found[3])
    if found := VN_DATE.match(text):
        return int(found[3]), int(found[2]), int(found[1])
    return None


def is_real_date(text: str) -> bool:
    shape = date_shape(text)
    if shape is None:
        return False
    try:
        date(*shape)
    except ValueError:
        return False
    return True


@dataclass
class _Column:
    """Running counts for one column; odd cells kept while they could still matter."""

    name: str
    filled: int = 0
    numbers: int = 0
    dates: int = 0
    dated_shape: int = 0  # written like a date, possible or not
    not_number: list[tuple[int, str]] = field(default_factory=list)
    not_date: list[tuple[int, str]] = field(default_factory=list)
    not_number_count: int = 0
    not_date_count: int = 0

    def add(self, row: int, text: str) -> None:
        self.filled += 1
        if is_number(text):
            self.numbers += 1
        else:
            self.not_number_count += 1
            if len(self.not_number) < MAX_CELLS:
                self.not_number.append((row, text))
        if is_real_date(text):
            self.dates += 1
            self.dated_shape += 1
        else:
            self.dated_shape += date_shape(text) is not None
            self.not_date_count += 1
            if len(self.not_date) < MAX_CELLS:
                self.not_date.append((row, text))

    def could_fit(self) -> bool:
        """Whether the cells so far are nearly all numbers or nearly all dates."""
        return max(self.numbers, self.dates) >= MIN_SHARE * self.filled

    def warning(self, title: str) -> dict[str, Any] | None:
        if self.filled < MIN_FILLED:
            return None
        for expected, fits, odd, count in (
                ("number", self.numbers, self.not_number, self.not_number_count),
                ("date", self.dates, self.not_date, self.not_date_count)):
            if count and fits / self.filled >= MIN_SHARE:
                return {"type": "column-type-warning", "field": self.name, "title": title,
                        "expected": expected, "share": round(fits / self.filled, 3),
                        "count": count,
                        "cells": [{"row": row, "cell": cell} for row, cell in odd]}
        return None


def suspicious_columns(header: Sequence[str], rows: Iterable[tuple[int, Sequence[Any]]],
                       fields: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Warnings for the text fields of ``fields`` whose cells are nearly all numbers or dates.

    ``rows`` yields (row number as a spreadsheet shows it, cells in ``header`` order).
    """
    wanted = {str(f["name"]): str(f.get("title") or f["name"]) for f in fields
              if f.get("type", "string") in ("string", "any")}
    positions = {i: _Column(name) for i, name in enumerate(header) if name in wanted}
    if not positions:
        return []
    decided: list[_Column] = []
    for count, (number, cells) in enumerate(rows, start=1):
        for index, column in positions.items():
            value = cells[index] if index < len(cells) else None
            text = "" if value is None else str(value).strip()
            if text:
                column.add(number, text)
        if count == SETTLE_ROWS:
            # Plain text columns (names, notes) are plain by now: stop reading them, and
            # stop reading the file when none is left (most files end their check here).
            decided = [c for c in positions.values() if c.filled >= MIN_FILLED and not
                       c.could_fit()]
            positions = {i: c for i, c in positions.items() if c not in decided}
            if not positions:
                return []
    found = [c.warning(wanted[c.name]) for c in positions.values()]
    return [w for w in found if w is not None]


def csv_warnings(path: Path, delimiter: str, fields: Sequence[Mapping[str, Any]],
                 max_rows: int) -> list[dict[str, Any]]:
    """:func:`suspicious_columns` over a UTF-8 CSV file (its first row is the header)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header = next(reader, [])
        rows = ((number, cells) for number, cells in enumerate(reader, start=2))
        return suspicious_columns(header, itertools.islice(rows, max_rows), fields)


def resource_warnings(resource: Any, fields: Sequence[Mapping[str, Any]],
                      max_rows: int) -> list[dict[str, Any]]:
    """:func:`suspicious_columns` over a Frictionless resource opened with ``fields`` as text
    (its header row and at most ``max_rows`` data rows)."""
    with resource:
        header = list(resource.header)
        rows = ((row.row_number, row.to_list()) for row in resource.row_stream)
        return suspicious_columns(header, itertools.islice(rows, max_rows), fields)

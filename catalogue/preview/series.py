"""Finding a numeric time series in a table (e.g. monitoring values over time)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from catalogue.preview.tables import Table

_VI_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$|^[+-]?\d+,\d+$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_EN_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_OTHER_FORMATS = ("%Y/%m/%d", "%m/%Y", "%Y-%m")
SAMPLE = 50  # values looked at to decide what a column holds
MAX_SERIES = 3  # lines drawn in one chart; more become unreadable


def parse_number(text: str) -> float | None:
    """A number written either way: ``1234.5``, ``1,234.5`` or Vietnamese ``1.234,5``."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        return None
    if _PLAIN_NUMBER.match(value):
        # "1.234" is ambiguous: read as a decimal, the way machines write it.
        return float(value)
    if _VI_NUMBER.match(value):
        return float(value.replace(".", "").replace(",", "."))
    if _EN_GROUPED.match(value):
        return float(value.replace(",", ""))
    return None


def parse_time(text: str) -> datetime | None:
    """A date or date-time in the formats agencies use, or a bare year."""
    value = text.strip()
    if not value or not value[0].isdigit():
        return None
    if re.fullmatch(r"(19|20)\d{2}", value):
        return datetime(int(value), 1, 1)
    if len(value) >= 10 and value[4] == "-":  # ISO 8601, parsed in C
        try:
            return datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            return None
    if match := _DMY.match(value):  # dd/mm/yyyy [hh:mm[:ss]], the Vietnamese way
        day, month, year, hour, minute, second = match.groups()
        try:
            return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                            int(second or 0))
        except ValueError:
            return None
    for fmt in _OTHER_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


@dataclass
class Series:
    """One time axis and up to :data:`MAX_SERIES` numeric columns over it."""

    time_label: str
    times: list[datetime]
    columns: dict[str, list[float | None]]

    @property
    def first(self) -> date:
        return self.times[0].date()

    @property
    def last(self) -> date:
        return self.times[-1].date()


def _share(values: list[str], parse: Callable[[str], object]) -> float:
    """The share of (the first :data:`SAMPLE`) non-blank values that ``parse`` understands."""
    filled = [v for v in values if v.strip()][:SAMPLE]
    if not filled:
        return 0.0
    return sum(1 for v in filled if parse(v) is not None) / len(filled)


def find_series(table: Table, min_points: int = 3) -> Series | None:
    """The first date-like column and the numeric columns beside it, ordered by time."""
    if len(table.rows) < min_points:
        return None
    columns = list(zip(*table.rows, strict=True)) if table.rows else []
    time_index = next((i for i, col in enumerate(columns)
                       if _share(list(col), parse_time) >= 0.9), None)
    if time_index is None:
        return None
    numeric = [i for i, col in enumerate(columns)
               if i != time_index and _share(list(col), parse_number) >= 0.9
               and any(v.strip() for v in col)][:MAX_SERIES]
    if not numeric:
        return None
    points = sorted(((t, row) for row in table.rows
                     if (t := parse_time(row[time_index])) is not None), key=lambda p: p[0])
    if len(points) < min_points:
        return None
    return Series(
        time_label=table.headers[time_index],
        times=[t for t, _ in points],
        columns={table.headers[i]: [parse_number(row[i]) for _, row in points]
                 for i in numeric},
    )

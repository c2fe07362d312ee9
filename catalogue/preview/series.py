"""Finding a numeric time series in a table (e.g. monitoring values over time)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # tables writes typed cells with parse_number: no import cycle at run time
    from catalogue.preview.tables import Table

_VI_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$|^[+-]?\d+,\d+$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_EN_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_OTHER_FORMATS = ("%Y/%m/%d", "%m/%Y", "%Y-%m")
SAMPLE = 50  # values looked at to decide what a column holds
MAX_SERIES = 3  # lines drawn in one chart; more become unreadable
MAX_GROUPS = 6  # lines of one measure split by a category column (stations, districts)
REPEATS = 0.1  # share of repeated times past which rows are not one series but several


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
    """One time axis and up to :data:`MAX_SERIES` numeric columns over it, or one numeric
    column split into a line per group of a category column (``group_label``)."""

    time_label: str
    times: list[datetime]
    columns: dict[str, list[float | None]]
    value_label: str = ""  # the measure, when the lines are groups
    group_label: str = ""  # the category column the lines stand for
    groups_left_out: int = 0  # groups beyond MAX_GROUPS (the least frequent) not drawn

    @property
    def first(self) -> date:
        return self.times[0].date()

    @property
    def last(self) -> date:
        return self.times[-1].date()

    @property
    def yearly(self) -> bool:
        """Every time is a 1 January at midnight: a table of years, to be labelled 2020,
        not 01/01/2020."""
        return all((t.month, t.day, t.hour, t.minute, t.second) == (1, 1, 0, 0, 0)
                   for t in self.times)


def _share(values: list[str], parse: Callable[[str], object]) -> float:
    """The share of (the first :data:`SAMPLE`) non-blank values that ``parse`` understands."""
    filled = [v for v in values if v.strip()][:SAMPLE]
    if not filled:
        return 0.0
    return sum(1 for v in filled if parse(v) is not None) / len(filled)


def find_series(table: Table, min_points: int = 3,
                titles: Mapping[str, str] | None = None) -> Series | None:
    """The first date-like column and the numeric columns beside it, ordered by time.

    When times repeat (one row per station and day), a single line would zig-zag between
    stations: the first numeric column is drawn as a line per value of the category column
    instead (issue 19), or nothing is drawn when there is no such column. ``titles`` (field
    name -> title, from the schema) name the lines.
    """
    if len(table.rows) < min_points:
        return None
    named = dict(titles or {})

    def title(index: int) -> str:
        return named.get(table.headers[index]) or table.headers[index]

    columns = list(zip(*table.rows, strict=True)) if table.rows else []
    time_index = next((i for i, col in enumerate(columns)
                       if _share(list(col), parse_time) >= 0.9), None)
    if time_index is None:
        return None
    numeric = [i for i, col in enumerate(columns)
               if i != time_index and _share(list(col), parse_number) >= 0.9
               and any(v.strip() for v in col)]
    if not numeric:
        return None
    points = sorted(((t, row) for row in table.rows
                     if (t := parse_time(row[time_index])) is not None), key=lambda p: p[0])
    if len(points) < min_points:
        return None
    times = [t for t, _ in points]
    if len(times) - len(set(times)) > REPEATS * len(times):
        group_index = _category(columns, {time_index, *numeric})
        if group_index is None:
            return None
        return _grouped(points, group_index, numeric[0], title(time_index),
                        title(numeric[0]), title(group_index))
    return Series(
        time_label=title(time_index),
        times=times,
        columns={title(i): [parse_number(row[i]) for _, row in points]
                 for i in numeric[:MAX_SERIES]},
    )


def _category(columns: list[tuple[str, ...]], taken: set[int]) -> int | None:
    """The first text column with a few repeating values: the groups of a grouped table."""
    for index, column in enumerate(columns):
        if index in taken:
            continue
        distinct = {v.strip() for v in column if v.strip()}
        if 2 <= len(distinct) <= max(MAX_GROUPS * 5, 2) and len(distinct) < len(column):
            return index
    return None


def _grouped(points: list[tuple[datetime, list[str]]], group_index: int,
             value_index: int, time_label: str, value_label: str,
             group_label: str) -> Series:
    """One line per group (the most frequent :data:`MAX_GROUPS`) over the union of times."""
    counts = Counter(row[group_index].strip() for _, row in points if row[group_index].strip())
    kept = [name for name, _ in counts.most_common(MAX_GROUPS)]
    times = sorted({t for t, row in points if row[group_index].strip() in kept})
    position = {t: i for i, t in enumerate(times)}
    columns: dict[str, list[float | None]] = {name: [None] * len(times) for name in kept}
    for t, row in points:
        name = row[group_index].strip()
        if name in columns:
            columns[name][position[t]] = parse_number(row[value_index])
    return Series(time_label=time_label, times=times, columns=columns,
                  value_label=value_label, group_label=group_label,
                  groups_left_out=len(counts) - len(kept))

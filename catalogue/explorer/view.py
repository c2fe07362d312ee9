"""A table explorer's view as the URL holds it (issue 21 item 4), and as the datastore asks it.

The page is plain GET forms and links, so everything a reader chose lives in the query
string, and a view can be linked, bookmarked and cited:

- ``q``: words anywhere in the row (with or without diacritics; the datastore folds both);
- ``f.<column>``: keep rows whose column equals one of the values (repeat for several);
- ``min.<column>`` / ``max.<column>``: a range, for numbers and dates;
- ``cols``: the columns shown, in the table's order (repeat; none: all);
- ``sort`` and ``desc=1``: the order; ``page``: which page;
- ``v``: the published version whose table is shown (a citation pins it).

No Flask here: the portal passes the query string as a multi-valued mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from catalogue.datastore.query import Sort, View

MAX_Q_CHARS = 500
MAX_PAGE = 10_000_000
RANGED_TYPES = frozenset({"int", "numeric", "date", "timestamp"})


class MultiArgs(Protocol):
    """What the view reads from a query string (werkzeug's ``MultiDict`` has both)."""

    def getlist(self, key: str) -> list[str]: ...

    def keys(self) -> Iterable[str]: ...


@dataclass(frozen=True)
class ExplorerView:
    """What a reader chose to see of one table."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ranges: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    sort: str = ""
    descending: bool = False
    page: int = 1
    version: int | None = None

    @property
    def narrowed(self) -> bool:
        """Whether the view keeps only some rows (a search, a filter or a range)."""
        return bool(self.q or self.filters or self.ranges)

    def datastore_view(self) -> View:
        """The datastore's view: filters as lists, ranges with empty bounds as None."""
        ranges = {name: (low or None, high or None) for name, (low, high) in self.ranges.items()}
        return View(filters={name: list(values) for name, values in self.filters.items()},
                    q=self.q, fields=("_id", *self.columns) if self.columns else (),
                    sort=(Sort(self.sort, self.descending),) if self.sort else (),
                    ranges=ranges)

    def args(self, **changes: object) -> list[tuple[str, str]]:
        """The view as query-string pairs (for links), with ``changes`` (``page``, ``sort``,
        ``descending``, ``version``) applied; defaults are left out, so URLs stay short."""
        q = str(changes.get("q", self.q))
        sort = str(changes.get("sort", self.sort))
        descending = bool(changes.get("descending", self.descending if sort == self.sort
                                      else False))
        page = changes.get("page", self.page)
        version = changes.get("version", self.version)
        pairs: list[tuple[str, str]] = [("q", q)] if q else []
        for name, values in self.filters.items():
            pairs += [(f"f.{name}", value) for value in values]
        for name, (low, high) in self.ranges.items():
            pairs += [(f"min.{name}", low)] if low else []
            pairs += [(f"max.{name}", high)] if high else []
        pairs += [("cols", name) for name in self.columns]
        if sort:
            pairs.append(("sort", sort))
            if descending:
                pairs.append(("desc", "1"))
        if isinstance(page, int) and page > 1:
            pairs.append(("page", str(page)))
        if isinstance(version, int):
            pairs.append(("v", str(version)))
        return pairs


def _int(text: str, default: int | None, lowest: int, highest: int) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return default
    return min(max(value, lowest), highest)


def parse_view(args: MultiArgs, column_types: Mapping[str, str]) -> ExplorerView:
    """The view a query string asks for, for a table with these columns (name → CKAN type).

    Names of columns the table lacks, ranges of text columns and empty values are dropped, not
    refused: a link made for an earlier version of the table still opens on what is there.
    """
    filters: dict[str, tuple[str, ...]] = {}
    ranges: dict[str, tuple[str, str]] = {}
    for key in args.keys():
        prefix, _dot, name = key.partition(".")
        if not _dot or name not in column_types:
            continue
        values = [v.strip() for v in args.getlist(key) if v.strip()]
        if prefix == "f" and values:
            filters[name] = tuple(dict.fromkeys(values))
        elif prefix in ("min", "max") and values and column_types[name] in RANGED_TYPES:
            low, high = ranges.get(name, ("", ""))
            bound = _range_bound(values[0], column_types[name])
            ranges[name] = (bound, high) if prefix == "min" else (low, bound)
    ranges = {name: bounds for name, bounds in ranges.items() if any(bounds)}
    chosen = set(args.getlist("cols"))
    columns = tuple(name for name in column_types if name in chosen)
    if len(columns) == len(column_types):
        columns = ()  # every column: the default, kept out of the URL
    sort = next(iter(args.getlist("sort")), "")
    version = _int(next(iter(args.getlist("v")), ""), None, 0, MAX_PAGE) or None
    return ExplorerView(
        q=" ".join(next(iter(args.getlist("q")), "").split())[:MAX_Q_CHARS],
        filters=filters, ranges=ranges, columns=columns,
        sort=sort if sort in column_types else "",
        descending=next(iter(args.getlist("desc")), "") == "1",
        page=_int(next(iter(args.getlist("page")), "1"), 1, 1, MAX_PAGE) or 1,
        version=version)


def _range_bound(text: str, kind: str) -> str:
    """A typed bound as the datastore reads it: a number with a decimal comma (``12,5``, as
    Vietnamese readers write it) gets a point; dates stay ISO (the form's date inputs)."""
    if kind in ("int", "numeric") and "," in text and "." not in text:
        return text.replace(",", ".")
    return text


@dataclass(frozen=True)
class Condition:
    """One part of a view in words' raw material: the portal phrases it in its language."""

    kind: str  # "q" | "filter" | "range" | "columns" | "sort"
    column: str = ""
    values: Sequence[str] = ()


def conditions(view: ExplorerView) -> list[Condition]:
    """What narrows or orders the view, in a stable order: for the citation and the page."""
    parts: list[Condition] = []
    if view.q:
        parts.append(Condition("q", values=(view.q,)))
    parts += [Condition("filter", name, values) for name, values in view.filters.items()]
    parts += [Condition("range", name, bounds) for name, bounds in view.ranges.items()]
    if view.columns:
        parts.append(Condition("columns", values=view.columns))
    if view.sort:
        parts.append(Condition("sort", view.sort, ("desc" if view.descending else "asc",)))
    return parts

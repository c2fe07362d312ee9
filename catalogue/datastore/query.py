"""Reading a resource's rows: the one query interface of the datastore (issue 21).

Used by the Action API (``datastore_search``, dumps) and by the table explorer on the
resource page. Callers decide *who* may read a resource (the portal's permission checks);
these functions decide *what* a view returns, and never put a caller's text into SQL:
field names are checked against the table's columns and quoted, values are bound
parameters, the full-text query is folded into words and quoted.

A **view** (:class:`View`) is what a user chose: ``filters`` (field → value or list of
values), ``q`` (words anywhere, or a dict field → words), ``plain``, ``fields`` (the columns
shown, in order; empty: all), ``sort`` (``"field [asc|desc], …"``) and ``distinct``.
:func:`view_from` builds one from CKAN-style parameters.

- :func:`search_rows` → :class:`RowPage`: one page of records (dicts by field id, or lists),
  the fields with CKAN types, the total (exact, or estimated past
  ``total_estimation_threshold`` on PostgreSQL).
- :func:`column_summary` → :class:`ColumnSummary`: for a filter sidebar, the values of a
  column with their counts when it has at most ``max_values`` distinct ones, and its
  minimum and maximum when it holds numbers or dates.
- :func:`iter_rows` → (columns, iterator of row tuples): every row of a view, streamed for
  dumps and downloads; constant memory.

Values come out JSON-ready: ``int``, ``float``, ``bool``, ``str`` (dates ``YYYY-MM-DD``,
timestamps ``YYYY-MM-DDTHH:MM:SS``), ``None``. Rows are ordered by the view's sort, then
``_id`` (file order), so paging is stable. All reads go through
:meth:`Datastore.reading`: read-only, cut after the statement timeout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from catalogue.datastore.columns import Column, parser_for
from catalogue.datastore.errors import QueryError, QueryTimeout
from catalogue.datastore.folding import folded_words, pg_fold
from catalogue.datastore.store import Datastore, TableInfo, is_timeout, quote
from catalogue.datastore.writers import FTS_TYPES, pair_index_name

MAX_FILTER_VALUES = 1000
MAX_SORT_KEYS = 10
MAX_Q_WORDS = 50
MAX_Q_CHARS = 2000
_SORT_ITEM = re.compile(r'^\s*(?:"((?:[^"]|"")+)"|([^,]+?))(?:\s+(asc|desc))?\s*$', re.I)
# For parsing a filter value given as text into the column's type.
_FILTER_PARSERS = {"int": {"type": "integer"}, "numeric": {"type": "number"},
                   "date": {"type": "date", "format": "any"},
                   "timestamp": {"type": "datetime"}, "time": {"type": "time"}}


@dataclass(frozen=True)
class Sort:
    field: str
    descending: bool = False


@dataclass(frozen=True)
class View:
    """What to show of a table: filters, full-text query, columns, order, distinct rows."""

    filters: Mapping[str, Any] = field(default_factory=dict)
    q: str | Mapping[str, str] = ""
    plain: bool = True
    fields: Sequence[str] = ()
    sort: Sequence[Sort] = ()
    distinct: bool = False
    # field → (lowest, highest), either None: the table explorer's ranges for numbers and
    # dates (issue 21 item 4); not a CKAN parameter.
    ranges: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    # CKAN's ``full_text``: words over the whole row, on top of ``q`` (both must match).
    full_text: str = ""


@dataclass
class RowPage:
    """One page of a view."""

    columns: list[Column]  # the columns returned, ``_id`` first unless distinct
    records: list[dict[str, Any]] | list[list[Any]]
    total: int | None  # None when not asked (include_total false)
    total_was_estimated: bool
    limit: int
    offset: int
    table: TableInfo

    def fields(self) -> list[dict[str, Any]]:
        """The returned columns as CKAN ``fields`` (``id``, ``type``, ``info``)."""
        return [c.as_field() for c in self.columns]


@dataclass
class ColumnSummary:
    """What a filter control needs to know about one column of a view."""

    column: Column
    values: list[tuple[Any, int]]  # value, rows; most frequent first (empty when many)
    complete: bool  # ``values`` lists every distinct value
    minimum: Any = None  # numbers, dates and times only
    maximum: Any = None


def parse_sort(spec: str | Sequence[str]) -> list[Sort]:
    """``"pupils desc, name"`` (or a list of such items) as sort keys; QueryError if malformed.

    A field name with a comma or a space is written in double quotes, as in SQL.
    """
    items = [spec] if isinstance(spec, str) else list(spec)
    keys: list[Sort] = []
    for item in items:
        if not isinstance(item, str):
            raise QueryError("sort: must be text such as \"field desc\"", "sort")
        for part in _split_sort(item):
            found = _SORT_ITEM.match(part)
            if not found:
                raise QueryError(f"sort: cannot read {part!r}", "sort")
            name = found[1].replace('""', '"') if found[1] is not None else found[2].strip()
            keys.append(Sort(name, (found[3] or "asc").lower() == "desc"))
    if len(keys) > MAX_SORT_KEYS:
        raise QueryError(f"sort: at most {MAX_SORT_KEYS} fields", "sort")
    return keys


def _split_sort(text_: str) -> list[str]:
    parts, current, quoted = [], "", False
    for ch in text_:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p for p in parts if p.strip()]


def view_from(*, filters: Mapping[str, Any] | None = None, q: str | Mapping[str, str] = "",
              plain: bool = True, fields: Sequence[str] = (), sort: str | Sequence[str] = "",
              distinct: bool = False, full_text: str = "") -> View:
    """A view from CKAN-style parameters (``sort`` as text); QueryError when malformed."""
    return View(dict(filters or {}), q, plain, tuple(fields), tuple(parse_sort(sort or [])),
                distinct, full_text=full_text)


# -- building the statement ------------------------------------------------------------------


class _Params:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


def _column(table: TableInfo, name: Any, where: str) -> Column:
    if not isinstance(name, str):
        raise QueryError(f"{where}: field names are text", where)
    found = table.column(name)
    if found is None:
        raise QueryError(f"{where}: field {name!r} not in this table", where)
    return found


def _filter_value(column: Column, value: Any, dialect: str) -> Any:
    """A filter value in the column's stored form; QueryError when it cannot be one."""
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise QueryError(f"filters: the value for {column.id!r} must be text or a number",
                         "filters")
    if column.type == "bool":
        truth = {"true": True, "1": True, "false": False, "0": False}
        key = str(value).lower() if not isinstance(value, bool) else str(value).lower()
        if key not in truth:
            raise QueryError(f"filters: {column.id!r} holds true/false, not {value!r}",
                             "filters")
        return truth[key] if dialect == "postgresql" else int(truth[key])
    if column.type == "text":
        return value if isinstance(value, str) else _number_text(value)
    spec = _FILTER_PARSERS.get(column.type)
    if spec is None:
        return str(value)
    if isinstance(value, bool):
        raise QueryError(f"filters: {column.id!r} is {column.type}, not true/false", "filters")
    if isinstance(value, int | float) and column.type in ("int", "numeric"):
        return value
    parse = parser_for(spec)
    assert parse is not None
    try:
        parsed = parse(str(value))
    except (ValueError, KeyError, OverflowError):
        raise QueryError(f"filters: {value!r} is not a valid {column.type} for "
                         f"{column.id!r}", "filters") from None
    if dialect == "postgresql" and column.type in ("date", "timestamp", "time"):
        if column.type == "date":
            return date.fromisoformat(parsed)
        if column.type == "timestamp":
            return datetime.fromisoformat(parsed)
        return time.fromisoformat(parsed)
    return parsed


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _where(store: Datastore, table: TableInfo, view: View, params: _Params) -> list[str]:
    clauses: list[str] = []
    if not isinstance(view.filters, Mapping):
        raise QueryError("filters: must be an object of field: value", "filters")
    for name, raw in view.filters.items():
        column = _column(table, name, "filters")
        values = raw if isinstance(raw, list) else [raw]
        if not values:
            raise QueryError(f"filters: an empty list for {name!r}", "filters")
        if len(values) > MAX_FILTER_VALUES:
            raise QueryError(f"filters: at most {MAX_FILTER_VALUES} values a field", "filters")
        typed = [_filter_value(column, v, store.dialect) for v in values]
        present = [v for v in typed if v is not None]
        parts = []
        if present:
            marks = ", ".join(params.bind(v) for v in present)
            parts.append(f"{quote(column.id)} IN ({marks})" if len(present) > 1
                         else f"{quote(column.id)} = {marks}")
        if len(present) < len(typed):
            parts.append(f"{quote(column.id)} IS NULL")
        clauses.append("(" + " OR ".join(parts) + ")")
    for name, (low, high) in view.ranges.items():
        column = _column(table, name, "ranges")
        if column.type not in ("int", "numeric", "date", "timestamp", "time"):
            raise QueryError(f"ranges: {name!r} holds {column.type}, not numbers or dates",
                             "ranges")
        for bound, operator in ((low, ">="), (high, "<=")):
            if bound is not None:
                value = _filter_value(column, bound, store.dialect)
                clauses.append(f"{quote(column.id)} {operator} {params.bind(value)}")
    clauses += _full_text(store, table, view, params)
    return clauses


def _words(query: Any, where: str) -> list[str]:
    if not isinstance(query, str):
        raise QueryError(f"{where}: must be text", where)
    if len(query) > MAX_Q_CHARS:
        raise QueryError(f"{where}: at most {MAX_Q_CHARS} characters", where)
    words = folded_words(query)
    if len(words) > MAX_Q_WORDS:
        raise QueryError(f"{where}: at most {MAX_Q_WORDS} words", where)
    return words


def _prefixes(query: str, plain: bool) -> list[tuple[str, bool]]:
    """(word, prefix?) pairs: with ``plain`` false, ``word*`` asks for a prefix, as in
    PostgreSQL's ``to_tsquery`` ``word:*``; nothing else of either syntax is passed on."""
    out = []
    for token in query.split():
        prefix = not plain and (token.endswith("*") or token.endswith(":*"))
        for index, word in enumerate(folded_words(token)):
            out.append((word, prefix and index == len(folded_words(token)) - 1))
    return out


def _full_text(store: Datastore, table: TableInfo, view: View, params: _Params) -> list[str]:
    """Conditions for ``q`` (a string over the whole row, or a dict field → words) and
    ``full_text`` (words over the whole row)."""
    targets: list[tuple[Column | None, str]] = [(None, view.full_text)] if view.full_text \
        else []
    if not view.q:
        pass
    elif isinstance(view.q, Mapping):
        targets += [(_column(table, name, "q"), words) for name, words in view.q.items()]
    elif isinstance(view.q, str):
        targets.append((None, view.q))
    else:
        raise QueryError("q: must be text or an object of field: text", "q")
    clauses = []
    for column, query in targets:
        _words(query, "q")
        terms = _prefixes(query, view.plain)
        if not terms:
            continue
        if column is not None and column.type not in FTS_TYPES:
            raise QueryError(f"q: {column.id!r} holds {column.type} values, not words: "
                             "use filters", "q")
        if store.dialect == "sqlite":
            index = None if column is None else table.columns.index(column)
            match = " AND ".join(f'"{w}"' + ("*" if p else "") for w, p in terms)
            if index is not None:
                match = f"c{index} : ({match})"
            fts = quote(table.table_name + "_fts")
            clauses.append(f"_id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH "
                           f"{params.bind(match)})")
        else:
            tsquery = " & ".join(f"'{w}'" + (":*" if p else "") for w, p in terms)
            if column is None:
                clauses.append(f"_full_text @@ to_tsquery('simple', {params.bind(tsquery)})")
            else:
                clauses.append(f"to_tsvector('simple', {pg_fold(quote(column.id))}) @@ "
                               f"to_tsquery('simple', {params.bind(tsquery)})")
    return clauses


def _selected(table: TableInfo, view: View) -> list[Column]:
    if view.fields:
        if not isinstance(view.fields, Sequence) or isinstance(view.fields, str):
            raise QueryError("fields: must be a list of field names", "fields")
        chosen = [_column(table, name, "fields") for name in view.fields]
        if len({c.id for c in chosen}) != len(chosen):
            raise QueryError("fields: a field is named twice", "fields")
    else:
        chosen = [Column("_id", "int"), *table.columns]
    if view.distinct:
        return [c for c in chosen if c.id != "_id"] or list(table.columns)
    return chosen


def _order(table: TableInfo, view: View, selected: list[Column]) -> str:
    keys = []
    names = {c.id for c in selected}
    for key in view.sort:
        column = _column(table, key.field, "sort")
        if view.distinct and column.id not in names:
            raise QueryError(f"sort: with distinct, sort by shown fields only ({column.id!r} "
                             "is not shown)", "sort")
        # Empty cells count as the smallest value on both databases: first going up, last
        # going down ("most pupils first" does not open on blanks); SQLite's own order, and
        # PostgreSQL's indexes are built NULLS FIRST, so an index serves the sort either way.
        order = "DESC NULLS LAST" if key.descending else "ASC NULLS FIRST"
        keys.append(f"{quote(column.id)} {order}")
    if view.distinct:
        keys += [f"{quote(c.id)} ASC NULLS FIRST" for c in selected]
    elif not any(k.field == "_id" for k in view.sort):
        keys.append("_id ASC")
    return ", ".join(keys)


@dataclass
class _Statement:
    table: TableInfo
    columns: list[Column]
    select: str  # SELECT … FROM … WHERE … (no ORDER BY)
    order: str
    params: _Params
    filtered: bool


def _statement(store: Datastore, table: TableInfo, view: View,
               indexed_by: str = "") -> _Statement:
    params = _Params()
    columns = _selected(table, view)
    where = _where(store, table, view, params)
    names = ", ".join(quote(c.id) if c.id != "_id" else "_id" for c in columns)
    hint = f" INDEXED BY {quote(indexed_by)}" if indexed_by else ""
    sql = (f"SELECT {'DISTINCT ' if view.distinct else ''}{names} "
           f"FROM {store.qualified(table.table_name)}{hint}")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return _Statement(table, columns, sql, _order(table, view, columns), params, bool(where))


# -- values out --------------------------------------------------------------------------


def _out(kind: str) -> Any:
    if kind == "bool":
        return lambda v: None if v is None else bool(v)
    if kind in ("date", "timestamp", "time"):
        return lambda v: v if v is None or isinstance(v, str) else v.isoformat()
    return None


def _converters(columns: Sequence[Column]) -> list[Any]:
    return [_out(c.type) for c in columns]


def _convert(row: Sequence[Any], converters: Sequence[Any]) -> list[Any]:
    return [value if conv is None else conv(value) for value, conv in zip(row, converters,
                                                                          strict=True)]


# -- the interface -------------------------------------------------------------------------


def _execute(store: Datastore, conn: Any, sql: str, params: Mapping[str, Any]) -> Any:
    try:
        return conn.execute(text(sql), dict(params))
    except DBAPIError as exc:
        if is_timeout(exc):
            raise QueryTimeout("Query took too long (over the statement timeout)") from None
        message = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        raise QueryError(f"Query error: {message}") from None


def _estimate(store: Datastore, conn: Any, statement: _Statement) -> int | None:
    """PostgreSQL's planner estimate of a view's rows (as CKAN's estimated totals)."""
    if store.dialect != "postgresql":
        return None
    plan = _execute(store, conn, "EXPLAIN (FORMAT JSON) " + statement.select,
                    statement.params.values).scalar()
    try:
        return int(plan[0]["Plan"]["Plan Rows"])
    except (TypeError, KeyError, IndexError, ValueError):
        return None


def _sort_index(store: Datastore, conn: Any, table: TableInfo, view: View, matches: int,
                wanted: int) -> str:
    """SQLite only: the index to read a one-field sort in, when SQLite's planner would
    otherwise fetch and sort every match (it prefers the filter's index whatever the LIMIT,
    so it is told: ``INDEXED BY``).

    - A (facet, sort) index (:func:`writers.pair_index_name`) of an equality filter and the
      sort field: the matches are read already in order, 100 index entries for 100 rows.
    - The sort field's own index, when reading it in order and skipping non-matching rows
      beats sorting every match ("most pupils in one province" on a million rows: ~100 ×
      rows/matches rows read instead of every match sorted).
    """
    if store.dialect != "sqlite" or len(view.sort) != 1 or view.distinct or not matches:
        return ""
    column = table.column(view.sort[0].field)
    if column is None or column.id == "_id":
        return ""
    position = table.columns.index(column)
    indexes = store.index_names.get(table.table_name)
    if indexes is None:
        rows = conn.execute(text(f"PRAGMA index_list({quote(table.table_name)})"))
        indexes = frozenset(str(r[1]) for r in rows)
        if not table.indexing:  # remembered once all are built (the load's second phase)
            store.index_names[table.table_name] = indexes
    if not view.q and not view.full_text:
        for name, value in view.filters.items():
            values = value if isinstance(value, list) else [value]
            facet = table.column(name)
            if facet is None or facet.id == "_id" or len(values) != 1 or values[0] is None:
                continue
            pair = pair_index_name(table.table_name, table.columns.index(facet), position)
            if pair in indexes:
                return pair
    name = f"{table.table_name}_c{position}"
    if name not in indexes:
        return ""
    # Rows read in index order until ``wanted`` match, if matches are spread evenly, against
    # the matches the filter's index would fetch and sort: the fewer reads win.
    scanned = wanted * table.row_count / matches
    return name if scanned <= matches else ""


def _full_text_count(store: Datastore, table: TableInfo, view: View,
                     statement: _Statement) -> str:
    """SQLite: the count of a view narrowed by full text alone, read from the FTS index,
    which holds exactly one entry per row (filled from the table, never changed): the
    same number without fetching every match from the table ("phường" matches a third of
    a million rows). "" for any other view."""
    if (store.dialect != "sqlite" or view.filters or view.ranges or view.distinct
            or not view.q or len(statement.params.values) != 1):
        return ""
    fts = quote(table.table_name + "_fts")
    return f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :p0"


def search_rows(store: Datastore, resource_id: str, view: View = View(), *, limit: int = 100,
                offset: int = 0, include_total: bool = True,
                total_estimation_threshold: int | None = None, records_as: str = "objects",
                sha256: str = "") -> RowPage:
    """One page of a view of a resource's table (its current one, or the one loaded from
    file ``sha256``). ``records_as``: ``objects`` (dicts by field id) or ``lists``.

    NotFound when the resource has no table; QueryError for a view this table cannot
    answer; QueryTimeout past the statement timeout.
    """
    table = store.table(resource_id, sha256=sha256)
    statement = _statement(store, table, view)
    converters = _converters(statement.columns)
    names = [c.id for c in statement.columns]
    with store.reading() as conn:
        total, estimated = None, False
        if not statement.filtered and not view.distinct:
            total = table.row_count
        elif include_total or (view.sort and store.dialect == "sqlite"):
            if total_estimation_threshold is not None:
                guess = _estimate(store, conn, statement)
                if guess is not None and guess > total_estimation_threshold:
                    total, estimated = guess, True
            if total is None:
                count = _full_text_count(store, table, view, statement) or (
                    f"SELECT count(*) FROM ({statement.select}) AS counted")
                total = _execute(store, conn, count, statement.params.values).scalar()
        if statement.filtered and total is not None and not estimated:
            hint = _sort_index(store, conn, table, view, int(total), offset + limit)
            if hint:
                statement = _statement(store, table, view, indexed_by=hint)
        sql = f"{statement.select} ORDER BY {statement.order} LIMIT :_limit OFFSET :_offset"
        params = {**statement.params.values, "_limit": limit, "_offset": offset}
        rows = [_convert(r, converters) for r in _execute(store, conn, sql, params)]
        if not include_total:
            total, estimated = None, False
    records: list[dict[str, Any]] | list[list[Any]]
    if records_as == "lists":
        records = rows
    else:
        records = [dict(zip(names, r, strict=True)) for r in rows]
    return RowPage(statement.columns, records, total, estimated, limit, offset, table)


def column_summary(store: Datastore, resource_id: str, field_id: str, view: View = View(),
                   *, max_values: int = 20, sha256: str = "") -> ColumnSummary:
    """Values with counts (when at most ``max_values``) and the range of one column, over the
    rows of ``view`` (its filters and q; its fields, sort and distinct do not matter)."""
    table = store.table(resource_id, sha256=sha256)
    column = _column(table, field_id, "field")
    base = _statement(store, table, View(filters=view.filters, q=view.q, plain=view.plain,
                                         fields=[field_id], ranges=view.ranges,
                                         full_text=view.full_text))
    target = quote(column.id) if column.id != "_id" else "_id"
    source = base.select.split(" FROM ", 1)[1]
    conv = _out(column.type) or (lambda v: v)
    with store.reading() as conn:
        distinct = _execute(store, conn, f"SELECT count(*) FROM (SELECT DISTINCT {target} FROM "
                            f"{source} LIMIT {max_values + 1}) AS d", base.params.values).scalar()
        values: list[tuple[Any, int]] = []
        complete = distinct <= max_values
        if complete:
            rows = _execute(store, conn, f"SELECT {target}, count(*) FROM {source} GROUP BY "
                            f"{target} ORDER BY count(*) DESC, {target} ASC",
                            base.params.values)
            values = [(conv(v), int(n)) for v, n in rows]
        minimum = maximum = None
        if column.type in ("int", "numeric", "date", "timestamp", "time"):
            low, high = _execute(store, conn, f"SELECT min({target}), max({target}) FROM "
                                 f"{source}", base.params.values).one()
            minimum, maximum = conv(low), conv(high)
    return ColumnSummary(column, values, complete, minimum, maximum)


def iter_rows(store: Datastore, resource_id: str, view: View = View(), *, batch: int = 5000,
              sha256: str = "", timeout: float | None = None
              ) -> tuple[list[Column], Iterator[list[Any]]]:
    """Every row of a view, in order, as lists (values JSON-ready): for dumps.

    The columns are known at once (a bad view fails here, before anything is sent); the
    rows stream from one read-only connection, held until the iterator ends or is closed.
    ``timeout`` (seconds) bounds the whole dump; default: ten minutes.
    """
    table = store.table(resource_id, sha256=sha256)
    statement = _statement(store, table, view)
    sql = f"{statement.select} ORDER BY {statement.order}"
    converters = _converters(statement.columns)

    def rows() -> Iterator[list[Any]]:
        with store.reading(timeout=600.0 if timeout is None else timeout) as conn:
            result = _execute(store, conn.execution_options(stream_results=True,
                                                            yield_per=batch),
                              sql, statement.params.values)
            for row in result:
                yield _convert(row, converters)

    return statement.columns, rows()

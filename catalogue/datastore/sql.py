"""``datastore_search_sql``: one read-only SELECT over tables the caller may read (issue 21).

Decided by a real parser and by the database, never by matching strings:

1. :mod:`sqlglot` parses the text in the datastore's dialect. It must be exactly one
   statement, a query (SELECT, or SELECTs joined by UNION/INTERSECT/EXCEPT), without
   ``INTO``, ``FOR UPDATE`` or ``WITH RECURSIVE``; every function must be on the list below
   (aggregates, window ranks, text and number helpers: no ``pg_sleep``, ``randomblob``,
   ``load_extension``, ``pg_read_file``, ``set_config`` …); every table must be named by a
   resource id (as in CKAN: ``SELECT * FROM "<resource id>"``) or a CTE defined in the
   statement, with no schema (``main.``, ``pg_catalog.``, ``datastore.`` are refused).
2. Each resource id must have a table and be readable by the caller (``may_read``): the
   answer for a hidden or unknown resource is the same 403, so names do not leak.
3. The statement *as the parser understood it* is rewritten to the physical table names and
   generated again — what runs is what was checked.
4. The database enforces it again: on SQLite the connection is ``mode=ro`` and an
   authorizer allows only SELECT, reads of the named tables and the listed functions
   (PRAGMA, ATTACH, writes, recursive CTEs: denied); on PostgreSQL a READ ONLY transaction as
   a role that may read nothing but the datastore's tables. Both stop the statement at the
   timeout, and at most ``max_rows`` rows are returned (``records_truncated``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlglot
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from catalogue.datastore.errors import QueryError, QueryTimeout
from catalogue.datastore.store import Datastore, TableInfo, is_timeout
from catalogue.errors import NotAuthorized

MAX_SQL_CHARS = 20_000

# Functions a statement may call, by sqlglot's class, and (SQLite's authorizer) by name:
# aggregates, text, numbers and dates that compute from their arguments alone. Nothing that
# reads files or settings, sleeps, or makes a value of a size the caller chooses (repeat,
# lpad, zeroblob, randomblob, printf widths).
ALLOWED_FUNCTIONS: tuple[type[exp.Expression], ...] = (
    exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max, exp.GroupConcat, exp.Stddev,
    exp.Variance, exp.Lower, exp.Upper, exp.Length, exp.Substring, exp.Replace, exp.Trim,
    exp.Concat, exp.Left, exp.Right, exp.StrPosition, exp.Initcap, exp.Coalesce, exp.Nullif,
    exp.Cast, exp.Round, exp.Abs, exp.Floor, exp.Ceil, exp.Pow, exp.Sqrt, exp.Exp, exp.Ln,
    exp.Log, exp.Sign, exp.Greatest, exp.Least, exp.RowNumber, exp.Case, exp.If,
    exp.Extract, exp.Date, exp.TimeToStr, exp.TsOrDsToTimestamp, exp.TimestampTrunc,
    exp.DateTrunc,
    # Operators sqlglot also models as functions (``AND(a, b)``): a WHERE needs them.
    exp.And, exp.Or, exp.Exists,
)
ALLOWED_ANONYMOUS = frozenset({"rank", "dense_rank", "ntile", "lag", "lead", "first_value",
                               "last_value", "ifnull", "total", "ltrim", "rtrim", "instr",
                               "string_agg", "julianday", "datetime", "time", "log10",
                               "mod", "trunc"})
SQLITE_FUNCTIONS = frozenset({
    "count", "sum", "avg", "min", "max", "group_concat", "total", "lower", "upper", "length",
    "substr", "substring", "replace", "trim", "ltrim", "rtrim", "concat", "coalesce",
    "nullif", "ifnull", "iif", "round", "abs", "floor", "ceil", "ceiling", "row_number",
    "rank", "dense_rank", "ntile", "lag", "lead", "first_value", "last_value", "instr",
    "like", "glob", "string_agg", "pow", "power", "sqrt", "exp", "ln", "log", "log10",
    "sign", "mod", "trunc", "date", "time", "datetime", "julianday", "strftime",
})
_DIALECT = {"sqlite": "sqlite", "postgresql": "postgres"}


@dataclass
class SqlResult:
    """The answer: CKAN's ``fields``, ``records`` and whether rows were cut."""

    fields: list[dict[str, str]]
    records: list[dict[str, Any]]
    truncated: bool
    sql: str  # the statement as run (physical names), for logs


@dataclass(frozen=True)
class CheckedSql:
    sql: str
    tables: dict[str, TableInfo]  # resource id → its table


def _refuse(message: str) -> QueryError:
    return QueryError(message, "sql")


def _parse(sql: str, dialect: str) -> exp.Query:
    if not isinstance(sql, str) or not sql.strip():
        raise _refuse("sql: give one SELECT statement")
    if len(sql) > MAX_SQL_CHARS:
        raise _refuse(f"sql: at most {MAX_SQL_CHARS} characters")
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except (ParseError, TokenError) as exc:
        raise _refuse(f"sql: cannot parse the statement: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise _refuse("sql: exactly one statement, please (no ';' between several)")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise _refuse("sql: only SELECT statements are allowed")
    return tree


def _check_shape(tree: exp.Query) -> None:
    for node in tree.walk():
        if isinstance(node, exp.With) and node.args.get("recursive"):
            raise _refuse("sql: recursive WITH is not allowed")
        if isinstance(node, exp.Into | exp.Lock):
            raise _refuse("sql: SELECT … INTO and FOR UPDATE are not allowed")
        if isinstance(node, exp.Command | exp.DDL | exp.DML | exp.Pragma | exp.Set
                      | exp.Transaction):
            raise _refuse("sql: only SELECT statements are allowed")
        if isinstance(node, exp.Func):
            if isinstance(node, exp.Anonymous):
                if str(node.name).lower() not in ALLOWED_ANONYMOUS:
                    raise _refuse(f"sql: function {node.name!r} is not allowed")
            elif not isinstance(node, ALLOWED_FUNCTIONS):
                raise _refuse(f"sql: function {node.sql_name().lower()!r} is not allowed")


def _cte_names(tree: exp.Query) -> set[str]:
    return {cte.alias_or_name for cte in tree.find_all(exp.CTE)}


def check_sql(store: Datastore, sql: str, may_read: Callable[[str], bool]) -> CheckedSql:
    """Parse and check ``sql``; the statement to run, rewritten to physical table names.

    QueryError (400) for anything but one allowed SELECT; NotAuthorized (403) for a table the
    caller may not read, or that does not exist.
    """
    dialect = _DIALECT[store.dialect]
    tree = _parse(sql, dialect)
    _check_shape(tree)
    ctes = _cte_names(tree)
    names: set[str] = set()
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise _refuse("sql: table functions are not allowed")
        if table.args.get("db") or table.args.get("catalog"):
            raise NotAuthorized(f"Not authorized to read {table.sql(dialect=dialect)}")
        if table.name not in ctes:
            names.add(table.name)
    if not names:
        raise _refuse("sql: name at least one resource table (FROM \"<resource id>\")")
    found = store.currents(sorted(names))
    for name in sorted(names):
        if name not in found or not may_read(name):
            raise NotAuthorized(f"Not authorized to read resource {name}")
    for table in list(tree.find_all(exp.Table)):
        name = table.name
        if name in ctes or name not in found:
            continue
        alias = table.alias or name
        replacement = exp.Table(this=exp.to_identifier(found[name].table_name, quoted=True),
                                db=exp.to_identifier(store.schema, quoted=True)
                                if store.schema else None,
                                alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
        table.replace(replacement)
    if store.dialect == "sqlite":
        _as_postgres_names(tree)
        _concat_as_pipes(tree)
        _ends_as_substr(tree)
    return CheckedSql(tree.sql(dialect=dialect, normalize_functions=False), found)


def _postgres_name(node: exp.Expression) -> str:
    """The name PostgreSQL gives an unnamed result column (as CKAN's answers have it)."""
    if isinstance(node, exp.Column):
        return node.name
    if isinstance(node, exp.Cast):
        return _postgres_name(node.this) if isinstance(node.this, exp.Column) else \
            str(node.to.this.value).lower() if isinstance(node.to, exp.DataType) else "?column?"
    if isinstance(node, exp.Window | exp.Filter):  # sum(x) OVER (…), count(*) FILTER (…)
        return _postgres_name(node.this)
    if isinstance(node, exp.Case):
        return "case"
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    if isinstance(node, exp.Func):
        return node.sql(dialect="postgres").split("(", 1)[0].strip().lower() or "?column?"
    return "?column?"


def _as_postgres_names(tree: exp.Query) -> None:
    """SQLite names an unnamed result column after its text (``COUNT(*)``); PostgreSQL, and
    so CKAN, after the column or function (``count``): the same query answers the same on
    both databases."""
    for select in tree.find_all(exp.Select):
        named: list[Any] = []  # sqlglot nodes
        for node in select.expressions:
            if isinstance(node, exp.Alias | exp.Star | exp.Column):  # named already, or *
                named.append(node)
            else:
                named.append(exp.alias_(node, _postgres_name(node), quoted=True))
        select.set("expressions", named)


def _ends_as_substr(tree: exp.Query) -> None:
    """``left(a, n)`` and ``right(a, n)``, which SQLite lacks, as its ``substr``."""
    for node in list(tree.find_all(exp.Left, exp.Right)):
        count = node.expression
        start = exp.Literal.number(1) if isinstance(node, exp.Left) else exp.Neg(this=count)
        node.replace(exp.Anonymous(this="SUBSTR", expressions=[node.this, start, count]))


def _concat_as_pipes(tree: exp.Query) -> None:
    """``concat(a, b)`` as SQLite before 3.44 can run it, NULLs as empty text as concat
    treats them."""
    for node in list(tree.find_all(exp.Concat)):
        parts = [exp.Coalesce(this=arg, expressions=[exp.Literal.string("")])
                 for arg in node.expressions]
        joined: exp.Expression = parts[0]
        for part in parts[1:]:
            joined = exp.DPipe(this=joined, expression=part)
        node.replace(exp.Paren(this=joined))


@contextmanager
def _authorized(store: Datastore, conn: Any, tables: set[str]) -> Iterator[None]:
    """On SQLite, the authorizer for this statement: SELECT, reads of ``tables``, the
    listed functions; everything else denied."""
    if store.dialect != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection

    def authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None,
                  _trigger: str | None) -> int:
        if action == sqlite3.SQLITE_SELECT:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ and arg1 in tables:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in SQLITE_FUNCTIONS:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    raw.set_authorizer(authorize)
    try:
        yield
    finally:
        raw.set_authorizer(None)


def _field_type(values: list[Any]) -> str:
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int"
        if isinstance(value, float | Decimal):
            return "numeric"
        if isinstance(value, datetime):
            return "timestamp"
        if isinstance(value, date):
            return "date"
        if isinstance(value, time):
            return "time"
        return "text"
    return "text"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def search_sql(store: Datastore, sql: str, *, may_read: Callable[[str], bool],
               max_rows: int) -> SqlResult:
    """Run one checked SELECT; at most ``max_rows`` records, ``truncated`` when there were
    more. QueryError / NotAuthorized as :func:`check_sql`; QueryTimeout past the timeout."""
    checked = check_sql(store, sql, may_read)
    physical = {t.table_name for t in checked.tables.values()}
    with store.reading() as conn, _authorized(store, conn, physical):
        try:
            result = conn.execute(text(checked.sql.replace(":", r"\:")))
            names = list(result.keys())
            rows = result.fetchmany(max_rows + 1)
        except DBAPIError as exc:
            if is_timeout(exc):
                raise QueryTimeout("Query took too long (over the statement timeout)") from None
            message = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
            if "not authorized" in message.lower() or "permission denied" in message.lower():
                raise NotAuthorized(f"Not authorized: {message}") from None
            raise QueryError(f"Query error: {message}", "sql") from None
    truncated = len(rows) > max_rows
    rows = rows[:max_rows]
    fields = [{"id": name, "type": _field_type([r[i] for r in rows[:50]])}
              for i, name in enumerate(names)]
    records: list[dict[str, Any]] = [
        {name: _jsonable(value) for name, value in zip(names, row, strict=True)} for row in rows]
    return SqlResult(fields, records, truncated, checked.sql)


def readable(tables: Mapping[str, TableInfo]) -> list[str]:
    """The resource ids a checked statement reads (for audits and logs)."""
    return sorted(tables)

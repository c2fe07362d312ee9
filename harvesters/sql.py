"""``sql``: tables and named queries of an agency database, through SQLAlchemy (any URL).

Each ``[[source.table]]`` (``table = ...``) or ``[[source.query]]`` (``sql = "SELECT ..."``)
becomes a dataset with one CSV resource and a Table Schema taken from the column types.
With neither, every table is harvested. Nothing is ever written to the agency database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Engine, create_engine, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from harvesters.base import (
    Gathered,
    Harvester,
    RecordError,
    SourceError,
    SourceRecord,
    SourceResource,
)
from harvesters.mapping import record_from_entry

PY_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"), (int, "integer"), (float, "number"), (Decimal, "number"),
    (datetime, "datetime"), (date, "date"), (str, "string"),
)


def _schema_type(python_type: type | None) -> str:
    for kind, name in PY_TYPES:
        if python_type is not None and issubclass(python_type, kind):
            return name
    return "any"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class SqlHarvester(Harvester):
    type_name = "sql"
    locations = ("dsn",)
    options: ClassVar[dict[str, tuple[type, str]]] = {
        "table": (list, "[[source.table]]: name, table, and dataset metadata"),
        "query": (list, "[[source.query]]: name, sql (a SELECT), and dataset metadata"),
        "db_schema": (str, "database schema the tables live in (PostgreSQL)"),
    }

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[tuple[str, str]]:
        problems = super().check_options(options)
        for kind, needed in (("table", "table"), ("query", "sql")):
            entries = options.get(kind)
            if not isinstance(entries, list):
                continue
            for index, entry in enumerate(entries, start=1):
                where = f"{kind}[{index}]"
                if not isinstance(entry, dict):
                    problems.append((where, "expected a table"))
                    continue
                for key in ("name", needed):
                    if not isinstance(entry.get(key), str) or not entry[key].strip():
                        problems.append((f"{where}.{key}", "missing (required)"))
                sql = entry.get("sql")
                if kind == "query" and isinstance(sql, str) and not sql.lstrip().lower().startswith(
                        ("select", "with")):
                    problems.append((f"{where}.sql", "must be a SELECT (or WITH ... SELECT)"))
        return problems

    def _engine(self) -> Engine:
        url = make_url(self.source.dsn)
        if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:") \
                and not Path(url.database).is_file():
            # SQLite would quietly create an empty database: the agency's file is missing.
            raise SourceError(f"database file not found: {url.database}")
        try:
            engine = create_engine(self.source.dsn)
            with engine.connect():
                pass
        except (SQLAlchemyError, ImportError) as exc:
            raise SourceError(f"cannot connect to the database: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0][:300]}") from None
        return engine

    _connected: Engine | None = None

    def _connection(self) -> Engine:
        if self._connected is None:
            self._connected = self._engine()
        return self._connected

    def close(self) -> None:
        if self._connected is not None:
            self._connected.dispose()
            self._connected = None

    def gather(self) -> Iterator[Gathered]:
        tables = self.option("table", [])
        queries = self.option("query", [])
        engine = self._connection()  # an unreachable database fails the job here
        if not tables and not queries:
            names = inspect(engine).get_table_names(schema=self.option("db_schema", None))
            tables = [{"name": name, "table": name} for name in names]
        for entry in tables:
            yield Gathered(f"table:{entry['table']}", {"kind": "table", "entry": entry})
        for entry in queries:
            yield Gathered(f"query:{entry['name']}", {"kind": "query", "entry": entry})

    def _rows(self, engine: Engine, kind: str, entry: Mapping[str, Any]) -> tuple[
            list[str], list[Sequence[Any]], dict[str, Any]]:
        schema_name = self.option("db_schema", None)
        declared: dict[str, str] = {}
        primary: list[str] = []
        if kind == "table":
            inspector = inspect(engine)
            try:
                columns = inspector.get_columns(entry["table"], schema=schema_name)
            except SQLAlchemyError as exc:
                raise RecordError(f"table {entry['table']!r}: {str(exc).splitlines()[0]}") from None
            for column in columns:
                try:
                    declared[column["name"]] = _schema_type(column["type"].python_type)
                except NotImplementedError:
                    declared[column["name"]] = "any"
            primary = inspector.get_pk_constraint(entry["table"], schema=schema_name).get(
                "constrained_columns") or []
            statement: Any = select(text("*")).select_from(
                table(entry["table"], schema=schema_name))
            if primary:
                statement = statement.order_by(*(text(f'"{c}"') for c in primary))
        else:
            statement = text(entry["sql"])
        limit = self.source.limits.max_file_bytes
        with engine.connect() as connection:
            result = connection.execution_options(stream_results=True).execute(statement)
            header = list(result.keys())
            rows: list[Sequence[Any]] = []
            size = 0
            for row in result:
                rows.append(tuple(row))
                size += sum(len(_cell(v)) + 1 for v in row)
                if size > limit:
                    raise RecordError(f"limit max_file_mb exceeded: the export is larger than "
                                      f"{limit} bytes")
        fields = []
        for position, name in enumerate(header):
            kind_name = declared.get(name)
            if not kind_name or kind_name == "any":
                seen = {type(r[position]) for r in rows if r[position] is not None}
                kind_name = _schema_type(seen.pop()) if len(seen) == 1 else "string"
            fields.append({"name": name, "type": kind_name})
        schema: dict[str, Any] = {"fields": fields}
        if primary:
            schema["primaryKey"] = primary
        return header, rows, schema

    def fetch(self, item: Gathered) -> SourceRecord:
        kind, entry = item.payload["kind"], item.payload["entry"]
        try:
            header, rows, schema = self._rows(self._connection(), kind, entry)
        except SQLAlchemyError as exc:
            raise RecordError(f"{kind} {entry.get('name')}: {str(exc).splitlines()[0][:300]}") \
                from None
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
        location = _redacted(self.source.dsn)
        record = record_from_entry(item.identifier, dict(entry), location)
        record.resources.append(SourceResource(
            name=f"{entry.get('table') or entry['name']}.csv", format="csv",
            data=buffer.getvalue().encode("utf-8"), schema=schema,
            description=f"Exported from {kind} {entry.get('table') or entry['name']}",
        ))
        return record


def _redacted(dsn: str) -> str:
    """The DSN without its password (it ends up in the public provenance)."""
    try:
        return make_url(dsn).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "database"

"""Where datastore tables live, which one each resource reads now, and how reads are kept safe.

Two places, as CKAN keeps its DataStore apart from the catalogue (issue 21):

- **SQLite** (the embedded default): the file ``datastore.sqlite`` in the home, never the
  catalogue's database. Queries open it read-only (``mode=ro``), so no statement can write.
- **PostgreSQL**: the schema ``datastore`` of a database (by default the catalogue's). Queries
  run in a ``READ ONLY`` transaction as the role ``dulieumo_datastore_reader``, which may
  read the loaded tables and nothing else (no catalogue table, not even this registry); with
  ``datastore_read_url`` an operator gives a login role of their own instead.

Each load writes a new table ``r_<hex>`` beside the ones before it; :meth:`Datastore.activate`
then moves the resource's pointer row in one transaction, so a reader sees the old table or
the new one, never half of one. Tables of earlier versions are kept (``ds_table``), so a
citation of version 3 still finds version 3's rows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

from catalogue.coordination.locks import exclusive
from catalogue.datastore.columns import Column as DataColumn
from catalogue.errors import NotFound

log = logging.getLogger(__name__)

SCHEMA = "datastore"  # PostgreSQL schema of the loaded tables
READER_ROLE = "dulieumo_datastore_reader"
STATEMENT_TIMEOUT_S = 10.0  # the longest any read may run (datastore_search_sql's promise)


def quote(name: str) -> str:
    """A double-quoted SQL identifier; an embedded quote is doubled (both dialects)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class TableInfo:
    """One loaded table: the resource and file it holds, its columns and row count."""

    resource_id: str
    table_name: str
    sha256: str
    version: int | None  # the dataset's public version number when loaded
    columns: tuple[DataColumn, ...]
    row_count: int
    loaded_at: datetime
    # True while the table answers queries but its column indexes are still being built
    # (the load's second phase): answers are complete, some sorts and filters slower.
    indexing: bool = False

    def column(self, name: str) -> DataColumn | None:
        """The column named ``name`` (``_id`` included), or None."""
        if name == "_id":
            return DataColumn("_id", "int")
        return next((c for c in self.columns if c.id == name), None)


def _registry(schema: str | None) -> tuple[MetaData, Table, Table, Table, Table]:
    meta = MetaData(schema=schema)
    tables = Table(
        "ds_table", meta,
        Column("table_name", String(64), primary_key=True),
        Column("resource_id", String(100), index=True, nullable=False),
        Column("sha256", String(64), nullable=False, default=""),
        Column("version", Integer, nullable=True),
        Column("fields", Text, nullable=False),  # JSON list of {id, type, info}
        Column("row_count", Integer, nullable=False, default=0),
        Column("loaded_at", DateTime, nullable=False),
    )
    current = Table(
        "ds_current", meta,
        Column("resource_id", String(100), primary_key=True),
        Column("table_name", String(64), nullable=False),
    )
    jobs = Table(
        "ds_job", meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("resource_id", String(100), index=True, nullable=False),
        Column("dataset_id", String(100), nullable=False, default=""),
        Column("sha256", String(64), nullable=False, default=""),
        Column("status", String(20), nullable=False, index=True),  # queued|running|done|failed
        Column("rows", Integer, nullable=False, default=0),
        Column("message", Text, nullable=False, default=""),
        Column("queued_at", DateTime, nullable=False),
        Column("started_at", DateTime, nullable=True),
        Column("finished_at", DateTime, nullable=True),
    )
    # Tables swapped in whose column indexes are still being built (a row each, deleted
    # when done). A table of its own, so a registry made before it gains it by create_all.
    indexing = Table(
        "ds_indexing", meta,
        Column("table_name", String(64), primary_key=True),
        Column("started_at", DateTime, nullable=False),
        Column("statements", Text, nullable=False, default="[]"),  # JSON: the index plan
    )
    return meta, tables, current, jobs, indexing


class Datastore:
    """The datastore of one portal: its engines, registry and the safe read connection."""

    def __init__(self, engine: Engine, *, read_engine: Engine | None = None,
                 statement_timeout: float = STATEMENT_TIMEOUT_S) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name  # "sqlite" | "postgresql"
        self.schema = SCHEMA if self.dialect == "postgresql" else None
        self.read_engine = read_engine or engine
        self._separate_reader = read_engine is not None
        self.statement_timeout = statement_timeout
        (self.meta, self.tables, self.current_table, self.jobs,
         self.indexing) = _registry(self.schema)
        self.reader_role = ""  # PostgreSQL: the role reads switch to (set by ensure)
        # Index names of loaded, fully indexed tables (they never change after that; SQLite
        # sort hints).
        self.index_names: dict[str, frozenset[str]] = {}

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open_sqlite(cls, path: Path, **options: Any) -> Datastore:
        """The embedded datastore in ``path``; queries go through a ``mode=ro`` connection."""
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = create_engine(f"sqlite:///{path}",
                               connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(writer, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        store = cls(writer, **options)
        store.ensure()
        reader = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true",
                               connect_args={"timeout": 30, "check_same_thread": False})
        store.read_engine, store._separate_reader = reader, True
        return store

    @classmethod
    def open_postgres(cls, url: str, read_url: str = "",
                      engine_factory: Callable[[str], Engine] | None = None,
                      **options: Any) -> Datastore:
        """The datastore in schema ``datastore`` at ``url``; reads as ``read_url``'s role, or
        as :data:`READER_ROLE` when none is given. ``engine_factory`` makes the engines (the
        catalogue's own, so whoever disposes of its engines disposes of these)."""
        def default(address: str) -> Engine:
            return create_engine(address, pool_pre_ping=True, pool_size=3, max_overflow=5)

        make = engine_factory or default
        writer = make(url)
        reader = make(read_url) if read_url else None
        store = cls(writer, read_engine=reader, **options)
        store.ensure()
        return store

    def dispose(self) -> None:
        """Close pooled connections (tests, CLI runs)."""
        self.engine.dispose()
        if self._separate_reader:
            self.read_engine.dispose()

    def ensure(self) -> None:
        """Create the registry (and on PostgreSQL the schema and the reader role) if absent."""
        if self.dialect != "postgresql":
            self.meta.create_all(self.engine)
            return
        # Machines starting together would race on the catalog ("duplicate key ... pg_type"):
        # one creates, the others wait and find it made.
        with exclusive(self.engine, "datastore-ensure", wait=True):
            with self.engine.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {quote(SCHEMA)}"))
                self.meta.create_all(conn)
            if not self._separate_reader:
                self.reader_role = self._ensure_reader_role()

    def _ensure_reader_role(self) -> str:
        """The NOLOGIN role reads switch to; "" when this login may not create or use it
        (then reads are still READ ONLY transactions; set ``datastore_read_url``)."""
        # Roles belong to the whole cluster, beyond this database's lock: a second attempt
        # finds a role another database's start-up created meanwhile.
        for attempt in (1, 2):
            try:
                with self.engine.begin() as conn:
                    exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                         {"r": READER_ROLE})
                    if not exists:
                        conn.execute(text(f"CREATE ROLE {READER_ROLE} NOLOGIN"))
                    conn.execute(text(f"GRANT USAGE ON SCHEMA {quote(SCHEMA)} TO {READER_ROLE}"))
                    conn.execute(text(f"GRANT {READER_ROLE} TO CURRENT_USER"))
                break
            except DBAPIError as exc:
                if attempt == 2:
                    log.warning("datastore: reads cannot switch to role %s (%s); give "
                                "datastore_read_url a read-only login", READER_ROLE, exc.orig)
                    return ""
        return READER_ROLE

    # -- names -----------------------------------------------------------------------------

    def qualified(self, table_name: str) -> str:
        """The quoted name of a data table, with its schema on PostgreSQL."""
        if self.schema:
            return f"{quote(self.schema)}.{quote(table_name)}"
        return quote(table_name)

    # -- the registry ----------------------------------------------------------------------

    def _info(self, row: Any) -> TableInfo:
        fields = json.loads(row.fields)
        return TableInfo(row.resource_id, row.table_name, row.sha256, row.version,
                         tuple(DataColumn(f["id"], f["type"], f.get("info") or {})
                               for f in fields), row.row_count, row.loaded_at,
                         row.pending is not None)

    def _select(self) -> Any:
        """Registry rows with ``pending``: non-NULL while the table's indexes are built."""
        return (select(self.tables, self.indexing.c.table_name.label("pending"))
                .outerjoin(self.indexing,
                           self.indexing.c.table_name == self.tables.c.table_name))

    def current(self, resource_id: str) -> TableInfo | None:
        """The table a resource reads now, or None when it has none."""
        query = (self._select().join(
            self.current_table, self.current_table.c.table_name == self.tables.c.table_name)
            .where(self.current_table.c.resource_id == resource_id))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return self._info(row) if row is not None else None

    def current_ids(self) -> list[str]:
        """Every resource that has a current table, in id order."""
        query = select(self.current_table.c.resource_id).order_by(
            self.current_table.c.resource_id)
        with self.engine.connect() as conn:
            return [str(row[0]) for row in conn.execute(query)]

    def currents(self, resource_ids: Sequence[str]) -> dict[str, TableInfo]:
        """The current tables of several resources at once (those that have one)."""
        if not resource_ids:
            return {}
        query = (self._select().join(
            self.current_table, self.current_table.c.table_name == self.tables.c.table_name)
            .where(self.current_table.c.resource_id.in_(list(resource_ids))))
        with self.engine.connect() as conn:
            return {row.resource_id: self._info(row) for row in conn.execute(query)}

    def table(self, resource_id: str, *, sha256: str = "") -> TableInfo:
        """The current table of a resource, or the one loaded from the file ``sha256`` (an
        earlier version); NotFound when there is none."""
        if not sha256:
            found = self.current(resource_id)
        else:
            query = (self._select().where(self.tables.c.resource_id == resource_id,
                                               self.tables.c.sha256 == sha256)
                     .order_by(self.tables.c.loaded_at.desc()))
            with self.engine.connect() as conn:
                row = conn.execute(query).first()
            found = self._info(row) if row is not None else None
        if found is None:
            raise NotFound(f"Resource {resource_id!r} has no datastore table")
        return found

    def history(self, resource_id: str) -> list[TableInfo]:
        """Every table kept for a resource, newest first."""
        query = (self._select().where(self.tables.c.resource_id == resource_id)
                 .order_by(self.tables.c.loaded_at.desc()))
        with self.engine.connect() as conn:
            return [self._info(row) for row in conn.execute(query)]

    def register(self, conn: Connection, info: TableInfo,
                 index_plan: Sequence[str] = ()) -> None:
        """Record a loaded table (in the caller's transaction); while ``info.indexing``,
        with the statements that will build its indexes."""
        conn.execute(self.tables.insert().values(
            table_name=info.table_name, resource_id=info.resource_id, sha256=info.sha256,
            version=info.version, fields=json.dumps([c.as_field() for c in info.columns]),
            row_count=info.row_count, loaded_at=info.loaded_at))
        if info.indexing:
            conn.execute(self.indexing.insert().values(
                table_name=info.table_name, started_at=info.loaded_at,
                statements=json.dumps(list(index_plan))))

    def index_plans(self) -> dict[str, list[str]]:
        """Tables whose indexes are not all built yet, with the statements that build them."""
        with self.engine.connect() as conn:
            return {row.table_name: json.loads(row.statements)
                    for row in conn.execute(select(self.indexing))}

    def indexed(self, table_name: str) -> None:
        """Record that a table's column indexes are all built (the load's second phase)."""
        with self.engine.begin() as conn:
            conn.execute(self.indexing.delete()
                         .where(self.indexing.c.table_name == table_name))

    def activate(self, conn: Connection, resource_id: str, table_name: str) -> None:
        """Point the resource at ``table_name`` (in the caller's transaction: the swap)."""
        updated = conn.execute(self.current_table.update()
                               .where(self.current_table.c.resource_id == resource_id)
                               .values(table_name=table_name))
        if not updated.rowcount:
            conn.execute(self.current_table.insert().values(resource_id=resource_id,
                                                            table_name=table_name))
        if self.reader_role:
            conn.execute(text(f"GRANT SELECT ON {self.qualified(table_name)} "
                              f"TO {self.reader_role}"))

    def set_row_count(self, conn: Connection, table_name: str, count: int) -> None:
        conn.execute(self.tables.update().where(self.tables.c.table_name == table_name)
                     .values(row_count=count))

    def set_columns(self, conn: Connection, table_name: str,
                    columns: Sequence[DataColumn]) -> None:
        """Replace the data dictionary kept for a table (labels, notes, units)."""
        conn.execute(self.tables.update().where(self.tables.c.table_name == table_name)
                     .values(fields=json.dumps([c.as_field() for c in columns])))

    def deactivate(self, resource_id: str) -> None:
        """The resource reads no table any more (its tables are kept)."""
        with self.engine.begin() as conn:
            conn.execute(self.current_table.delete()
                         .where(self.current_table.c.resource_id == resource_id))

    # -- reading ---------------------------------------------------------------------------

    @contextmanager
    def reading(self, timeout: float | None = None) -> Iterator[Connection]:
        """A connection that can only read, and gives up after ``timeout`` seconds.

        SQLite: the ``mode=ro`` connection, with a progress handler that interrupts the
        statement at the deadline. PostgreSQL: a READ ONLY transaction with
        ``statement_timeout``, as the reader role.
        """
        seconds = self.statement_timeout if timeout is None else timeout
        with self.read_engine.connect() as conn:
            if self.dialect == "sqlite":
                raw = conn.connection.dbapi_connection
                assert raw is not None
                deadline = _Deadline(seconds)
                raw.set_progress_handler(deadline.expired, 10_000)
                try:
                    yield conn
                finally:
                    raw.set_progress_handler(None, 0)
                    conn.rollback()
                return
            with conn.begin():
                conn.execute(text("SET TRANSACTION READ ONLY"))
                conn.execute(text(f"SET LOCAL statement_timeout = {int(seconds * 1000)}"))
                if self.reader_role:
                    conn.execute(text(f"SET LOCAL ROLE {self.reader_role}"))
                conn.execute(text(f"SET LOCAL search_path = {quote(SCHEMA)}"))
                yield conn


class _Deadline:
    """SQLite's progress handler: a true answer interrupts the running statement."""

    def __init__(self, seconds: float) -> None:
        import time

        self._clock = time.monotonic
        self.at = self._clock() + seconds
        self.hit = False

    def expired(self) -> int:
        if self._clock() >= self.at:
            self.hit = True
            return 1
        return 0


def is_timeout(exc: BaseException) -> bool:
    """Whether a database error is the statement timeout (either dialect)."""
    message = str(getattr(exc, "orig", exc)).lower()
    return "interrupted" in message or "statement timeout" in message or (
        "canceling statement" in message)


def fields_json(columns: Sequence[DataColumn]) -> list[Mapping[str, Any]]:
    """Columns as CKAN ``fields``, ``_id`` first."""
    return [{"id": "_id", "type": "int"}, *(c.as_field() for c in columns)]

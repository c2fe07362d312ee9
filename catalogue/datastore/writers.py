"""Writing a new data table, per database: SQLite (FTS5) and PostgreSQL (COPY, tsvector).

A writer creates the table, takes batches of rows (stored values, and the cells as the file
wrote them), then builds the indexes. Nothing is visible to readers until the loader
activates the table. Folding for full text costs at most one call a row, never one a cell
(the loader's speed is the aim); the query side is in :mod:`query`:

- SQLite: a contentless FTS5 table ``<table>_fts``, one column per field (``c0``, ``c1``
  …), ``rowid`` = ``_id``, filled from the table in one statement once the rows are in.
  Its tokenizer (``unicode61 remove_diacritics 2``) lowers case and drops Vietnamese
  diacritics; ``đ``, which Unicode does not decompose, is replaced by ``d`` on the way in.
  A query is folded by :func:`folding.fold_text` (the search analyzer's folding), so both
  sides agree.
- PostgreSQL: ``_fold``, the row's text cells folded by :func:`folding.fold_text` on the
  way in (one call a row), and ``_full_text``, the tsvector the database generates from it
  (``simple`` configuration) under a GIN index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import text

from catalogue.datastore.batches import Batch
from catalogue.datastore.columns import Column
from catalogue.datastore.folding import fold_text
from catalogue.datastore.store import Datastore, quote

FTS_TOKENIZER = "unicode61 remove_diacritics 2"
FTS_TYPES = frozenset({"text", "int"})  # what full text covers: words, codes, years
INDEX_MAX_CHARS = 40  # longer values on average (names, descriptions): searched, not indexed
# "Schools of one province, most pupils first": a column of few values (a facet: province,
# level, type) filtered by equality, sorted by a number or date. A (facet, sort) index
# answers it by reading 100 index entries; one index per column makes it read thousands of
# rows or sort every match. Built for large tables only (small ones sort their matches in
# well under the query budget), and at most PAIR_MAX of them (each costs the load an index).
FACET_MAX_VALUES = 100  # distinct values among the first rows
SORTABLE_TYPES = frozenset({"int", "numeric", "date", "timestamp", "time"})
PAIR_MIN_ROWS = 100_000
PAIR_MAX = 4
COMMIT_ROWS = 10_000  # SQLite commits (and progress is told) every this many rows


def index_name(table_name: str, columns: Sequence[Column], column: Column) -> str:
    """The name of a column's index: ``<table>_c<position>`` (the query side finds it so)."""
    return f"{table_name}_c{list(columns).index(column)}"


def pair_index_name(table_name: str, facet: int, sort: int) -> str:
    """The name of a (facet, sort) index: ``<table>_c<facet>_c<sort>`` (positions)."""
    return f"{table_name}_c{facet}_c{sort}"


def _pairs(columns: Sequence[Column], batch: Batch) -> list[tuple[int, int]]:
    """(facet, sortable) column positions worth a two-column index: the first sortable
    column with each facet, then the second …; facets with the fewest values first (they
    match the most rows: the slowest to sort without one)."""
    facets = []
    for index, column in enumerate(columns):
        if column.type in ("text", "int", "bool") and batch.sample:
            values = len({cells[index] for cells in batch.sample})
            if 1 < values <= FACET_MAX_VALUES:
                facets.append((values, index))
    sortables = [i for i, c in enumerate(columns) if c.type in SORTABLE_TYPES]
    return [(facet, sort) for sort in sortables for _values, facet in sorted(facets)
            if sort != facet][:PAIR_MAX]


def fts_columns(columns: Sequence[Column]) -> list[tuple[int, Column]]:
    """The columns full text covers, with their position (the FTS column is ``c<pos>``)."""
    return [(i, c) for i, c in enumerate(columns) if c.type in FTS_TYPES]


def _short_columns(columns: Sequence[Column], batch: Batch) -> list[Column]:
    """Columns whose values are short in the first rows: filter and facet candidates that get
    an index (long text is found through full text; indexing it costs loads their speed)."""
    if not batch.sample:
        return list(columns)
    short = []
    for index, column in enumerate(columns):
        lengths = [len(cells[index]) for cells in batch.sample]
        if sum(lengths) / len(lengths) <= INDEX_MAX_CHARS:
            short.append(column)
    return short


def _single_indexes(columns: Sequence[Column], short: Sequence[Column],
                    pairs: Sequence[tuple[int, int]]) -> list[Column]:
    """The one-column indexes worth building: the short columns, less the facets that lead
    a (facet, sort) index (an equality filter on the facet reads that index's prefix just
    as well). A sortable facet keeps its own: sorts look it up by name."""
    leading = {facet for facet, _sort in pairs}
    return [c for c in short
            if not (list(columns).index(c) in leading and c.type not in SORTABLE_TYPES)]


SQLITE_TYPES = {"int": "INTEGER", "numeric": "REAL", "bool": "INTEGER", "text": "TEXT",
                "date": "TEXT", "timestamp": "TEXT", "time": "TEXT"}
POSTGRES_TYPES = {"int": "bigint", "numeric": "double precision", "bool": "boolean",
                  "text": "text", "date": "date", "timestamp": "timestamp", "time": "time"}


class TableWriter(Protocol):
    keep: Sequence[int]  # columns whose cells, as written, the writer needs in each batch

    def write(self, batches: Iterable[Batch], progress: Any) -> int: ...

    def searchable(self) -> None: ...

    def index_plan(self, max_indexes: int, pair_min_rows: int = PAIR_MIN_ROWS
                   ) -> list[str]: ...

    def drop(self) -> None: ...


def writer_for(store: Datastore, table_name: str, columns: Sequence[Column]) -> TableWriter:
    """The writer for the store's database."""
    if store.dialect == "postgresql":
        return PostgresWriter(store, table_name, columns)
    return SqliteWriter(store, table_name, columns)


class SqliteWriter:
    """Rows by ``executemany`` in committed batches (the table is not yet anyone's)."""

    def __init__(self, store: Datastore, table_name: str, columns: Sequence[Column]) -> None:
        self.store, self.name, self.columns = store, table_name, list(columns)
        self.fts = table_name + "_fts"
        self.indexed = list(columns)
        self.pairs: list[tuple[int, int]] = []
        self.count = 0
        self.keep: Sequence[int] = ()

    def write(self, batches: Iterable[Batch], progress: Any) -> int:
        raw = self.store.engine.raw_connection()
        try:
            cursor = raw.cursor()
            defs = ", ".join(f"{quote(c.id)} {SQLITE_TYPES[c.type]}" for c in self.columns)
            cursor.execute(f"CREATE TABLE {quote(self.name)} (_id INTEGER PRIMARY KEY, {defs})")
            marks = ", ".join("?" for _ in self.columns)
            names = ", ".join(quote(c.id) for c in self.columns)
            # The rows go in as the batch holds them (no _id): a new table's rowid counts
            # 1, 2, 3 … in insertion order, which is file order; checked below.
            insert = f"INSERT INTO {quote(self.name)} ({names}) VALUES ({marks})"
            count = committed = 0
            for batch in batches:
                if not count:
                    self.indexed = _short_columns(self.columns, batch)
                    self.pairs = _pairs(self.columns, batch)
                cursor.executemany(insert, batch.rows)
                count += len(batch)
                if count - committed >= COMMIT_ROWS:
                    raw.commit()
                    committed = count
                    if progress is not None:
                        progress(count)
            last, rows = cursor.execute(
                f"SELECT max(_id), count(*) FROM {quote(self.name)}").fetchone()
            if (last or 0) != count or rows != count:
                raise RuntimeError(f"datastore load: {rows} rows numbered to {last}, "
                                   f"{count} written")
            raw.commit()
            if progress is not None and count != committed:
                progress(count)
            self.count = count
            return count
        finally:
            raw.close()

    def searchable(self) -> None:
        """The full-text index: what a table needs before it may answer queries (``q`` has
        no other way to be answered exactly as the tokenizer splits words)."""
        raw = self.store.engine.raw_connection()
        try:
            cursor = raw.cursor()
            _sqlite_build_memory(cursor, True)
            searched = fts_columns(self.columns) or [(0, self.columns[0])]
            fts_cols = ", ".join(f"c{i}" for i, _ in searched)
            # detail=column: no word positions (no phrase queries, which we never send), an
            # index a third the size, built faster. content='': no second copy of the text
            # (queries only ask which rowids match; a table is never updated, only
            # replaced), a third less time to build.
            cursor.execute(f"CREATE VIRTUAL TABLE {quote(self.fts)} USING fts5({fts_cols}, "
                           f"tokenize = '{FTS_TOKENIZER}', columnsize = 0, detail = column, "
                           "content = '')")
            folded = ", ".join(sqlite_fold(quote(c.id)) for _, c in searched)
            cursor.execute(f"INSERT INTO {quote(self.fts)} (rowid, {fts_cols}) "
                           f"SELECT _id, {folded} FROM {quote(self.name)}")
            raw.commit()
            _sqlite_build_memory(cursor, False)
        finally:
            raw.close()

    def index_plan(self, max_indexes: int, pair_min_rows: int = PAIR_MIN_ROWS) -> list[str]:
        """The column and (facet, sort) indexes, as statements :func:`build_indexes` runs
        (the registry keeps them until built, so a second phase cut short can be resumed);
        the pairs first: they serve the slowest queries without them."""
        pairs = self.pairs if self.count >= pair_min_rows else []
        statements = [f"CREATE INDEX IF NOT EXISTS "
                      f"{quote(pair_index_name(self.name, facet, sort))} ON {quote(self.name)} "
                      f"({quote(self.columns[facet].id)}, {quote(self.columns[sort].id)})"
                      for facet, sort in pairs]
        for column in _single_indexes(self.columns, self.indexed, pairs)[:max_indexes]:
            statements.append(f"CREATE INDEX IF NOT EXISTS "
                              f"{quote(index_name(self.name, self.columns, column))} "
                              f"ON {quote(self.name)} ({quote(column.id)})")
        return statements

    def drop(self) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {quote(self.fts)}"))
            conn.execute(text(f"DROP TABLE IF EXISTS {quote(self.name)}"))


def build_indexes(store: Datastore, table_name: str, statements: Sequence[str]) -> None:
    """Run a table's index plan (:meth:`TableWriter.index_plan`), each index its own
    transaction: the table may already be the resource's (readers keep reading; building
    one index locks out writes, not reads), then statistics. Speed only, never answers."""
    # The driver's own cursor, no parameters: a ``:`` or ``%`` in a column's (quoted) name
    # is never taken for a placeholder.
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if store.dialect == "postgresql":
            for statement in statements:
                cursor.execute(statement)
                raw.commit()
            return
        _sqlite_build_memory(cursor, True)
        for statement in statements:
            cursor.execute(statement)
            raw.commit()
        cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute(f"ANALYZE {quote(table_name)}")
        raw.commit()
        _sqlite_build_memory(cursor, False)
        # Fold the load's write-ahead log into the file now (readers otherwise map a log
        # as large as the table); busy readers just make it a partial checkpoint.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def _sqlite_build_memory(cursor: Any, building: bool) -> None:
    """Index builds sort every row: in memory (64 MiB), not in spilled temp files; then
    back to the pooled connection's defaults."""
    cursor.execute(f"PRAGMA cache_size = {-65536 if building else -2000}")
    cursor.execute(f"PRAGMA temp_store = {'MEMORY' if building else 'DEFAULT'}")


def sqlite_fold(expression: str) -> str:
    """What SQLite's FTS tokenizer cannot fold itself: ``đ`` and ``Đ`` become ``d``."""
    return f"replace(replace(CAST({expression} AS TEXT), 'đ', 'd'), 'Đ', 'd')"


class PostgresWriter:
    """Rows by ``COPY`` in one transaction; the full text generated by the database."""

    def __init__(self, store: Datastore, table_name: str, columns: Sequence[Column]) -> None:
        self.store, self.name, self.columns = store, table_name, list(columns)
        self.table = store.qualified(table_name)
        self.indexed = list(columns)
        self.searched = [i for i, _ in fts_columns(self.columns)]
        self.keep: Sequence[int] = self.searched
        self.pairs: list[tuple[int, int]] = []
        self.count = 0

    def write(self, batches: Iterable[Batch], progress: Any) -> int:
        raw = self.store.engine.raw_connection()
        try:
            cursor = raw.cursor()
            defs = ", ".join(f"{quote(c.id)} {POSTGRES_TYPES[c.type]}" for c in self.columns)
            cursor.execute(
                f"CREATE TABLE {self.table} (_id bigint PRIMARY KEY, {defs}, _fold text, "
                "_full_text tsvector GENERATED ALWAYS AS "
                "(to_tsvector('simple', coalesce(_fold, ''))) STORED)")
            names = ", ".join(["_id", *(quote(c.id) for c in self.columns), "_fold"])
            count = told = 0
            # One COPY for the whole table (one transaction: nobody sees it until the swap).
            with cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                write = copy.write_row
                for batch in batches:
                    if not count:
                        self.indexed = _short_columns(self.columns, batch)
                        self.pairs = _pairs(self.columns, batch)
                    # Folded here, once a row: translate() in the server scans its long
                    # letter list for every character (ten times slower). ``kept`` holds
                    # each row's searched cells as written: a tuple, or the one cell.
                    texts = (batch.kept if len(self.searched) == 1
                             else map(" ".join, batch.kept) if self.searched
                             else [""] * len(batch))
                    for number, values, folded in zip(
                            range(batch.first, batch.first + len(batch)), batch.rows,
                            map(fold_text, texts), strict=True):
                        write((number, *values, folded))
                    count += len(batch)
                    if progress is not None and count - told >= COMMIT_ROWS:
                        progress(count)
                        told = count
            if progress is not None and count != told:
                progress(count)
            raw.commit()
            self.count = count
            return count
        finally:
            raw.close()

    def searchable(self) -> None:
        """Statistics for the planner. Full text needs no index to answer exactly: the
        tsvector is stored with each row, so ``q`` scans until the GIN index exists."""
        with self.store.engine.begin() as conn:
            conn.execute(text(f"ANALYZE {self.table}"))

    def index_plan(self, max_indexes: int, pair_min_rows: int = PAIR_MIN_ROWS) -> list[str]:
        """Full-text, (facet, sort) and column indexes, as statements :func:`build_indexes`
        runs: full text first (``q`` scans every row without it), then the pairs."""
        pairs = self.pairs if self.count >= pair_min_rows else []
        statements = [f"CREATE INDEX IF NOT EXISTS {quote(f'{self.name}_fts')} ON {self.table} "
                      "USING gin (_full_text)"]
        for facet, sort in pairs:
            name = quote(pair_index_name(self.name, facet, sort))
            statements.append(f"CREATE INDEX IF NOT EXISTS {name} ON {self.table} "
                              f"({quote(self.columns[facet].id)}, "
                              f"{quote(self.columns[sort].id)} NULLS FIRST)")
        for column in _single_indexes(self.columns, self.indexed, pairs)[:max_indexes]:
            # NULLs first in the index, as the sort order treats them (query._order).
            name = quote(index_name(self.name, self.columns, column))
            statements.append(f"CREATE INDEX IF NOT EXISTS {name} ON {self.table} "
                              f"({quote(column.id)} NULLS FIRST)")
        return statements

    def drop(self) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {self.table}"))

"""The PostgreSQL backend's documents as in-process columns, kept per index generation.

Scoring, filtering and facet counting in SQL read every matching row (its term weights and
filters, a few kB each): a broad query at 100k datasets cost hundreds of milliseconds of
server CPU, so a stream of distinct searches could not reach issue 8's 100 req/s. Here each
process holds what :class:`catalogue.search.columns.DocTable` needs (stored fields, filter
terms) and caches the postings of the terms queried, as the Whoosh backend does per
segment; SQL only answers "which rows hold these terms, with what weight", once per term.

Rows carry ``docnum``, a sequence value given on insert. Writers hold the backend's
advisory lock until they commit, so docnums become visible in increasing order: a refresh
reads the rows past the highest docnum it holds, plus the list of live docnums (an update
is a delete and an insert, so a replaced or removed row simply drops out of that list).
Positions in the table only grow; when more than half are dead the table is rebuilt.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from sqlalchemy import text
from sqlalchemy.engine import Connection

from catalogue.search import collect, columns
from catalogue.search.postgres_sql import Sql, term_columns

Weights = npt.NDArray[np.float64]
Postings = tuple[columns.Ids, Weights]
# Body postings kept per process, counted in entries (16 bytes each).
POSTING_CACHE_ENTRIES = 4_000_000
# Past this many new rows at once, cached postings are dropped rather than extended
# (extending reads every new row's term weights).
EXTEND_LIMIT = 5_000
# Rows read per round trip while loading.
FETCH = 5_000
# Filter terms unique to one dataset: not kept as postings (two entries per dataset);
# an ``fq`` on them is answered by a scan of the stored fields.
UNIQUE_PREFIXES = ("id=", "name=")
_NO_IDS = np.zeros(0, dtype=np.int64)


class _Generation:
    """What one refresh produced: read by searches, never changed afterwards."""

    def __init__(self, generation: int, docnums: columns.Ids, segments: list[columns.Segment],
                 filters: dict[str, columns.Ids], deleted: columns.Mask,
                 body: PostgresColumns) -> None:
        self.generation = generation
        self.docnums = docnums
        self.filters = filters
        self.body = body
        self.table = columns.DocTable(segments, deleted, self.postings, self.filter_terms)

    def postings(self, fieldname: str, term: str) -> Postings:
        """DocTable's postings: filter terms from memory, body terms pinned by ``prepare``."""
        if fieldname == "filters":
            if term.startswith(UNIQUE_PREFIXES):
                return self._unique(term)
            found = self.filters.get(term, _NO_IDS)
            return found, np.ones(len(found))
        pinned: dict[str, Postings] = getattr(self.body.pinned, "postings", {})
        return pinned.get(term, (_NO_IDS, np.zeros(0)))

    def _unique(self, term: str) -> Postings:
        field, _, value = term.partition("=")
        ids = np.array([i for i, doc in enumerate(self.table.docs)
                        if (doc.id if field == "id" else doc.name) == value], dtype=np.int64)
        return ids, np.ones(len(ids))

    def filter_terms(self, prefix: str) -> list[str]:
        return [t for t in self.filters if t.startswith(prefix)]


class PostgresColumns:
    """One process's column table over ``search_documents``; safe for threads."""

    def __init__(self, posting_limit: int = POSTING_CACHE_ENTRIES) -> None:
        self._lock = threading.Lock()
        self.pinned = threading.local()  # the postings of this thread's current search
        self._posting_limit = posting_limit
        self._reset()

    def _reset(self) -> None:
        self._docnums = np.zeros(0, dtype=np.int64)  # PostgreSQL docnum of each position
        self._segments: list[columns.Segment] = []
        self._filters: dict[str, columns.Ids] = {}  # filter term -> positions
        self._postings: OrderedDict[str, Postings] = OrderedDict()
        self._posting_size = 0
        self._current: _Generation | None = None

    def prepare(self, conn: Connection, terms: Iterable[str]) -> columns.DocTable:
        """The table of the newest committed generation, with the postings of ``terms``
        read (or taken from the cache) and pinned for this thread's search."""
        with self._lock:
            generation = int(conn.execute(text("SELECT generation FROM search_meta"))
                             .scalar_one())
            if self._current is None or generation != self._current.generation:
                self._refresh(conn, generation)
            assert self._current is not None
            asked = list(dict.fromkeys(terms))
            wanted = [t for t in asked if t not in self._postings]
            if wanted:
                self._read_postings(conn, wanted)
            for term in asked:
                self._postings.move_to_end(term)
            self.pinned.postings = {t: self._postings[t] for t in asked}
            # Least recently used out, never this search's (they were moved to the end).
            while self._posting_size > self._posting_limit and len(self._postings) > len(asked):
                _, (old, _w) = self._postings.popitem(last=False)
                self._posting_size -= len(old)
            return self._current.table

    # -- keeping up with the database -------------------------------------------

    def _refresh(self, conn: Connection, generation: int) -> None:
        live = np.array(conn.execute(text("SELECT docnum FROM search_documents"))
                        .scalars().all(), dtype=np.int64)
        if len(self._docnums) and len(live) < len(self._docnums) // 2:
            self._reset()
        newest = int(self._docnums[-1]) if len(self._docnums) else 0
        fresh = int((live > newest).sum())
        extend = bool(self._postings) and fresh <= EXTEND_LIMIT
        if fresh and not extend:
            self._postings.clear()
            self._posting_size = 0
        if fresh:
            self._load(conn, newest, with_terms=extend)
        # Rows added between the two reads count as deleted until the next refresh.
        deleted = ~np.isin(self._docnums, live)
        self._current = _Generation(generation, self._docnums, list(self._segments),
                                    self._filters, deleted, self)

    def _load(self, conn: Connection, after: int, *, with_terms: bool) -> None:
        """Append the rows past docnum ``after`` (and their postings of cached terms)."""
        # As text, decoded by orjson: the driver's json module took half of a 100k load.
        terms_sql = "CAST(terms AS text)" if with_terms else "NULL"
        result = conn.execution_options(yield_per=FETCH).execute(
            text(f"SELECT docnum, CAST(meta AS text), filters, {terms_sql} "
                 "FROM search_documents WHERE docnum > :after ORDER BY docnum"),
            {"after": after})
        docnums: list[int] = []
        metas: list[dict[str, Any]] = []
        added: dict[str, list[int]] = {}
        extended: dict[str, tuple[list[int], list[float]]] = {}
        position = len(self._docnums)
        for docnum, meta, filters, terms_text in result:
            docnums.append(int(docnum))
            metas.append(orjson.loads(meta))
            terms = orjson.loads(terms_text) if terms_text else None
            for term in filters:
                if not term.startswith(UNIQUE_PREFIXES):
                    added.setdefault(term, []).append(position)
            if terms:
                for term in self._postings.keys() & terms.keys():
                    found = extended.setdefault(term, ([], []))
                    found[0].append(position)
                    found[1].append(float(terms[term]))
            position += 1
        # New objects, not changes in place: an earlier generation may still be searched.
        filters_now = dict(self._filters)
        for term, positions in added.items():
            new = np.array(positions, dtype=np.int64)
            old = filters_now.get(term)
            filters_now[term] = new if old is None else np.concatenate([old, new])
        self._filters = filters_now
        for term, (positions, weights) in extended.items():
            ids, old_weights = self._postings[term]
            self._postings[term] = (np.concatenate([ids, np.array(positions, dtype=np.int64)]),
                                    np.concatenate([old_weights, np.array(weights)]))
            self._posting_size += len(positions)
        self._docnums = np.concatenate([self._docnums, np.array(docnums, dtype=np.int64)])
        self._segments.append(columns.Segment(
            [collect.doc_data(m) for m in metas], [m["metadata_modified"] for m in metas],
            [m["metadata_created"] for m in metas]))

    # -- postings ------------------------------------------------------------------

    def _read_postings(self, conn: Connection, wanted: list[str]) -> None:
        """The postings of ``wanted`` in one pass over the rows holding any of them."""
        sql = Sql()
        lateral, refs = term_columns(wanted, sql)
        # One row of arrays: the driver converts them in C, where rows cost a tuple each.
        values = ", ".join(f"array_agg({refs[t]})" for t in wanted)
        row = conn.execute(text(
            f"SELECT array_agg(d.docnum), {values} FROM search_documents d {lateral} "
            f"WHERE d.lexemes @@ {sql.tsquery(wanted, '|')}"), sql.params).one()
        docnums = np.array(row[0] or [], dtype=np.int64)
        positions = np.searchsorted(self._docnums, docnums)
        # Rows newer than the table (committed since its refresh) are left out: the next
        # refresh adds them to the postings it extends.
        known = positions < len(self._docnums)
        known[known] = self._docnums[positions[known]] == docnums[known]
        for column, term in enumerate(wanted, start=1):
            weights = np.array(row[column] or [], dtype=np.float64)
            held = known & ~np.isnan(weights)
            self._postings[term] = (positions[held].astype(np.int64), weights[held])
            self._posting_size += int(held.sum())

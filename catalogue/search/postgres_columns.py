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
Positions in the table only grow; when more than half are dead the table is rebuilt, and
when the documents were emptied (``search_meta.epoch`` changed: a rebuild or a restore,
after which docnums may repeat) it is read afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from sqlalchemy import text
from sqlalchemy.engine import Connection

from catalogue.search import collect, columns

Weights = npt.NDArray[np.floating[Any]]
Wide = npt.NDArray[np.float64]
Postings = tuple[npt.NDArray[np.integer[Any]], Weights]
# Memory for body postings per process. The searched vocabulary's postings are the working
# set: 600 terms of a 3000-search mix at 100k datasets took 4.9M entries (≈ 40 MB), and
# a cache smaller than that rereads broad terms again and again (p95 15 → 350 ms at 500k,
# where the same terms took ≈ 200 MB). A broad term's postings grow with the catalogue, so
# the budget does too: room for 96 cached entries (8 bytes each) per dataset, i.e. as many
# broad terms at 1M datasets as at 100k; at least POSTING_CACHE_BYTES, at most the
# ``search_posting_cache_mb`` setting. The cache holds only what was searched: the budget
# is a bound, not an allocation.
POSTING_CACHE_BYTES = 128 * 1024 * 1024
POSTING_BYTES_PER_DOCUMENT = 96 * 8
POSTING_CACHE_CAP_MB = 1024
# Past this many new rows at once, cached postings are dropped rather than extended.
EXTEND_LIMIT = 5_000
# Rows read per round trip while loading.
FETCH = 5_000
# Filter terms unique to one dataset: not kept as postings (two entries per dataset);
# an ``fq`` on them is answered by a scan of the stored fields.
UNIQUE_PREFIXES = ("id=", "name=")


class _Generation:
    """What one refresh produced: read by searches, never changed afterwards."""

    def __init__(self, generation: tuple[int, int], segments: list[columns.Segment],
                 filters: dict[str, columns.Ids], deleted: columns.Mask,
                 body: PostgresColumns, sorting: columns.SortColumns | None) -> None:
        self.generation = generation
        self.filters = filters
        self.body = body
        self.table = columns.DocTable(segments, deleted, self.postings, self.filter_terms,
                                      facets_from_filters=True, sorting=sorting)

    def postings(self, fieldname: str, term: str) -> tuple[columns.Ids, Wide]:
        """DocTable's postings: filter terms from memory, body terms pinned by ``prepare``
        (widened from their cached form: float32 × a Python float stays float32)."""
        if fieldname == "filters":
            if term.startswith(UNIQUE_PREFIXES):
                return self._unique(term)
            found = self.filters.get(term, columns.NO_IDS)
            return found, np.ones(len(found))
        pinned: dict[str, Postings] = getattr(self.body.pinned, "postings", {})
        ids, weights = pinned.get(term, (columns.NO_IDS, np.zeros(0)))
        return ids.astype(np.int64), weights.astype(np.float64)

    def _unique(self, term: str) -> tuple[columns.Ids, Wide]:
        field, _, value = term.partition("=")
        ids = np.array([i for i, doc in enumerate(self.table.docs)
                        if (doc.id if field == "id" else doc.name) == value], dtype=np.int64)
        return ids, np.ones(len(ids))

    def filter_terms(self, prefix: str) -> list[str]:
        return [t for t in self.filters if t.startswith(prefix)]


def posting_budget(documents: int, cap_bytes: int) -> int:
    """Bytes of cached postings a process may keep for a table of ``documents`` rows:
    :data:`POSTING_BYTES_PER_DOCUMENT` each, at least :data:`POSTING_CACHE_BYTES` (a
    small catalogue's broad terms), never more than ``cap_bytes``."""
    return min(cap_bytes, max(POSTING_CACHE_BYTES, documents * POSTING_BYTES_PER_DOCUMENT))


class PostgresColumns:
    """One process's column table over ``search_documents``; safe for threads.

    ``posting_cap`` bounds the posting cache in bytes; within it the cache grows with the
    table (:func:`posting_budget`, renewed at each refresh).
    """

    def __init__(self, posting_cap: int = POSTING_CACHE_CAP_MB * 1024 * 1024) -> None:
        self._lock = threading.Lock()
        self.pinned = threading.local()  # the postings of this thread's current search
        self._posting_cap = posting_cap
        self._posting_limit = posting_budget(0, posting_cap)
        self._epoch: int | None = None
        self._reset()

    def _reset(self) -> None:
        self._docnums = np.zeros(0, dtype=np.int64)  # PostgreSQL docnum of each position
        self._segments: list[columns.Segment] = []
        self._filters: dict[str, columns.Ids] = {}  # filter term -> positions
        self._postings: OrderedDict[str, Postings] = OrderedDict()
        self._posting_size = 0
        self._sorting: columns.SortColumns | None = None
        self._current: _Generation | None = None

    def prepare(self, conn: Connection, generation: tuple[int, int],
                terms: Iterable[str]) -> columns.DocTable:
        """The table of index ``generation`` ((epoch, generation), read just now), with the
        postings of ``terms`` read (or taken from the cache) and pinned for this thread's
        search. Rows committed since may be in the table already: the next generation's
        refresh finds them there."""
        with self._lock:
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
                _, evicted = self._postings.popitem(last=False)
                self._posting_size -= _nbytes(evicted)
            return self._current.table

    # -- keeping up with the database -------------------------------------------

    def _refresh(self, conn: Connection, generation: tuple[int, int]) -> None:
        epoch = int(conn.execute(text("SELECT epoch FROM search_meta")).scalar_one())
        # One array, converted by the driver in C (a row per docnum took 0.2 s at 100k);
        # in index order, so PostgreSQL reads the docnum index alone once autovacuum has
        # marked the table's pages visible (13 ms at 100k, 280 ms scanning the rows).
        live = np.array(conn.execute(text(
            "SELECT array_agg(docnum ORDER BY docnum) FROM search_documents"))
            .scalar_one() or [], dtype=np.int64)
        if epoch != self._epoch or (len(self._docnums) and
                                    len(live) < len(self._docnums) // 2):
            self._reset()
            self._epoch = epoch
        self._posting_limit = posting_budget(len(live), self._posting_cap)
        newest = int(self._docnums[-1]) if len(self._docnums) else 0
        fresh = int((live > newest).sum())
        extend = bool(self._postings) and fresh <= EXTEND_LIMIT
        if fresh and not extend:
            self._postings.clear()
            self._posting_size = 0
        if fresh:
            self._load(conn, newest, with_terms=extend)
        # Rows added between the two reads count as deleted until the next refresh.
        deleted = ~np.isin(self._docnums, live, assume_unique=True)
        self._current = _Generation(generation, list(self._segments), self._filters, deleted,
                                    self, self._sorting)

    def _load(self, conn: Connection, after: int, *, with_terms: bool) -> None:
        """Append the rows past docnum ``after`` (and their postings of cached terms)."""
        # As text, decoded by orjson: the driver's json module took half of a 100k load.
        # Without the description and autocomplete text: only snippets of a page need the
        # description (the backend reads those rows), and they were a third of the memory.
        result = conn.execution_options(yield_per=FETCH).execute(
            text("SELECT docnum, CAST(meta - 'notes' - 'autocomplete' AS text), filters "
                 "FROM search_documents WHERE docnum > :after ORDER BY docnum"),
            {"after": after})
        docnums: list[int] = []
        metas: list[dict[str, Any]] = []
        added: dict[str, list[int]] = {}
        first = len(self._docnums)
        for position, (docnum, meta, filters) in enumerate(result, start=first):
            docnums.append(int(docnum))
            metas.append(_slim(orjson.loads(meta)))
            for term in filters:
                if not term.startswith(UNIQUE_PREFIXES):
                    added.setdefault(term, []).append(position)
        extended: dict[str, tuple[list[int], list[float]]] = {}
        if with_terms and docnums:
            at = {d: first + i for i, d in enumerate(docnums)}
            for term, docnum, weight in conn.execute(text(
                    "SELECT term, docnum, weight FROM search_postings WHERE docnum > :after "
                    "AND docnum <= :last AND term = ANY(:t)"),
                    {"after": after, "last": docnums[-1], "t": list(self._postings)}):
                found = extended.setdefault(term, ([], []))
                found[0].append(at[docnum])
                found[1].append(float(weight))
        # New objects, not changes in place: an earlier generation may still be searched.
        filters_now = dict(self._filters)
        for term, positions in added.items():
            new = np.array(positions, dtype=np.int64)
            old = filters_now.get(term)
            filters_now[term] = new if old is None else np.concatenate([old, new])
        self._filters = filters_now
        for term, (positions, weights) in extended.items():
            ids, old_weights = self._postings[term]
            self._posting_size -= _nbytes((ids, old_weights))
            self._postings[term] = _compact(np.concatenate([ids, np.array(positions)]),
                                            np.concatenate([old_weights, np.array(weights)]))
            self._posting_size += _nbytes(self._postings[term])
        self._docnums = np.concatenate([self._docnums, np.array(docnums, dtype=np.int64)])
        segment = columns.Segment(
            [collect.doc_data(m) for m in metas], [m["metadata_modified"] for m in metas],
            [m["metadata_created"] for m in metas])
        self._segments.append(segment)
        # Sort columns extended by the new rows: rebuilding them for the whole table was
        # most of a refresh (0.5 of 0.6–0.9 s at 100k after a one-dataset write).
        self._sorting = columns.sort_columns(*segment) if self._sorting is None else \
            columns.extend_sort_columns(self._sorting, *segment,
                                        partial(columns.contents, self._segments))

    # -- postings ------------------------------------------------------------------

    def _read_postings(self, conn: Connection, wanted: list[str]) -> None:
        """The postings of ``wanted`` from ``search_postings`` (an index-only scan)."""
        # Arrays per term: the driver converts them in C, where rows cost a tuple each.
        found = {term: (docnums, weights) for term, docnums, weights in conn.execute(text(
            "SELECT term, array_agg(docnum), array_agg(weight) FROM search_postings "
            "WHERE term = ANY(:t) GROUP BY term"), {"t": wanted})}
        for term in wanted:
            listed = found.get(term, ([], []))
            docnums = np.array(listed[0], dtype=np.int64)
            weights = np.array(listed[1], dtype=np.float64)
            positions = np.searchsorted(self._docnums, docnums)
            # Rows newer than the table (committed since its refresh) are left out: the
            # next refresh adds them to the postings it extends.
            known = positions < len(self._docnums)
            known[known] = self._docnums[positions[known]] == docnums[known]
            # In position order: scoring scatters into arrays indexed by position, and
            # ordered indexes keep that within the CPU's caches (13 → 7 ms a query).
            order = np.argsort(positions[known], kind="stable")
            self._postings[term] = _compact(positions[known][order], weights[known][order])
            self._posting_size += _nbytes(self._postings[term])


def _compact(positions: npt.NDArray[np.integer[Any]], weights: Weights) -> Postings:
    """Positions as int32, weights as float32 where that keeps every value exact (the
    field-weight sums are), so a cached posting takes 8 bytes instead of 16 and scores
    are the float64 sums SQL computes."""
    narrow = weights.astype(np.float32)
    exact = bool(np.array_equal(narrow.astype(np.float64), weights))
    return positions.astype(np.int32), (narrow if exact else weights.astype(np.float64))


def _nbytes(postings: Postings) -> int:
    return int(postings[0].nbytes + postings[1].nbytes)


def _slim(meta: dict[str, Any]) -> dict[str, Any]:
    """Stored fields as kept in memory: no description, no facets (counted from the filter
    postings); they were two thirds of the memory."""
    meta["notes"] = meta["autocomplete"] = ""
    meta["facets"] = {}
    return meta

"""Column arrays of one index generation: matching, ordering and facets in numpy.

A Python loop over every matching document made the embedded backend slow
(p95 ≈ 0.5 s of CPU at 20k datasets): common words such as "năm" or "tỉnh"
match most of a catalogue. Here each document is a row of numpy arrays
(dates, sort ranks, facet values), postings are read once into arrays and
cached, and a query is a handful of vectorised operations whatever the
number of hits. The results are the same as :func:`catalogue.search.collect.result`
computes for the PostgreSQL backend: same scores, same order, same facets.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from catalogue.search import collect
from catalogue.search.backend import SearchQuery, SearchResult
from catalogue.search.places import BOX_FIELD, parse_box_value
from catalogue.search.query import (
    And,
    Filter,
    Intersects,
    Match,
    MatchAll,
    Not,
    Or,
    Range,
)
from catalogue.search.ranking import TextQuery

Ids = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
NO_IDS = np.zeros(0, dtype=np.int64)
# Postings kept in memory, counted in entries (12 bytes each): the common
# terms, which are the costly ones to decode, stay; rare ones are cheap to reread.
POSTING_CACHE_ENTRIES = 8_000_000


class Segment(NamedTuple):
    """The stored data of one immutable Whoosh segment, parsed once."""

    docs: list[collect.DocData]
    modified: list[str]
    created: list[str]


def read_segment(stored: list[bytes]) -> Segment:
    """Parse the ``meta`` column of a segment (empty entries are deleted slots)."""
    docs, modified, created = [], [], []
    for raw in stored:
        meta = json.loads(raw) if raw else None
        docs.append(collect.doc_data(meta) if meta else collect.EMPTY)
        modified.append(meta["metadata_modified"] if meta else "")
        created.append(meta["metadata_created"] if meta else "")
    return Segment(docs, modified, created)


class PostingCache:
    """(segment id, field, term) → (local docnums, weights), least recently used out."""

    def __init__(self, limit: int = POSTING_CACHE_ENTRIES) -> None:
        self.limit = limit
        self.size = 0
        self._items: OrderedDict[tuple[str, str, str],
                                 tuple[Ids, npt.NDArray[np.float64]]] = OrderedDict()

    def get(self, key: tuple[str, str, str],
            load: Callable[[], tuple[Ids, npt.NDArray[np.float64]]]
            ) -> tuple[Ids, npt.NDArray[np.float64]]:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        found = load()
        self._items[key] = found
        self.size += len(found[0])
        while self.size > self.limit and len(self._items) > 1:
            _, (ids, _w) = self._items.popitem(last=False)
            self.size -= len(ids)
        return found

    def forget(self, live_segments: set[str]) -> None:
        """Drop the postings of segments that merges removed."""
        for key in [k for k in self._items if k[0] not in live_segments]:
            self.size -= len(self._items.pop(key)[0])


def _ranks(values: list[str]) -> Ids:
    """Each value's position in sorted order (equal values, equal rank)."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    array = np.array(values, dtype=str)
    _, inverse = np.unique(array, return_inverse=True)
    return inverse.astype(np.int64)


RANKED = ("name", "title_string", "id")
# Distinct new values merged one by one into the previous order; more are ranked afresh.
MERGE_LIMIT = 200


class SortColumns(NamedTuple):
    """The per-document arrays that ordering and date ranges read, by position.

    Ranks are float64: equal values rank equal, and a value added later ranks between its
    neighbours (``extend_sort_columns``) without renumbering the others.
    """

    modified_text: npt.NDArray[np.str_]
    created_text: npt.NDArray[np.str_]
    numeric: dict[str, npt.NDArray[np.float64]]
    rank: dict[str, npt.NDArray[np.float64]]
    # Per ranked key: the distinct values in order and their ranks.
    ordered: dict[str, tuple[npt.NDArray[np.str_], npt.NDArray[np.float64]]]


def _texts(values: list[str]) -> npt.NDArray[np.str_]:
    return np.array(values or [""], dtype=str)[:len(values)]


def _numeric(docs: list[collect.DocData]) -> dict[str, npt.NDArray[np.float64]]:
    return {"metadata_modified": np.array([d.modified for d in docs], dtype=np.float64),
            "metadata_created": np.array([d.created for d in docs], dtype=np.float64),
            "quality_score": np.array([d.quality for d in docs], dtype=np.float64)}


def sort_columns(docs: list[collect.DocData], modified: list[str],
                 created: list[str]) -> SortColumns:
    """The sort columns of these documents, ranked from scratch."""
    rank: dict[str, npt.NDArray[np.float64]] = {}
    ordered = {}
    for key in RANKED:
        distinct, inverse = np.unique(_texts([getattr(d, key) for d in docs]),
                                      return_inverse=True)
        ranks = np.arange(len(distinct), dtype=np.float64)
        rank[key] = ranks[inverse.reshape(-1)] if docs else np.zeros(0)
        ordered[key] = (distinct, ranks)
    return SortColumns(_texts(modified), _texts(created), _numeric(docs), rank, ordered)


def _merge(ordered: tuple[npt.NDArray[np.str_], npt.NDArray[np.float64]],
           values: list[str]) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.float64]] | None:
    """``ordered`` with ``values`` inserted, each new one ranked midway between its
    neighbours; None when too many or a gap has no room left (floats halve each time)."""
    distinct, ranks = ordered
    new = sorted(set(values))
    if len(new) > MERGE_LIMIT:
        return None
    width = max([distinct.dtype.itemsize // 4, *map(len, new)], default=1)
    distinct = distinct.astype(f"<U{max(width, 1)}")
    for value in new:
        at = int(np.searchsorted(distinct, value))
        if at < len(distinct) and distinct[at] == value:
            continue
        low = ranks[at - 1] if at > 0 else (ranks[0] - 1 if len(ranks) else 0.0)
        high = ranks[at] if at < len(ranks) else (ranks[-1] + 1 if len(ranks) else 1.0)
        middle = (low + high) / 2
        if not low < middle < high:
            return None
        distinct = np.insert(distinct, at, value)
        ranks = np.insert(ranks, at, middle)
    return distinct, ranks


def extend_sort_columns(before: SortColumns, docs: list[collect.DocData], modified: list[str],
                        created: list[str],
                        everything: Callable[[], tuple[list[collect.DocData], list[str],
                                                       list[str]]]) -> SortColumns:
    """``before`` with these documents appended: the cost grows with what was added, not
    with the table (``everything`` gives all documents, for ranking afresh when the new
    values do not fit in the old order)."""
    rank = {}
    ordered = {}
    for key in RANKED:
        values = [getattr(d, key) for d in docs]
        merged = _merge(before.ordered[key], values)
        if merged is None:
            return sort_columns(*everything())
        distinct, ranks = merged
        rank[key] = np.concatenate([before.rank[key],
                                    ranks[np.searchsorted(distinct, _texts(values))]])
        ordered[key] = merged
    numeric = _numeric(docs)
    return SortColumns(
        np.concatenate([before.modified_text, _texts(modified)]),
        np.concatenate([before.created_text, _texts(created)]),
        {k: np.concatenate([v, numeric[k]]) for k, v in before.numeric.items()},
        rank, ordered)


def contents(segments: list[Segment]) -> tuple[list[collect.DocData], list[str], list[str]]:
    """The documents, modified and created dates of these segments, in docnum order."""
    return ([d for s in segments for d in s.docs], [t for s in segments for t in s.modified],
            [t for s in segments for t in s.created])


def segments_sort_columns(before: tuple[list[str], SortColumns] | None, ids: list[str],
                          segments: list[Segment]) -> SortColumns:
    """Sort columns of these segments (named by ``ids``, in docnum order), reusing those of
    ``before`` (its segment ids and columns) for the segments both begin with: a commit
    appends a segment, so usually only its documents are ranked."""
    everything = partial(contents, segments)
    if before is None:
        return sort_columns(*everything())
    kept = 0
    while kept < min(len(ids), len(before[0])) and ids[kept] == before[0][kept]:
        kept += 1
    if kept == 0:
        return sort_columns(*everything())
    size = sum(len(s.docs) for s in segments[:kept])
    old = before[1]
    # The order keeps values of segments merged away: harmless, ranks only compare.
    base = SortColumns(old.modified_text[:size], old.created_text[:size],
                       {k: v[:size] for k, v in old.numeric.items()},
                       {k: v[:size] for k, v in old.rank.items()}, old.ordered)
    tail = segments[kept:]
    if not tail:
        return base
    return extend_sort_columns(base, *contents(tail), everything)


class FacetColumn(NamedTuple):
    values: list[str]
    value_rank: Ids  # alphabetical rank of each value, for ties
    entry_value: Ids  # one entry per (document, value)
    entry_doc: Ids


class DocTable:
    """Every document of one index generation as columns; docnums are global.

    ``postings(field, term)`` returns global docnums and weights; the
    backend provides it over its segments and cache. With ``facets_from_filters``,
    facet counts come from the ``field=value`` filter postings rather than each
    document's ``facets`` (which a backend may then leave empty to save memory).
    """

    def __init__(self, segments: list[Segment], deleted: Mask,
                 postings: Callable[[str, str], tuple[Ids, npt.NDArray[np.float64]]],
                 filter_terms: Callable[[str], list[str]],
                 facets_from_filters: bool = False,
                 sorting: SortColumns | None = None) -> None:
        self._facets_from_filters = facets_from_filters
        self.docs = [d for s in segments for d in s.docs]
        self.size = len(self.docs)
        self.deleted = deleted
        self.postings = postings
        self._filter_terms = filter_terms
        if sorting is None:
            sorting = sort_columns(*contents(segments))
        self.modified_text = sorting.modified_text
        self.created_text = sorting.created_text
        self.numeric = sorting.numeric
        self.rank = sorting.rank
        self._facets: dict[str, FacetColumn] = {}
        self._hidden: dict[tuple[bool, bool], Mask] = {}
        self._boxes: tuple[npt.NDArray[np.float64], Ids, Ids] | None = None

    # -- filters -------------------------------------------------------------

    def _term_mask(self, fieldname: str, term: str) -> Mask:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.postings(fieldname, term)[0]] = True
        return mask

    def hidden(self, include_private: bool, include_drafts: bool) -> Mask:
        """Deleted documents and those a request may not see."""
        key = (include_private, include_drafts)
        if key not in self._hidden:
            mask = self.deleted.copy()
            states = self._filter_terms("state=")
            for term in collect.hidden_filter_terms(states, include_private, include_drafts):
                mask |= self._term_mask("filters", term)
            self._hidden[key] = mask
        return self._hidden[key]

    def _range(self, tree: Range) -> Mask:
        text = self.modified_text if tree.field == "metadata_modified" else self.created_text
        mask: Mask = np.asarray(text != "", dtype=bool)
        if tree.low is not None:
            mask &= (text >= tree.low) if tree.include_low else (text > tree.low)
        if tree.high is not None:
            # A bare date as upper bound covers that whole day.
            cut = text.astype(f"<U{max(len(tree.high), 1)}")
            mask &= (cut <= tree.high) if tree.include_high else (cut < tree.high)
        return mask

    def _box_entries(self) -> tuple[npt.NDArray[np.float64], Ids, Ids]:
        """Every distinct place box in the index (rows of west, south, east, north), and
        one entry per (box, document): the box's row and the document."""
        if self._boxes is None:
            terms = self._filter_terms(BOX_FIELD + "=")
            edges = np.array([parse_box_value(t[len(BOX_FIELD) + 1:]) for t in terms],
                             dtype=np.float64).reshape(-1, 4)
            docs = [self.postings("filters", t)[0] for t in terms]
            self._boxes = (edges,
                           np.repeat(np.arange(len(terms), dtype=np.int64),
                                     [len(d) for d in docs]) if docs else NO_IDS,
                           np.concatenate(docs).astype(np.int64) if docs else NO_IDS)
        return self._boxes

    def _intersecting(self, tree: Intersects) -> Mask:
        """Documents with a place box meeting ``tree.box``, edges included."""
        west, south, east, north = tree.box
        edges, entry_box, entry_doc = self._box_entries()
        meets = (edges[:, 0] <= east) & (edges[:, 2] >= west) & \
            (edges[:, 1] <= north) & (edges[:, 3] >= south)
        mask = np.zeros(self.size, dtype=bool)
        mask[entry_doc[meets[entry_box]]] = True
        return mask

    def filter_mask(self, tree: Filter) -> Mask | None:
        """Documents matching a filter tree; None means all."""
        if isinstance(tree, MatchAll):
            return None
        if isinstance(tree, Match):
            return self._term_mask("filters", tree.term)
        if isinstance(tree, Range):
            return self._range(tree)
        if isinstance(tree, Intersects):
            return self._intersecting(tree)
        if isinstance(tree, And):
            result: Mask | None = None
            for item in tree.items:
                part = self.filter_mask(item)
                if part is not None:
                    result = part if result is None else result & part
            return result
        if isinstance(tree, Or):
            parts = [self.filter_mask(item) for item in tree.items]
            if any(p is None for p in parts):
                return None
            combined = np.zeros(self.size, dtype=bool)
            for p in parts:
                combined |= p
            return combined
        if isinstance(tree, Not):
            inner = self.filter_mask(tree.item)
            return np.zeros(self.size, dtype=bool) if inner is None else ~inner
        raise TypeError(f"unknown filter {tree!r}")

    # -- text ----------------------------------------------------------------

    def score(self, text: TextQuery) -> tuple[npt.NDArray[np.float64], Mask]:
        """:mod:`ranking`'s score of every document, and which ones match."""
        scores = np.zeros(self.size, dtype=np.float64)
        if text.empty:
            return scores, np.ones(self.size, dtype=bool)
        words = np.zeros(self.size, dtype=np.int64)
        hit = np.zeros(self.size, dtype=bool)
        # Term at a time, in the planner's order: the same float sums as PostgreSQL's.
        for term, weight in text.weights.items():
            ids, doc_weights = self.postings("body", term)
            scores[ids] += weight * doc_weights
            words[ids] |= text.masks[term]
            hit[ids] = True
        if text.nwords > 1:
            share = np.bitwise_count(words).astype(np.float64) / text.nwords
            scores = scores * share * share
        for term in text.required:
            hit &= self._term_mask("body", term)
        for term in text.excluded:
            hit[self.postings("body", term)[0]] = False
        if text.strict:
            satisfied = np.zeros(self.size, dtype=np.int16)
            places = text.required_places
            in_a_place = np.zeros(self.size, dtype=bool)
            for number, concept in enumerate(text.concepts):
                holds = np.zeros(self.size, dtype=bool)
                for term in concept:
                    holds[self.postings("body", term)[0]] = True
                satisfied += holds
                if number >= len(text.concepts) - places:  # a place the query names
                    in_a_place |= holds
            hit &= satisfied >= text.min_match
            if places:
                hit &= in_a_place
        return scores, hit

    # -- ordering and facets -------------------------------------------------

    def top(self, docs: Ids, scores: npt.NDArray[np.float64], keys: list[tuple[str, bool]],
            wanted: int) -> Ids:
        """The first ``wanted`` of ``docs`` in the order of ``keys``, then name, then id."""
        if wanted <= 0 or not len(docs):
            return docs[:0]
        columns: list[npt.NDArray[Any]] = []
        for key, desc in keys:
            if key == "score":
                column: npt.NDArray[Any] = np.round(scores[docs], collect.SCORE_DIGITS)
            elif key in self.numeric:
                column = self.numeric[key][docs]
            else:
                column = self.rank[key][docs]
            columns.append(-column if desc else column)
        if columns and len(docs) > 4 * wanted:
            # Only documents at least as good as the wanted-th on the first key
            # can make the page: sort those alone.
            kth = np.partition(columns[0], wanted - 1)[wanted - 1]
            keep = columns[0] <= kth
            docs = docs[keep]
            columns = [c[keep] for c in columns]
        columns += [self.rank["name"][docs], self.rank["id"][docs]]
        order = np.lexsort(columns[::-1])
        return docs[order[:wanted]]

    def _facet_of_filters(self, name: str) -> FacetColumn:
        if name in ("id", "name"):  # one value per document: not kept as filter postings
            values = [d.id if name == "id" else d.name for d in self.docs]
            every = np.arange(self.size, dtype=np.int64)
            return FacetColumn(values, _ranks(values), every, every)
        prefix = name + "="
        terms = self._filter_terms(prefix)
        docs = [self.postings("filters", t)[0] for t in terms]
        values = [t[len(prefix):] for t in terms]
        return FacetColumn(values, _ranks(values),
                           np.repeat(np.arange(len(terms), dtype=np.int64),
                                     [len(d) for d in docs]) if docs else NO_IDS,
                           np.concatenate(docs).astype(np.int64) if docs else NO_IDS)

    def _facet(self, name: str) -> FacetColumn:
        if name not in self._facets and self._facets_from_filters:
            self._facets[name] = self._facet_of_filters(name)
        if name not in self._facets:
            index: dict[str, int] = {}
            entry_value: list[int] = []
            entry_doc: list[int] = []
            for docnum, doc in enumerate(self.docs):
                for value in doc.facets.get(name, ()):
                    entry_value.append(index.setdefault(value, len(index)))
                    entry_doc.append(docnum)
            values = list(index)
            self._facets[name] = FacetColumn(values, _ranks(values),
                                             np.array(entry_value, dtype=np.int64),
                                             np.array(entry_doc, dtype=np.int64))
        return self._facets[name]

    def facets(self, selected: Mask, sq: SearchQuery) -> dict[str, dict[str, int]]:
        """Value counts of each requested facet over the selected documents."""
        found: dict[str, dict[str, int]] = {}
        for name in sq.facet_fields:
            column = self._facet(name)
            counts = np.bincount(column.entry_value[selected[column.entry_doc]],
                                 minlength=len(column.values))
            shown = np.flatnonzero(counts >= max(sq.facet_mincount, 1))
            order = np.lexsort((column.value_rank[shown], -counts[shown]))
            if sq.facet_limit >= 0:
                order = order[:sq.facet_limit]
            found[name] = {column.values[i]: int(counts[i]) for i in shown[order]}
        return found


def search_table(table: DocTable, sq: SearchQuery, tree: Filter, sort_keys: list[tuple[str, bool]],
                 text: TextQuery,
                 full_docs: Callable[[list[str]], list[collect.DocData]] | None = None
                 ) -> SearchResult:
    """Count, page, facets and snippets of ``sq`` over a column table (both backends).

    ``full_docs`` gives the page's documents with their descriptions, for a table that
    keeps them out of memory (snippets are only made when ``sq.highlight`` asks). When no
    document holds enough of the query's concepts, a looser set (:meth:`TextQuery.looser`)
    is shown and the result says so (``relaxed``, issue 18)."""
    result = _search_table(table, sq, tree, sort_keys, text, full_docs)
    looser = text.looser()
    while looser is not None and not result.count:
        result = _search_table(table, sq, tree, sort_keys, looser, full_docs)
        result.relaxed = bool(result.count)
        looser = looser.looser()
    return result


def strict_count(table: DocTable, sq: SearchQuery, tree: Filter, text: TextQuery) -> int:
    """How many documents ``sq`` matches without falling back to a looser set."""
    return _search_table(table, sq, tree, [], text, None).count


def _search_table(table: DocTable, sq: SearchQuery, tree: Filter,
                  sort_keys: list[tuple[str, bool]], text: TextQuery,
                  full_docs: Callable[[list[str]], list[collect.DocData]] | None
                  ) -> SearchResult:
    scores, selected = table.score(text)
    selected &= ~table.hidden(sq.include_private, sq.include_drafts)
    allowed = table.filter_mask(tree)
    if allowed is not None:
        selected &= allowed
    docs = np.flatnonzero(selected)
    if text.empty:
        # Every score is 0: ordering by it would only make the first key useless.
        sort_keys = [k for k in sort_keys if k[0] != "score"]
    rows = min(sq.rows, collect.MAX_ROWS)
    page = table.top(docs, scores, sort_keys, sq.start + rows)[sq.start:]
    result = SearchResult(count=len(docs), ids=[table.docs[d].id for d in page],
                          facets=table.facets(selected, sq))
    if sq.highlight and text.words:
        page_docs = [table.docs[d] for d in page] if full_docs is None else \
            full_docs(result.ids)
        collect.add_snippets(result, page_docs, sq, text)
    return result

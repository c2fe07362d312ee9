"""The embedded search backend: a Whoosh index in a directory of the home.

Safe with several processes: Whoosh serialises writers with a file lock,
and :meth:`WhooshBackend.index_documents` waits for it (``WRITE_TIMEOUT``)
instead of failing or buffering, so a write is searchable when it returns.
Readers see the newest committed generation on every search.

Scoring is :mod:`catalogue.search.ranking`'s formula: each term's posting
carries the document weight, each query term is boosted by its weight × idf,
and Whoosh's ``Frequency`` model multiplies the two.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import columns as whoosh_columns
from whoosh import fields, formats, index, query, scoring
from whoosh.codec.whoosh3 import W3Codec
from whoosh.searching import Searcher
from whoosh.system import pack_uint

from catalogue.search import collect, columns
from catalogue.search.analysis_pool import analysed
from catalogue.search.analyzer import folded_words
from catalogue.search.backend import SearchQuery, SearchResult
from catalogue.search.query import And, Filter, Match, Or
from catalogue.search.ranking import TextQuery, plan_query
from catalogue.search.spelling import did_you_mean, suggest

# Seconds a writer waits for another process's lock before giving up.
WRITE_TIMEOUT = 60.0
INDEX_NAME = "datasets"
_ONE = pack_uint(1)
# Most memoised lexicon answers kept per generation before starting afresh.
MEMO_ENTRIES = 200_000


class _TermsField(fields.FieldType):  # type: ignore[misc]  # whoosh is untyped
    """An indexed field fed pre-analysed terms: a dict term → weight or a list.

    Analysis happens once, in :mod:`catalogue.search.documents`, identically
    for both backends; Whoosh only stores the weights in its postings.
    """

    def __init__(self) -> None:
        super().__init__(formats.Frequency(), None, scorable=False)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        items = value.items() if isinstance(value, Mapping) else ((t, 1.0) for t in value)
        # The value is the Frequency format's own encoding of freq 1: segment
        # merges decode it, so it must not be left empty.
        return ((t.encode("utf-8"), 1, float(w), _ONE) for t, w in items)

    def process_text(self, qstring: str, mode: str = "", **kwargs: Any) -> Iterator[str]:
        return iter([qstring])


def _codec() -> W3Codec:
    """Whoosh's codec without per-document field lengths.

    Our scoring never reads lengths (every field is pre-weighted and
    unscorable), yet with length statistics on, writing each posting looks
    the missing length column up on disk: most of the build time went there.
    """
    codec = W3Codec()
    codec.length_stats = False
    return codec


def _schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(unique=True),
        body=_TermsField(),
        filters=_TermsField(),
        vocab1=_TermsField(),
        vocab2=_TermsField(),
        words=_TermsField(),
        modified=fields.ID(),
        created=fields.ID(),
        meta=fields.COLUMN(whoosh_columns.VarBytesColumn()),
    )


def _meta(fields_: dict[str, Any]) -> bytes:
    keep = ("id", "name", "title", "notes", "metadata_modified", "metadata_created",
            "title_string", "quality_score", "facets", "autocomplete")
    return json.dumps({k: fields_[k] for k in keep}, ensure_ascii=False).encode("utf-8")


class _Lexicon:
    """Index statistics for query planning and spelling, from one searcher."""

    def __init__(self, backend: WhooshBackend, searcher: Searcher) -> None:
        self.backend = backend
        self.searcher = searcher
        self.reader = searcher.reader()
        # Answers are memoised per generation: term dictionary lookups cost
        # more than the vectorised search itself, and queries repeat words.
        self._frequencies, self._variants = backend._lexicon_memo(searcher)

    def doc_count(self) -> int:
        return int(self.searcher.doc_count())

    def doc_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        known = self._frequencies
        for t in terms:
            if t not in known:
                known[t] = int(self.reader.doc_frequency("body", t))
        return known

    def variants(self, folded: Iterable[str]) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for f in folded:
            if f not in self._variants:
                name = "vocab2" if "_" in f else "vocab1"
                forms: dict[str, int] = {}
                for raw in self.reader.expand_prefix(name, f + "|"):
                    term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                    forms[term.split("|", 1)[1]] = int(self.reader.doc_frequency(name, term))
                self._variants[f] = forms
            found[f] = self._variants[f]
        return found

    def unigram_vocabulary(self) -> Mapping[str, int]:
        return self.backend._vocabulary(self.reader)

    def public_terms(self, terms: Iterable[str]) -> set[str]:
        """Of these body terms, those in a public active dataset (for "did you mean")."""
        table = self.backend._columns(self.searcher)
        visible = ~table.hidden(include_private=False, include_drafts=False)
        return {t for t in set(terms) if visible[table.postings("body", t)[0]].any()}


class WhooshBackend:
    """Search backend storing a Whoosh index in ``index_dir``."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.index_dir.mkdir(parents=True, exist_ok=True)
        if index.exists_in(str(self.index_dir), indexname=INDEX_NAME):
            self._ix = index.open_dir(str(self.index_dir), indexname=INDEX_NAME)
        else:
            self._ix = index.create_in(str(self.index_dir), _schema(), indexname=INDEX_NAME)
        self._searcher: Searcher | None = None
        # Per-segment stored data and postings, keyed by segment id: segments
        # never change once written, so these survive commits by other processes.
        self._segments: dict[str, columns.Segment] = {}
        self._postings = columns.PostingCache()
        # The column table of the current searcher's generation.
        self._table: tuple[Searcher, columns.DocTable] | None = None
        # Sort columns of the last table, with its segment ids: extended, not rebuilt.
        self._sorting: tuple[list[str], columns.SortColumns] | None = None
        self._vocab: tuple[int, dict[str, int]] | None = None
        self._memo: tuple[Searcher, dict[str, int], dict[str, dict[str, int]]] | None = None

    # -- writing --------------------------------------------------------------

    def index_documents(self, docs: Iterable[dict[str, Any]]) -> None:
        """Add or replace packages; one commit (one new segment) for the whole batch.

        Streams: a bulk load of 100k packages in one call needs no more memory
        than Whoosh's posting pool (``limitmb``), and one segment needs no merges.
        """
        packages = list({str(d["id"]): d for d in docs}.values())  # the last one wins
        if not packages:
            return
        writer = self._ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, limitmb=256,
                                 codec=_codec())
        try:
            # Replacing: delete the old versions by docnum in one pass.
            # update_document would open a searcher per document, which cost
            # most of the time of a batch into a non-empty index.
            reader = writer.reader()
            if reader.doc_count():
                for package in packages:
                    for docnum in _live_docs(reader, "id", str(package["id"])):
                        writer.delete_document(docnum)
            for row in analysed(packages):  # in worker processes when there are many
                pairs = row["vocabulary"]
                writer.add_document(
                    id=row["id"], body=row["terms"], filters=row["filters"],
                    vocab1=[f"{f}|{e}" for f, e in pairs if "_" not in f],
                    vocab2=[f"{f}|{e}" for f, e in pairs if "_" in f],
                    words=row["autocomplete"].split(),
                    modified=row["metadata_modified"] or " ",
                    created=row["metadata_created"] or " ", meta=_meta(row))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def delete_documents(self, ids: Iterable[str]) -> None:
        """Remove these dataset ids."""
        wanted = list(ids)
        if not wanted:
            return
        writer = self._ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, codec=_codec())
        reader = writer.reader()
        for i in wanted:
            for docnum in _live_docs(reader, "id", str(i)):
                writer.delete_document(docnum)
        writer.commit()

    def clear(self) -> None:
        """Empty the index (a new generation with no segments)."""
        writer = self._ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, codec=_codec())
        writer.commit(mergetype=_drop_all)

    def rebuild(self, docs: Iterable[dict[str, Any]]) -> None:
        """Replace every document with ``docs``; searches see the old set until the new one
        is complete, then the new one.

        The new documents are indexed into a staging index beside this one (no lock held, so
        writers and searches go on), its segment files are moved into this directory, and
        one commit lists that segment alone: the swap is Whoosh's own atomic table-of-contents
        write, in the same index, so its generation goes on growing and other processes'
        open searchers keep reading the files they have open.
        """
        staging = self.index_dir.with_name(self.index_dir.name + ".rebuild")
        shutil.rmtree(staging, ignore_errors=True)
        built = WhooshBackend(staging)
        try:
            built.index_documents(docs)
            segments = list(built._ix._segments())
            writer = self._ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, codec=_codec())
            try:
                for segment in segments:
                    for name in segment.list_files(built._ix.storage):
                        os.replace(staging / name, self.index_dir / name)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=lambda _writer, _old: list(segments))
        finally:
            built.close()
            shutil.rmtree(staging, ignore_errors=True)

    def optimize(self) -> None:
        """Merge all segments into one: faster searches after a bulk load."""
        self._ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, codec=_codec()).commit(
            optimize=True)

    # -- reading --------------------------------------------------------------

    def _fresh(self) -> Searcher:
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=scoring.Frequency())
        elif not self._searcher.up_to_date():
            # A new searcher, not ``refresh()``: whoosh-reloaded's reader reuse appends
            # the old generation's segments whose deletions changed, so a replaced
            # document showed up twice (old and new) until the process restarted. The
            # old searcher is left to the garbage collector: another thread may be using it.
            self._searcher = self._ix.searcher(weighting=scoring.Frequency())
        return self._searcher

    def _leaves(self, searcher: Searcher) -> list[tuple[Any, str, int]]:
        """(segment reader, segment id, first global docnum) of each segment."""
        leaves = [(reader, reader.segment().segment_id(), offset)
                  for reader, offset in searcher.reader().leaf_readers()
                  if reader.segment() is not None]  # None: an empty index
        live = {seg_id for _, seg_id, _ in leaves}
        for stale in set(self._segments) - live:
            del self._segments[stale]
        self._postings.forget(live)
        return leaves

    def _columns(self, searcher: Searcher) -> columns.DocTable:
        """The column table of this searcher's generation, built once per generation."""
        if self._table is not None and self._table[0] is searcher:
            return self._table[1]
        leaves = self._leaves(searcher)
        segments = []
        for reader, seg_id, _offset in leaves:
            if seg_id not in self._segments:
                stored = list(reader.column_reader("meta")) if reader.has_column("meta") \
                    else [b""] * reader.doc_count_all()
                self._segments[seg_id] = columns.read_segment(stored)
            segments.append(self._segments[seg_id])
        deleted = np.zeros(sum(len(s.docs) for s in segments), dtype=bool)
        for reader, _seg_id, offset in leaves:
            if reader.has_deletions():
                deleted[[offset + d for d in reader.segment().deleted_docs()]] = True

        def postings(fieldname: str, term: str) -> tuple[Any, Any]:
            parts = [self._postings.get((seg_id, fieldname, term),
                                        partial(_read_postings, reader, fieldname, term))
                     for reader, seg_id, _offset in leaves]
            if len(parts) == 1:
                return parts[0]
            ids = [p[0] + offset for p, (_r, _s, offset) in zip(parts, leaves, strict=True)]
            return (np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64),
                    np.concatenate([p[1] for p in parts]) if parts else np.zeros(0))

        def filter_terms(prefix: str) -> list[str]:
            return [t.decode("utf-8") if isinstance(t, bytes) else t
                    for t in searcher.reader().expand_prefix("filters", prefix)]

        ids = [seg_id for _reader, seg_id, _offset in leaves]
        sorting = columns.segments_sort_columns(self._sorting, ids, segments)
        self._sorting = (ids, sorting)
        table = columns.DocTable(segments, deleted, postings, filter_terms, sorting=sorting)
        self._table = (searcher, table)
        return table

    def _lexicon_memo(self, searcher: Searcher) -> tuple[dict[str, int],
                                                          dict[str, dict[str, int]]]:
        """Memo dicts (document frequencies, variants) for this searcher's generation."""
        if self._memo is None or self._memo[0] is not searcher or \
                len(self._memo[1]) + len(self._memo[2]) > MEMO_ENTRIES:
            self._memo = (searcher, {}, {})
        return self._memo[1], self._memo[2]

    def _vocabulary(self, reader: Any) -> dict[str, int]:
        generation = self._ix.latest_generation()
        if self._vocab is None or self._vocab[0] != generation:
            vocab: dict[str, int] = {}
            for raw, info in reader.iter_field("vocab1"):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                folded = term.split("|", 1)[0]
                vocab[folded] = vocab.get(folded, 0) + info.doc_frequency()
            self._vocab = (generation, vocab)
        return self._vocab[1]

    def _filter(self, tree: Filter) -> query.Query:
        """A Whoosh query for a filter tree (used by autocomplete)."""
        if isinstance(tree, Match):
            return query.Term("filters", tree.term)
        if isinstance(tree, And):
            return query.And([self._filter(i) for i in tree.items])
        if isinstance(tree, Or):
            return query.Or([self._filter(i) for i in tree.items])
        raise TypeError(f"unsupported filter {tree!r}")

    def search(self, sq: SearchQuery) -> SearchResult:
        """Run ``sq``; see :class:`~catalogue.search.backend.SearchBackend`."""
        tree, sort_keys = collect.prepare(sq)
        searcher = self._fresh()
        lexicon = _Lexicon(self, searcher)
        text = plan_query(sq.q, lexicon) if sq.q.strip() else TextQuery()
        table = self._columns(searcher)
        result = columns.search_table(table, sq, tree, sort_keys, text)
        if sq.q.strip():
            def count(q: str) -> int:
                return columns.strict_count(table, collect.counting(sq, q), tree,
                                            plan_query(q, lexicon))

            result.suggestion = did_you_mean(sq.q, collect.strict_found(result), lexicon, count)
        return result

    def suggest(self, q: str) -> str | None:
        """"Did you mean": typos fixed, diacritics as in the data."""
        return suggest(q, _Lexicon(self, self._fresh()))

    def autocomplete(self, prefix: str, limit: int = 10) -> list[dict[str, str]]:
        """Public active datasets whose title words start like ``prefix``."""
        words = folded_words(prefix)
        if not words:
            return []
        searcher = self._fresh()
        last = query.Prefix("words", words[-1])
        clauses: list[query.Query] = [query.Term("words", w) for w in words[:-1]]
        q = query.And(clauses + [last, self._filter(collect.PUBLIC)])
        data = self._columns(searcher).docs
        hits = [data[docnum] for docnum in q.docs(searcher)]
        return collect.autocomplete(hits, words, limit)

    def close(self) -> None:
        """Close the searcher; the index stays on disk."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


def _drop_all(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge policy that keeps no existing segment: how :meth:`clear` empties."""
    return []


def _live_docs(reader: Any, fieldname: str, term: str) -> list[int]:
    """Global docnums of the undeleted documents holding ``term``."""
    if (fieldname, term) not in reader:
        return []
    return [d for d in reader.postings(fieldname, term).all_ids() if not reader.is_deleted(d)]


def _read_postings(reader: Any, fieldname: str, term: str) -> tuple[Any, Any]:
    """(local docnums, weights) of a term in one segment as arrays, deleted included.

    Reads whole posting blocks: a Python loop over ``Matcher.next()`` costs
    several times more per posting.
    """
    btext = term.encode("utf-8")
    ids: list[int] = []
    weights: list[float] = []
    if (fieldname, btext) in reader:
        matcher = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
        if not hasattr(matcher, "_read_ids"):  # another codec: the slow, public way
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                matcher.next()
        else:
            while matcher.is_active():
                matcher._read_ids()
                matcher._read_weights()
                ids.extend(matcher._ids)
                weights.extend(matcher._weights)
                matcher._next_block()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)

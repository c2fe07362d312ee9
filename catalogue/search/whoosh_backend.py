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
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from whoosh import columns, fields, formats, index, query, scoring
from whoosh.searching import Searcher
from whoosh.system import pack_uint

from catalogue.search import collect
from catalogue.search.analyzer import folded_words
from catalogue.search.backend import SearchQuery, SearchResult
from catalogue.search.documents import search_fields
from catalogue.search.query import And, Filter, Match, MatchAll, Not, Or, Range
from catalogue.search.ranking import TextQuery, plan_query
from catalogue.search.spelling import correct, suggest

# Seconds a writer waits for another process's lock before giving up.
WRITE_TIMEOUT = 60.0
INDEX_NAME = "datasets"
_ONE = pack_uint(1)


class _TermsField(fields.FieldType):
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
        meta=fields.COLUMN(columns.VarBytesColumn()),
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

    def doc_count(self) -> int:
        return int(self.searcher.doc_count())

    def doc_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        return {t: int(self.reader.doc_frequency("body", t)) for t in terms}

    def variants(self, folded: Iterable[str]) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for f in folded:
            name = "vocab2" if "_" in f else "vocab1"
            forms: dict[str, int] = {}
            for raw in self.reader.expand_prefix(name, f + "|"):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                forms[term.split("|", 1)[1]] = int(self.reader.doc_frequency(name, term))
            found[f] = forms
        return found

    def unigram_vocabulary(self) -> Mapping[str, int]:
        return self.backend._vocabulary(self.reader)


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
        # Per-segment document data, keyed by segment id: segments never
        # change once written, so this survives commits by other processes.
        self._segments: dict[str, list[collect.DocData]] = {}
        self._vocab: tuple[int, dict[str, int]] | None = None
        self._hidden_cache: dict[tuple[Any, ...], set[int]] = {}

    # -- writing --------------------------------------------------------------

    def index_documents(self, docs: Iterable[dict[str, Any]]) -> None:
        """Add or replace packages; one commit for the whole batch."""
        rows = [search_fields(d) for d in docs]
        if not rows:
            return
        writer = self._ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, limitmb=256)
        # Into an empty index (a rebuild, a bulk load) nothing needs replacing;
        # update_document's per-document delete would cost most of the time.
        write = writer.add_document if writer.reader().doc_count_all() == 0 else \
            writer.update_document
        try:
            for row in rows:
                pairs = row["vocabulary"]
                write(
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
        writer = self._ix.writer(timeout=WRITE_TIMEOUT, delay=0.05)
        for i in wanted:
            writer.delete_by_term("id", str(i))
        writer.commit()

    def clear(self) -> None:
        """Empty the index (a new generation with no segments)."""
        writer = self._ix.writer(timeout=WRITE_TIMEOUT, delay=0.05)
        writer.commit(mergetype=_drop_all)

    def optimize(self) -> None:
        """Merge all segments into one: faster searches after a bulk load."""
        self._ix.optimize()

    # -- reading --------------------------------------------------------------

    def _fresh(self) -> Searcher:
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=scoring.Frequency())
        elif not self._searcher.up_to_date():
            self._searcher = self._searcher.refresh()
        return self._searcher

    def _doc_data(self, searcher: Searcher) -> list[tuple[Any, list[collect.DocData]]]:
        """(segment reader, per-document data) of each segment, cached by segment id."""
        result = []
        live = set()
        for reader, _offset in searcher.reader().leaf_readers():
            if reader.segment() is None:
                continue  # an empty index
            seg_id = reader.segment().segment_id()
            live.add(seg_id)
            if seg_id not in self._segments:
                col = reader.column_reader("meta") if reader.has_column("meta") else []
                self._segments[seg_id] = [collect.doc_data(json.loads(b)) if b else
                                          collect.EMPTY for b in col]
            result.append((reader, self._segments[seg_id]))
        for stale in set(self._segments) - live:
            del self._segments[stale]
        return result

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

    def _hidden(self, reader: Any, seg_key: tuple[str, int], sq: SearchQuery) -> set[int]:
        """Deleted documents and those ``sq`` may not see, cached per segment."""
        key = (*seg_key, sq.include_private, sq.include_drafts)
        if key not in self._hidden_cache:
            states = [t.decode("utf-8") if isinstance(t, bytes) else t
                      for t in reader.expand_prefix("filters", "state=")]
            hidden = {d for d in range(reader.doc_count_all()) if reader.is_deleted(d)}
            for term in collect.hidden_filter_terms(states, sq.include_private,
                                                    sq.include_drafts):
                hidden.update(d for d, _ in _postings(reader, "filters", term))
            self._hidden_cache = {k: v for k, v in self._hidden_cache.items()
                                  if k[0] in self._segments}
            self._hidden_cache[key] = hidden
        return self._hidden_cache[key]

    def search(self, sq: SearchQuery) -> SearchResult:
        """Run ``sq``; see :class:`~catalogue.search.backend.SearchBackend`."""
        tree, sort_keys = collect.prepare(sq)
        searcher = self._fresh()
        lexicon = _Lexicon(self, searcher)
        text = plan_query(sq.q, lexicon) if sq.q.strip() else TextQuery()
        hits: list[tuple[float, collect.DocData]] = []
        for reader, data in self._doc_data(searcher):
            seg_key = (reader.segment().segment_id(), reader.doc_count())
            allowed = _docset(tree, reader)
            hidden = self._hidden(reader, seg_key, sq)
            if text.empty:
                docs = range(reader.doc_count_all()) if allowed is None else sorted(allowed)
                scored = {d: 0.0 for d in docs if d not in hidden}
            else:
                scored = _score(reader, text)
                for term in text.required:
                    needed = {d for d, _ in _postings(reader, "body", term)}
                    scored = {d: v for d, v in scored.items() if d in needed}
                if allowed is not None:
                    scored = {d: v for d, v in scored.items() if d in allowed}
                scored = {d: v for d, v in scored.items() if d not in hidden}
            for term in text.excluded:
                for d, _ in _postings(reader, "body", term):
                    scored.pop(d, None)
            hits.extend((v, data[d]) for d, v in scored.items())
        result = collect.result(hits, sq, sort_keys, text)
        if sq.q.strip():
            corrected = correct(sq.q, lexicon)
            result.suggestion = corrected[0] if corrected and corrected[1] else None
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
        data = [d for _, seg in self._doc_data(searcher) for d in seg]
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


def _postings(reader: Any, fieldname: str, term: str) -> Iterator[tuple[int, float]]:
    """(local docnum, weight) of a term in one segment, deleted documents included.

    Reads whole posting blocks: a Python loop over ``Matcher.next()`` costs
    several times more per posting, and search time is mostly this loop.
    """
    btext = term.encode("utf-8")
    if (fieldname, btext) not in reader:
        return
    matcher = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
    if not hasattr(matcher, "_read_ids"):  # another codec: the slow, public way
        while matcher.is_active():
            yield matcher.id(), matcher.weight()
            matcher.next()
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        yield from zip(matcher._ids, matcher._weights, strict=False)
        matcher._next_block()


def _score(reader: Any, text: TextQuery) -> dict[int, float]:
    """Term-at-a-time accumulation of :mod:`ranking`'s score in one segment."""
    scores: dict[int, float] = {}
    masks: dict[int, int] = {}
    for term, weight in text.weights.items():
        bit = text.masks[term]
        for doc, doc_weight in _postings(reader, "body", term):
            scores[doc] = scores.get(doc, 0.0) + weight * doc_weight
            masks[doc] = masks.get(doc, 0) | bit
    return {d: text.combine(v, masks[d]) for d, v in scores.items()}


def _range_docs(reader: Any, tree: Range) -> set[int]:
    name = "modified" if tree.field == "metadata_modified" else "created"
    docs: set[int] = set()
    for (fieldname, raw), _ in reader.iter_from(name, tree.low or ""):
        if fieldname != name:
            break
        value = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if value == " ":
            continue  # no date recorded
        if tree.low is not None and not tree.include_low and value == tree.low:
            continue
        if tree.high is not None:
            # A bare date as upper bound covers that whole day.
            cut = value[:len(tree.high)]
            if cut > tree.high or (cut == tree.high and not tree.include_high):
                break
        docs.update(d for d, _ in _postings(reader, name, value))
    return docs


def _docset(tree: Filter, reader: Any) -> set[int] | None:
    """Local docnums of one segment matching a filter tree; None means all."""
    if isinstance(tree, MatchAll):
        return None
    if isinstance(tree, Match):
        return {d for d, _ in _postings(reader, "filters", tree.term)}
    if isinstance(tree, Range):
        return _range_docs(reader, tree)
    if isinstance(tree, And):
        result: set[int] | None = None
        for item in tree.items:
            part = _docset(item, reader)
            if part is not None:
                result = part if result is None else result & part
        return result
    if isinstance(tree, Or):
        parts = [_docset(item, reader) for item in tree.items]
        if any(p is None for p in parts):
            return None
        return set().union(*parts)  # type: ignore[arg-type]
    if isinstance(tree, Not):
        inner = _docset(tree.item, reader)
        return set() if inner is None else set(range(reader.doc_count_all())) - inner
    raise TypeError(f"unknown filter {tree!r}")

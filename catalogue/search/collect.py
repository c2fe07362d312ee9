"""Ordering, paging, facets and snippets of matched documents, for every backend.

Backends find the matching documents and their scores; this module turns
them into a :class:`~catalogue.search.backend.SearchResult` the same way for
all, which keeps the backends' results identical.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, NamedTuple

from catalogue.search.backend import SearchQuery, SearchResult
from catalogue.search.errors import SearchQueryError
from catalogue.search.highlight import highlight
from catalogue.search.places import bbox_filter
from catalogue.search.query import (
    MATCH_FIELDS,
    And,
    Filter,
    MatchAll,
    check_q,
    filters_tree,
    parse_fq,
    parse_sort,
    visibility_tree,
)
from catalogue.search.ranking import TextQuery

PUBLIC = visibility_tree(include_private=False, include_drafts=False)
# The sort keys of relevance ranking, as parse_sort gives them.
RELEVANCE = parse_sort("relevance")


def hidden_filter_terms(all_terms: list[str], include_private: bool,
                        include_drafts: bool) -> list[str]:
    """Of the ``state=``/``capacity=`` terms in an index, those a request must not see."""
    allowed = {"state=active", "state=draft"} if include_drafts else {"state=active"}
    hidden = [t for t in all_terms if t.startswith("state=") and t not in allowed]
    if not include_private:
        hidden.append("capacity=private")
    return hidden
# Scores are compared rounded: Whoosh keeps weights as 32-bit floats and
# PostgreSQL as 64-bit, and a last-bit difference must not reorder ties.
SCORE_DIGITS = 4
MAX_ROWS = 1000


class DocData(NamedTuple):
    """What ordering, facets and snippets need of one indexed document."""

    id: str
    name: str
    title: str
    notes: str
    modified: float
    created: float
    title_string: str
    quality: int
    facets: dict[str, list[str]]
    autocomplete: str


def _timestamp(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso).timestamp() if iso else 0.0
    except ValueError:
        return 0.0


def doc_data(fields: dict[str, Any]) -> DocData:
    """Build :class:`DocData` from the stored part of :func:`search_fields`."""
    return DocData(fields["id"], fields["name"], fields["title"], fields["notes"],
                   _timestamp(fields["metadata_modified"]),
                   _timestamp(fields["metadata_created"]), fields["title_string"],
                   int(fields["quality_score"]), fields["facets"], fields["autocomplete"])


EMPTY = DocData("", "", "", "", 0.0, 0.0, "", 0, {}, "")


def prepare(sq: SearchQuery) -> tuple[Filter, list[tuple[str, bool]]]:
    """Validate ``sq``; return its filter tree (``filters`` and ``fq``) and sort keys.

    Visibility (private, draft, deleted) is not in the tree: backends apply
    it themselves, cheaply, from ``include_private``/``include_drafts``. The caller's
    permission filter ``restrict`` is ANDed last, beside (not inside) each user filter,
    each of which was parsed on its own: nothing a user writes can widen it.
    """
    if sq.rows < 0 or sq.start < 0:
        raise SearchQueryError("rows and start must not be negative")
    check_q(sq.q)
    for name in sq.facet_fields:
        if name not in MATCH_FIELDS:
            raise SearchQueryError(f"facet.field: unknown field {name!r}")
    user = [filters_tree(sq.filters), parse_fq(sq.fq, sq.now),
            *(parse_fq(f, sq.now) for f in sq.fq_list),
            bbox_filter(sq.bbox) if sq.bbox else MatchAll()]
    tree = And((*user, sq.restrict or MatchAll()))
    return tree, parse_sort(sq.sort)


def counting(sq: SearchQuery, q: str) -> SearchQuery:
    """``sq`` for another text, asking only for the count (a suggestion's, say)."""
    return replace(sq, q=q, rows=0, start=0, facet_fields=[], highlight=False)


def strict_found(found: SearchResult) -> int:
    """How many datasets held enough of the words: 0 when a looser set is shown."""
    return 0 if found.relaxed else found.count


_NUMERIC = {"score", "metadata_modified", "metadata_created", "quality_score"}


def _value(key: str, score: float, doc: DocData) -> Any:
    if key == "score":
        return round(score, SCORE_DIGITS)
    if key == "metadata_modified":
        return doc.modified
    if key == "metadata_created":
        return doc.created
    if key == "quality_score":
        return doc.quality
    return {"name": doc.name, "title_string": doc.title_string, "id": doc.id}[key]


def order(hits: list[tuple[float, DocData]], keys: list[tuple[str, bool]],
          wanted: int) -> list[tuple[float, DocData]]:
    """The first ``wanted`` hits in the order of ``keys``, then name, then id."""
    if all(key in _NUMERIC or not desc for key, desc in keys):
        def sort_key(hit: tuple[float, DocData]) -> tuple[Any, ...]:
            values = [(-v if desc else v) for key, desc in keys
                      for v in [_value(key, hit[0], hit[1])]]
            return (*values, hit[1].name, hit[1].id)
        return heapq.nsmallest(wanted, hits, key=sort_key)
    ordered = sorted(hits, key=lambda h: (h[1].name, h[1].id))
    for key, desc in reversed(keys):
        ordered.sort(key=lambda h: _value(key, h[0], h[1]), reverse=desc)
    return ordered[:wanted]


def facet_counts(docs: list[DocData], sq: SearchQuery) -> dict[str, dict[str, int]]:
    """Value counts of each requested facet field, most frequent first."""
    return {name: rank_facet(Counter(v for d in docs for v in d.facets.get(name, ())), sq)
            for name in sq.facet_fields}


def rank_facet(counts: Mapping[str, int], sq: SearchQuery) -> dict[str, int]:
    """One facet's values: at least ``facet_mincount``, most frequent first, then by value."""
    ranked = sorted(((v, c) for v, c in counts.items() if c >= sq.facet_mincount),
                    key=lambda vc: (-vc[1], vc[0]))
    limit = len(ranked) if sq.facet_limit < 0 else sq.facet_limit
    return dict(ranked[:limit])


def result(hits: list[tuple[float, DocData]], sq: SearchQuery,
           keys: list[tuple[str, bool]], text: TextQuery) -> SearchResult:
    """Page, facets and snippets of all matching ``hits`` (score, document)."""
    rows = min(sq.rows, MAX_ROWS)
    page = order(hits, keys, sq.start + rows)[sq.start:]
    found = SearchResult(count=len(hits), ids=[d.id for _, d in page],
                         facets=facet_counts([d for _, d in hits], sq))
    add_snippets(found, [d for _, d in page], sq, text)
    return found


def add_snippets(found: SearchResult, page: list[DocData], sq: SearchQuery,
                 text: TextQuery) -> None:
    """Highlighted title and description snippets of the page's documents, when asked."""
    if sq.highlight and text.words:
        for doc in page:
            snippets = {name: s for name, value in (("title", doc.title), ("notes", doc.notes))
                        if (s := highlight(value, text.words)) is not None}
            if snippets:
                found.highlights[doc.id] = snippets


def autocomplete(docs: list[DocData], words: list[str], limit: int) -> list[dict[str, str]]:
    """Titles starting with the typed words first, then the newest."""
    typed = " ".join(words)
    best = heapq.nsmallest(limit, docs, key=lambda d: (
        not d.autocomplete.startswith(typed), -d.modified, d.name))
    return [{"name": d.name, "title": d.title} for d in best]

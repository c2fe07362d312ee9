"""The search interface every backend implements, and its value types."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from catalogue.search.query import Filter

# Filter keys the portal's facets and the ``filters`` argument understand.
FILTER_FIELDS = ("organization", "groups", "tags", "res_format", "license_id", "year", "spatial",
                 "spatial_code")


@dataclass
class SearchQuery:
    """One search request, backend-neutral (CKAN's ``package_search`` arguments).

    ``filters`` AND across keys and OR within a key's values; ``fq`` and each of
    ``fq_list`` are the Solr-subset syntax of :mod:`catalogue.search.query`, each parsed
    on its own and ANDed (never joined as text: a ``)`` in one cannot close another);
    ``sort`` accepts CKAN strings such as ``"score desc, metadata_modified desc"``.

    ``include_private``/``include_drafts`` let the backend show private datasets and
    drafts at all; ``restrict`` is the caller's permission filter, a tree built in code
    (never parsed from user text) and ANDed outside every user filter (issue 15).
    """

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    fq: str = ""
    fq_list: list[str] = field(default_factory=list)
    sort: str = "relevance"
    rows: int = 10
    start: int = 0
    facet_fields: list[str] = field(default_factory=list)
    facet_limit: int = 50
    facet_mincount: int = 1
    include_private: bool = False
    include_drafts: bool = False
    restrict: Filter | None = None
    highlight: bool = False
    # What ``NOW`` means in ``fq`` date math (``[NOW-7DAYS TO NOW]``): the catalogue's clock.
    now: datetime | None = None
    # ckanext-spatial's ``ext_bbox`` (west, south, east, north): datasets whose box meets it.
    bbox: tuple[float, float, float, float] | None = None


@dataclass
class SearchResult:
    """Matching dataset ids in order, with facets, snippets and a suggestion.

    ``relaxed``: no dataset held enough of the query's words, so these are the datasets
    holding any of them (to be said on the page, issue 18).
    """

    count: int
    ids: list[str]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    highlights: dict[str, dict[str, str]] = field(default_factory=dict)
    suggestion: str | None = None
    relaxed: bool = False


@runtime_checkable
class SearchBackend(Protocol):
    """What the catalogue needs from a search engine.

    Documents are CKAN package dicts (``package_show`` shape). Private,
    draft and deleted datasets are indexed but only returned when the query
    asks for them (deleted ones never).
    """

    def index_documents(self, docs: Iterable[dict[str, Any]]) -> None:
        """Add or replace these packages (matched on ``id``)."""

    def delete_documents(self, ids: Iterable[str]) -> None:
        """Remove these dataset ids; unknown ids are ignored."""

    def clear(self) -> None:
        """Remove every document."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query; raises :class:`~catalogue.search.errors.SearchQueryError`."""

    def suggest(self, q: str) -> str | None:
        """A corrected query, with diacritics as in the data, or None."""

    def autocomplete(self, prefix: str, limit: int = 10) -> list[dict[str, str]]:
        """Public datasets whose title words start like ``prefix``: name and title."""

    def close(self) -> None:
        """Release files and connections."""

"""Recent search results per index generation, for backends whose searches cost a round trip.

Used by the PostgreSQL backend (:mod:`catalogue.search.postgres_backend`).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Hashable

from catalogue.search.backend import SearchResult


class ResultCache:
    """Results of recent searches, per index generation; thread-safe, least recent out.

    A portal's searches repeat (the search page with its default facets above all), and
    facet counts over a broad match are the costly part in SQL. Keyed by the generation
    in ``search_meta`` with its epoch, which every write (and rebuild) changes and which
    never goes back, so no app server serves a stale page.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Hashable, str], SearchResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Hashable, str]) -> SearchResult | None:
        """A copy of the stored result, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
        return copy.deepcopy(found)

    def clear(self) -> None:
        """Forget every result."""
        with self._lock:
            self._items.clear()

    def put(self, key: tuple[Hashable, str], result: SearchResult) -> None:
        """Store a copy; results of older generations are dropped."""
        if self.size <= 0:
            return
        with self._lock:
            stale = [k for k in self._items if k[0] != key[0]]
            for k in stale:
                del self._items[k]
            self._items[key] = copy.deepcopy(result)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

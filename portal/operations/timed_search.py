"""A search backend wrapper that times every query for ``/metrics``."""

from __future__ import annotations

import time
from typing import Any

from portal.operations.metrics import Metrics


class TimedSearch:
    """Delegates everything to the wrapped backend; ``search`` is also timed."""

    def __init__(self, inner: Any, metrics: Metrics) -> None:
        self.inner = inner
        self._metrics = metrics

    def search(self, query: Any) -> Any:
        started = time.perf_counter()
        outcome = "error"
        try:
            result = self.inner.search(query)
            outcome = "ok"
            return result
        finally:
            self._metrics.observe("dulieumo_search_duration_seconds", {"outcome": outcome},
                                  time.perf_counter() - started)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

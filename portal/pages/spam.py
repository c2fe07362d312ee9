"""Keeping robots out of the public forms: a honeypot field and a per-address rate limit.

The limit counts with the catalogue's clock, so tests move time instead of sleeping.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import timedelta

from flask import Flask, request

from catalogue.clock import Clock

HONEYPOT_FIELD = "website"  # hidden from people by CSS and aria-hidden; robots fill it in
EXTENSION = "dulieumo.form_limits"


class RateLimiter:
    """At most ``limit`` submissions per address within ``window`` (in memory, per process)."""

    def __init__(self, clock: Clock, limit: int = 5, window: timedelta = timedelta(hours=1)):
        self.clock = clock
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[object]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count a submission from ``key``; False when it is over the limit."""
        now = self.clock.now()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:  # type: ignore[operator]
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10000:  # forget idle addresses rather than grow forever
                for idle in [k for k, v in self._hits.items() if not v][:5000]:
                    del self._hits[idle]
            return True


def is_robot() -> bool:
    """The honeypot field was filled in."""
    return bool(request.form.get(HONEYPOT_FIELD, "").strip())


def limiter_of(app: Flask) -> RateLimiter:
    limiter: RateLimiter = app.extensions[EXTENSION]
    return limiter


def init_app(app: Flask, clock: Clock) -> None:
    app.extensions[EXTENSION] = RateLimiter(clock)

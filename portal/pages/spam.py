"""Keeping robots out of the public forms: a honeypot field and a per-address rate limit.

The limit counts in the database on the catalogue's clock: shared by every process, and
tests move time instead of sleeping.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, request
from sqlalchemy import Engine

from catalogue.clock import Clock
from catalogue.coordination.rate_limits import Limit, hit
from portal.catalogue_ext import catalogue_of

HONEYPOT_FIELD = "website"  # hidden from people by CSS and aria-hidden; robots fill it in
EXTENSION = "dulieumo.form_limits"


class RateLimiter:
    """At most ``limit`` submissions per address within ``window``, counted in the database
    so every worker and machine shares the count (issue 23)."""

    def __init__(self, engine: Engine, clock: Clock, limit: int = 5,
                 window: timedelta = timedelta(hours=1)) -> None:
        self.engine = engine
        self.clock = clock
        self.limit = Limit(limit, window)

    def allow(self, key: str) -> bool:
        """Count a submission from ``key``; False when it is over the limit."""
        return hit(self.engine, f"form:{key}", self.limit, self.clock.now()).allowed


def is_robot() -> bool:
    """The honeypot field was filled in."""
    return bool(request.form.get(HONEYPOT_FIELD, "").strip())


def limiter_of(app: Flask) -> RateLimiter:
    limiter: RateLimiter = app.extensions[EXTENSION]
    return limiter


def init_app(app: Flask, clock: Clock) -> None:
    app.extensions[EXTENSION] = RateLimiter(catalogue_of(app).engine, clock)

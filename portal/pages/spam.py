"""Keeping robots out of the public forms: a honeypot field and a per-address rate limit.

The limit counts with the catalogue's clock, so tests move time instead of sleeping, and in
the catalogue's database, so several workers and machines share it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, request

from catalogue.clock import Clock
from catalogue.feedback.limits import allow_submission

HONEYPOT_FIELD = "website"  # hidden from people by CSS and aria-hidden; robots fill it in
EXTENSION = "dulieumo.form_limits"


class RateLimiter:
    """At most ``limit`` submissions per address within ``window``, counted in the catalogue's
    database so that every worker and machine shares one count (issue 15)."""

    def __init__(self, app: Flask, clock: Clock, limit: int = 5,
                 window: timedelta = timedelta(hours=1)) -> None:
        self.app = app
        self.clock = clock
        self.limit = limit
        self.window = window

    def allow(self, key: str) -> bool:
        """Count a submission from ``key``; False when it is over the limit."""
        from portal.catalogue_ext import catalogue_of

        with catalogue_of(self.app).sessions() as session:
            return allow_submission(session, key, self.clock.now(), limit=self.limit,
                                    window=self.window)


def is_robot() -> bool:
    """The honeypot field was filled in."""
    return bool(request.form.get(HONEYPOT_FIELD, "").strip())


def limiter_of(app: Flask) -> RateLimiter:
    limiter: RateLimiter = app.extensions[EXTENSION]
    return limiter


def init_app(app: Flask, clock: Clock) -> None:
    app.extensions[EXTENSION] = RateLimiter(app, clock)

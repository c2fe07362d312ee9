"""The one signing key, and "exactly once" claims, kept in the shared database (issue 23).

Both are an insert that only the first process wins (``ON CONFLICT DO NOTHING``), then a
read: no process decides alone, so any number of machines agree.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import OperationalError, ProgrammingError

from catalogue.coordination.model import ScheduleClaim, SiteSecret
from catalogue.database import upsert_insert

SIGNING_KEY = "signing_key"


def shared_signing_key(engine: Engine, candidate: str, now: datetime) -> str | None:
    """The installation's signing key: the first process to ask stores ``candidate`` and
    every process on every machine then signs with that. None while the database has no
    schema yet (before ``dulieumo init``)."""
    try:
        with engine.begin() as connection:
            connection.execute(upsert_insert(engine, SiteSecret).values(
                name=SIGNING_KEY, value=candidate, created_at=now).on_conflict_do_nothing())
            return connection.execute(select(SiteSecret.value).where(
                SiteSecret.name == SIGNING_KEY)).scalar_one()
    except (OperationalError, ProgrammingError):  # no such table: not initialised yet
        return None


def worker_name() -> str:
    """Who claims: host and process, for the operator reading the claims table."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(engine: Engine, job: str, period: str, now: datetime) -> bool:
    """Claim ``job`` for ``period`` (e.g. ``backup`` for ``2026-12-07``): True for exactly
    one caller across every scheduler on every machine."""
    with engine.begin() as connection:
        # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT.
        inserted = connection.execute(upsert_insert(engine, ScheduleClaim).values(
            job=job, period=period, claimed_by=worker_name(), claimed_at=now
        ).on_conflict_do_nothing().returning(ScheduleClaim.job))
        return inserted.first() is not None


def claim_interval(engine: Engine, job: str, every: timedelta, now: datetime) -> bool:
    """Claim ``job`` if it last ran at least ``every`` ago (or never): True for exactly one
    caller per interval, the conditional update being atomic on both databases."""
    if claim(engine, job, "interval", now):
        return True
    with engine.begin() as connection:
        updated = connection.execute(update(ScheduleClaim).where(
            ScheduleClaim.job == job, ScheduleClaim.period == "interval",
            ScheduleClaim.claimed_at <= now - every,
        ).values(claimed_at=now, claimed_by=worker_name()).returning(ScheduleClaim.job))
        return updated.first() is not None


def release(engine: Engine, job: str, period: str) -> None:
    """Give a claim back (its run failed), so the next round may try again."""
    with engine.begin() as connection:
        connection.execute(delete(ScheduleClaim).where(
            ScheduleClaim.job == job, ScheduleClaim.period == period))

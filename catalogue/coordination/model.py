"""Rows that coordinate machines: the one signing key, and claims of scheduled runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base


class SiteSecret(Base):
    """A secret every machine of the installation shares (the session signing key)."""

    __tablename__ = "site_secret"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ScheduleClaim(Base):
    """A scheduled run claimed by one scheduler: (job, period) is unique, so any number of
    schedulers run each due job once."""

    __tablename__ = "schedule_claim"
    job: Mapped[str] = mapped_column(String(200), primary_key=True)
    period: Mapped[str] = mapped_column(String(50), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(DateTime)


class RateCounter(Base):
    """Hits of one client in one fixed window, added to atomically by every process."""

    __tablename__ = "rate_counter"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class IndexRebuild(Base):
    """Present while ``index rebuild`` runs: writers then note what they index
    (:class:`IndexRebuildDirty`), and the rebuild indexes those again once it has swapped
    its new index in (the swap replaced what they wrote meanwhile)."""

    __tablename__ = "index_rebuild"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)


class IndexRebuildDirty(Base):
    """A dataset indexed while a rebuild ran."""

    __tablename__ = "index_rebuild_dirty"
    dataset_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class UpgradeTask(Base):
    """Work a migration asks for that only the application can do (rebuilding the search
    index when its documents gained a field): noted by the migration, done by ``init``."""

    __tablename__ = "upgrade_task"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)

"""HarvestJob (one run of one source) and HarvestObject (what happened to one record)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.database import Base, new_id

# "held": waiting in the review queue (personal data, licence unknown or not open, access
# unknown; issue 16), never published and never reported "unchanged".
OUTCOMES = ("new", "updated", "unchanged", "held", "withdrawn", "skipped", "failed")


class HarvestJob(Base):
    __tablename__ = "harvest_job"
    __table_args__ = (Index("ix_harvest_job_source_started", "source", "started"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(100))
    source_type: Mapped[str] = mapped_column(String(50), default="")
    # running | finished | failed (the source could not be read) | aborted (crashed run)
    status: Mapped[str] = mapped_column(String(20), default="running")
    started: Mapped[datetime]
    finished: Mapped[datetime | None] = mapped_column(default=None)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Set when the run refused to withdraw (source error, too many records vanished).
    attention: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)

    objects: Mapped[list[HarvestObject]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="HarvestObject.position")


class HarvestObject(Base):
    __tablename__ = "harvest_object"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    job_id: Mapped[str] = mapped_column(ForeignKey("harvest_job.id", ondelete="CASCADE"),
                                        index=True)
    position: Mapped[int] = mapped_column(default=0)
    identifier: Mapped[str] = mapped_column(String(500))
    dataset_id: Mapped[str | None] = mapped_column(String(36), default=None)
    outcome: Mapped[str] = mapped_column(String(20))  # one of OUTCOMES
    stage: Mapped[str] = mapped_column(String(20), default="")  # gather|fetch|import|withdraw
    reason: Mapped[str] = mapped_column(Text, default="")
    log: Mapped[list[Any]] = mapped_column(default=list)

    job: Mapped[HarvestJob] = relationship(back_populates="objects")


class HarvestSource(Base):
    """A harvest source added on the web (issue 19); sources in ``harvest.toml`` stay there.

    ``config`` holds the rest of the ``[[source]]`` table (url/path/dsn, schedule, publish,
    filters, limits, type-specific options) exactly as a config file would, so one checker
    (``harvesters.config``) reads both.
    """

    __tablename__ = "harvest_source"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    type: Mapped[str] = mapped_column(String(50))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created: Mapped[datetime]
    updated: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100), default="")

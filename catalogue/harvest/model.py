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

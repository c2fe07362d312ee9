"""The Notice table: a maintenance window or an incident, from announcement to end."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base, new_id

KINDS = ("maintenance", "incident")


class Notice(Base):
    """Shown from ``announced_at`` until ``ends_at`` (open-ended incidents until resolved)."""

    __tablename__ = "notice"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))  # maintenance | incident
    reason: Mapped[str] = mapped_column(String(500))
    details: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    announced_at: Mapped[datetime] = mapped_column(index=True)
    announced_by: Mapped[str] = mapped_column(String(200), default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)

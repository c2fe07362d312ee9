"""The UsageDaily table: one row per day, kind, name and subject with a running count."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base


class UsageDaily(Base):
    """``count`` hits of ``kind`` (``api`` or ``download``) on ``day``.

    ``name`` is the API action or the download endpoint; ``subject`` what was asked for
    (a dataset name or id, a resource id, or "") so reports can attribute usage to the
    agency and sector that own it.
    """

    __tablename__ = "usage_daily"

    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)

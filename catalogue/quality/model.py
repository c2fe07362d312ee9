"""The link checker's latest result per URL, and when to look again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base


class LinkCheck(Base):
    __tablename__ = "link_check"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    ok: Mapped[bool] = mapped_column(default=False)
    status: Mapped[int | None] = mapped_column(default=None)
    error: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime]
    failures: Mapped[int] = mapped_column(default=0)  # consecutive failed checks
    next_check_at: Mapped[datetime] = mapped_column(index=True)

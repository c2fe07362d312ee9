"""The audit log table: append-only, each entry chained to the one before by its hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base


class AuditEntry(Base):
    """One security-relevant or data-changing event (Sơn La 20/2023 Điều 9; issue 7).

    ``hash`` is SHA-256 over ``prev_hash`` and this entry's canonical fields, so changing,
    removing or reordering any entry breaks every hash after it. ``prev_hash`` is unique:
    two writers that read the same tail cannot both append (the database refuses the fork).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_action_ip_at", "action", "ip", "at"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(500), default="", index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))

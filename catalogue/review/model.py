"""Review items: a dataset (or a change to a published one) waiting for an admin's decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base, new_id

KINDS = ("publish", "change")  # a draft to publish; a pending change to a published dataset
STATUSES = ("submitted", "approved", "rejected", "withdrawn")


class ReviewItem(Base):
    """One request for review (Sơn La 20/2023 Điều 9: data is checked before it is published).

    A ``change`` holds the proposed fields in ``proposed`` apart from the dataset, so the
    public keeps seeing the published version until an admin approves.
    """

    __tablename__ = "review_item"
    __table_args__ = (Index("ix_review_item_org_status", "organization_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(String(36), index=True)
    organization_id: Mapped[str | None] = mapped_column(String(36), default=None)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    proposed: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # Harvested changes may set validation fields on resources (the service's ``trusted``).
    trusted: Mapped[bool] = mapped_column(default=False)
    base_revision: Mapped[int] = mapped_column(default=0)  # dataset version the change is on
    source: Mapped[str] = mapped_column(String(200), default="")  # "workspace", "harvest:<name>"
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime]
    message: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    comment: Mapped[str] = mapped_column(Text, default="")

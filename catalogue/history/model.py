"""The Revision table: one row per change, holding the full dataset as it became."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base, new_id


class Revision(Base):
    """Dataset version ``number`` (1, 2, ...): who changed what, when, and the result.

    The dataset itself may later be deleted; its revisions stay (no foreign key cascade),
    so nothing is ever overwritten without a trace.

    ``number`` counts every change, drafts and private ones too; only the agency sees it.
    ``published_number`` (1, 2, ...) counts the versions the public saw: set when the version
    recorded was public (open, active, not private), so a draft, a held change or a private
    period is never reachable at ``/dataset/<name>/v/<n>``, in the public history or in a
    citation, and approving a later version does not publish it (issue 15).
    """

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("dataset_id", "number"),
                      Index("ix_revision_published", "dataset_id", "published_number",
                            unique=True))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(String(36), index=True)
    number: Mapped[int] = mapped_column(Integer)
    published_number: Mapped[int | None] = mapped_column(Integer, default=None)
    # e.g. "dataset.create", "dataset.update", "dataset.delete", "resource.create"
    action: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str] = mapped_column(String(36))  # the dataset or resource changed
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(index=True)
    message: Mapped[str] = mapped_column(String(1000), default="")
    snapshot: Mapped[dict[str, Any]]  # the package dict after the change
    # [{"field": ..., "old": ..., "new": ...}] against the version before
    changes: Mapped[list[Any]]

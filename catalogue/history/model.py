"""The Revision table: one row per change, holding the full dataset as it became."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base, new_id


class Revision(Base):
    """Dataset version ``number`` (1, 2, ...): who changed what, when, and the result.

    The dataset itself may later be deleted; its revisions stay (no foreign key cascade),
    so nothing is ever overwritten without a trace.
    """

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("dataset_id", "number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(String(36), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # e.g. "dataset.create", "dataset.update", "dataset.delete", "resource.create"
    action: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str] = mapped_column(String(36))  # the dataset or resource changed
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(index=True)
    message: Mapped[str] = mapped_column(String(1000), default="")
    snapshot: Mapped[dict[str, Any]]  # the package dict after the change
    # [{"field": ..., "old": ..., "new": ...}] against the version before
    changes: Mapped[list[Any]]

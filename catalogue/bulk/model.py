"""Where the nightly catalogue dumps are: one row per dump written, newest wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base


class CatalogueDump(Base):
    """A dump of every public dataset's metadata (``jsonl`` or ``csv``) in the file store.

    The file store keeps bytes by sha256 and knows nothing of names; this row is the name:
    ``/catalogue/dump.jsonl`` serves the newest row of its kind, on every machine alike.
    """

    __tablename__ = "catalogue_dump"
    __table_args__ = (Index("ix_catalogue_dump_kind_created", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    datasets: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)

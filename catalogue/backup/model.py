"""The RestoreLog table: every restore, who ran it and from which backup.

Restores are logged here, in the accounts engineer's audit log (``catalogue.audit``, action
``backup.restore``) when it is installed, and appended to ``restore.log`` in the home, which
survives the database being replaced again.
Regulation: Bình Phước draft 2023 Điều 19 (every restore logged).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base, new_id


class RestoreLog(Base):
    __tablename__ = "restore_log"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    restored_at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))
    backup_name: Mapped[str] = mapped_column(String(200))
    backup_path: Mapped[str] = mapped_column(String(1000))
    backup_created_at: Mapped[datetime | None] = mapped_column(default=None)
    safety_backup: Mapped[str] = mapped_column(String(1000), default="")
    message: Mapped[str] = mapped_column(Text, default="")

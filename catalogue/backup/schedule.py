"""When the scheduler takes the daily backup (Bình Phước draft 2023 Điều 8.5: daily,
automatic, kept on another server)."""

from __future__ import annotations

from datetime import datetime

from catalogue.backup.manifest import Manifest


def daily_backup_due(backups: list[Manifest], now: datetime, hour: int) -> bool:
    """Due once ``now`` is past ``hour`` and no backup was taken since then today; also due
    at any hour when the newest backup is more than a day old (a missed night)."""
    regular = [m for m in backups if m.label != "safety"]
    if not regular:
        return True
    newest = max(m.created_at for m in regular)
    if (now - newest).total_seconds() > 26 * 3600:
        return True
    slot = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return now >= slot and newest < slot

"""The scheduler runs the link checker and the notifications once an hour (issue 9: links
checked on schedule, agencies reminded of overdue datasets), without cron."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from catalogue.clock import FixedClock
from portal.cli.schedule import tick


def test_link_check_and_notifications_run_hourly(app: Flask, clock: FixedClock,
                                                 tmp_path: Path) -> None:
    app.config["DULIEUMO"]["backup_dir"] = str(tmp_path / "daily")
    first = tick(app)
    assert "links: checked 0 link(s)" in first, first
    assert any(line.startswith("notify: queued 0 notification(s)") for line in first), first
    clock.advance(minutes=59)
    assert not any(line.startswith(("links:", "notify:")) for line in tick(app))
    clock.advance(minutes=1)
    assert "links: checked 0 link(s)" in tick(app)

"""``dulieumo schedule``: the long-running process for due harvests and the daily backup.

Run exactly one per installation (systemd unit ``dulieumo-scheduler.service``). Each tick
runs the harvests that are due, if the harvesters package offers a due-runner, then takes
the daily backup and prunes old ones when it is time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from catalogue.backup.manifest import BackupError
from catalogue.backup.retention import prune_backups
from catalogue.backup.schedule import daily_backup_due
from catalogue.backup.snapshot import backup_dir_for, list_backups
from portal.catalogue_ext import catalogue_of
from portal.cli.backup import retention_of, take_backup

log = logging.getLogger("dulieumo.scheduler")


def _harvest_runner() -> Callable[..., Any] | None:
    """The harvesters' "run every due job" function, when that package provides one."""
    try:
        from harvesters import scheduling  # type: ignore[attr-defined]
    except ImportError:
        return None
    runner = getattr(scheduling, "run_due", None)
    return runner if callable(runner) else None


def tick(app: Flask) -> list[str]:
    """One round of the scheduler; returns what it did (for logs and tests)."""
    done: list[str] = []
    catalogue = catalogue_of(app)
    runner = _harvest_runner()
    if runner is not None:
        try:
            result = runner(catalogue, app.config["DULIEUMO_HOME"])
            done.append(f"harvests: {result}")
        except Exception:  # noqa: BLE001  (one failing harvest round must not stop backups)
            log.exception("harvest round failed")
            done.append("harvests: failed (see log)")
    settings = app.config["DULIEUMO"]
    dest = backup_dir_for(app.config["DULIEUMO_HOME"], settings)
    manifests = [m for _, m in list_backups(dest)]
    if daily_backup_due(manifests, catalogue.clock.now(), settings["backup_hour"]):
        try:
            path = take_backup(app, dest)
            done.append(f"backup: {path}")
            plan = prune_backups(dest, retention_of(app))
            done.append(f"pruned: {len(plan.remove)}")
        except BackupError as exc:
            log.error("daily backup failed: %s", exc)
            done.append(f"backup failed: {exc}")
    return done


@click.command("schedule")
@click.option("--interval", default=60, show_default=True, help="Seconds between rounds.")
@click.option("--once", is_flag=True, help="Run one round and exit (cron, tests).")
@with_appcontext
def schedule_command(interval: int, once: bool) -> None:
    """Run due harvests and the daily backup, forever (or --once)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    while True:
        for line in tick(app):
            click.echo(line)
        if once:
            return
        time.sleep(interval)


def register(group: click.Group) -> None:
    group.add_command(schedule_command)

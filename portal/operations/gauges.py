"""Values read at scrape time: backup age, harvest job outcomes, active notices."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from catalogue.backup.remote import last_remote_backup
from catalogue.backup.sftp import is_remote
from catalogue.backup.snapshot import backup_dir_for, list_backups
from catalogue.context import Catalogue
from catalogue.home import Home
from catalogue.notices.service import notices_for_status

Gauge = tuple[str, str, dict[str, str], float]
HARVEST_TABLES = ("harvest_job", "harvest_run")


def _backup_gauges(catalogue: Catalogue, home: Home, settings: dict[str, Any]) -> list[Gauge]:
    if is_remote(str(settings.get("backup_dir") or "")):
        # An SFTP location: what this home uploaded last (no network call per scrape).
        uploaded = last_remote_backup(home)
        count, newest = (1, uploaded) if uploaded is not None else (0, None)
    else:
        backups = list_backups(backup_dir_for(home, settings))
        count, newest = len(backups), backups[-1][1].created_at if backups else None
    if newest is None:
        return [("dulieumo_backups", "Complete backups in the backup location.", {}, 0)]
    age = (catalogue.clock.now() - newest).total_seconds()
    return [
        ("dulieumo_backups", "Complete backups in the backup location.", {}, count),
        ("dulieumo_backup_age_seconds", "Seconds since the newest complete backup.", {}, age),
        ("dulieumo_backup_last_timestamp_seconds", "When the newest backup was taken (UTC).",
         {}, newest.timestamp()),
    ]


def _harvest_gauges(catalogue: Catalogue) -> list[Gauge]:
    """Harvest jobs by status, from the harvesters' table when it exists."""
    gauges: list[Gauge] = []
    with catalogue.sessions() as session:
        conn = session.connection()
        tables = set(inspect(conn).get_table_names())
        table = next((t for t in HARVEST_TABLES if t in tables), None)
        if table is None:
            return gauges
        columns = {c["name"] for c in inspect(conn).get_columns(table)}
        if "status" not in columns:
            return gauges
        for status, count in conn.execute(
                text(f'SELECT status, COUNT(*) FROM "{table}" GROUP BY status')):
            gauges.append(("dulieumo_harvest_jobs", "Harvest jobs recorded, by outcome.",
                           {"outcome": str(status)}, float(count)))
    return gauges


def collect_gauges(catalogue: Catalogue, home: Home, settings: dict[str, Any]) -> list[Gauge]:
    gauges = _backup_gauges(catalogue, home, settings)
    try:
        gauges += _harvest_gauges(catalogue)
        gauges.append(("dulieumo_active_notices", "Notices showing now.", {},
                       float(len(notices_for_status(catalogue)))))
        gauges.append(("dulieumo_database_up", "Whether the database answered.", {}, 1.0))
    except SQLAlchemyError:
        gauges.append(("dulieumo_database_up", "Whether the database answered.", {}, 0.0))
    return gauges

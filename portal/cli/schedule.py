"""``dulieumo schedule``: the long-running process for due harvests, the nightly catalogue
dump and the daily backup.

Run one or several (systemd unit ``dulieumo-scheduler.service``, on any number of machines):
every due job is claimed in the database before it runs, so each runs once (issue 23). Each tick
runs the harvests that are due, once an hour the link checker and the notifications
(subscriber digests, overdue reminders to agencies), then takes the daily backup and prunes
old ones when it is time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from catalogue.coordination.shared import claim_interval
from portal.catalogue_ext import catalogue_of
from portal.cli.backup import daily_backup
from portal.cli.dump import nightly_dump

HOURLY = timedelta(hours=1)
log = logging.getLogger("dulieumo.scheduler")


def _run_due_harvests(app: Flask) -> list[str]:
    """Run every harvest source whose schedule says it is due (harvesters.jobs)."""
    from harvesters.jobs import catalogue_problems, claim_due_sources, load_setup, run_many
    from harvesters.lock import SourceBusy

    home = app.config["DULIEUMO_HOME"]
    catalogue = catalogue_of(app)
    setup = load_setup(home.root, catalogue)
    problems = list(setup.problems) + catalogue_problems(catalogue, setup.sources)
    if problems:
        return [f"harvests: not run, the harvest config has {len(problems)} problem(s); "
                "see `dulieumo harvest check`"]
    done: list[str] = []
    for source in claim_due_sources(catalogue, setup.sources):
        try:
            for summary in run_many(catalogue, setup, [source], home.root / "harvest-locks"):
                done.append(f"harvest {summary.source}: {summary.status} {summary.counts}")
        except SourceBusy as exc:
            done.append(f"harvest skipped: {exc}")
    return done


def _hourly_trust_jobs(app: Flask) -> list[str]:
    """The link checker (it backs off failing links itself) and the notifications: at most
    once an hour, so agencies are reminded and scores follow broken links without cron."""
    from portal.cli.trust import check_links, send_notifications

    catalogue = catalogue_of(app)
    now = catalogue.clock.now()
    # Claimed in the database: once an hour across every scheduler (issue 23).
    if not claim_interval(catalogue.engine, "links-and-notifications", HOURLY, now):
        return []
    jobs: list[tuple[str, Callable[[], str]]] = [
        ("links", lambda: f"checked {len(check_links(catalogue))} link(s)"),
        ("notify", lambda: send_notifications(catalogue))]
    done: list[str] = []
    for name, job in jobs:
        try:
            done.append(f"{name}: {job()}")
        except Exception:  # noqa: BLE001  (one failing job must not stop the others)
            log.exception("%s round failed", name)
            done.append(f"{name}: failed (see log)")
    return done


def _datastore_loads(app: Flask) -> list[str]:
    """Files queued for the datastore (by harvests above, uploads, approvals) (issue 21)."""
    from portal.catalogue_ext import datastore_of

    loaded = datastore_of(app).run_queued()
    failed = [s for s in loaded if s.status == "failed"]
    return [f"datastore: {len(loaded)} load(s), {len(failed)} failed"] if loaded else []


def tick(app: Flask) -> list[str]:
    """One round of the scheduler; returns what it did (for logs and tests)."""
    try:
        done = _run_due_harvests(app)
    except Exception:  # noqa: BLE001  (a failing harvest round must not stop the backup)
        log.exception("harvest round failed")
        done = ["harvests: failed (see log)"]
    try:
        done += _datastore_loads(app)
    except Exception:  # noqa: BLE001  (nor a failing load round)
        log.exception("datastore round failed")
        done.append("datastore: failed (see log)")
    done += _hourly_trust_jobs(app)
    done += nightly_dump(app)  # public metadata as JSON Lines and CSV (issue 21)
    done += daily_backup(app)  # local folder or SFTP server, with retention
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

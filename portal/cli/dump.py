"""``dulieumo dump``: write the catalogue dump (JSON Lines and CSV of public metadata) now.

The scheduler writes it every night (:func:`nightly_dump`); this is for the operator who
wants it at once, e.g. after a large harvest.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from catalogue.bulk.dump import dump_due, write_dump
from catalogue.coordination.shared import claim, release
from portal.catalogue_ext import catalogue_of

log = logging.getLogger("dulieumo.scheduler")


def nightly_dump(app: Flask) -> list[str]:
    """The scheduler's round: the dump once a day after ``catalogue_dump_hour``, claimed in
    the database first so that one scheduler of many writes it (issue 23)."""
    catalogue = catalogue_of(app)
    hour = int(app.config["DULIEUMO"]["catalogue_dump_hour"])
    now = catalogue.clock.now()
    with catalogue.sessions() as session:
        if not dump_due(session, now, hour):
            return []
    # A dump day starts at ``hour``: a run before it (a missed night) belongs to the day before.
    period = (now - timedelta(hours=hour)).date().isoformat()
    if not claim(catalogue.engine, "catalogue-dump", period, now):
        return []
    try:
        result = write_dump(catalogue)
    except Exception:  # noqa: BLE001  (a failed dump must not stop the backup; retried)
        release(catalogue.engine, "catalogue-dump", period)
        log.exception("catalogue dump failed")
        return ["catalogue dump: failed (see log)"]
    return [f"catalogue dump: {result.datasets} dataset(s)"]


@click.command("dump")
@with_appcontext
def dump_command() -> None:
    """Write the catalogue dump now: /catalogue/dump.jsonl and /catalogue/dump.csv."""
    result = write_dump(catalogue_of(current_app))
    for row in result.files:
        click.echo(f"{row.kind}: {row.size} bytes, sha256 {row.sha256}")
    click.echo(f"Dumped {result.datasets} public dataset(s)")


def register(group: click.Group) -> None:
    group.add_command(dump_command)

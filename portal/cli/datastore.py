"""``dulieumo datastore``: load queued files into the datastore, see where a resource stands.

``load`` runs the queue now (``--all`` first queues every dataset's loadable files: a new
portal, or a datastore moved to PostgreSQL); ``status`` shows a resource's last load.
``dulieumo schedule`` and the web process's worker run the same queue (issue 21).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from catalogue.datasets.model import Dataset
from catalogue.datastore import jobs
from portal.catalogue_ext import catalogue_of, datastore_of


@click.group("datastore")
def datastore_group() -> None:
    """Rows of tabular files, queryable (CKAN DataStore)."""


@datastore_group.command("load")
@click.option("--all", "everything", is_flag=True,
              help="Queue every dataset's loadable files first.")
@with_appcontext
def load_command(everything: bool) -> None:
    """Run the queued loads now; each prints its outcome."""
    service = datastore_of(current_app)
    if everything:
        catalogue = catalogue_of(current_app)
        with catalogue.sessions() as session:
            ids = list(session.scalars(select(Dataset.id).where(Dataset.state != "deleted")))
        queued = jobs.datasets_changed(catalogue, service.store, ids)
        click.echo(f"queued {queued} load(s)")
    for status in service.run_queued():
        line = f"{status.resource_id}: {status.status}, {status.rows} rows"
        click.echo(line + (f" — {status.message}" if status.message else ""))


@datastore_group.command("status")
@click.argument("resource_id")
@with_appcontext
def status_command(resource_id: str) -> None:
    """The last load of one resource and whether its table can be queried."""
    status = jobs.status_of(datastore_of(current_app).store, resource_id)
    click.echo(f"{resource_id}: {status.status or 'never loaded'}, {status.rows} rows, "
               f"{'active' if status.active else 'not active'}"
               + (f" — {status.message}" if status.message else ""))


def register(group: click.Group) -> None:
    group.add_command(datastore_group)

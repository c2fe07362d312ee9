"""``dulieumo index rebuild``: rebuild the search index from the database."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from catalogue.datasets.package_cache import rebuild_package_documents
from catalogue.indexing import rebuild_index
from portal.catalogue_ext import catalogue_of


@click.group("index")
def index_group() -> None:
    """Search index maintenance."""


@index_group.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Rebuild the search index from the database, in batches."""
    catalogue = catalogue_of(current_app)
    if catalogue.search is None:
        raise click.ClickException("No search backend is configured")
    with click.progressbar(length=1, label="Indexing") as bar:
        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        count = rebuild_index(catalogue, progress)
    click.echo(f"Indexed {count} datasets")
    # Package documents too: datasets written before they existed, or bulk-loaded, get theirs.
    stored = rebuild_package_documents(catalogue.sessions, catalogue.site_url,
                                       catalogue.clock.now())
    click.echo(f"Stored {stored} package documents")


def register(group: click.Group) -> None:
    group.add_command(index_group)

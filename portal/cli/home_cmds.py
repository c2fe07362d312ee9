"""``dulieumo init``: create or upgrade a home and its database."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from catalogue.coordination.locks import exclusive
from catalogue.database import upgrade_database
from catalogue.datasets.package_cache import rebuild_package_documents
from catalogue.groups.service import seed_sectors
from catalogue.home import Home
from catalogue.upgrades import run_upgrade_tasks
from portal.catalogue_ext import catalogue_of

log = logging.getLogger(__name__)


def initialise(app: Flask) -> None:
    """Upgrade the schema to the newest migration and seed the sectors (idempotent)."""
    home: Home = app.config["DULIEUMO_HOME"]
    home.ensure()
    upgrade_database(app.config["DULIEUMO"]["database_url"] or home.default_database_url())
    catalogue = catalogue_of(app)
    # One machine seeds at a time: several starting together must not insert twice (issue 23).
    with exclusive(catalogue.engine, "init", wait=True):
        with catalogue.unit("system") as uow:
            seed_sectors(uow)
            uow.commit()
        # After an upgrade (or a move to a new site_url) older datasets get their documents.
        rebuild_package_documents(catalogue.sessions, catalogue.site_url,
                                  catalogue.clock.now(), only_missing=True)
        for name in run_upgrade_tasks(catalogue):
            log.info("upgrade task done: %s", name)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and seed the sectors."""
    initialise(current_app)
    click.echo(f"Home ready at {current_app.config['DULIEUMO_HOME'].root}")


def register(group: click.Group) -> None:
    group.add_command(init_command)

"""``dulieumo demo``: generate the demo agencies' systems, harvest them, serve the portal.

Idempotent: a second run regenerates the same sources, finds the organizations already there
and harvests again (every record unchanged).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from catalogue.bulk.dump import write_dump
from catalogue.context import Catalogue
from catalogue.errors import NotFound
from catalogue.home import Home
from catalogue.organizations.service import create_organization, get_organization
from catalogue.settings import SETTINGS_BY_NAME
from harvesters.jobs import run_many
from portal.catalogue_ext import catalogue_of, datastore_of
from portal.cli.harvest import checked_setup, lock_dir, summary_line
from portal.cli.home_cmds import initialise
from portal.cli.serve import bind, serve


def ensure_organizations(catalogue: Catalogue, entries: list[dict[str, Any]]) -> int:
    """Create the organizations that do not exist yet (parents first); returns how many."""
    created = 0
    pending = list(entries)
    while pending:
        progressed = False
        for entry in list(pending):
            with catalogue.unit("demo") as uow:
                try:
                    get_organization(uow.session, entry["name"])
                    pending.remove(entry)
                    continue
                except NotFound:
                    pass
                parent = entry.get("parent")
                if parent and any(p["name"] == parent for p in pending):
                    continue
                create_organization(uow, {k: v for k, v in entry.items() if v is not None})
                uow.commit()
            pending.remove(entry)
            created += 1
            progressed = True
        if pending and not progressed:
            raise click.ClickException(f"organizations.json: parents missing for "
                                       f"{', '.join(e['name'] for e in pending)}")
    return created


def demo_site_url(configured: str, port: int) -> str:
    """The address the demo's citations, embed snippets and API examples name: the port it
    serves on, unless a site_url was configured. With the default, ``make run PORT=8080``
    printed links to port 5000 (and /oembed refused the page's own address)."""
    default = str(SETTINGS_BY_NAME["site_url"].default)
    if configured.rstrip("/") != default.rstrip("/"):
        return configured
    return default.rsplit(":", 1)[0] + f":{port}"


def prepare_demo(app_home: Home) -> Path:
    """Generate the demo sources into ``<home>/demo-sources``; install their harvest.toml."""
    from examples.demo_sources import generate_demo_sources

    target = app_home.root / "demo-sources"
    generated = generate_demo_sources(target)
    shutil.copyfile(generated, app_home.harvest_config)
    return target


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Stop after harvesting.")
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def demo_command(no_serve: bool, port: int) -> None:
    """Create the demo home, harvest the demo agencies and serve the portal."""
    home: Home = current_app.config["DULIEUMO_HOME"]
    # The port first: a busy one stops the demo now, not after minutes of harvesting.
    server = None if no_serve else bind(
        current_app._get_current_object(), "127.0.0.1", port)  # type: ignore[attr-defined]
    catalogue = catalogue_of(current_app)
    catalogue.site_url = demo_site_url(catalogue.site_url, port)
    current_app.config["DULIEUMO"]["site_url"] = catalogue.site_url
    initialise(current_app)
    target = prepare_demo(home)
    click.echo(f"Demo agency systems written to {target}")
    organizations = json.loads((target / "organizations.json").read_text(encoding="utf-8"))
    created = ensure_organizations(catalogue, organizations)
    click.echo(f"Organizations: {created} created, {len(organizations) - created} already there")
    setup = checked_setup()  # prints every problem and stops if the generated config is bad
    summaries = run_many(catalogue, setup, setup.sources, lock_dir(home),
                         on_done=lambda s: click.echo(summary_line(s)))
    total = sum(s.counts["new"] + s.counts["updated"] + s.counts["unchanged"] for s in summaries)
    click.echo(f"Harvested {len(summaries)} sources: {total} datasets published. "
               f"Details: dulieumo --home {home.root} harvest list")
    if no_serve:  # no serving process will take them from the queue
        loads = datastore_of(current_app).run_queued()
        click.echo(f"Datastore: {len(loads)} tables loaded")
    # The /api page links the catalogue dump; without this it answered 404 until the night.
    dumped = write_dump(catalogue)
    click.echo(f"Catalogue dump written: {dumped.datasets} public datasets")
    if any(s.status == "failed" for s in summaries):
        if server is not None:
            server.server_close()
        raise click.ClickException("some demo sources failed (see above)")
    if server is not None:
        serve(server)


def register(group: click.Group) -> None:
    group.add_command(demo_command)

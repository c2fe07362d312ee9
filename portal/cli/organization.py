"""``dulieumo organization add|list|show``: the agencies that own and publish data.

A harvest config may declare its agency (``[organization]``) and ``harvest run`` creates it;
these commands are for the rest: agencies without a harvest source, parents of departments,
and checking what exists (issue 16).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.datasets.model import Dataset
from catalogue.errors import CatalogueError
from catalogue.organizations.service import (
    create_organization,
    get_organization,
    list_organizations,
)
from portal.catalogue_ext import catalogue_of
from portal.cli.accounts import _actor, _fail


@click.group("organization")
def organization_group() -> None:
    """Agencies (organizations): add, list, show."""


@organization_group.command("add")
@click.argument("name")
@click.option("--title", required=True, help="Official name in Vietnamese.")
@click.option("--title-en", default="", help="Name in English.")
@click.option("--description", default="", help="What the agency does.")
@click.option("--email", default="", help="Contact e-mail shown with its datasets.")
@click.option("--website", default="", help="The agency's website.")
@click.option("--parent", default="", help="Name of the parent organization.")
@with_appcontext
def add_command(name: str, title: str, title_en: str, description: str, email: str,
                website: str, parent: str) -> None:
    """Create the organization NAME (a slug: a-z, 0-9, -, _)."""
    data = {"name": name, "title": title, "title_en": title_en, "description": description,
            "email": email, "website": website, **({"parent": parent} if parent else {})}
    try:
        with catalogue_of(current_app).unit(_actor(), ip="cli") as uow:
            org = create_organization(uow, data)
            uow.commit()
            click.echo(f"created organization {org.name}: {org.title}")
    except CatalogueError as exc:
        _fail(exc)


def _counts(session: Session) -> dict[str, int]:
    """Datasets (not withdrawn) per organization id."""
    rows = session.execute(select(Dataset.owner_org_id, func.count(Dataset.id)).where(
        Dataset.state != "deleted").group_by(Dataset.owner_org_id))
    return {str(org_id): int(count) for org_id, count in rows}


@organization_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every active organization: name, datasets, title."""
    with catalogue_of(current_app).sessions() as session:
        organizations = list_organizations(session)
        counts = _counts(session)
        if not organizations:
            click.echo("No organizations yet (dulieumo organization add NAME --title ...).")
        for org in organizations:
            click.echo(f"{org.name:<40} {counts.get(org.id, 0):>6}  {org.title}")


@organization_group.command("show")
@click.argument("name")
@with_appcontext
def show_command(name: str) -> None:
    """One organization's details."""
    with catalogue_of(current_app).sessions() as session:
        try:
            org = get_organization(session, name)
        except CatalogueError as exc:
            _fail(exc)
            return
        count = _counts(session).get(org.id, 0)
        for label, value in (("name", org.name), ("title", org.title),
                             ("title_en", org.title_en), ("description", org.description),
                             ("email", org.email), ("website", org.website),
                             ("parent", org.parent.name if org.parent else ""),
                             ("state", org.state), ("datasets", str(count)),
                             ("created", f"{org.created:%Y-%m-%d %H:%M}")):
            if value:
                click.echo(f"{label + ':':<13}{value}")


def register(group: click.Group) -> None:
    group.add_command(organization_group)

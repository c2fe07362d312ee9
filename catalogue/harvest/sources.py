"""Harvest sources kept in the database: added, changed and removed on the web (issue 19).

Sources in ``harvest.toml`` and ``harvest.d/*.toml`` keep working; both kinds are read as
``[[source]]`` tables by the same checker in ``harvesters.config``, which this module cannot
import (the catalogue imports nothing from the harvesters). So the caller checks a table
there first and this service keeps what is the catalogue's business: the name is free, the
organization exists, and every change is audited.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue import audit
from catalogue.context import UnitOfWork
from catalogue.errors import NotFound, ValidationError
from catalogue.harvest.model import HarvestSource
from catalogue.organizations.model import Organization
from catalogue.organizations.service import get_organization

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")
# Keys with a column of their own; the rest of the table goes to ``config``.
OWN_KEYS = ("name", "type", "organization")


def list_sources(session: Session, organization_id: str | None = None) -> list[HarvestSource]:
    """Sources in the database, by name (those of one organization when given)."""
    query = select(HarvestSource).order_by(HarvestSource.name)
    if organization_id is not None:
        query = query.where(HarvestSource.organization_id == organization_id)
    return list(session.scalars(query))


def get_source(session: Session, name: str) -> HarvestSource:
    source = session.scalars(select(HarvestSource).where(HarvestSource.name == name)).first()
    if source is None:
        raise NotFound(f"Harvest source not found: {name}")
    return source


def source_tables(session: Session) -> list[dict[str, Any]]:
    """Every stored source as the ``[[source]]`` table a config file would hold."""
    names: dict[str, str] = {org_id: name for org_id, name in session.execute(
        select(Organization.id, Organization.name))}
    return [{**s.config, "name": s.name, "type": s.type,
             "organization": names.get(s.organization_id, "")} for s in list_sources(session)]


def save_source(uow: UnitOfWork, table: Mapping[str, Any], *, by: str,
                replacing: str | None = None, taken: frozenset[str] = frozenset()
                ) -> HarvestSource:
    """Create a source from a checked ``[[source]]`` table, or replace source ``replacing``.

    ``taken`` are names used elsewhere (the config files): a stored source may not shadow one.
    """
    name, kind = str(table.get("name", "")), str(table.get("type", ""))
    errors: dict[str, list[str]] = {}
    if not NAME_RE.match(name):
        errors["name"] = ["Must be 2–100 characters: lowercase a-z, 0-9, - and _"]
    elif name != replacing and (name in taken or uow.session.scalars(
            select(HarvestSource.id).where(HarvestSource.name == name)).first()):
        errors["name"] = ["Another source already has this name"]
    if not kind:
        errors["type"] = ["Missing value"]
    try:
        org = get_organization(uow.session, str(table.get("organization", "")))
    except NotFound:
        errors["organization"] = ["No such organization"]
    if errors:
        raise ValidationError(errors)
    config = {k: v for k, v in table.items() if k not in OWN_KEYS}
    now = uow.clock.now()
    source = get_source(uow.session, replacing) if replacing else HarvestSource(created=now)
    source.name, source.type, source.organization_id = name, kind, org.id
    source.config, source.updated, source.updated_by = config, now, by
    uow.session.add(source)
    uow.session.flush()
    audit.record_unit(uow, "harvest_source.update" if replacing else "harvest_source.create",
                      f"harvest:{name}", {"type": kind, "organization": org.name})
    return source


def delete_source(uow: UnitOfWork, name: str) -> None:
    """Remove a stored source; its datasets and job reports stay."""
    source = get_source(uow.session, name)
    uow.session.delete(source)
    audit.record_unit(uow, "harvest_source.delete", f"harvest:{name}")

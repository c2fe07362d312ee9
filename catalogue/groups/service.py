"""Creating, changing and finding groups (sectors), and seeding the regulations' sectors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from catalogue import audit
from catalogue.context import UnitOfWork
from catalogue.datasets.model import dataset_group
from catalogue.datasets.schema import NAME_RE
from catalogue.errors import NotFound, ValidationError
from catalogue.groups.model import Group
from catalogue.groups.sectors import SECTORS

EDITABLE = ("title", "title_en", "description", "image_url")


def get_group(session: Session, name_or_id: str) -> Group:
    group = session.scalars(select(Group).where(
        or_(Group.name == name_or_id, Group.id == name_or_id))).first()
    if group is None:
        raise NotFound(f"Group not found: {name_or_id}")
    return group


def list_groups(session: Session) -> list[Group]:
    return list(session.scalars(select(Group).where(Group.state == "active").order_by(Group.name)))


def create_group(uow: UnitOfWork, data: Mapping[str, Any]) -> Group:
    errors: dict[str, list[str]] = {}
    if not isinstance(data.get("name"), str) or not NAME_RE.match(data["name"]):
        errors["name"] = ["Must be 2–100 characters: lowercase a-z, 0-9, - and _"]
    elif uow.session.scalars(select(Group).where(Group.name == data["name"])).first():
        errors["name"] = ["Group name already exists in database"]
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        errors["title"] = ["Missing value"]
    if errors:
        raise ValidationError(errors)
    group = Group(name=data["name"], created=uow.clock.now(),
                  **{k: str(data[k]).strip() for k in EDITABLE if data.get(k)})
    uow.session.add(group)
    uow.session.flush()
    audit.record_unit(uow, "group.create", f"group:{group.name}")
    return group


def update_group(uow: UnitOfWork, name_or_id: str, data: Mapping[str, Any]) -> Group:
    group = get_group(uow.session, name_or_id)
    for key in EDITABLE:
        if key in data:
            if not isinstance(data[key], str):
                raise ValidationError({key: ["Must be a string"]})
            setattr(group, key, data[key].strip())
    uow.session.flush()
    # Datasets embed their groups: refresh their documents and index entries.
    for dataset_id in uow.session.scalars(select(dataset_group.c.dataset_id).where(
            dataset_group.c.group_id == group.id)):
        uow.touch(dataset_id)
    audit.record_unit(uow, "group.update", f"group:{group.name}")
    return group


def seed_sectors(uow: UnitOfWork) -> int:
    """Create any missing sector from the regulations; returns how many were added."""
    existing = set(uow.session.scalars(select(Group.name)))
    added = 0
    for name, title, title_en in SECTORS:
        if name not in existing:
            uow.session.add(Group(name=name, title=title, title_en=title_en,
                                  created=uow.clock.now()))
            added += 1
    uow.session.flush()
    return added

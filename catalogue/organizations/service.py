"""Creating, changing and finding organizations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from catalogue import audit
from catalogue.context import UnitOfWork
from catalogue.datasets.schema import EMAIL_RE, NAME_RE
from catalogue.errors import NotFound, ValidationError
from catalogue.organizations.model import Organization

EDITABLE = ("title", "title_en", "description", "email", "website", "image_url")


def get_organization(session: Session, name_or_id: str) -> Organization:
    org = session.scalars(select(Organization).where(
        or_(Organization.name == name_or_id, Organization.id == name_or_id))).first()
    if org is None:
        raise NotFound(f"Organization not found: {name_or_id}")
    return org


def list_organizations(session: Session) -> list[Organization]:
    return list(session.scalars(
        select(Organization).where(Organization.state == "active").order_by(Organization.name)))


def _check(data: Mapping[str, Any], *, partial: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not partial or "name" in data:
        if not isinstance(data.get("name"), str) or not NAME_RE.match(data["name"]):
            errors["name"] = ["Must be 2–100 characters: lowercase a-z, 0-9, - and _"]
    if not partial or "title" in data:
        if not isinstance(data.get("title"), str) or not data["title"].strip():
            errors["title"] = ["Missing value"]
    for key in EDITABLE:
        if key in data and not isinstance(data[key], str):
            errors[key] = ["Must be a string"]
    if data.get("email") and isinstance(data["email"], str) and not EMAIL_RE.match(data["email"]):
        errors["email"] = ["Must be an e-mail address"]
    return errors


def create_organization(uow: UnitOfWork, data: Mapping[str, Any]) -> Organization:
    """Create an agency; ``parent`` names its parent organization."""
    errors = _check(data, partial=False)
    if not errors and uow.session.scalars(
            select(Organization).where(Organization.name == data["name"])).first():
        errors["name"] = ["Group name already exists in database"]
    if errors:
        raise ValidationError(errors)
    org = Organization(name=data["name"], created=uow.clock.now(),
                       **{k: data[k].strip() for k in EDITABLE if data.get(k)})
    if data.get("parent"):
        org.parent = get_organization(uow.session, data["parent"])
    uow.session.add(org)
    uow.session.flush()
    audit.record_unit(uow, "organization.create", f"organization:{org.name}")
    return org


def update_organization(uow: UnitOfWork, name_or_id: str, data: Mapping[str, Any]) -> Organization:
    """Patch an agency's descriptive fields and parent."""
    org = get_organization(uow.session, name_or_id)
    errors = _check(data, partial=True)
    if errors:
        raise ValidationError(errors)
    for key in EDITABLE:
        if key in data:
            setattr(org, key, data[key].strip())
    if "parent" in data:
        parent = get_organization(uow.session, data["parent"]) if data["parent"] else None
        if parent is not None and parent.id == org.id:
            raise ValidationError({"parent": ["An organization cannot be its own parent"]})
        org.parent = parent
    uow.session.flush()
    # Datasets embed their organization: reindex them so search shows the new title.
    from catalogue.datasets.model import Dataset

    for dataset_id in uow.session.scalars(select(Dataset.id).where(Dataset.owner_org_id == org.id)):
        uow.touch(dataset_id)
    audit.record_unit(uow, "organization.update", f"organization:{org.name}")
    return org

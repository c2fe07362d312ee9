"""From an account's memberships to a :class:`Principal`: roles per organization.

A parent organization's admins manage its child organizations (Quảng Ninh 26/2022 Điều 6),
so admin roles flow down the organization tree; viewer and editor roles do not.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.accounts.model import User
from catalogue.accounts.principal import ROLE_ORDER, Principal
from catalogue.organizations.model import Organization


def descendants(session: Session, org_id: str) -> list[str]:
    """Ids of every organization below ``org_id`` (children, their children, ...)."""
    children: dict[str, list[str]] = {}
    for child_id, parent_id in session.execute(
            select(Organization.id, Organization.parent_id).where(
                Organization.parent_id.is_not(None))):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(child_id)
    found: list[str] = []
    todo = list(children.get(org_id, []))
    while todo:
        current = todo.pop()
        if current in found or current == org_id:
            continue  # a cycle in bad data must not loop forever
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def effective_roles(session: Session, user: User) -> dict[str, str]:
    """Organization id -> the highest role held there, directly or as a parent's admin."""
    roles: dict[str, str] = {}

    def grant(org_id: str, role: str) -> None:
        held = roles.get(org_id)
        if held is None or ROLE_ORDER.index(role) > ROLE_ORDER.index(held):
            roles[org_id] = role

    for membership in user.memberships:
        grant(membership.organization_id, membership.role)
        if membership.role == "admin":
            for child in descendants(session, membership.organization_id):
                grant(child, "admin")
    return roles


def principal_for_user(session: Session, user: User, scopes: frozenset[str]) -> Principal:
    """The principal acting as ``user`` with ``scopes`` (a session's, or a token's)."""
    return Principal(user_id=user.id, name=user.name, sysadmin=user.sysadmin,
                     roles=effective_roles(session, user), scopes=scopes)

"""Who is acting, and what they may do. The contract the API and the pages code against.

Accounts, roles and tokens live beside this module (``model``, ``roles``, ``tokens``);
``principal_from_token`` is the API's way in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from catalogue.clock import Clock

if TYPE_CHECKING:
    from catalogue.accounts.policy import AccountPolicy

ROLE_ORDER = ("viewer", "editor", "admin")

# The least role in an organization that grants each permission.
PERMISSION_ROLE = {
    "dataset.read_private": "viewer",
    "dataset.create": "editor",
    "dataset.update": "editor",
    "dataset.delete": "admin",
    "dataset.publish": "admin",
    "organization.manage": "admin",
    "harvest.manage": "admin",
}


@dataclass(frozen=True)
class Principal:
    """An authenticated account (or the anonymous public) and its roles per organization."""

    user_id: str | None
    name: str
    sysadmin: bool = False
    roles: dict[str, str] = field(default_factory=dict)  # organization id -> role
    scopes: frozenset[str] = frozenset({"read"})  # a token's scope: "read", "read_private", "write"

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def role_in(self, org_id: str | None) -> str | None:
        return self.roles.get(org_id) if org_id else None

    def can(self, permission: str, org_id: str | None = None) -> bool:
        """Whether this principal holds ``permission`` in organization ``org_id``."""
        if self.is_anonymous:
            return False
        writing = permission != "dataset.read_private"
        if writing and "write" not in self.scopes:
            return False
        if self.sysadmin:
            return True
        needed = PERMISSION_ROLE.get(permission)
        role = self.role_in(org_id)
        if needed is None or role is None:
            return False
        return ROLE_ORDER.index(role) >= ROLE_ORDER.index(needed)


ANONYMOUS = Principal(user_id=None, name="anonymous")


def principal_from_token(session: Session, token: str, clock: Clock, *,
                         policy: AccountPolicy | None = None) -> Principal | None:
    """The principal an API token stands for, or None if it is unknown, expired or locked.

    Pass ``policy=AccountPolicy.from_settings(catalogue.settings)`` so configured lock days
    apply; without it the defaults do. May commit ``session`` (a lock falling due, last use).
    """
    from catalogue.accounts.policy import DEFAULT_POLICY
    from catalogue.accounts.tokens import lookup_token

    return lookup_token(session, token, clock, policy or DEFAULT_POLICY)

"""Who is calling the API, and what they may see and change: the one place the API checks.

CKAN clients send the token as ``Authorization: <token>`` and ``X-CKAN-API-Key: <token>``
(ckanapi sends both); ``Authorization: Bearer <token>`` works too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from catalogue.accounts.policy import AccountPolicy
from catalogue.accounts.principal import ANONYMOUS, Principal, principal_from_token
from catalogue.classification import public_conditions, visible_to
from catalogue.context import Catalogue
from catalogue.datasets.disclosure import package_for_outsiders, resource_for_outsiders
from catalogue.datasets.model import Dataset
from catalogue.datasets.service import get_dataset
from catalogue.errors import NotAuthorized, NotFound


class HeaderSource(Protocol):
    """Anything with ``get(name)`` for request headers (werkzeug ``Headers``, a dict)."""

    def get(self, key: str) -> str | None: ...


# Roles per organization that let a principal see private datasets or drafts.
READ_PRIVATE = "dataset.read_private"
EDIT = "dataset.update"


def token_from_headers(headers: HeaderSource) -> str:
    """The API token a request carries, or "" for none."""
    raw = (headers.get("Authorization") or "").strip()
    scheme, _, rest = raw.partition(" ")
    if scheme.lower() == "bearer" and rest:
        return rest.strip()
    if scheme.lower() in ("basic", "digest") and rest:
        raw = ""  # a proxy's password protection, not an API token
    return raw or (headers.get("X-CKAN-API-Key") or "").strip()


def principal_for(catalogue: Catalogue, headers: HeaderSource) -> Principal:
    """The principal behind the request's token; anonymous without one.

    A token that is given but unknown, expired or locked is refused (403) rather than
    silently treated as anonymous: a script would otherwise get public results only and
    never learn its token stopped working.
    """
    token = token_from_headers(headers)
    if not token:
        return ANONYMOUS
    policy = AccountPolicy.from_settings(catalogue.settings)
    with catalogue.sessions() as session:
        principal = principal_from_token(session, token, catalogue.clock, policy=policy)
    if principal is None:
        raise NotAuthorized("Invalid, expired or revoked API token")
    return principal


def require(principal: Principal, permission: str, org_id: str | None = None) -> None:
    """Raise NotAuthorized unless ``principal`` holds ``permission`` in ``org_id``."""
    if not principal.can(permission, org_id):
        who = "anonymous users" if principal.is_anonymous else f"user {principal.name}"
        raise NotAuthorized(f"Access denied: {who} may not {permission}")


def require_sysadmin(principal: Principal, what: str) -> None:
    """Raise NotAuthorized unless ``principal`` is a sysadmin with a write token."""
    if not (principal.sysadmin and principal.can("organization.manage")):
        raise NotAuthorized(f"Access denied: only sysadmins may {what}")


def can_read(principal: Principal, ds: Dataset | Mapping[str, Any]) -> bool:
    """Whether the dataset (a row or its package dict) may be shown: open active ones to all
    (Law on Data Art. 13), shared ones to agency accounts, private ones by org role."""
    if isinstance(ds, Mapping):
        state, owner_org_id = ds.get("state"), ds.get("owner_org")
    else:
        state, owner_org_id = ds.state, ds.owner_org_id
    if state == "active":
        return visible_to(ds, principal)
    # Drafts and withdrawn datasets: only those who may edit them (CKAN shows deleted
    # datasets to their editors, so a delete can be checked and undone).
    return principal.can(EDIT, owner_org_id)


def as_seen_by(principal: Principal, package: Mapping[str, Any]) -> dict[str, Any]:
    """``package`` as ``principal`` may see it: the owning agency's editors get the internal
    source addresses (a file share's path, a database's address), everyone else only web
    addresses, as on the public dataset page (catalogue.datasets.disclosure)."""
    if principal.can(EDIT, package.get("owner_org")):
        return dict(package)
    return package_for_outsiders(package)


def resource_as_seen_by(principal: Principal, resource: Mapping[str, Any],
                        owner_org_id: str | None) -> dict[str, Any]:
    """One resource of a dataset of ``owner_org_id``, as :func:`as_seen_by`."""
    if principal.can(EDIT, owner_org_id):
        return dict(resource)
    return resource_for_outsiders(resource)


def orgs_with(principal: Principal, permission: str) -> list[str] | None:
    """Organization ids where ``principal`` holds ``permission``; None means every one."""
    if principal.is_anonymous:
        return []
    if principal.sysadmin:
        return None if principal.can(permission) else []
    return sorted(org for org in principal.roles if principal.can(permission, org))


def public_datasets() -> tuple[ColumnElement[bool], ...]:
    """SQL conditions for datasets everyone may see: open, active and not private."""
    return public_conditions()


def readable_dataset(session: Session, principal: Principal, name_or_id: str) -> Dataset:
    """The dataset by name or id if ``principal`` may see it; NotFound otherwise.

    Hidden datasets answer "not found", not "forbidden", so their names do not leak.
    """
    ds = get_dataset(session, name_or_id)
    if not can_read(principal, ds):
        raise NotFound(f"Dataset not found: {name_or_id}")
    return ds

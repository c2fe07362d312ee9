"""What the public may see, decided in one place, and the lookups pages share.

The rule itself lives in :mod:`catalogue.classification` (open, active, not private; shared
and private data for the accounts that may read them); pages ask :func:`can_see` for one
dataset and :func:`public_datasets` for lists, and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import abort, g
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from catalogue.accounts.principal import ANONYMOUS, Principal
from catalogue.classification import public_conditions, visible_to
from catalogue.context import Catalogue
from catalogue.datasets.model import Dataset
from catalogue.datasets.service import get_dataset
from catalogue.errors import NotFound
from portal.catalogue_ext import catalogue_of

Q = TypeVar("Q", bound=Select)  # type: ignore[type-arg]  # any SELECT, whatever its columns


def current_principal() -> Principal:
    """Who is looking: set on ``g.principal`` by the accounts work, anonymous until then."""
    principal = g.get("principal")
    return principal if isinstance(principal, Principal) else ANONYMOUS


def can_see(principal: Principal, dataset: Dataset) -> bool:
    """Whether ``principal`` may see ``dataset`` on the portal (withdrawn ones: nobody)."""
    if dataset.state == "deleted":
        return False
    return visible_to(dataset, principal)


def public_datasets(query: Q) -> Q:
    """Restrict a query on Dataset to what anyone may see (lists, counts, feeds, sitemap)."""
    return query.where(*public_conditions())


def catalogue() -> Catalogue:
    return catalogue_of()


@contextmanager
def reading() -> Iterator[Session]:
    """A read-only session for one page."""
    session = catalogue().sessions()
    try:
        yield session
    finally:
        session.close()


def visible_dataset(session: Session, name: str) -> Dataset:
    """The dataset if the current principal may see it, else a 404 (never a 403: no leaks)."""
    try:
        ds = get_dataset(session, name)
    except NotFound:
        abort(404)
    if not can_see(current_principal(), ds):
        abort(404)
    return ds


def datasets_by_ids(session: Session, ids: list[str]) -> list[Dataset]:
    """These datasets in this order (with their resources), skipping any gone since."""
    if not ids:
        return []
    found = {d.id: d for d in session.scalars(
        select(Dataset).where(Dataset.id.in_(ids)).options(selectinload(Dataset.resources)))}
    return [found[i] for i in ids if i in found]


def newest_datasets(session: Session, limit: int = 6) -> list[Dataset]:
    """The most recently published public datasets, with their resources loaded."""
    query = public_datasets(select(Dataset)).order_by(Dataset.metadata_created.desc())
    return list(session.scalars(query.options(selectinload(Dataset.resources)).limit(limit)))

"""Package dicts kept ready in ``package_document``, so reads need one row, not five loads.

``store_packages`` runs inside the writing transaction (``UnitOfWork.commit``), so a reader
sees the new dataset and its new document together or neither. Readers call
``cached_packages``; a dataset without a current document (written by an older version,
bulk-loaded, or the portal moved to another ``site_url``) is serialised on the spot, never
written from a read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, or_, select
from sqlalchemy.orm import Session, selectinload

from catalogue.datasets.model import Dataset, PackageDocument
from catalogue.datasets.serialize import package_dict

BATCH = 500

# Built once: composing a statement costs more than running it on the hot read path.
_BODIES = select(PackageDocument.dataset_id, PackageDocument.body).where(
    PackageDocument.dataset_id.in_(bindparam("ids", expanding=True)),
    PackageDocument.site_url == bindparam("site_url"))
_BODY_BY_NAME_OR_ID = select(PackageDocument.body).join(
    Dataset, Dataset.id == PackageDocument.dataset_id).where(
    or_(Dataset.name == bindparam("key"), Dataset.id == bindparam("key")),
    PackageDocument.site_url == bindparam("site_url"))
_ID_BY_NAME_OR_ID = select(Dataset.id).where(
    or_(Dataset.name == bindparam("key"), Dataset.id == bindparam("key")))


def load_datasets(session: Session, ids: list[str], *, fresh: bool = False) -> list[Dataset]:
    """Datasets with everything ``package_dict`` reads, in one query per relationship.

    ``fresh`` reloads objects the session already holds: inside a writing transaction their
    collections may not yet show rows deleted or added behind the ORM's back.
    """
    query = select(Dataset).where(Dataset.id.in_(ids)).options(
        selectinload(Dataset.tags), selectinload(Dataset.groups),
        selectinload(Dataset.extras), selectinload(Dataset.resources))
    if fresh:
        query = query.execution_options(populate_existing=True)
    return list(session.scalars(query))


def _encode(package: dict[str, Any]) -> str:
    return json.dumps(package, ensure_ascii=False, separators=(",", ":"))


def store_packages(session: Session, ids: Iterable[str], site_url: str, now: datetime, *,
                   known: Mapping[str, dict[str, Any]] | None = None
                   ) -> dict[str, dict[str, Any]]:
    """Serialise these datasets and keep their documents; returns the dicts by id.

    Call after ``session.flush()`` and before the commit. ``known``: package dicts the
    service layer made after its last change to a dataset in this transaction, stored as
    they are. Datasets that no longer exist lose their document with them (the foreign key
    cascades).
    """
    wanted = list(dict.fromkeys(ids))
    known = known or {}
    packages: dict[str, dict[str, Any]] = {i: known[i] for i in wanted if i in known}
    loading = [i for i in wanted if i not in known]
    for start in range(0, len(loading), BATCH):
        for ds in load_datasets(session, loading[start:start + BATCH], fresh=True):
            packages[ds.id] = package_dict(ds, site_url)
    if packages:
        session.execute(delete(PackageDocument).where(
            PackageDocument.dataset_id.in_(list(packages))))
        session.add_all(PackageDocument(dataset_id=i, site_url=site_url, body=_encode(p),
                                        built_at=now) for i, p in packages.items())
        session.flush()
    return packages


def cached_packages(session: Session, ids: list[str], site_url: str) -> dict[str, dict[str, Any]]:
    """Package dicts of these datasets by id, from their documents where current."""
    found: dict[str, dict[str, Any]] = {}
    # Core execution on the session's connection: these are plain rows, and the ORM's
    # per-statement machinery cost as much as the query. Batches keep under SQLite's limit
    # on bound parameters.
    connection = session.connection()
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        for dataset_id, body in connection.execute(_BODIES,
                                                   {"ids": batch, "site_url": site_url}):
            found[dataset_id] = json.loads(body)
    missing = [i for i in ids if i not in found]
    for start in range(0, len(missing), BATCH):
        for ds in load_datasets(session, missing[start:start + BATCH]):
            found[ds.id] = package_dict(ds, site_url)
    return found


def ordered_packages(session: Session, ids_query: Select[Any],
                     site_url: str) -> list[dict[str, Any]]:
    """Package dicts of the datasets a ``select(Dataset.id)...`` query finds, in its order."""
    ids = list(session.scalars(ids_query))
    found = cached_packages(session, ids, site_url)
    return [found[i] for i in ids if i in found]


def package_by_name_or_id(session: Session, name_or_id: str,
                          site_url: str) -> dict[str, Any] | None:
    """The package dict of the dataset with this name or id (deleted ones too), or None."""
    body = session.connection().scalars(_BODY_BY_NAME_OR_ID,
                                        {"key": name_or_id, "site_url": site_url}).first()
    if body is not None:
        loaded: dict[str, Any] = json.loads(body)
        return loaded
    ds = session.scalars(_ID_BY_NAME_OR_ID, {"key": name_or_id}).first()
    return cached_packages(session, [ds], site_url).get(ds) if ds is not None else None


def rebuild_package_documents(session_factory: Callable[[], Session], site_url: str,
                              now: datetime, *, only_missing: bool = False,
                              progress: Callable[[int, int], None] | None = None) -> int:
    """Rewrite every dataset's document (``only_missing``: those without a current one),
    a batch per transaction; returns how many were written."""
    query = select(Dataset.id).order_by(Dataset.id)
    if only_missing:
        current = select(PackageDocument.dataset_id).where(PackageDocument.site_url == site_url)
        query = query.where(Dataset.id.not_in(current))
    with session_factory() as session:
        ids = list(session.scalars(query))
    for start in range(0, len(ids), BATCH):
        with session_factory() as session:
            store_packages(session, ids[start:start + BATCH], site_url, now)
            session.commit()
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return len(ids)

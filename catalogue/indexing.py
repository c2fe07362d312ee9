"""Keeps the search index in step with the database."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue.context import Catalogue
from catalogue.datasets.model import Dataset
from catalogue.datasets.serialize import package_dict

BATCH = 500


def _load(session: Session, ids: list[str]) -> list[Dataset]:
    return list(session.scalars(
        select(Dataset).where(Dataset.id.in_(ids)).options(
            selectinload(Dataset.tags), selectinload(Dataset.groups),
            selectinload(Dataset.extras), selectinload(Dataset.resources))))


def reindex_datasets(catalogue: Catalogue, ids: Iterable[str]) -> None:
    """Index these datasets as they are now; deleted ones leave the index."""
    if catalogue.search is None:
        return
    wanted = list(ids)
    with catalogue.sessions() as session:
        datasets = _load(session, wanted)
        live = [package_dict(ds, catalogue.site_url) for ds in datasets if ds.state != "deleted"]
        gone = [ds.id for ds in datasets if ds.state == "deleted"]
        gone += [i for i in wanted if i not in {ds.id for ds in datasets}]
    if live:
        catalogue.search.index_documents(live)
    if gone:
        catalogue.search.delete_documents(gone)


def _live_documents(catalogue: Catalogue, ids: list[str],
                    progress: Callable[[int, int], None] | None) -> Iterator[dict[str, Any]]:
    """Package dicts of ``ids``, loaded a batch at a time so memory stays flat."""
    for start in range(0, len(ids), BATCH):
        with catalogue.sessions() as session:
            batch = _load(session, ids[start:start + BATCH])
            docs = [package_dict(ds, catalogue.site_url) for ds in batch]
        yield from docs
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))


def rebuild_index(catalogue: Catalogue, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index from the database; returns datasets indexed.

    One ``index_documents`` call over a generator: Whoosh then writes one segment instead
    of one per batch that it would have to merge afterwards.
    """
    if catalogue.search is None:
        return 0
    catalogue.search.clear()
    with catalogue.sessions() as session:
        ids = list(session.scalars(select(Dataset.id).where(Dataset.state != "deleted")
                                   .order_by(Dataset.id)))
    catalogue.search.index_documents(_live_documents(catalogue, ids, progress))
    optimize = getattr(catalogue.search, "optimize", None)
    if optimize is not None:
        optimize()
    return len(ids)

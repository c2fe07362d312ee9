"""Keeps the search index in step with the database."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue.context import Catalogue
from catalogue.datasets.model import Dataset, Resource
from catalogue.datasets.serialize import package_dict
from catalogue.quality.linkcheck import latest_results
from catalogue.quality.score import score_dataset

BATCH = 500


def _load(session: Session, ids: list[str]) -> list[Dataset]:
    return list(session.scalars(
        select(Dataset).where(Dataset.id.in_(ids)).options(
            selectinload(Dataset.tags), selectinload(Dataset.groups),
            selectinload(Dataset.extras), selectinload(Dataset.resources))))


def _documents(catalogue: Catalogue, session: Session,
               datasets: list[Dataset]) -> list[dict[str, Any]]:
    """Package dicts as search indexes them: ``package_show``'s, plus the quality score.

    The score (issue 9) is the one ``package_show`` explains, from the link checker's
    stored results (one query for the whole batch) at the catalogue's clock.
    """
    packages = [package_dict(ds, catalogue.site_url) for ds in datasets]
    links = latest_results(session, [str(r["url"]) for p in packages
                                     for r in p["resources"] if r.get("url")])
    now = catalogue.clock.now()
    for package in packages:
        package["quality_score"] = score_dataset(package, now=now, link_results=links).score
    return packages


def reindex_datasets(catalogue: Catalogue, ids: Iterable[str]) -> None:
    """Index these datasets as they are now; deleted ones leave the index."""
    if catalogue.search is None:
        return
    wanted = list(ids)
    with catalogue.sessions() as session:
        datasets = _load(session, wanted)
        live = _documents(catalogue, session,
                          [ds for ds in datasets if ds.state != "deleted"])
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
            docs = _documents(catalogue, session, _load(session, ids[start:start + BATCH]))
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


def reindex_linked(catalogue: Catalogue, urls: Iterable[str]) -> int:
    """Reindex the live datasets with a resource at one of ``urls``; returns how many.

    For the link checker: a link found broken (or mended) changes the quality score
    that search facets and tie-breaks on (issue 9). Call it with the URLs just checked.
    """
    wanted = list(dict.fromkeys(urls))
    if catalogue.search is None or not wanted:
        return 0
    with catalogue.sessions() as session:
        ids = list(session.scalars(
            select(Resource.dataset_id).join(Dataset, Dataset.id == Resource.dataset_id)
            .where(Resource.url.in_(wanted), Dataset.state != "deleted").distinct()))
    for start in range(0, len(ids), BATCH):
        reindex_datasets(catalogue, ids[start:start + BATCH])
    return len(ids)

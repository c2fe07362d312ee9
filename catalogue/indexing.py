"""Keeps the search index in step with the database.

A rebuild builds a whole new index while writers go on (on other machines too) and swaps it
in at once; whatever they indexed meanwhile went into the index being replaced. So while a
rebuild runs (a row in ``index_rebuild``) writers note the datasets they index in
``index_rebuild_dirty``, and the rebuild indexes those again after its swap (issue 23).
A writer notes before it writes the index, after its data is committed: either the rebuild
read the data after that commit, or the note is there when the rebuild collects them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, selectinload

from catalogue.context import Catalogue
from catalogue.coordination.locks import exclusive
from catalogue.coordination.model import IndexRebuild, IndexRebuildDirty
from catalogue.database import upsert_insert
from catalogue.datasets.model import Dataset, Resource
from catalogue.datasets.package_cache import cached_packages
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
    """Package dicts as search indexes them: ``package_show``'s, plus the quality score."""
    return _scored(catalogue, session, [package_dict(ds, catalogue.site_url) for ds in datasets])


def _scored(catalogue: Catalogue, session: Session,
            packages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """These package dicts with their quality score (issue 9): the one ``package_show``
    explains, from the link checker's stored results (one query for the whole batch) at the
    catalogue's clock."""
    links = latest_results(session, [str(r["url"]) for p in packages
                                     for r in p["resources"] if r.get("url")])
    now = catalogue.clock.now()
    for package in packages:
        package["quality_score"] = score_dataset(package, now=now, link_results=links).score
    return packages


IndexWrite = Callable[[list[dict[str, Any]], list[str]], None]


def reindex_datasets(catalogue: Catalogue, ids: Iterable[str], *,
                     write: IndexWrite | None = None) -> None:
    """Index these datasets as they are now; deleted ones leave the index.

    ``write(documents, gone)``, when given, writes the index instead of the catalogue's
    backend here (a harvest hands it to a worker process: ``harvesters.staging_pool``).

    Their package documents are read as the writing transaction stored them
    (``package_cache``), not loaded and serialised a second time: serialising cost as much
    as a third of a harvested record's indexing (issue 16 item 10).
    """
    if catalogue.search is None:
        return
    wanted = list(dict.fromkeys(ids))
    with catalogue.sessions() as session:
        found = cached_packages(session, wanted, catalogue.site_url)
        live = _scored(catalogue, session, [p for p in found.values()
                                             if p.get("state") != "deleted"])
        gone = [i for i in wanted if i not in found or found[i].get("state") == "deleted"]
        rebuilding = session.scalar(select(IndexRebuild.name).limit(1)) is not None
    if rebuilding:
        _note_dirty(catalogue, wanted)
    if write is not None:
        write(live, gone)
        return
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


def _note_dirty(catalogue: Catalogue, ids: list[str]) -> None:
    """Note datasets indexed while a rebuild runs (committed before the index is written)."""
    if not ids:
        return
    statement = upsert_insert(catalogue.engine, IndexRebuildDirty).values(
        [{"dataset_id": i} for i in dict.fromkeys(ids)]).on_conflict_do_nothing()
    with catalogue.engine.begin() as conn:
        conn.execute(statement)


def _start_noting(catalogue: Catalogue) -> None:
    with catalogue.engine.begin() as conn:
        conn.execute(delete(IndexRebuildDirty))  # a crashed rebuild's notes
        conn.execute(delete(IndexRebuild))
        conn.execute(insert(IndexRebuild).values(name="search",
                                                 started_at=catalogue.clock.now()))


def _stop_noting(catalogue: Catalogue) -> list[str]:
    """End the rebuild's watch; returns the datasets written meanwhile."""
    with catalogue.engine.begin() as conn:
        conn.execute(delete(IndexRebuild))
        return list(conn.scalars(delete(IndexRebuildDirty).returning(
            IndexRebuildDirty.dataset_id)))


def rebuild_index(catalogue: Catalogue, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index from the database; returns datasets indexed.

    The backend builds the new index beside the live one and swaps it in whole
    (``SearchBackend.rebuild``), so searches on every machine see the old index until then:
    never an empty or half-built one. One rebuild at a time (a lock across machines); the
    datasets written while it ran are indexed again after the swap.
    """
    if catalogue.search is None:
        return 0
    with exclusive(catalogue.engine, "search-rebuild", wait=True):
        _start_noting(catalogue)
        try:
            with catalogue.sessions() as session:
                ids = list(session.scalars(select(Dataset.id).where(Dataset.state != "deleted")
                                           .order_by(Dataset.id)))
            catalogue.search.rebuild(_live_documents(catalogue, ids, progress))
        finally:
            written = _stop_noting(catalogue)
        for start in range(0, len(written), BATCH):
            reindex_datasets(catalogue, written[start:start + BATCH])
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

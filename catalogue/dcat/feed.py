"""What the DCAT endpoints publish: public active datasets only, a page at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rdflib import Graph
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from catalogue.classification import is_public, public_conditions
from catalogue.datasets.model import Dataset
from catalogue.datasets.serialize import package_dict
from catalogue.datasets.service import get_dataset
from catalogue.dcat.graph import CatalogInfo, Paging, catalog_graph, dataset_graph
from catalogue.errors import NotFound

# Only open data is ever published (Law on Data 2024 Art. 13; issue 9).
PUBLIC = public_conditions()


def catalog_page(session: Session, info: CatalogInfo, page: int, per_page: int,
                 page_url: str, modified_since: datetime | None = None) -> Graph:
    """Page ``page`` (1-based) of the public catalogue, newest changes first, with hydra links.

    ``page_url`` has a ``{page}`` placeholder; ``modified_since`` keeps only datasets changed
    since then (incremental harvests).
    """
    conditions = list(PUBLIC)
    if modified_since is not None:
        conditions.append(Dataset.metadata_modified >= modified_since)
    total = session.scalar(select(func.count()).select_from(Dataset).where(*conditions)) or 0
    newest, oldest = session.execute(
        select(func.max(Dataset.metadata_modified), func.min(Dataset.metadata_created))
        .where(*PUBLIC)).one()
    rows = session.scalars(
        select(Dataset).where(*conditions)
        .order_by(Dataset.metadata_modified.desc(), Dataset.name)
        .limit(per_page).offset((page - 1) * per_page)
        .options(selectinload(Dataset.tags), selectinload(Dataset.groups),
                 selectinload(Dataset.extras), selectinload(Dataset.resources)))
    packages = [package_dict(ds, info.site_url) for ds in rows]
    return catalog_graph(info, packages, Paging(page, per_page, total, page_url), newest, oldest)


def public_package(session: Session, site_url: str, name_or_id: str) -> dict[str, Any]:
    """One public dataset as a package dict; NotFound for hidden or unknown ones (the
    DCAT documents and the data package descriptor publish the same datasets)."""
    ds = get_dataset(session, name_or_id)
    if not is_public(ds):
        raise NotFound(f"Dataset not found: {name_or_id}")
    return package_dict(ds, site_url)


def dataset_document(session: Session, info: CatalogInfo, name_or_id: str) -> Graph:
    """One public dataset as a DCAT graph; NotFound for hidden or unknown ones."""
    return dataset_graph(info, public_package(session, info.site_url, name_or_id))

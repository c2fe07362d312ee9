"""Reading and changing a resource's data dictionary, through the publishing gate."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from catalogue.accounts.principal import Principal
from catalogue.context import UnitOfWork
from catalogue.datasets import service as datasets
from catalogue.datasets.model import Dataset
from catalogue.dictionary.entries import PATCH_KEY, ColumnEntry, clean_patch, entries_of
from catalogue.errors import NotFound
from catalogue.review import service as review
from catalogue.review.model import ReviewItem


def dictionary(session: Session, resource_id: str) -> list[ColumnEntry]:
    """The columns of a resource with their entries (empty when it has no Table Schema)."""
    return entries_of(datasets.get_resource(session, resource_id).schema)


def edit_dictionary(uow: UnitOfWork, principal: Principal, dataset: str, resource_id: str,
                    columns: Mapping[str, Mapping[str, str]], *,
                    message: str = "") -> Dataset | ReviewItem:
    """Set the labels, descriptions and units of a resource's columns as ``principal`` may.

    The publishing gate decides, as for any other edit: on a draft, or by an agency admin, it
    applies now (a new version when the dataset is published); an editor's change to a
    published dataset waits in the review queue, and the public keeps the labels it had.
    Raises ValidationError for a column the table does not have or text too long.
    """
    ds = datasets.get_dataset(uow.session, dataset)
    if resource_id not in {r.id for r in ds.resources}:
        raise NotFound(f"Resource not found: {resource_id}")
    schemas = {r.id: r.schema for r in ds.resources}
    patch = clean_patch({resource_id: columns}, schemas=schemas)
    return review.edit_dataset(uow, principal, ds.id, {PATCH_KEY: patch}, message=message)

"""A resource as a page shows it (current or of one published version), where its stored
bytes are, and how its agency said to read them."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy.orm import Session

from catalogue.datasets.model import Dataset
from catalogue.datasets.serialize import resource_dict
from catalogue.errors import NotFound
from catalogue.files.limits import ReadLimits
from catalogue.files.preview_cache import PreviewCache
from catalogue.files.store import check_key
from catalogue.history.service import get_published
from portal.pages.public import catalogue


def stored_key(res: dict[str, Any]) -> str | None:
    """The file-store key (sha256) of an uploaded resource, or None for links.

    Whether the bytes are there is found out on reading (one request less to an object
    store): readers turn FileNotFoundError into a 404 or an empty preview.
    """
    sha = res.get("sha256") or ""
    if res.get("url_type") != "upload" or not sha:
        return None
    try:
        return check_key(sha)
    except ValueError:
        return None


def header_row(res: dict[str, Any]) -> int | list[int] | None:
    """The header row(s) the agency declared (resource extra ``header_row``), if any."""
    value = (res.get("extras") or {}).get("header_row")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, list) and value and all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
        return list(value)
    return None


def preview_cache() -> PreviewCache:
    """The cache of previews beside the file store (issue 15)."""
    return PreviewCache.beside(catalogue().files)


def read_limits() -> ReadLimits:
    return ReadLimits.from_settings(catalogue().settings)


def current_resource(ds: Dataset, resource_id: str) -> dict[str, Any]:
    """The resource as it is now (a 404 when the dataset has no such resource)."""
    for res in ds.resources:
        if res.id == resource_id:
            return resource_dict(res, ds.name, catalogue().site_url) | {
                "filename": res.url.rsplit("/", 1)[-1] if res.url_type == "upload" else "",
                "validation_report": res.validation_report or {},
                "link": res.url}
    abort(404)


def published_snapshot(session: Session, ds: Dataset, number: int) -> dict[str, Any]:
    """The package document of published version ``number`` (a 404 for drafts and gaps)."""
    try:  # published versions only: a draft's files were never public (issue 15)
        snapshot: dict[str, Any] = get_published(session, ds.id, number).snapshot
    except NotFound:
        abort(404)
    return snapshot


def resource_in(snapshot: dict[str, Any], resource_id: str) -> dict[str, Any] | None:
    """A resource of a version's package document, as the pages use it; None if absent."""
    resources: list[dict[str, Any]] = snapshot.get("resources", [])
    for res in resources:
        if res["id"] == resource_id:
            url = res.get("url") or ""
            uploaded = res.get("url_type") == "upload"
            return res | {"filename": url.rsplit("/", 1)[-1] if uploaded else "",
                          "link": url}
    return None


def version_resource(session: Session, ds: Dataset, number: int,
                     resource_id: str) -> dict[str, Any]:
    """The resource as published version ``number`` had it (a 404 for drafts and gaps)."""
    res = resource_in(published_snapshot(session, ds, number), resource_id)
    if res is None:
        abort(404)
    return res

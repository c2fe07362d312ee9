"""Read actions on datasets (CKAN packages): search, show, lists, autocomplete, history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from catalogue.database import to_iso
from catalogue.datasets.disclosure import changes_for_outsiders
from catalogue.datasets.model import Dataset
from catalogue.datasets.package_cache import ordered_packages, package_by_name_or_id
from catalogue.errors import NotFound
from catalogue.history.service import list_revisions, published_versions
from catalogue.quality.service import quality_for_package
from portal.api.auth import EDIT, as_seen_by, can_read, public_datasets, readable_dataset
from portal.api.registry import ActionContext, Param, action, int_param, page_params, str_param
from portal.api.search import run_package_search

ID = Param("id", "string", "Dataset name or id.", required=True)
LIMIT = Param("limit", "integer", "How many to return.")
OFFSET = Param("offset", "integer", "How many to skip.")
ACTIVITY_TYPES = {"dataset.create": "new package", "dataset.delete": "deleted package"}


@action(tag="datasets", params=(
    Param("q", "string", "Search words (Vietnamese with or without diacritics, or English)."),
    Param("fq", "string", "Filter in Solr syntax, e.g. `organization:so-tnmt tags:nuoc` or "
                          "`metadata_modified:[2024-01-01T00:00:00Z TO *]`."),
    Param("fq_list", "array", "More filters, all applied."),
    Param("sort", "string", "e.g. `score desc, metadata_modified desc`, `name asc`, "
                            "`metadata_modified desc`."),
    Param("rows", "integer",
          "Results per page (default 10; more than `api_max_rows` is capped to it, as CKAN)."),
    Param("start", "integer", "Results to skip."),
    Param("facet", "boolean", "Whether to count facets (default true)."),
    Param("facet.field", "array", "Fields to count: organization, groups, tags, res_format, "
                                  "license_id, year, spatial."),
    Param("facet.limit", "integer", "Values per facet (default 50, -1 for all)."),
    Param("facet.mincount", "integer", "Smallest count shown (default 1)."),
    Param("include_private", "boolean", "Include private datasets you may read (token)."),
    Param("include_drafts", "boolean", "Include drafts you may edit (token)."),
))
def package_search(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Search datasets: ``count``, ``results`` (package dicts), ``facets``, ``search_facets``."""
    return run_package_search(ctx.catalogue, params, ctx.principal)


@action(tag="datasets", params=(ID, Param("use_default_schema", "boolean", "Ignored.")))
def package_show(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """One dataset by name or id, with its resources, organization, groups and tags, and
    its ``quality``: the score and what to fix to raise it (issue 9)."""
    name_or_id = str_param(params, "id", required=True)
    with ctx.catalogue.sessions() as session:
        package = package_by_name_or_id(session, name_or_id, ctx.catalogue.site_url)
        if package is None or not can_read(ctx.principal, package):
            # Hidden datasets answer "not found", not "forbidden", so names do not leak.
            raise NotFound(f"Dataset not found: {name_or_id}")
        ctx.last_modified = datetime.fromisoformat(package["metadata_modified"])
        package["quality"] = quality_for_package(session, package, ctx.catalogue.clock.now())
        return as_seen_by(ctx.principal, package)


@action(tag="datasets", params=(LIMIT, OFFSET))
def package_list(ctx: ActionContext, params: dict[str, Any]) -> list[str]:
    """Names of all public datasets, sorted; ``limit`` and ``offset`` page through them."""
    limit = int_param(params, "limit", 0, maximum=1_000_000) or None
    offset = int_param(params, "offset", 0, maximum=10_000_000)
    with ctx.catalogue.sessions() as session:
        query = (select(Dataset.name).where(*public_datasets())
                 .order_by(Dataset.name).offset(offset))
        if limit:
            query = query.limit(limit)
        return list(session.scalars(query))


@action(tag="datasets", params=(LIMIT, OFFSET, Param("page", "integer", "Page (1-based).")))
def current_package_list_with_resources(ctx: ActionContext,
                                        params: dict[str, Any]) -> list[dict[str, Any]]:
    """Public datasets with their resources, most recently modified first."""
    page = page_params(params, default_limit=10, maximum=1000)
    page_number = int_param(params, "page", 0, maximum=1_000_000)
    offset = (page_number - 1) * page.limit if page_number else page.offset
    with ctx.catalogue.sessions() as session:
        return [as_seen_by(ctx.principal, p) for p in ordered_packages(
            session, select(Dataset.id).where(*public_datasets())
            .order_by(Dataset.metadata_modified.desc(), Dataset.name)
            .limit(page.limit).offset(offset), ctx.catalogue.site_url)]


@action(tag="datasets", params=(Param("q", "string", "Start of a title or name."),
                                LIMIT))
def package_autocomplete(ctx: ActionContext, params: dict[str, Any]) -> list[dict[str, str]]:
    """Public datasets whose title (diacritics optional) or name matches ``q``."""
    q = str_param(params, "q").strip()
    limit = int_param(params, "limit", 10, maximum=100) or 10
    if not q:
        return []
    backend = ctx.catalogue.search
    found: list[dict[str, str]] = []
    if backend is not None and hasattr(backend, "autocomplete"):
        found = [{"name": hit["name"], "title": hit["title"]}
                 for hit in backend.autocomplete(q, limit)]
    if len(found) < limit:
        # Names and titles containing the text, as CKAN matches them.
        pattern = f"%{q.lower()}%"
        known = {hit["name"] for hit in found}
        with ctx.catalogue.sessions() as session:
            rows = session.execute(
                select(Dataset.name, Dataset.title).where(*public_datasets()).where(
                    or_(func.lower(Dataset.name).like(pattern),
                        func.lower(Dataset.title).like(pattern)))
                .order_by(Dataset.name).limit(limit))
            found += [{"name": n, "title": t} for n, t in rows if n not in known]
    return [{"name": hit["name"], "title": hit["title"], "match_field": "title",
             "match_displayed": hit["title"] or hit["name"]} for hit in found[:limit]]


@action(tag="datasets", params=(ID, LIMIT, OFFSET))
def package_activity_list(ctx: ActionContext, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A dataset's published versions, newest first (``version``: the public number).

    Versions that were never public (drafts, changes awaiting review, private periods) are
    left out, and each version's ``changes`` are against the previous published one (issue
    15). Members of the owning agency get every change, with its internal ``revision``.
    """
    name_or_id = str_param(params, "id", required=True)
    page = page_params(params, default_limit=31, maximum=100)
    with ctx.catalogue.sessions() as session:
        ds = readable_dataset(session, ctx.principal, name_or_id)
        shown = (_same if ctx.principal.can(EDIT, ds.owner_org_id)
                 else changes_for_outsiders)  # no internal source addresses in diffs
        if ctx.principal.can("dataset.read_private", ds.owner_org_id):
            return [_activity(ds.id, rev.id, rev.created_at, rev.actor, rev.action,
                              as_seen_by(ctx.principal, rev.snapshot), rev.message,
                              shown(rev.changes), rev.published_number)
                    | {"revision": rev.number, "changed_object_id": rev.object_id}
                    for rev in list_revisions(session, ds.id, limit=page.limit,
                                              offset=page.offset)]
        return [_activity(ds.id, v.id, v.created_at, v.actor, v.action,
                          as_seen_by(ctx.principal, v.snapshot), v.message,
                          shown(v.changes), v.number)
                for v in published_versions(session, ds.id, limit=page.limit,
                                            offset=page.offset)]


def _same(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return changes


def _activity(dataset_id: str, activity_id: str, at: datetime, actor: str, kind: str,
              snapshot: dict[str, Any], message: str, changes: list[Any],
              version: int | None) -> dict[str, Any]:
    return {
        "id": activity_id,
        "timestamp": to_iso(at),
        "user_id": actor,
        "object_id": dataset_id,
        "activity_type": ACTIVITY_TYPES.get(kind, "changed package"),
        "data": {"package": snapshot},  # as the caller may see it (package_activity_list)
        # dulieumo additions
        "version": version,  # the public version number (None: never public)
        "action": kind,
        "message": message,
        "changes": changes,
    }

"""Read actions on organizations (publishing agencies) and groups (sectors)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from catalogue.classification import public_conditions
from catalogue.datasets.model import Dataset, dataset_group
from catalogue.datasets.package_cache import ordered_packages
from catalogue.datasets.serialize import group_dict, organization_dict
from catalogue.groups.model import Group
from catalogue.groups.service import get_group
from catalogue.organizations.model import Organization
from catalogue.organizations.service import get_organization
from catalogue.subscriptions.model import Subscription
from portal.api.auth import READ_PRIVATE, as_seen_by, public_datasets
from portal.api.registry import (
    ActionContext,
    Param,
    ParamError,
    action,
    bool_param,
    int_param,
    list_param,
    page_params,
    str_param,
)

# Datasets listed by organization_show/group_show with include_datasets (CKAN shows a page).
SHOWN_DATASETS = 1000
LIST_PARAMS = (
    Param("all_fields", "boolean", "Full dicts instead of names."),
    Param("sort", "string", "`name asc` (default), `title asc`, `package_count desc`."),
    Param("limit", "integer", "How many to return."),
    Param("offset", "integer", "How many to skip."),
    Param("q", "string", "Only those whose name or title contains this."),
)
SHOW_PARAMS = (
    Param("id", "string", "Name or id.", required=True),
    Param("include_datasets", "boolean", "Also list its public datasets."),
)
AUTOCOMPLETE_PARAMS = (
    Param("q", "string", "Part of a name or title.", required=True),
    Param("limit", "integer", "How many to return (default 20)."),
)


def _org_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Dataset.owner_org_id, func.count()).where(
        *public_datasets()).group_by(Dataset.owner_org_id))
    return {org_id: count for org_id, count in rows if org_id}


def _follower_counts(session: Session) -> dict[str, int]:
    """Confirmed e-mail subscriptions per organization: CKAN's ``num_followers``."""
    rows = session.execute(
        select(Subscription.target_id, func.count())
        .where(Subscription.target_type == "organization", Subscription.state == "active")
        .group_by(Subscription.target_id))
    return {target: count for target, count in rows}


def _group_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(dataset_group.c.group_id, func.count())
        .join(Dataset, Dataset.id == dataset_group.c.dataset_id)
        .where(*public_datasets()).group_by(dataset_group.c.group_id))
    return {group_id: count for group_id, count in rows}


# What organization_list and group_list sort by (with asc or desc).
LIST_SORT_KEYS = ("name", "title", "package_count", "created")


def _sorted(items: Sequence[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    words = sort.split()
    key = words[0] if words else "name"
    direction = words[1].lower() if len(words) > 1 else "asc"
    if key not in LIST_SORT_KEYS or len(words) > 2 \
            or direction not in ("asc", "desc"):
        raise ParamError(f"sort: cannot sort by {sort!r}; use name, title or package_count "
                         "with asc or desc", field="sort")
    return sorted(items, key=lambda i: (i[key] or 0 if key == "package_count" else
                                        str(i[key] or "").lower(), i["name"]),
                  reverse=direction == "desc")


def _listing(params: dict[str, Any], dicts: list[dict[str, Any]]) -> list[Any]:
    all_fields = bool_param(params, "all_fields")
    q = str_param(params, "q").lower()
    wanted = set(list_param(params, "organizations") + list_param(params, "groups"))
    if q:
        dicts = [d for d in dicts if q in d["name"] or q in (d["title"] or "").lower()]
    if wanted:
        dicts = [d for d in dicts if d["name"] in wanted]
    dicts = _sorted(dicts, str_param(params, "sort", default="name asc"))
    page = page_params(params, default_limit=1000, maximum=1000)
    chosen = dicts[page.offset:page.offset + page.limit]
    return chosen if all_fields else [d["name"] for d in chosen]


@action(tag="organizations", params=LIST_PARAMS)
def organization_list(ctx: ActionContext, params: dict[str, Any]) -> list[Any]:
    """Organization names, or full dicts with ``all_fields`` (with ``package_count``)."""
    with ctx.catalogue.sessions() as session:
        counts, followers = _org_counts(session), _follower_counts(session)
        orgs = session.scalars(select(Organization).where(Organization.state == "active"))
        dicts = [{**organization_dict(o), "display_name": o.title,
                  "package_count": counts.get(o.id, 0),
                  "num_followers": followers.get(o.id, 0)} for o in orgs]
    return _listing(params, dicts)


@action(tag="groups", params=LIST_PARAMS)
def group_list(ctx: ActionContext, params: dict[str, Any]) -> list[Any]:
    """Group (sector) names, or full dicts with ``all_fields`` (with ``package_count``)."""
    with ctx.catalogue.sessions() as session:
        counts = _group_counts(session)
        groups = session.scalars(select(Group).where(Group.state == "active"))
        dicts = [{**group_dict(g), "package_count": counts.get(g.id, 0)} for g in groups]
    return _listing(params, dicts)


def _datasets(ctx: ActionContext, session: Session, *conditions: Any) -> list[dict[str, Any]]:
    return [as_seen_by(ctx.principal, p) for p in ordered_packages(
        session, select(Dataset.id).where(*conditions)
        .order_by(Dataset.metadata_modified.desc()).limit(SHOWN_DATASETS),
        ctx.catalogue.site_url)]


@action(tag="organizations", params=SHOW_PARAMS)
def organization_show(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """One organization; with ``include_datasets``, its datasets the caller may see."""
    name_or_id = str_param(params, "id", required=True)
    include = bool_param(params, "include_datasets")
    with ctx.catalogue.sessions() as session:
        org = get_organization(session, name_or_id)
        out = {**organization_dict(org), "display_name": org.title,
               "package_count": _org_counts(session).get(org.id, 0),
               "num_followers": _follower_counts(session).get(org.id, 0),
               "children": [c.name for c in org.children], "users": [], "extras": []}
        if include:
            visible = Dataset.state == "active"
            if not ctx.principal.can(READ_PRIVATE, org.id):
                # Others see open data, and agency accounts shared data too (Art. 13).
                shared = Dataset.access_class == "shared" \
                    if any(ctx.principal.roles.values()) else false()
                visible = visible & (and_(*public_conditions()) | shared)
            out["packages"] = _datasets(ctx, session, Dataset.owner_org_id == org.id, visible)
        return out


@action(tag="groups", params=SHOW_PARAMS)
def group_show(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """One group (sector); with ``include_datasets``, its public datasets."""
    name_or_id = str_param(params, "id", required=True)
    include = bool_param(params, "include_datasets")
    with ctx.catalogue.sessions() as session:
        group = get_group(session, name_or_id)
        out = {**group_dict(group), "package_count": _group_counts(session).get(group.id, 0),
               "users": [], "extras": []}
        if include:
            out["packages"] = _datasets(ctx, session, *public_datasets(),
                                        Dataset.groups.any(Group.id == group.id))
        return out


@action(tag="organizations", params=AUTOCOMPLETE_PARAMS)
def organization_autocomplete(ctx: ActionContext, params: dict[str, Any]) -> list[dict[str, str]]:
    """Organizations whose name or title contains ``q``: id, name, title."""
    q = str_param(params, "q").strip().lower()
    limit = int_param(params, "limit", 20, maximum=100) or 20
    if not q:
        return []
    pattern = f"%{q}%"
    with ctx.catalogue.sessions() as session:
        rows = session.scalars(select(Organization).where(
            Organization.state == "active",
            or_(func.lower(Organization.name).like(pattern),
                func.lower(Organization.title).like(pattern),
                func.lower(Organization.title_en).like(pattern)))
            .order_by(Organization.name).limit(limit))
        return [{"id": o.id, "name": o.name, "title": o.title} for o in rows]

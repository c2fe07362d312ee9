"""Read actions of the Action API (thin first set; see issue 5 for the rest)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from catalogue.datasets.model import Dataset
from catalogue.datasets.serialize import group_dict, organization_dict, package_dict
from catalogue.datasets.service import get_dataset
from catalogue.errors import NotFound
from catalogue.groups.service import list_groups
from catalogue.organizations.service import list_organizations
from licenses import registry
from portal.api.registry import ActionContext, action, bool_param, int_param, str_param


def _public(ds: Dataset) -> bool:
    return ds.state == "active" and not ds.private


@action
def package_list(ctx: ActionContext, params: dict[str, Any]) -> list[str]:
    """Names of all public datasets, sorted; ``limit`` and ``offset`` page through them."""
    limit = int_param(params, "limit", 0, maximum=100_000) or None
    offset = int_param(params, "offset", 0)
    with ctx.catalogue.sessions() as session:
        query = (select(Dataset.name).where(Dataset.state == "active", Dataset.private.is_(False))
                 .order_by(Dataset.name).offset(offset))
        if limit:
            query = query.limit(limit)
        return list(session.scalars(query))


@action
def package_show(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """One dataset by ``id`` (name or id)."""
    name_or_id = str_param(params, "id", required=True)
    with ctx.catalogue.sessions() as session:
        ds = get_dataset(session, name_or_id)
        if not _public(ds):
            raise NotFound("Dataset not found")
        return package_dict(ds, ctx.catalogue.site_url)


@action
def organization_list(ctx: ActionContext, params: dict[str, Any]) -> list[Any]:
    """Organization names, or full dicts with ``all_fields``."""
    all_fields = bool_param(params, "all_fields")
    with ctx.catalogue.sessions() as session:
        orgs = list_organizations(session)
        return [organization_dict(o) if all_fields else o.name for o in orgs]


@action
def group_list(ctx: ActionContext, params: dict[str, Any]) -> list[Any]:
    """Group (sector) names, or full dicts with ``all_fields``."""
    all_fields = bool_param(params, "all_fields")
    with ctx.catalogue.sessions() as session:
        return [group_dict(g) if all_fields else g.name for g in list_groups(session)]


@action
def license_list(ctx: ActionContext, params: dict[str, Any]) -> list[dict[str, object]]:
    """Every licence in the registry."""
    return [lic.as_ckan() for lic in registry().values()]


@action
def status_show(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Site information, as CKAN reports it."""
    settings = ctx.catalogue.settings
    return {"site_title": settings.get("site_title"), "site_url": ctx.catalogue.site_url,
            "ckan_version": "2.10.0", "dulieumo_version": "0.1.0",
            "locale_default": settings.get("default_locale"), "extensions": []}

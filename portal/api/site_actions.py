"""Site-wide read actions: tags, licences, formats, status and help."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from catalogue.datasets.model import Dataset, Resource, Tag, dataset_tag
from catalogue.datasets.package_cache import ordered_packages
from catalogue.errors import NotFound
from catalogue.notices.service import notices_for_status
from licenses import registry
from portal.api.auth import as_seen_by, public_datasets
from portal.api.registry import (
    ACTIONS,
    ActionContext,
    Param,
    action,
    bool_param,
    int_param,
    str_param,
)

VERSION = "0.1.0"
# The CKAN release whose Action API we follow; clients such as ckanext-harvest read it.
CKAN_VERSION = "2.10.0"


@action(tag="tags", params=(
    Param("query", "string", "Only tags containing this."),
    Param("all_fields", "boolean", "Dicts (id, name, display_name) instead of names."),
    Param("vocabulary_id", "string", "Ignored: dulieumo has free tags only."),
))
def tag_list(ctx: ActionContext, params: dict[str, Any]) -> list[Any]:
    """Tags used by public datasets, sorted by name."""
    query = str_param(params, "query").strip().lower()
    all_fields = bool_param(params, "all_fields")
    str_param(params, "vocabulary_id")
    with ctx.catalogue.sessions() as session:
        stmt = (select(Tag).join(dataset_tag, dataset_tag.c.tag_id == Tag.id)
                .join(Dataset, Dataset.id == dataset_tag.c.dataset_id)
                .where(*public_datasets()).distinct().order_by(Tag.name))
        if query:
            stmt = stmt.where(func.lower(Tag.name).like(f"%{query}%"))
        tags = list(session.scalars(stmt))
    if all_fields:
        return [{"id": t.id, "name": t.name, "display_name": t.name, "vocabulary_id": None}
                for t in tags]
    return [t.name for t in tags]


@action(tag="tags", params=(
    Param("id", "string", "Tag name or id.", required=True),
    Param("include_datasets", "boolean", "Also list its public datasets (up to 1000)."),
))
def tag_show(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """One tag by name or id; with ``include_datasets``, its public datasets."""
    name_or_id = str_param(params, "id", required=True)
    include = bool_param(params, "include_datasets")
    with ctx.catalogue.sessions() as session:
        tag = session.scalars(select(Tag).where((Tag.name == name_or_id) |
                                                (Tag.id == name_or_id))).first()
        # Only tags a public dataset carries exist for the public: the tags of private and
        # draft datasets would otherwise leak their subjects.
        if tag is None or session.scalars(select(Dataset.id).where(
                *public_datasets(), Dataset.tags.any(Tag.id == tag.id)).limit(1)).first() is None:
            raise NotFound(f"Tag not found: {name_or_id}")
        out: dict[str, Any] = {"id": tag.id, "name": tag.name, "display_name": tag.name,
                               "vocabulary_id": None}
        if include:
            out["packages"] = [as_seen_by(ctx.principal, p) for p in ordered_packages(
                session, select(Dataset.id).where(*public_datasets(),
                                                  Dataset.tags.any(Tag.id == tag.id))
                .order_by(Dataset.name).limit(1000), ctx.catalogue.site_url)]
        return out


@action(tag="site")
def license_list(ctx: ActionContext, params: dict[str, Any]) -> list[dict[str, object]]:
    """Every licence in the registry."""
    return [lic.as_ckan() for lic in registry().values()]


@action(tag="resources", params=(Param("q", "string", "Start of a format.", required=True),
                                 Param("limit", "integer", "How many (default 5).")))
def format_autocomplete(ctx: ActionContext, params: dict[str, Any]) -> list[str]:
    """Resource formats in use that contain ``q``, most used first (lower case, as CKAN)."""
    q = str_param(params, "q").strip().lower()
    limit = int_param(params, "limit", 5, maximum=100) or 5
    if not q:
        return []
    with ctx.catalogue.sessions() as session:
        fmt = func.lower(Resource.format)
        rows = session.execute(
            select(fmt, func.count()).join(Dataset, Dataset.id == Resource.dataset_id)
            .where(*public_datasets(), fmt.like(f"%{q}%"))
            .group_by(fmt).order_by(func.count().desc(), fmt).limit(limit))
        return [name for name, _count in rows]


@action(tag="site")
def status_show(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Site information, as CKAN reports it."""
    settings = ctx.catalogue.settings
    return {"site_title": settings.get("site_title"), "site_url": ctx.catalogue.site_url,
            "site_description": settings.get("site_title_en"),
            "ckan_version": CKAN_VERSION, "dulieumo_version": VERSION,
            "error_emails_to": None, "locale_default": settings.get("default_locale"),
            "extensions": ["dcat", "dulieumo"],
            # Maintenance and incident notices from the moment they are announced (issue 8).
            "notices": notices_for_status(ctx.catalogue)}


@action(tag="site")
def site_read(ctx: ActionContext, params: dict[str, Any]) -> bool:
    """Whether the site may be read: always true for a public portal."""
    return True


@action(tag="site", params=(Param("name", "string", "An action name.", required=True),))
def help_show(ctx: ActionContext, params: dict[str, Any]) -> str:
    """The documentation of an action."""
    name = str_param(params, "name", required=True)
    found = ACTIONS.get(name)
    if found is None:
        raise NotFound(f"Action not found: {name}")
    lines = [found.doc, ""]
    lines += [f":param {p.name}: {p.help} ({p.type}{', required' if p.required else ''})"
              for p in found.params]
    return "\n".join(lines).strip()

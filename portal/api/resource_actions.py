"""Read actions on resources (a dataset's files and links)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from catalogue.datasets.model import Dataset, Resource
from catalogue.datasets.serialize import resource_dict
from catalogue.datasets.service import get_resource
from catalogue.errors import NotFound
from portal.api.auth import public_datasets, readable_dataset, resource_as_seen_by
from portal.api.registry import (
    ActionContext,
    Param,
    ParamError,
    action,
    dict_param,
    list_param,
    page_params,
    str_param,
)

# resource_search fields: column, and whether the match is exact (hashes) or a substring.
SEARCHABLE: dict[str, tuple[Any, bool]] = {
    "name": (Resource.name, False), "description": (Resource.description, False),
    "format": (Resource.format, False), "url": (Resource.url, False),
    "mimetype": (Resource.mimetype, False), "hash": (Resource.sha256, True),
    "sha256": (Resource.sha256, True), "id": (Resource.id, True),
}
ORDERABLE = {"name": Resource.name, "format": Resource.format, "created": Resource.created,
             "last_modified": Resource.last_modified, "url": Resource.url, "id": Resource.id}


@action(tag="resources", params=(Param("id", "string", "Resource id.", required=True),))
def resource_show(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """One resource by id (only when its dataset may be seen)."""
    resource_id = str_param(params, "id", required=True)
    with ctx.catalogue.sessions() as session:
        res = get_resource(session, resource_id)
        try:
            ds = readable_dataset(session, ctx.principal, res.dataset_id)
        except NotFound:
            raise NotFound(f"Resource not found: {resource_id}") from None
        out = resource_as_seen_by(ctx.principal, resource_dict(res, ds.name,
                                                               ctx.catalogue.site_url),
                                  ds.owner_org_id)
        out["package_name"] = ds.name  # dulieumo addition: link back without a second call
        return out


def _conditions(terms: list[str]) -> list[ColumnElement[bool]]:
    """``field:value`` terms (CKAN's ``query``), all required."""
    conditions: list[ColumnElement[bool]] = []
    for term in terms:
        field, sep, value = term.partition(":")
        if not sep or field not in SEARCHABLE:
            known = ", ".join(sorted(SEARCHABLE))
            raise ParamError(f"query: expected field:value with a field among {known}, "
                             f"got {term!r}", field="query")
        column, exact = SEARCHABLE[field]
        if field == "hash":
            value = value.removeprefix("sha256:")
        if exact:
            conditions.append(column == value.lower() if field != "id" else column == value)
        else:
            escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(func.lower(column).like(f"%{escaped}%", escape="\\"))
    return conditions


@action(tag="resources", params=(
    Param("query", "array", "Terms `field:value` (name, description, format, url, mimetype, "
                            "hash), all required; substring match except hash and id."),
    Param("order_by", "string", "name, format, created, last_modified, url or id."),
    Param("offset", "integer", "How many to skip."),
    Param("limit", "integer", "How many to return (default 100)."),
))
def resource_search(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Resources of public datasets matching every ``field:value`` term: count and results."""
    terms = list_param(params, "query")
    # CKAN's older form: fields={"format": "csv"}.
    terms += [f"{k}:{v}" for k, v in dict_param(params, "fields").items()]
    order_by = str_param(params, "order_by", default="id")
    if order_by not in ORDERABLE:
        raise ParamError(f"order_by: cannot order by {order_by!r}", field="order_by")
    page = page_params(params, default_limit=100, maximum=1000)
    where = and_(*public_datasets(), *_conditions(terms))
    with ctx.catalogue.sessions() as session:
        base = select(Resource, Dataset.name, Dataset.owner_org_id).join(
            Dataset, Resource.dataset_id == Dataset.id)
        count = session.scalar(select(func.count()).select_from(
            Resource).join(Dataset, Resource.dataset_id == Dataset.id).where(where)) or 0
        rows = session.execute(base.where(where).order_by(ORDERABLE[order_by], Resource.id)
                               .limit(page.limit).offset(page.offset))
        results = [resource_as_seen_by(ctx.principal,
                                       resource_dict(res, name, ctx.catalogue.site_url), org)
                   for res, name, org in rows]
    return {"count": count, "results": results}

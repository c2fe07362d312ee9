"""CKAN's ``_table_metadata``: ``datastore_search?resource_id=_table_metadata`` lists the
datastore's tables, as CKAN's DataStore documentation shows clients discovering them.

Only the tables of resources the caller may read are listed (CKAN lists every table; here a
private or held resource's id is not disclosed). ``name`` is the resource id to query; there
are no aliases, and ``oid`` is the row's number (PostgreSQL's object ids mean nothing to a
client and SQLite has none).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from catalogue.datasets.model import Dataset, Resource
from catalogue.datastore.store import Datastore
from portal.api.auth import can_read
from portal.api.registry import ActionContext, ParamError, bool_param

NAME = "_table_metadata"
FIELDS = [{"id": "_id", "type": "int"}, {"id": "name", "type": "text"},
          {"id": "oid", "type": "int"}, {"id": "alias_of", "type": "text"}]
CHUNK = 500  # resource ids per catalogue query
ONLY_PAGING = ("filters", "q", "full_text", "sort", "fields", "distinct")


def _readable(ctx: ActionContext, resource_ids: list[str]) -> Iterator[str]:
    """The ids, in order, of resources whose dataset the caller may read."""
    for start in range(0, len(resource_ids), CHUNK):
        chunk = resource_ids[start:start + CHUNK]
        with ctx.catalogue.sessions() as session:
            rows = session.execute(select(Resource.id, Dataset).join(
                Dataset, Dataset.id == Resource.dataset_id).where(Resource.id.in_(chunk)))
            allowed = {rid for rid, ds in rows if can_read(ctx.principal, ds)}
        yield from (rid for rid in chunk if rid in allowed)


def table_metadata(ctx: ActionContext, store: Datastore, params: dict[str, Any], *,
                   limit: int, offset: int,
                   links: dict[str, str]) -> dict[str, Any]:
    """The page of ``_table_metadata`` that ``limit`` and ``offset`` ask for."""
    asked = [key for key in ONLY_PAGING if params.get(key) not in (None, "", [], {})]
    if asked:
        raise ParamError(f"{asked[0]}: {NAME} is only paged (limit, offset)", field=asked[0])
    names = list(_readable(ctx, store.current_ids()))
    records = [{"_id": number, "name": name, "oid": number, "alias_of": None}
               for number, name in enumerate(names[offset:offset + limit], start=offset + 1)]
    result: dict[str, Any] = {
        "resource_id": NAME, "fields": FIELDS, "records": records, "limit": limit,
        "offset": offset, "records_format": "objects", "_links": links}
    if bool_param(params, "include_total", True):
        result["total"], result["total_was_estimated"] = len(names), False
    return result

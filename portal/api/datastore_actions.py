"""CKAN DataStore actions: ``datastore_search``, ``datastore_search_sql``, ``datastore_info``.

Shapes as CKAN 2.10/2.11 answers them, so ``ckanapi`` and DataStore clients work unchanged.
Who may read a resource is decided here, once, with the same check as ``resource_show``
(:func:`readable_resource`): a resource of a dataset the caller may not see is "not found"
to search and info, and "not authorized" to SQL. The rows themselves come from
:mod:`catalogue.datastore.query` and :mod:`catalogue.datastore.sql`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from catalogue.datasets.model import Dataset, Resource
from catalogue.datasets.service import get_resource
from catalogue.datastore import jobs
from catalogue.datastore.errors import QueryError
from catalogue.datastore.query import RowPage, View, search_rows, view_from
from catalogue.datastore.service import DatastoreService
from catalogue.datastore.sql import search_sql
from catalogue.errors import NotFound
from portal.api.auth import can_read
from portal.api.registry import (
    ActionContext,
    Param,
    ParamError,
    action,
    bool_param,
    int_param,
    str_param,
)
from portal.api.table_metadata import NAME as TABLE_METADATA
from portal.api.table_metadata import table_metadata

RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
DEFAULT_LIMIT = 100


def service_of(ctx: ActionContext) -> DatastoreService:
    service = ctx.catalogue.datastore
    if not isinstance(service, DatastoreService):
        raise NotFound("The datastore is not enabled on this portal")
    return service


def readable_resource(ctx: ActionContext, resource_id: str) -> tuple[Resource, Dataset]:
    """The resource and its dataset when the caller may read them; NotFound otherwise."""
    with ctx.catalogue.sessions() as session:
        try:
            res = get_resource(session, resource_id)
        except NotFound:
            raise NotFound(f"Resource \"{resource_id}\" was not found.") from None
        ds = session.get(Dataset, res.dataset_id)
        if ds is None or not can_read(ctx.principal, ds):
            raise NotFound(f"Resource \"{resource_id}\" was not found.")
        session.expunge_all()
        return res, ds


def may_read(ctx: ActionContext) -> Callable[[str], bool]:
    """For SQL: whether the caller may read the resource with this id."""
    def check(resource_id: str) -> bool:
        try:
            readable_resource(ctx, resource_id)
        except NotFound:
            return False
        return True
    return check


def _no_table(ctx: ActionContext, resource_id: str) -> NotFound:
    status = jobs.status_of(service_of(ctx).store, resource_id)
    if status.status == "failed":
        return NotFound(f"Resource \"{resource_id}\" has no datastore table: {status.message}")
    if status.status in ("queued", "running"):
        return NotFound(f"Resource \"{resource_id}\" is being loaded into the datastore "
                        f"({status.rows} rows so far)")
    return NotFound(f"Resource \"{resource_id}\" has no datastore table")


def _resource_id(params: dict[str, Any]) -> str:
    return str_param(params, "resource_id") or str_param(params, "id", required=True)


def _json_value(params: dict[str, Any], key: str) -> Any:
    raw = params.get(key)
    if isinstance(raw, str) and raw.strip()[:1] in ("{", "["):
        try:
            return json.loads(raw)
        except ValueError:
            raise ParamError(f"{key}: not valid JSON", field=key) from None
    return raw


def _fields(params: dict[str, Any]) -> list[str]:
    raw = _json_value(params, "fields")
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [f.strip() for f in raw.split(",") if f.strip()]
    if isinstance(raw, list) and all(isinstance(f, str) for f in raw):
        return raw
    raise ParamError("fields: a list of field names, or names separated by commas",
                     field="fields")


# What datastore_search reads; anything else is refused as CKAN's schema does (``__junk``),
# so a misspelt ``filter=`` is not silently a search of every row.
SEARCH_PARAMS = frozenset({
    "resource_id", "id", "filters", "q", "plain", "distinct", "fields", "sort", "limit",
    "offset", "include_total", "total_estimation_threshold", "records_format", "language",
    "full_text", "callback", "_"})


def _refuse_unknown(params: dict[str, Any], known: frozenset[str]) -> None:
    unknown = sorted(k for k in params if k not in known)
    if unknown:
        raise ParamError(f"The input field {unknown[0]} was not expected.", field=unknown[0])


def view_params(params: dict[str, Any]) -> View:
    """A view from CKAN's parameters (``filters``, ``q``, ``plain``, ``fields``, ``sort``,
    ``distinct``) as a GET query or a JSON body gives them."""
    filters = _json_value(params, "filters") or {}
    if not isinstance(filters, dict):
        raise ParamError("filters: must be a JSON object of field: value", field="filters")
    q = _json_value(params, "q") or ""
    if not isinstance(q, str | dict) or (isinstance(q, dict) and not all(
            isinstance(k, str) and isinstance(v, str) for k, v in q.items())):
        raise ParamError("q: text, or an object of field: text", field="q")
    sort = _json_value(params, "sort") or ""
    if not isinstance(sort, str | list):
        raise ParamError("sort: text such as \"field desc\", or a list of such",
                         field="sort")
    try:
        return view_from(filters=filters, q=q, plain=bool_param(params, "plain", True),
                         fields=_fields(params), sort=sort,
                         distinct=bool_param(params, "distinct", False),
                         full_text=str_param(params, "full_text"))
    except QueryError as exc:
        raise ParamError(exc.message, field=exc.field or "sort") from None


def _links(ctx: ActionContext, params: dict[str, Any], next_offset: int) -> dict[str, str]:
    """CKAN's ``_links``: this search from the start, and the next page."""
    kept = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
            for k, v in params.items() if k != "offset" and v not in (None, "")}
    base = ctx.request.path
    start = f"{base}?{urlencode(kept)}"
    return {"start": start, "next": f"{start}&offset={next_offset}"}


def _as_text(page: RowPage, delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in page.records:
        writer.writerow(row)
    return out.getvalue()


@action(tag="datastore", params=(
    Param("resource_id", "string", "Resource id (also `id`).", required=True),
    Param("filters", "object", "Field: value (or a list of values), all required."),
    Param("q", "object", "Full text, without diacritics too (đ = d): text over the whole row, "
                         "or an object field: text."),
    Param("plain", "boolean", "true (default): words as given; false: `word*` for prefixes."),
    Param("distinct", "boolean", "Distinct rows only (applied before paging)."),
    Param("fields", "array", "Fields returned, in order (list, or names separated by commas)."),
    Param("sort", "array", "\"field [asc|desc], …\"; empty cells sort as the smallest value."),
    Param("limit", "integer", "Rows a page (default 100, at most `datastore_max_rows`)."),
    Param("offset", "integer", "Rows skipped."),
    Param("include_total", "boolean", "Count the matching rows (default true)."),
    Param("total_estimation_threshold", "integer",
          "Past this many rows the total may be estimated (PostgreSQL), as CKAN."),
    Param("records_format", "string", "objects (default), lists, csv or tsv."),
    Param("language", "string", "Accepted for CKAN clients; folding is Vietnamese."),
    Param("full_text", "string", "Words over the whole row, as well as `q` (both must match)."),
))
def datastore_search(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Rows of a resource's datastore table: filters, full text, sort, paging (CKAN)."""
    _refuse_unknown(params, SEARCH_PARAMS)
    resource_id = _resource_id(params)
    if resource_id == TABLE_METADATA:
        store = service_of(ctx).store
        limit, offset = _paging(ctx, params)
        return table_metadata(ctx, store, params, limit=limit, offset=offset,
                              links=_links(ctx, params, offset + limit))
    readable_resource(ctx, resource_id)
    service = service_of(ctx)
    limit, offset = _paging(ctx, params)
    records_format = str_param(params, "records_format", default="objects")
    if records_format not in RECORDS_FORMATS:
        raise ParamError("records_format: objects, lists, csv or tsv", field="records_format")
    threshold_raw = params.get("total_estimation_threshold")
    threshold = (None if threshold_raw in (None, "")
                 else int_param(params, "total_estimation_threshold", 0))
    view = view_params(params)
    if store_table(ctx, resource_id) is None:
        raise _no_table(ctx, resource_id)
    try:
        page = search_rows(service.store, resource_id, view, limit=limit, offset=offset,
                           include_total=bool_param(params, "include_total", True),
                           total_estimation_threshold=threshold,
                           records_as="objects" if records_format == "objects" else "lists")
    except QueryError as exc:
        raise ParamError(exc.message, field=exc.field or "q") from None
    records: Any = page.records
    if records_format in ("csv", "tsv"):
        records = _as_text(page, "," if records_format == "csv" else "\t")
    result: dict[str, Any] = {
        "resource_id": resource_id, "fields": page.fields(), "records": records,
        "limit": limit, "offset": offset, "records_format": records_format,
        "include_total": page.total is not None,
        "total_estimation_threshold": threshold,
        "_links": _links(ctx, params, page.offset + page.limit),
    }
    if page.total is not None:
        result["total"] = page.total
        result["total_was_estimated"] = page.total_was_estimated
    for key in ("filters", "q", "sort", "distinct", "plain"):
        if params.get(key) not in (None, ""):
            result[key] = _json_value(params, key)
    return result


def _paging(ctx: ActionContext, params: dict[str, Any]) -> tuple[int, int]:
    """``limit`` (at most ``datastore_max_rows``) and ``offset``."""
    cap = int(ctx.catalogue.settings.get("datastore_max_rows", 32000))
    return (int_param(params, "limit", DEFAULT_LIMIT, maximum=cap),
            int_param(params, "offset", 0, maximum=100_000_000))


def store_table(ctx: ActionContext, resource_id: str) -> Any:
    return service_of(ctx).store.current(resource_id)


@action(tag="datastore", params=(
    Param("sql", "string", "One SELECT over tables named by resource id: "
                           "SELECT * FROM \"<resource id>\" WHERE …", required=True),
))
def datastore_search_sql(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """One read-only SELECT over the tables of resources the caller may read (CKAN)."""
    sql = str_param(params, "sql", required=True)
    service = service_of(ctx)
    cap = int(ctx.catalogue.settings.get("datastore_max_rows", 32000))
    try:
        answer = search_sql(service.store, sql, may_read=may_read(ctx), max_rows=cap)
    except QueryError as exc:
        raise ParamError(exc.message, field="sql") from None
    result: dict[str, Any] = {"sql": sql, "fields": answer.fields, "records": answer.records}
    if answer.truncated:
        result["records_truncated"] = True
    return result


@action(tag="datastore", params=(
    Param("id", "string", "Resource id (also `resource_id`).", required=True),
))
def datastore_info(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """A resource's datastore table: fields with types and data dictionary, row count."""
    resource_id = str_param(params, "id") or str_param(params, "resource_id", required=True)
    readable_resource(ctx, resource_id)
    service = service_of(ctx)
    table = service.store.current(resource_id)
    if table is None:
        raise _no_table(ctx, resource_id)
    status = jobs.status_of(service.store, resource_id)
    native = {"int": "int8", "numeric": "float8", "text": "text", "date": "date",
              "timestamp": "timestamp", "bool": "bool", "time": "time"}
    return {
        "meta": {"id": resource_id, "count": table.row_count, "table_type": "BASE TABLE",
                 "aliases": [], "version": table.version, "sha256": table.sha256,
                 "loaded_at": table.loaded_at.isoformat(), "load_status": status.status,
                 "indexing": table.indexing},
        "fields": [{**column.as_field(),
                    "schema": {"native_type": native.get(column.type, "text"),
                               "notnull": False}}
                   for column in table.columns],
    }

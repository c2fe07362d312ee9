"""CKAN DataStore writes: ``datastore_create``, ``datastore_upsert``, ``datastore_delete``.

Only the owning agency's editors and admins (``dataset.update`` there). Each write becomes a
new CSV of the resource (:mod:`catalogue.datastore.writes`) that goes through the same upload
checks and publishing gate as a file uploaded with ``resource_create``/``resource_update``:
an admin's change publishes and its table is loaded at once; an editor's new resource waits
for review (answer with ``pending_review``); a published file is never changed in place by
someone who may not publish (409, as for uploads). Nothing here writes rows directly.
"""

from __future__ import annotations

import io
from typing import Any

from werkzeug.datastructures import FileStorage

from catalogue.datasets import service as datasets
from catalogue.datastore import writes
from catalogue.datastore.errors import QueryError
from catalogue.datastore.query import View, iter_rows
from catalogue.errors import NotAuthorized
from catalogue.review.model import ReviewItem
from portal.api import publishing
from portal.api.auth import require
from portal.api.datastore_actions import _json_value, readable_resource, service_of, view_params
from portal.api.registry import ActionContext, Param, ParamError, action, str_param
from portal.workspace.uploads import check_upload


def _require_write_token(ctx: ActionContext) -> None:
    """A token without the write scope is refused before any argument is read, as by every
    other write action (a 409 about a missing field would tell it more than it may ask)."""
    if "write" not in ctx.principal.scopes:
        raise NotAuthorized(f"Access denied: user {ctx.principal.name} has a read-only token")


def _list(params: dict[str, Any], key: str) -> list[Any]:
    value = _json_value(params, key)
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ParamError(f"{key}: must be a list", field=key)
    return value


def _new_file(ctx: ActionContext, name: str, body: bytes) -> Any:
    storage = FileStorage(stream=io.BytesIO(body), filename=f"{name}.csv",
                          content_type="text/csv")
    return check_upload(ctx.catalogue, storage)


def _answer(ctx: ActionContext, result: Any, resource_id: str, extra: dict[str, Any]
            ) -> dict[str, Any]:
    if isinstance(result, ReviewItem):
        return {"resource_id": resource_id, **extra,
                "pending_review": publishing.pending(result)}
    service_of(ctx).run_resource(str(result.id if hasattr(result, "id") else resource_id))
    return {"resource_id": str(getattr(result, "id", resource_id)), **extra}


def _replace(ctx: ActionContext, resource_id: str, body: bytes, extra: dict[str, Any]
             ) -> dict[str, Any]:
    """Give an existing resource ``body`` as its new file, through the gate."""
    res, ds = readable_resource(ctx, resource_id)
    require(ctx.principal, "dataset.update", ds.owner_org_id)
    checked = _new_file(ctx, res.name or resource_id, body)
    fields = _validated(checked)
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        current = datasets.get_resource(uow.session, resource_id)
        result = publishing.change_resource(uow, ctx.principal, current, fields, checked,
                                            partial=True)
        uow.commit()
        answer = result if isinstance(result, ReviewItem) else current
        return _answer(ctx, answer, resource_id, extra)


def _validated(checked: Any) -> dict[str, Any]:
    report = dict(checked.validation_report)
    schema = report.pop("schema", None)
    fields: dict[str, Any] = {"format": "CSV", "validation_status": checked.validation_status,
                              "validation_report": report}
    if isinstance(schema, dict) and schema:
        fields["schema"] = schema
    return fields


def _rows(ctx: ActionContext, resource_id: str) -> tuple[list[str], Any]:
    """Every row of the resource's table, ``_id`` first, and the field names after it."""
    columns, rows = iter_rows(service_of(ctx).store, resource_id)
    return [c.id for c in columns if c.id != "_id"], rows


@action(writes=True, tag="datastore", params=(
    Param("resource_id", "string", "An existing resource to give these rows as its new file."),
    Param("resource", "object", "Or a new resource: {\"package_id\": …, \"name\": …}."),
    Param("fields", "array", "[{\"id\": …, \"type\": …}], the columns in order."),
    Param("records", "array", "Rows: [{field: value}]."),
    Param("primary_key", "array", "Accepted for CKAN clients (give it again to upsert)."),
    Param("force", "boolean", "Accepted for CKAN clients."),
))
def datastore_create(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """A table from fields and records, as a new CSV file of the resource (through review)."""
    _require_write_token(ctx)
    fields = _list(params, "fields")
    records = _list(params, "records")
    try:
        names = writes.field_names(fields) if fields else sorted(
            {k for r in records if isinstance(r, dict) for k in r})
        body = writes.created(names, records)
    except QueryError as exc:
        raise ParamError(exc.message, field=exc.field) from None
    extra = {"fields": [{"id": n} for n in names]}
    resource_id = str_param(params, "resource_id")
    if resource_id:
        return _replace(ctx, resource_id, body, extra)
    spec = _json_value(params, "resource")
    if not isinstance(spec, dict) or not isinstance(spec.get("package_id"), str):
        raise ParamError("Missing value: resource_id, or resource with a package_id",
                         status=409, field="resource_id")
    with ctx.catalogue.sessions() as session:
        owner = datasets.get_dataset(session, spec["package_id"]).owner_org_id
    require(ctx.principal, "dataset.update", owner)
    name = str(spec.get("name") or "datastore")
    checked = _new_file(ctx, name, body)
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        ds = datasets.get_dataset(uow.session, spec["package_id"])
        result = publishing.add_resource(uow, ctx.principal, ds, {"name": name,
                                                                  **_validated(checked)},
                                         checked)
        uow.commit()
        return _answer(ctx, result, "", extra)


@action(writes=True, tag="datastore", params=(
    Param("resource_id", "string", "Resource id.", required=True),
    Param("records", "array", "Rows to insert or update: [{field: value}]."),
    Param("method", "string", "upsert (default), insert or update."),
    Param("primary_key", "array", "Fields identifying a row (or `_id` in the records)."),
    Param("force", "boolean", "Accepted for CKAN clients."),
))
def datastore_upsert(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Insert or update rows: a new CSV file of the resource (through review)."""
    _require_write_token(ctx)
    resource_id = str_param(params, "resource_id", required=True)
    res, ds = readable_resource(ctx, resource_id)
    require(ctx.principal, "dataset.update", ds.owner_org_id)
    records = _list(params, "records")
    key = _json_value(params, "primary_key") or []
    key = [key] if isinstance(key, str) else key
    if not key and any(isinstance(r, dict) and "_id" in r for r in records):
        key = ["_id"]
    method = str_param(params, "method", default="upsert")
    names, rows = _rows(ctx, resource_id)
    try:
        body = writes.upserted(names, rows, records, method=method, key=key)
    except QueryError as exc:
        raise ParamError(exc.message, field=exc.field) from None
    return _replace(ctx, resource_id, body, {"method": method})


@action(writes=True, tag="datastore", params=(
    Param("resource_id", "string", "Resource id.", required=True),
    Param("filters", "object", "The rows to delete: field: value (all required)."),
    Param("force", "boolean", "Accepted for CKAN clients."),
))
def datastore_delete(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete the rows matching ``filters``: a new CSV file of the resource (through review)."""
    _require_write_token(ctx)
    resource_id = str_param(params, "resource_id", required=True)
    res, ds = readable_resource(ctx, resource_id)
    require(ctx.principal, "dataset.update", ds.owner_org_id)
    view = view_params(params)
    if not view.filters:
        raise ParamError("filters: name the rows to delete; to withdraw the whole table, "
                         "delete the resource", field="filters")
    try:
        _, matching = iter_rows(service_of(ctx).store, resource_id,
                                View(filters=view.filters, fields=("_id",)))
        gone = {row[0] for row in matching}
        names, rows = _rows(ctx, resource_id)
        kept = list(rows)
        body = writes.without(names, kept, [row[0] not in gone for row in kept])
    except QueryError as exc:
        raise ParamError(exc.message, field=exc.field or "filters") from None
    return _replace(ctx, resource_id, body, {"filters": view.filters, "deleted": len(gone)})

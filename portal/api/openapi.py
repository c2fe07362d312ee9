"""The OpenAPI 3.1 description of the Action API, generated from the action table.

Each action's declared parameters (``registry.Param``) become query parameters (GET, for
reads) and a JSON body (POST); writes also take ``multipart/form-data`` where they accept
an upload. Served at ``/api/3/openapi.json``; the ``/api`` page documents it for people.
"""

from __future__ import annotations

from typing import Any

from portal.api.constraints import (
    EXTRA_WRITE_FIELDS,
    ONE_LINE,
    TEXT,
    constrained,
    items_schema,
    text_schema,
)
from portal.api.registry import ACTIONS, Action, Param
from portal.api.results import CACHEABLE, SCHEMAS, limits, result_schema

TAGS = [
    {"name": "datasets", "description": "Bộ dữ liệu (CKAN packages) · Datasets"},
    {"name": "resources", "description": "Tệp và liên kết dữ liệu · Resources"},
    {"name": "organizations", "description": "Cơ quan công bố · Publishing agencies"},
    {"name": "groups", "description": "Lĩnh vực · Sectors (CKAN groups)"},
    {"name": "tags", "description": "Từ khoá · Tags"},
    {"name": "site", "description": "Thông tin cổng · Site information"},
    {"name": "datastore", "description": "Dòng dữ liệu trong bảng (CKAN DataStore) · Rows"},
    {"name": "write", "description": "Ghi dữ liệu (cần mã API) · Writes (need an API token)"},
]
ERRORS = {
    "400": "Bad request: malformed parameters, bad JSON, a broken `fq` (Search Query Error), "
           "an unknown action.",
    "403": "Authorization Error: no token, an invalid token, or not allowed.",
    "404": "Not Found Error.",
    "409": "Validation Error: errors keyed by field, or a missing required parameter.",
}


def _schema(param: Param, *, in_query: bool, action: str = "") -> dict[str, Any]:
    own = constrained(action, param.name, in_query=in_query)
    if own is not None:
        return dict(own)
    if param.type == "array":
        if in_query:  # CKAN clients send lists in GET as JSON text or a single value
            return text_schema(param.name)
        return {"type": "array", "items": items_schema(param.name)}
    if param.type == "object":
        return text_schema(param.name) if in_query else {"type": "object"}
    if param.type == "integer":
        return {"type": "integer", **limits(action, param.name)}
    if param.type == "string":
        return text_schema(param.name)
    return {"type": param.type}


def _body(action: Action) -> dict[str, Any]:
    properties = {p.name: {**_schema(p, in_query=False, action=action.name),
                           "description": p.help}
                  for p in action.params if p.name != "upload"}
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              # Reads take their declared parameters; writes also CKAN's
                              # other fields, as single-line values.
                              "additionalProperties": EXTRA_WRITE_FIELDS if action.writes
                              else False}
    if action.writes:
        schema["propertyNames"] = {"pattern": ONE_LINE}
    required = [p.name for p in action.params if p.required]
    if required:
        schema["required"] = required
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if action.multipart:
        form_properties = {p.name: {**_schema(p, in_query=True, action=action.name),
                                    "description": p.help}
                           for p in action.params}
        # A file part carries any bytes; sent as a plain form field it is text, and text
        # holds no NUL (portal.input_checks refuses it, as everywhere).
        form_properties["upload"] = {"type": "string", "contentEncoding": "binary",
                                     "pattern": TEXT, "description": "The file to store."}
        content["multipart/form-data"] = {"schema": {"type": "object",
                                                     "properties": form_properties,
                                                     "additionalProperties": False}}
    return {"required": False, "content": content}


def _responses(action: Action, method: str) -> dict[str, Any]:
    success = {"allOf": [{"$ref": "#/components/schemas/Success"},
                         {"properties": {"result": result_schema(action.name)}}]}
    ok: dict[str, Any] = {"description": "Success: the result in CKAN's envelope.",
                          "content": {"application/json": {"schema": success}}}
    out: dict[str, Any] = {"200": ok}
    if action.name in CACHEABLE and method == "get":
        ok["headers"] = {
            "ETag": {"schema": {"type": "string"},
                     "description": "Send it back in `If-None-Match` to revalidate."},
            "Last-Modified": {"schema": {"type": "string"},
                              "description": "The dataset's `metadata_modified`."}}
        out["304"] = {"description": "Not Modified: `If-None-Match` or `If-Modified-Since` "
                                     "matches the current version; no body."}
    for code, text in ERRORS.items():
        out[code] = {"description": text, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Failure"}}}}
    return out


def _operation(action: Action, method: str) -> dict[str, Any]:
    summary, _, details = action.doc.partition("\n")
    operation: dict[str, Any] = {
        "operationId": f"{action.name}_{method}",
        "summary": summary.strip(),
        "tags": [action.tag],
        "responses": _responses(action, method),
    }
    if details.strip():
        operation["description"] = details.strip()
    if method == "get":
        operation["parameters"] = [
            {"name": p.name, "in": "query", "required": p.required, "description": p.help,
             "schema": _schema(p, in_query=True, action=action.name)} for p in action.params]
        if action.name in CACHEABLE:
            operation["parameters"] += [
                {"name": "If-None-Match", "in": "header", "required": False,
                 "schema": {"type": "string"}, "description": "An ETag from an earlier answer."},
                {"name": "If-Modified-Since", "in": "header", "required": False,
                 "schema": {"type": "string"}, "description": "An HTTP date."}]
    else:
        operation["requestBody"] = _body(action)
    if action.writes:
        operation["security"] = [{"ApiToken": []}]
    else:
        operation["security"] = [{}, {"ApiToken": []}]
    return operation


COMPONENTS: dict[str, Any] = {
    "securitySchemes": {
        "ApiToken": {"type": "apiKey", "in": "header", "name": "Authorization",
                     "description": "An API token from `dulieumo token create USER` or the "
                                    "account page; also accepted as `Bearer <token>` or in "
                                    "`X-CKAN-API-Key`."},
    },
    "schemas": {
        "Success": {"type": "object", "required": ["help", "success", "result"],
                    "properties": {"help": {"type": "string"},
                                   "success": {"const": True}, "result": {}}},
        "Failure": {"type": "object", "required": ["help", "success", "error"],
                    "properties": {"help": {"type": "string"}, "success": {"const": False},
                                   "error": {"type": "object", "required": ["__type"],
                                             "properties": {"__type": {"type": "string"},
                                                            "message": {"type": "string"}},
                                             "additionalProperties": True}}},
        **SCHEMAS,
    },
}


def openapi_document(site_url: str, title: str) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document for this portal."""
    paths: dict[str, Any] = {}
    for name in sorted(ACTIONS):
        action = ACTIONS[name]
        item: dict[str, Any] = {"post": _operation(action, "post")}
        if not action.writes:
            item["get"] = _operation(action, "get")
        paths[f"/api/3/action/{name}"] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{title} — CKAN Action API",
            "version": "3",
            "description": "CKAN-compatible Action API of dulieumo: the `ckanapi` client and "
                           "CLI, CKAN harvesters and CKAN scripts work unchanged. Every answer "
                           "is CKAN's envelope `{help, success, result}` or, on error, "
                           "`{help, success: false, error: {__type, message, <field>: [...]}}`. "
                           "Also served without the version: `/api/action/<name>`. DCAT-AP 3: "
                           "`/catalog.ttl|.jsonld|.rdf?page=N`, `/dataset/<name>.ttl` "
                           "(DCAT-AP 2.1.1 with `?profile=dcat-ap-2` or `Accept-Profile`); "
                           "a Frictionless Data Package per dataset: "
                           "`/dataset/<name>/datapackage.json`.",
            "license": {"name": "AGPL-3.0-or-later",
                        "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": site_url.rstrip("/")}],
        "tags": TAGS,
        "paths": paths,
        "components": COMPONENTS,
    }

"""What each action returns: JSON Schemas of the ``result`` in CKAN's envelope (issue 17).

The OpenAPI description declares them on every 200 response (``openapi.py``), and
``tests/test_api_results.py`` validates real answers of every action against them. The shapes
are CKAN 2.10/2.11's (``package_show``, ``resource_show`` …) plus dulieumo's own keys;
``additionalProperties`` stays open, as CKAN extensions add keys.
"""

from __future__ import annotations

from typing import Any

REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    """An object with these required properties (and those optional ones), open to more."""
    return {"type": "object", "required": sorted(required),
            "properties": {**required, **(optional or {})}, "additionalProperties": True}


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


STRING = {"type": "string"}
TEXT = {"type": ["string", "null"]}  # CKAN answers null for fields never set
STAMP = {"type": ["string", "null"], "description": "ISO 8601, naive UTC (as CKAN)."}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
OBJECT = {"type": "object"}

SCHEMAS: dict[str, Any] = {
    "Tag": _obj({"name": STRING, "display_name": STRING},
                {"id": STRING, "state": STRING, "vocabulary_id": TEXT}),
    "Organization": _obj(
        {"id": STRING, "name": STRING, "title": TEXT, "type": {"const": "organization"},
         "is_organization": {"const": True}, "state": STRING},
        {"title_en": TEXT, "description": TEXT, "image_url": TEXT, "created": STAMP,
         "approval_status": STRING, "email": TEXT, "website": TEXT, "parent": TEXT,
         "display_name": TEXT, "package_count": INT, "image_display_url": TEXT,
         "num_followers": INT, "packages": _list(OBJECT), "users": _list(OBJECT),
         "children": _list(OBJECT), "extras": _list(OBJECT)}),
    "Group": _obj(
        {"id": STRING, "name": STRING, "title": TEXT, "type": {"const": "group"},
         "is_organization": {"const": False}, "state": STRING},
        {"title_en": TEXT, "display_name": TEXT, "description": TEXT,
         "image_display_url": TEXT, "created": STAMP, "package_count": INT,
         "packages": _list(OBJECT)}),
    "Resource": _obj(
        {"id": STRING, "package_id": STRING, "url": TEXT, "format": TEXT, "state": STRING},
        {"position": INT, "name": TEXT, "description": TEXT, "url_type": TEXT,
         "mimetype": TEXT, "size": {"type": ["integer", "null"]}, "hash": TEXT,
         "sha256": TEXT, "created": STAMP, "last_modified": STAMP, "metadata_modified": STAMP,
         "schema": {"type": ["object", "null"]}, "validation_status": TEXT,
         "extras": OBJECT, "package_name": STRING}),
    "PendingResource": _obj(
        {"package_id": STRING, "pending_review": OBJECT},
        {"name": TEXT, "url": TEXT, "format": TEXT}),
    "Package": _obj(
        {"id": STRING, "name": STRING, "title": TEXT, "type": STRING, "state": STRING,
         "private": BOOL, "metadata_created": STAMP, "metadata_modified": STAMP,
         "resources": _list(_ref("Resource")), "tags": _list(_ref("Tag")),
         "groups": _list(_ref("Group")), "num_resources": INT, "num_tags": INT},
        {"notes": TEXT, "url": TEXT, "version": TEXT, "author": TEXT, "author_email": TEXT,
         "maintainer": TEXT, "maintainer_email": TEXT, "license_id": TEXT,
         "license_title": TEXT, "license_url": TEXT, "isopen": BOOL, "owner_org": TEXT,
         "organization": {"anyOf": [_ref("Organization"), {"type": "null"}]},
         "extras": _list(_obj({"key": STRING, "value": {}})), "title_en": TEXT,
         "notes_en": TEXT, "temporal_start": TEXT, "temporal_end": TEXT, "spatial": TEXT,
         "update_frequency": TEXT, "provenance": OBJECT, "validation": OBJECT,
         "pending_review": OBJECT,
         "spatial_units": _list(_obj({"code": STRING, "era": STRING, "level": STRING,
                                      "name": STRING}))}),
    "SearchResult": _obj(
        {"count": INT, "results": _list(_ref("Package")), "facets": OBJECT,
         "search_facets": OBJECT},
        {"sort": STRING}),
    "ResourceSearchResult": _obj({"count": INT, "results": _list(_ref("Resource"))}),
    "Activity": _obj(
        {"id": STRING, "timestamp": STAMP, "activity_type": STRING, "object_id": STRING},
        {"user_id": TEXT, "data": OBJECT, "action": STRING, "changed_object_id": TEXT,
         "message": TEXT, "revision": INT, "changes": _list(OBJECT)}),
    "License": _obj({"id": STRING, "title": STRING},
                    {"url": TEXT, "status": STRING, "od_conformance": STRING,
                     "is_okd_compliant": BOOL, "is_osi_compliant": BOOL}),
    "Status": _obj({"site_url": STRING, "ckan_version": STRING},
                   {"site_title": STRING, "site_description": TEXT, "locale_default": STRING,
                    "extensions": _list(STRING), "dulieumo_version": STRING,
                    "error_emails_to": TEXT, "notices": _list(OBJECT)}),
    "Suggestion": _obj({"name": STRING}, {"title": TEXT, "id": STRING,
                                          "match_field": STRING, "match_displayed": STRING}),
    "Membership": _obj({"group_id": STRING, "table_name": {"const": "package"},
                        "table_id": STRING, "capacity": STRING, "state": STRING},
                       {"pending_review": OBJECT}),
    "DatastoreField": _obj({"id": STRING, "type": STRING},
                           {"info": OBJECT, "schema": OBJECT}),
    "DatastoreSearch": _obj(
        {"resource_id": STRING, "fields": _list(_ref("DatastoreField")),
         "records": {"anyOf": [_list(OBJECT), _list(_list({})), STRING]},
         "limit": INT, "offset": INT, "records_format": STRING,
         "_links": _obj({"start": STRING, "next": STRING})},
        {"total": INT, "total_was_estimated": BOOL, "include_total": BOOL,
         "total_estimation_threshold": {"type": ["integer", "null"]}, "filters": OBJECT,
         "q": {"type": ["string", "object"]}, "sort": {}, "distinct": {}, "plain": {}}),
    "DatastoreSql": _obj(
        {"sql": STRING, "fields": _list(_ref("DatastoreField")), "records": _list(OBJECT)},
        {"records_truncated": BOOL}),
    "DatastoreWrite": _obj({"resource_id": STRING},
                           {"fields": _list(OBJECT), "method": STRING, "filters": OBJECT,
                            "deleted": INT, "pending_review": OBJECT}),
    "DatastoreInfo": _obj(
        {"meta": _obj({"count": INT}, {"id": STRING, "table_type": STRING,
                                       "aliases": _list(STRING),
                                       "version": {"type": ["integer", "null"]},
                                       "sha256": STRING, "loaded_at": STRING,
                                       "load_status": STRING, "indexing": BOOL}),
         "fields": _list(_ref("DatastoreField"))}),
}
_NAMES_OR_OBJECTS = {"anyOf": [_list(STRING), _list(OBJECT)]}

# Action → its result's schema. ``*_list`` actions answer names, or objects with
# ``all_fields``.
RESULTS: dict[str, Any] = {
    "package_show": _ref("Package"), "package_create": _ref("Package"),
    "package_update": _ref("Package"), "package_patch": _ref("Package"),
    "package_delete": {"type": "null"}, "package_search": _ref("SearchResult"),
    "package_list": _list(STRING), "current_package_list_with_resources":
        _list(_ref("Package")),
    "package_autocomplete": _list(_ref("Suggestion")),
    "package_activity_list": _list(_ref("Activity")),
    "resource_show": _ref("Resource"),
    "resource_create": {"anyOf": [_ref("Resource"), _ref("PendingResource")]},
    "resource_update": {"anyOf": [_ref("Resource"), _ref("PendingResource")]},
    "resource_patch": {"anyOf": [_ref("Resource"), _ref("PendingResource")]},
    "resource_delete": {"anyOf": [{"type": "null"}, OBJECT]},
    "resource_search": _ref("ResourceSearchResult"),
    "organization_show": _ref("Organization"), "organization_create": _ref("Organization"),
    "organization_patch": _ref("Organization"),
    "organization_list": {"anyOf": [_list(STRING), _list(_ref("Organization"))]},
    "organization_autocomplete": _list(_ref("Suggestion")),
    "group_show": _ref("Group"), "group_create": _ref("Group"), "group_patch": _ref("Group"),
    "group_list": {"anyOf": [_list(STRING), _list(_ref("Group"))]},
    "member_create": _ref("Membership"),
    "tag_list": _NAMES_OR_OBJECTS, "tag_show": _ref("Tag"),
    "license_list": _list(_ref("License")), "format_autocomplete": _list(STRING),
    "status_show": _ref("Status"), "site_read": BOOL, "help_show": STRING,
    "datastore_search": _ref("DatastoreSearch"), "datastore_search_sql": _ref("DatastoreSql"),
    "datastore_info": _ref("DatastoreInfo"),
    "datastore_create": _ref("DatastoreWrite"), "datastore_upsert": _ref("DatastoreWrite"),
    "datastore_delete": _ref("DatastoreWrite"),
}
# Integer parameter limits the actions enforce (outside them: a Validation Error), so that a
# client (or schemathesis) can tell a valid request from one the portal refuses.
_PAGING: dict[str, tuple[int, int | None]] = {"limit": (0, 1000), "offset": (0, 10_000_000)}
LIMITS: dict[str, dict[str, tuple[int, int | None]]] = {
    "package_search": {"rows": (0, None), "start": (0, 10_000_000),
                       "facet.limit": (-1, 100_000), "facet.mincount": (0, 1_000_000)},
    "package_list": {"limit": (0, 1_000_000), "offset": (0, 10_000_000)},
    "current_package_list_with_resources": {**_PAGING, "page": (0, 1_000_000)},
    "package_activity_list": {"limit": (0, 100), "offset": (0, 10_000_000)},
    "package_autocomplete": {"limit": (0, 100)},
    "organization_list": _PAGING, "group_list": _PAGING, "resource_search": _PAGING,
    "organization_autocomplete": {"limit": (0, 100)}, "format_autocomplete": {"limit": (0, 100)},
    "datastore_search": {"limit": (0, 32000), "offset": (0, 100_000_000),
                         "total_estimation_threshold": (0, None)},
}


def limits(action: str, param: str) -> dict[str, int]:
    """JSON Schema bounds of one integer parameter (at least ``minimum: 0``)."""
    low, high = LIMITS.get(action, {}).get(param, (0, None))
    return {"minimum": low, **({"maximum": high} if high is not None else {})}


# Actions that answer conditional requests: ETag and Last-Modified, 304 when unchanged.
CACHEABLE = frozenset({"package_show"})


def result_schema(action: str) -> Any:
    """The schema of ``action``'s result ({} — anything — for one not listed)."""
    return RESULTS.get(action, {})

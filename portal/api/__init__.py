"""The CKAN-compatible Action API: ``/api/3/action/<name>`` and ``/api/action/<name>``.

One dispatcher: read the parameters (GET query, POST JSON, form or multipart), find who is
calling, run the action from the table, and answer in CKAN's envelope. Domain errors map
to CKAN's error types and HTTP codes here, once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from catalogue.accounts.principal import Principal
from catalogue.context import Catalogue
from catalogue.coordination.rate_limits import BatchedCounter, Limit
from catalogue.errors import CatalogueError, Conflict, NotAuthorized, NotFound, ValidationError
from portal.api import (  # noqa: F401  (each module fills the action table)
    datastore_actions,
    datastore_dump,
    datastore_write_actions,
    organization_actions,
    package_actions,
    resource_actions,
    site_actions,
    write_actions,
)
from portal.api.action_words import action_words
from portal.api.auth import principal_for
from portal.api.openapi import openapi_document
from portal.api.registry import ACTIONS, Action, ActionContext, ParamError
from portal.catalogue_ext import catalogue_of
from portal.input_checks import BadInput, check_value

blueprint = Blueprint("api", __name__)
blueprint.add_url_rule("/datastore/dump/<resource_id>",  # CKAN's dump URL (issue 21)
                       view_func=datastore_dump.datastore_dump)

# CKAN's error types and HTTP status codes (ckan/views/api.py).
ERROR_TYPES: tuple[tuple[type[CatalogueError], str, int], ...] = (
    (NotFound, "Not Found Error", 404),
    (NotAuthorized, "Authorization Error", 403),
    (ValidationError, "Validation Error", 409),
    (Conflict, "Validation Error", 409),
)
RATE_WINDOW = timedelta(minutes=1)
RATE_COUNTER = "dulieumo.api_rate_counter"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, X-CKAN-API-Key, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def _envelope(name: str, success: bool, payload: Any, status: int) -> Response:
    body: dict[str, Any] = {
        # The host the client called, as CKAN (a mirror or an internal name keeps its own).
        "help": url_for("api.action", name="help_show", _external=True)
        + f"?name={quote(name)}",
        "success": success,
    }
    body["result" if success else "error"] = payload
    response = jsonify(body)
    response.status_code = status
    # Answers depend on the caller's token: shared caches must keep them apart.
    response.vary.add("Authorization")
    return response


def error_payload(exc: CatalogueError | ParamError) -> tuple[dict[str, Any], int]:
    """CKAN's ``error`` object and HTTP status for an exception."""
    if isinstance(exc, ParamError):
        payload: dict[str, Any] = {"__type": exc.error_type, "message": exc.message}
        if exc.field and exc.error_type == "Validation Error":
            payload[exc.field] = [exc.message]
        return payload, exc.status
    for exc_type, label, status in ERROR_TYPES:
        if isinstance(exc, exc_type):
            payload = {"__type": label, "message": exc.message}
            if isinstance(exc, ValidationError):
                payload.update(exc.errors)
                payload["message"] = str(exc)
            return payload, status
    return {"__type": "Validation Error", "message": exc.message}, 409


def _form_params() -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key in request.form:
        values = request.form.getlist(key)
        params[key] = values[0] if len(values) == 1 else values
    for key, storage in request.files.items():
        if storage.filename:
            params[key] = storage
    return params


def _params() -> dict[str, Any]:
    """GET query parameters and POST JSON, form or multipart bodies alike, as CKAN accepts.

    Text PostgreSQL or UTF-8 cannot hold (NUL, lone surrogates), line breaks in single-line
    values and absurdly deep JSON are refused here with a 400 naming the field (issue 15).
    """
    try:
        params = _read_params()
    except RequestEntityTooLarge:
        raise ParamError("Bad request - the request is larger than the upload limit",
                         field="upload", status=413) from None
    try:
        check_value(params)
    except BadInput as bad:
        raise ParamError(f"Bad request - {bad.message}", field=bad.field) from None
    return params


# What a JSON body may give for each declared type (query strings and forms give text).
_ACCEPTED: dict[str, tuple[type, ...]] = {
    "string": (str, int, float),
    "integer": (str, int, float),
    "boolean": (str, bool, int),
    "array": (str, list),
    "object": (str, dict),
}
_JSON_NAMES = {dict: "an object", list: "a list", bool: "true or false", int: "a number",
               float: "a number", str: "text", type(None): "null"}


def _typed(found: Action, params: dict[str, Any]) -> dict[str, Any]:
    """Refuse a value of the wrong JSON shape for its declared parameter with a 400 (an
    object where an id is expected would otherwise reach SQL); numbers given for text
    parameters become text, as CKAN reads them."""
    typed = dict(params)
    for param in found.params:
        value = params.get(param.name)
        if value is None or param.type not in _ACCEPTED:
            continue
        if isinstance(value, FileStorage):
            continue  # an upload; the action checks it
        if isinstance(value, list) and param.type != "array" and (
                request.method == "GET" or request.mimetype != "application/json"):
            continue  # ?tags=a&tags=b: repeated fields; the action decides
        if not isinstance(value, _ACCEPTED[param.type]) or (
                param.type == "integer" and isinstance(value, bool)):
            raise ParamError(f"{param.name}: must be {param.type}, not "
                             f"{_JSON_NAMES.get(type(value), 'this')}", field=param.name)
        if param.type == "string" and not isinstance(value, str):
            typed[param.name] = str(value)
    return typed


def _read_params() -> dict[str, Any]:
    if request.method == "POST":
        if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            return _form_params()
        raw = request.get_data(cache=True)
        if not raw.strip():
            return {}
        try:
            data = request.get_json(force=True, silent=True)
        except RecursionError:  # "[[[[…" thousands deep
            raise ParamError("Bad request - JSON Error: the body is nested too deeply") from None
        if data is None:
            raise ParamError("Bad request - JSON Error: could not decode the request body")
        if not isinstance(data, dict):
            raise ParamError("Bad request - JSON Error: the body must be a JSON object")
        return dict(data)
    params: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        params[key] = values[0] if len(values) == 1 else values
    return params


def _over_rate_limit(name: str, catalogue: Catalogue, principal: Principal) -> Response | None:
    """A 429 answer when the caller is over its limit (per token, else per address), counted
    in the database so every worker and machine shares the count (issue 23)."""
    settings = catalogue.settings
    if principal.is_anonymous:
        key, per_minute = f"api:addr:{request.remote_addr}", settings["api_rate_limit"]
    else:
        key, per_minute = f"api:user:{principal.name}", settings["api_rate_limit_token"]
    counter = current_app.extensions.setdefault(RATE_COUNTER, BatchedCounter(catalogue.engine))
    verdict = counter.hit(key, Limit(per_minute, RATE_WINDOW), catalogue.clock.now())
    if verdict.allowed:
        return None
    response = _envelope(name, False, {
        "__type": "Rate Limit Exceeded",
        "message": f"Too many requests: at most {verdict.limit} API calls a minute; try again "
                   f"in {verdict.retry_after} s"}, 429)
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


def _run(name: str) -> Response:
    found = ACTIONS.get(name)
    if found is None:
        return _envelope(name, False, {"__type": "Bad Request",
                                       "message": f"Bad request - Action name not known: {name}"},
                         400)
    if found.writes and request.method != "POST":
        return _envelope(name, False, {
            "__type": "Bad Request",
            "message": f"Bad request - {name} changes data: use POST"}, 400)
    catalogue = catalogue_of()
    try:
        ctx = ActionContext(catalogue, request, principal_for(catalogue, request.headers))
        limited = _over_rate_limit(name, catalogue, ctx.principal)
        if limited is not None:
            return limited
        if found.writes and ctx.principal.is_anonymous:
            # Before any lookup: a 404 against a 403 would tell which private names exist.
            raise NotAuthorized(f"Access denied: {name} needs an API token")
        result = found.run(ctx, _typed(found, _params()))
    except (CatalogueError, ParamError) as exc:
        payload, status = error_payload(exc)
        return _envelope(name, False, payload, status)
    response = _envelope(name, True, result, 200)
    if ctx.last_modified is not None:
        response.last_modified = ctx.last_modified
        response.add_etag()
        response.make_conditional(request)
    return response


@blueprint.route("/api/3/action/<name>", methods=["GET", "POST", "OPTIONS"])
@blueprint.route("/api/action/<name>", methods=["GET", "POST", "OPTIONS"],
                 endpoint="action_unversioned")
def action(name: str) -> Response:
    """Run one action; GET answers carry CORS headers so browsers may call the API."""
    if request.method == "OPTIONS":
        response = Response(status=204)
    else:
        response = _run(name)
    if request.method in ("GET", "OPTIONS"):
        response.headers.update(CORS_HEADERS)
    return response


@blueprint.route("/api/3")
@blueprint.route("/api/3/action", endpoint="version_actions")
def version() -> Response:
    """The API version, as CKAN answers ``/api/3``."""
    response = jsonify({"version": 3})
    response.headers.update(CORS_HEADERS)
    return response



@blueprint.route("/api/3/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description, generated from the action table."""
    catalogue = catalogue_of()
    response = jsonify(openapi_document(catalogue.site_url,
                                        str(catalogue.settings.get("site_title") or "dulieumo")))
    response.headers.update(CORS_HEADERS)
    return response


@blueprint.route("/api")
def docs() -> str:
    """The API documentation page (Vietnamese and English) with curl, Python and JS examples."""
    base = catalogue_of().site_url.rstrip("/")
    settings = catalogue_of().settings
    return render_template("api_docs.html", api_base=f"{base}/api/3/action/", site_url=base,
                           actions=[ACTIONS[name] for name in sorted(ACTIONS)],
                           summary=action_words,
                           rate_limit=settings["api_rate_limit"],
                           rate_limit_token=settings["api_rate_limit_token"])

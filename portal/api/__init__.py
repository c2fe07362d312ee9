"""The CKAN-compatible Action API: ``/api/3/action/<name>`` and ``/api/action/<name>``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from catalogue.errors import CatalogueError, NotAuthorized, NotFound, ValidationError
from portal.api import read_actions  # noqa: F401  (fills the action table)
from portal.api.registry import ACTIONS, ActionContext, ParamError
from portal.catalogue_ext import catalogue_of

blueprint = Blueprint("api", __name__)

ERROR_TYPES: tuple[tuple[type[CatalogueError], str, int], ...] = (
    (NotFound, "Not Found Error", 404),
    (NotAuthorized, "Authorization Error", 403),
    (ValidationError, "Validation Error", 409),
)


def _envelope(name: str, success: bool, payload: Any, status: int) -> Response:
    body: dict[str, Any] = {
        "help": url_for("api.action", name="help_show", _external=True) + f"?name={name}",
        "success": success,
    }
    body["result" if success else "error"] = payload
    response = jsonify(body)
    response.status_code = status
    return response


def _error(name: str, exc: CatalogueError | ParamError) -> Response:
    if isinstance(exc, ParamError):
        return _envelope(name, False, {"__type": exc.error_type, "message": exc.message},
                         exc.status)
    for exc_type, label, status in ERROR_TYPES:
        if isinstance(exc, exc_type):
            payload: dict[str, Any] = {"__type": label, "message": exc.message}
            if isinstance(exc, ValidationError):
                payload.update(exc.errors)
                payload["message"] = str(exc)
            return _envelope(name, False, payload, status)
    return _envelope(name, False, {"__type": "Conflict", "message": exc.message}, 409)


def _params() -> dict[str, Any]:
    """GET query parameters and POST JSON (or form) bodies alike, as CKAN accepts them."""
    if request.method == "POST":
        if request.mimetype == "application/json" or (request.data and not request.form):
            data = request.get_json(silent=True)
            if data is None and request.data:
                raise ParamError("Bad request - JSON Error: could not decode the request body")
            if data is not None and not isinstance(data, dict):
                raise ParamError("Bad request - JSON Error: the body must be a JSON object")
            return dict(data or {})
        params = {k: v for k, v in request.form.items()}
        return params
    return {k: (v if len(vs := request.args.getlist(k)) == 1 else vs)
            for k, v in request.args.items()}


@blueprint.route("/api/3/action/<name>", methods=["GET", "POST"])
@blueprint.route("/api/action/<name>", methods=["GET", "POST"], endpoint="action_unversioned")
def action(name: str) -> Response:
    found = ACTIONS.get(name)
    if found is None:
        return _envelope(name, False, {"__type": "Not Found Error",
                                       "message": f"Action name not known: {name}"}, 400)
    try:
        params = _params()
        result = found.run(ActionContext(catalogue_of(), request), params)
    except (CatalogueError, ParamError) as exc:
        return _error(name, exc)
    response = _envelope(name, True, result, 200)
    if request.method == "GET":
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response

"""Maps domain exceptions to HTTP, once. The API renders CKAN's error envelope itself."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from catalogue.errors import Conflict, NotAuthorized, NotFound, ValidationError

STATUS = {NotFound: 404, NotAuthorized: 403, Conflict: 409, ValidationError: 400}


def status_for(exc: Exception) -> int:
    for exc_type, status in STATUS.items():
        if isinstance(exc, exc_type):
            return status
    return 500


def init_app(app: Flask) -> None:
    @app.errorhandler(NotFound)
    @app.errorhandler(NotAuthorized)
    @app.errorhandler(Conflict)
    @app.errorhandler(ValidationError)
    def _domain_error(exc: Exception) -> tuple[Response, int]:
        return jsonify({"error": str(exc)}), status_for(exc)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> HTTPException:
        return exc

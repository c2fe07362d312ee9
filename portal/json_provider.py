"""JSON responses through orjson: the API's answers are its bulk, and the standard library's
encoder was a tenth of every ``package_search`` (issue 8).

Same output as Flask's provider: UTF-8 (our ``ensure_ascii`` is off), sorted keys, dates and
anything else orjson does not know handed to Flask's own conversion; what orjson refuses
(integers beyond 64 bits) falls back to the standard encoder.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response as BaseResponse

OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider with orjson doing the encoding."""

    ensure_ascii = False

    def _encode(self, obj: Any) -> bytes | None:
        try:
            return orjson.dumps(obj, default=DefaultJSONProvider.default, option=OPTIONS)
        except (TypeError, orjson.JSONEncodeError):
            return None

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        encoded = None if kwargs else self._encode(obj)
        return encoded.decode() if encoded is not None else super().dumps(obj, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> BaseResponse:
        obj = self._prepare_response_obj(args, kwargs)
        encoded = self._encode(obj) if not self._app.debug else None
        if encoded is None:
            return super().response(obj)
        return Response(encoded + b"\n", mimetype=self.mimetype)


def use_orjson(app: Flask) -> None:
    """Make ``app`` encode JSON with orjson."""
    app.json = OrjsonProvider(app)

"""The table of API actions: each name maps to a typed function over explicit parameters.

Each action declares its parameters (:class:`Param`); the OpenAPI description and the
``help_show`` text are generated from these declarations, so docs and code cannot drift.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from flask import Request

from catalogue.accounts.principal import ANONYMOUS, Principal
from catalogue.context import Catalogue


class ParamError(Exception):
    """A malformed or unknown request parameter; rendered as a CKAN error envelope (400).

    ``field`` names the parameter, so the error is keyed by it as CKAN's validation
    errors are.
    """

    def __init__(self, message: str, error_type: str = "Validation Error",
                 status: int = 400, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.status = status
        self.field = field


@dataclass
class ActionContext:
    """What an action may use: the catalogue, the request, and who is calling."""

    catalogue: Catalogue
    request: Request
    principal: Principal = ANONYMOUS
    # Set by actions whose answer is cacheable (package_show): the dispatcher then sends
    # ETag and Last-Modified and answers conditional requests with 304.
    last_modified: datetime | None = None


ActionFunction = Callable[[ActionContext, dict[str, Any]], Any]


@dataclass(frozen=True)
class Param:
    """One documented parameter: name, JSON Schema type, help text."""

    name: str
    type: str = "string"  # JSON Schema type: string, integer, boolean, object, array
    help: str = ""
    required: bool = False


@dataclass(frozen=True)
class Action:
    name: str
    function: ActionFunction
    doc: str
    params: tuple[Param, ...] = ()
    writes: bool = False  # needs POST and a token
    multipart: bool = False  # accepts a file upload
    tag: str = "read"

    def run(self, ctx: ActionContext, params: dict[str, Any]) -> Any:
        return self.function(ctx, params)


ACTIONS: dict[str, Action] = {}


@overload
def action(function: ActionFunction) -> ActionFunction: ...


@overload
def action(*, params: tuple[Param, ...] = (), writes: bool = False, multipart: bool = False,
           tag: str = "read") -> Callable[[ActionFunction], ActionFunction]: ...


def action(function: ActionFunction | None = None, *, params: tuple[Param, ...] = (),
           writes: bool = False, multipart: bool = False,
           tag: str = "read") -> Any:
    """Register a function under its own name in the action table.

    Used bare (``@action``) or with its parameter declarations (``@action(params=...)``).
    """
    def register(fn: ActionFunction) -> ActionFunction:
        ACTIONS[fn.__name__] = Action(fn.__name__, fn, (fn.__doc__ or "").strip(), params,
                                      writes, multipart, "write" if writes else tag)
        return fn

    return register(function) if function is not None else register


# -- parameter helpers ------------------------------------------------------------------


def _scalar(params: dict[str, Any], key: str, default: Any) -> Any:
    raw = params.get(key, default)
    if isinstance(raw, list):  # ?rows=1&rows=2 or {"rows": [1, 2]}: which one was meant?
        raise ParamError(f"{key}: give one value, not a list", field=key)
    return raw


def int_param(params: dict[str, Any], key: str, default: int, *, minimum: int = 0,
              maximum: int | None = None) -> int:
    """An integer parameter within bounds, or a ParamError naming it."""
    raw = _scalar(params, key, default)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool) or isinstance(raw, float) and not raw.is_integer():
        raise ParamError(f"{key}: must be a whole number, got {raw!r}", field=key)
    try:
        value = int(raw)
    except (TypeError, ValueError, OverflowError):
        raise ParamError(f"{key}: must be a whole number, got {raw!r}", field=key) from None
    if value < minimum or (maximum is not None and value > maximum):
        allowed = (f"between {minimum} and {maximum}" if maximum is not None
                   else f"at least {minimum}")
        raise ParamError(f"{key}: must be {allowed}, got {value}", field=key)
    return value


def bool_param(params: dict[str, Any], key: str, default: bool = False) -> bool:
    """``true``/``false`` (and CKAN's other spellings) as a bool, or a ParamError."""
    raw = _scalar(params, key, default)
    if raw is None:
        return default
    if isinstance(raw, bool):
        return raw
    if str(raw).lower() in {"true", "1", "yes", "on", "t", "y"}:
        return True
    if str(raw).lower() in {"false", "0", "no", "off", "", "f", "n", "none"}:
        return False
    raise ParamError(f"{key}: must be true or false, got {raw!r}", field=key)


def str_param(params: dict[str, Any], key: str, *, required: bool = False,
              default: str = "") -> str:
    """A string parameter; a missing required one is CKAN's 409 "Missing value"."""
    raw = _scalar(params, key, None)
    if raw is None or raw == "":
        if required:
            raise ParamError("Missing value", status=409, field=key)
        return default
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    if not isinstance(raw, str):
        raise ParamError(f"{key}: must be a string", field=key)
    return raw


def list_param(params: dict[str, Any], key: str) -> list[str]:
    """A list of strings: a JSON list, a JSON-encoded list string, or repeated query values.

    CKAN clients send ``facet.field=["tags","groups"]`` as a JSON string in GET requests.
    """
    raw = params.get(key)
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                raw = json.loads(text)
            except ValueError:
                raise ParamError(f"{key}: not a valid JSON list", field=key) from None
        else:
            raw = [text]
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise ParamError(f"{key}: must be a list of strings", field=key)
    return list(raw)


def dict_param(params: dict[str, Any], key: str) -> dict[str, Any]:
    """A JSON object parameter (or a JSON-encoded one in a form field)."""
    raw = params.get(key)
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ParamError(f"{key}: not a valid JSON object", field=key) from None
    if not isinstance(raw, dict):
        raise ParamError(f"{key}: must be a JSON object", field=key)
    return raw


@dataclass
class Page:
    """``limit``/``offset`` paging with a cap."""

    limit: int
    offset: int


def page_params(params: dict[str, Any], *, default_limit: int, maximum: int) -> Page:
    """``limit`` (0 or absent: the default) and ``offset``, bounded."""
    limit = int_param(params, "limit", default_limit, maximum=maximum) or default_limit
    offset = int_param(params, "offset", 0, maximum=10_000_000)
    return Page(limit, offset)

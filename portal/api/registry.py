"""The table of API actions: each name maps to a typed function over explicit parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Request

from catalogue.context import Catalogue


class ParamError(Exception):
    """A malformed or unknown request parameter; rendered as a CKAN error envelope."""

    def __init__(self, message: str, error_type: str = "Validation Error",
                 status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.status = status


@dataclass
class ActionContext:
    catalogue: Catalogue
    request: Request


ActionFunction = Callable[[ActionContext, dict[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    name: str
    function: ActionFunction
    doc: str

    def run(self, ctx: ActionContext, params: dict[str, Any]) -> Any:
        return self.function(ctx, params)


ACTIONS: dict[str, Action] = {}


def action(function: ActionFunction) -> ActionFunction:
    """Register a function under its own name in the action table."""
    ACTIONS[function.__name__] = Action(function.__name__, function,
                                        (function.__doc__ or "").strip())
    return function


def int_param(params: dict[str, Any], key: str, default: int, *, minimum: int = 0,
              maximum: int | None = None) -> int:
    """An integer parameter within bounds, or a ParamError naming it."""
    raw = params.get(key, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ParamError(f"{key}: must be a whole number, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        raise ParamError(f"{key}: must be between {minimum}{upper}, got {value}")
    return value


def bool_param(params: dict[str, Any], key: str, default: bool = False) -> bool:
    raw = params.get(key, default)
    if isinstance(raw, bool):
        return raw
    if str(raw).lower() in {"true", "1", "yes", "on"}:
        return True
    if str(raw).lower() in {"false", "0", "no", "off", ""}:
        return False
    raise ParamError(f"{key}: must be true or false, got {raw!r}")


def str_param(params: dict[str, Any], key: str, *, required: bool = False) -> str:
    raw = params.get(key)
    if raw is None or raw == "":
        if required:
            raise ParamError(f"{key}: Missing value", status=409)
        return ""
    if not isinstance(raw, str):
        raise ParamError(f"{key}: must be a string")
    return raw

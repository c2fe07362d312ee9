"""Text no request may carry, refused with a 400 before anything reads it (issue 15).

A NUL character is refused by PostgreSQL in text columns and queries (a 500 on production,
not on SQLite); a lone surrogate (``"\\ud800"`` in JSON) cannot be encoded as UTF-8 by any
database driver or response; a CR or LF in a single-line value (a name, an id, a page number)
ends up in headers, logs and file names. One check for the API and the pages alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import Flask, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

_NUL = "\x00"
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LINE_BREAK = re.compile(r"[\r\n]")
# Query-string and form fields that name one thing, so a line break in them is never meant.
ONE_LINE_FIELDS = frozenset({
    "id", "name", "owner_org", "package_id", "resource_id", "organization", "group", "groups",
    "tags", "res_format", "license_id", "sort", "page", "rows", "start", "limit", "offset",
    "format", "url", "login", "next", "lang", "fmt", "desc",
})
MAX_DEPTH = 32  # deeper JSON is no CKAN document
# Page numbers of every listing: beyond this no page has rows, and a number past 2**63 is
# refused by the database driver itself (a 500 before this check).
MAX_PAGE = 1_000_000


class BadInput(Exception):
    """A request value the portal refuses to read; ``field`` names where it was."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = f"{field}: {message}"


def text_problem(value: str, *, one_line: bool = False) -> str | None:
    """Why ``value`` is refused, or None."""
    if _NUL in value:
        return "must not contain a NUL character"
    if _SURROGATE.search(value):
        return "must be valid Unicode text (a lone surrogate is not a character)"
    if one_line and _LINE_BREAK.search(value):
        return "must be one line (no CR or LF)"
    return None


def check_value(value: Any, path: str = "", depth: int = 0) -> None:
    """Raise :class:`BadInput` for the first refused text in a JSON-like value (keys too),
    or for nesting deeper than ``MAX_DEPTH``."""
    if depth > MAX_DEPTH:
        raise BadInput(path or "body", f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        field = path or "body"
        leaf = re.split(r"[.\[]", field, maxsplit=1)[0]
        problem = text_problem(value, one_line=depth <= 1 and leaf in ONE_LINE_FIELDS)
        if problem:
            raise BadInput(field, problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            problem = text_problem(str(key), one_line=True)
            if problem:
                raise BadInput(_printable(inner), f"field name {problem}")
            check_value(item, inner, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_value(item, f"{path}[{index}]", depth + 1)


def check_fields(fields: MultiDict[str, Any] | Iterable[tuple[str, Any]], *,
                 one_line: bool = False) -> None:
    """The same for query-string, form or URL path fields (``one_line``: every one)."""
    items = fields.items(multi=True) if isinstance(fields, MultiDict) else fields
    for key, value in items:
        problem = text_problem(key, one_line=True)
        if problem:
            raise BadInput(_printable(key), f"field name {problem}")
        if not isinstance(value, str):
            continue
        problem = text_problem(value, one_line=one_line or key in ONE_LINE_FIELDS)
        if problem:
            raise BadInput(_printable(key), problem)


def _printable(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text.replace(_NUL, "\\0").replace("\r", "\\r")
                          .replace("\n", "\\n"))


class RefusedInput(BadRequest):
    """The 400 page for refused input; ``error.html`` shows which field and why."""

    refused_input = True


def _refuse_bad_page_input() -> None:
    """Pages and forms: a 400 naming the field, before any view (or CSRF check) reads it."""
    if request.path.startswith("/api/"):
        return  # the API answers in CKAN's envelope (portal.api)
    try:
        check_fields((request.view_args or {}).items(), one_line=True)
        check_fields(request.args)
        check_page(request.args.get("page", ""))
        if request.method == "POST" and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            check_fields(request.form)
    except BadInput as bad:
        raise RefusedInput(bad.message) from None


def check_page(raw: str) -> None:
    """A ``page`` argument is empty or a whole number from 1 to ``MAX_PAGE``."""
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 7
                    and 1 <= int(raw) <= MAX_PAGE):
        raise BadInput("page", f"must be a whole number from 1 to {MAX_PAGE}")


def init_app(app: Flask) -> None:
    """Check every page request's query string and form."""
    app.before_request(_refuse_bad_page_input)

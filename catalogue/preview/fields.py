"""Which Table Schema field describes which column of a file, and a cell as its field's value.

Used where the portal writes a table out again (JSON records) or names its columns (chart
captions and legends): numbers leave as JSON numbers and columns carry the titles the agency
gave them, not their machine names (issue 19, the stranger's findings).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from catalogue.preview.series import parse_number

_INTEGER = re.compile(r"^[+-]?\d+$")
# Frictionless's defaults (Table Schema "boolean": trueValues / falseValues).
_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def fields_by_column(headers: Sequence[str],
                     fields: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any] | None]:
    """The field describing each column, or None.

    Frictionless matches fields to columns by position, so do we when the schema describes
    every column: the header seen here can differ from the field's name (an Excel header
    over two lines, ``PM2.5`` in the file for a field named ``pm25``). Otherwise by name,
    ignoring case and spacing.
    """
    if fields and len(fields) == len(headers):
        return list(fields)
    by_name = {_key(str(f.get("name") or "")): f for f in fields}
    return [by_name.get(_key(h)) for h in headers]


def field_titles(headers: Sequence[str], fields: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Column header -> the title its field gives, for the columns that have one."""
    return {h: str(f["title"]) for h, f in zip(headers, fields_by_column(headers, fields),
                                                strict=True)
            if f is not None and f.get("title")}


def typed_value(text: str, field: Mapping[str, Any] | None) -> Any:
    """``text`` as the JSON value its field's type says: a number, true/false, or null for a
    missing value; text as it was when the field says text, is unknown, or the cell does not
    read as its type (the file's own content is never lost)."""
    if field is None:
        return text
    kind = field.get("type") or "string"
    if kind in ("string", "any"):
        return text
    missing = field.get("missingValues")
    if text.strip() in (missing if isinstance(missing, list) else [""]):
        return None
    value = text.strip()
    if kind == "integer":
        if _INTEGER.match(value):
            return int(value)
        number = parse_number(value)
        return int(number) if number is not None and number.is_integer() else text
    if kind == "number":
        decimal, group = field.get("decimalChar"), field.get("groupChar")
        if isinstance(decimal, str) or isinstance(group, str):
            value = value.replace(group or "\0", "").replace(decimal or ".", ".")
        number = parse_number(value)
        return number if number is not None else text
    if kind == "boolean":
        trues, falses = field.get("trueValues") or _TRUE, field.get("falseValues") or _FALSE
        if value in trues:
            return True
        if value in falses:
            return False
    return text

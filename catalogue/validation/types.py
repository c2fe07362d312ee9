"""Field types Frictionless infers wrongly on Vietnamese files, set right from the values.

- Codes with leading zeros (province ``01``, commune ``00004``, postcodes) are identifiers:
  read as integers they become 1 and 4 and no longer join with other tables. A column where
  any value starts with ``0`` followed by a digit stays text.
- ``dd/mm/yyyy`` is how Vietnamese dates are written (also ``dd-mm-yyyy``, ``dd.mm.yyyy``);
  Frictionless only knows ISO dates by default and would call them strings. A column whose
  values are all valid dates written with one of these separators becomes a date with that
  format.
- ``1.234.567`` and ``3.359,82`` are how Vietnamese numbers are written (``.`` groups
  thousands, ``,`` marks decimals). Frictionless reads them as text, and ``3.359,82`` even
  as a geopoint (longitude 3.359, latitude 82). A column whose values are all written so,
  one of them unmistakably (a decimal comma, or two thousands groups), becomes a number with
  ``decimalChar`` "," and ``groupChar`` ".". A column of ``1.234`` alone stays as
  Frictionless read it: one thousand or one point two, the file does not say.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

LEADING_ZERO = re.compile(r"[+-]?0\d")
DMY = re.compile(r"\d{1,2}([/.-])\d{1,2}\1\d{4}")
DMY_FORMATS = {"/": "%d/%m/%Y", "-": "%d-%m-%Y", ".": "%d.%m.%Y"}
NUMERIC = frozenset({"integer", "number", "year"})
VN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
VN_UNMISTAKABLE = re.compile(r"[+-]?\d+(?:\.\d{3})*,\d+|[+-]?\d{1,3}(?:\.\d{3}){2,}")
VN_NUMBER_FIELD = {"type": "number", "decimalChar": ",", "groupChar": "."}


def dmy_separator(value: str) -> str:
    """The separator ("/", "-" or ".") of a valid ``dd/mm/yyyy`` date, or "" for anything
    else."""
    found = DMY.fullmatch(value)
    if not found:
        return ""
    try:
        datetime.strptime(value, DMY_FORMATS[found[1]])
    except ValueError:
        return ""
    return found[1]


def is_vn_number(value: str) -> bool:
    """Whether ``value`` is written as a Vietnamese number (``1.234.567``, ``3.359,82``,
    ``12``), not as a code with leading zeros."""
    return VN_NUMBER.fullmatch(value) is not None and not LEADING_ZERO.match(value)


def is_unmistakably_vn_number(value: str) -> bool:
    """Whether ``value`` can only be a Vietnamese number: a decimal comma, or two groups."""
    return VN_UNMISTAKABLE.fullmatch(value) is not None and not LEADING_ZERO.match(value)


def _date_format(values: Sequence[str]) -> str:
    separators = {dmy_separator(v) for v in values}
    return DMY_FORMATS[separators.pop()] if len(separators) == 1 and "" not in separators \
        else ""


def refine_types(schema: dict[str, Any], rows: Sequence[Sequence[str]],
                 dates: Mapping[int, str] | None,
                 vn_numbers: Collection[int] | None = None) -> dict[str, Any]:
    """``schema`` with codes kept as text, ``dd/mm/yyyy`` columns as dates and Vietnamese
    numbers as numbers.

    ``rows`` is a sample; ``dates`` maps the columns known to hold only such dates in every
    row to their one separator, ``vn_numbers`` the columns known to hold only Vietnamese
    numbers (one unmistakable); None: judge from the sample alone.
    """
    fields = []
    for index, field in enumerate(schema.get("fields", [])):
        values = [r[index].strip() for r in rows if index < len(r) and r[index].strip()]
        kind = field.get("type")
        date_format = _date_format(values) if values and kind in ("string", "any", None) \
            else ""
        if values and kind in NUMERIC and any(LEADING_ZERO.match(v) for v in values):
            field = {**field, "type": "string"}
            field.pop("format", None)
        elif date_format and (dates is None or DMY_FORMATS.get(dates.get(index, "")) ==
                              date_format):
            field = {**field, "type": "date", "format": date_format}
        elif values and kind in ("string", "any", "geopoint", None) and (
                index in vn_numbers if vn_numbers is not None else
                all(map(is_vn_number, values)) and any(map(is_unmistakably_vn_number, values))):
            field = {**field, **VN_NUMBER_FIELD}
            field.pop("format", None)
        elif kind == "geopoint" and values and all(map(is_vn_number, values)):
            # Numbers with a stray cell further down: text, never points.
            field = {**field, "type": "string"}
            field.pop("format", None)
        fields.append(field)
    return {**schema, "fields": fields}

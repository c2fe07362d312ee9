"""Field types Frictionless infers wrongly on Vietnamese files, set right from the values.

- Codes with leading zeros (province ``01``, commune ``00004``, postcodes) are identifiers:
  read as integers they become 1 and 4 and no longer join with other tables. A column where
  any value starts with ``0`` followed by a digit stays text.
- ``dd/mm/yyyy`` is how Vietnamese dates are written; Frictionless only knows ISO dates by
  default and would call them strings. A column whose values are all valid ``dd/mm/yyyy``
  dates becomes a date with that format.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

LEADING_ZERO = re.compile(r"[+-]?0\d")
DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
NUMERIC = frozenset({"integer", "number", "year"})


def is_dmy(value: str) -> bool:
    """Whether ``value`` is a valid ``dd/mm/yyyy`` date."""
    if not DMY.fullmatch(value):
        return False
    try:
        datetime.strptime(value, "%d/%m/%Y")
    except ValueError:
        return False
    return True


def refine_types(schema: dict[str, Any], rows: Sequence[Sequence[str]],
                 dates: Collection[int] | None) -> dict[str, Any]:
    """``schema`` with codes kept as text and ``dd/mm/yyyy`` columns as dates.

    ``rows`` is a sample; ``dates`` the columns known to hold only such dates in every row
    (None: judge from the sample alone).
    """
    fields = []
    for index, field in enumerate(schema.get("fields", [])):
        values = [r[index].strip() for r in rows if index < len(r) and r[index].strip()]
        kind = field.get("type")
        if values and kind in NUMERIC and any(LEADING_ZERO.match(v) for v in values):
            field = {**field, "type": "string"}
            field.pop("format", None)
        elif values and kind in ("string", "any", None) and all(map(is_dmy, values)) and (
                dates is None or index in dates):
            field = {**field, "type": "date", "format": "%d/%m/%Y"}
        fields.append(field)
    return {**schema, "fields": fields}

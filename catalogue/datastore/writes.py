"""``datastore_create``/``_upsert``/``_delete`` as a new file of the resource (issue 21).

In dulieumo a table is the rows of a published file, cited by version; a write through the
DataStore API therefore makes a new CSV, which then goes the way every file goes: the upload
checks (validation, personal-data screen) and the publishing gate (an admin's change publishes,
an editor's waits for review or is refused where a published file may not change in place),
and is loaded into a new table that swaps in. These functions only compute that CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from catalogue.datastore.columns import RESERVED
from catalogue.datastore.errors import QueryError

MAX_ROWS = 1_000_000  # rows a write through the API may rewrite; larger tables: upload a file
METHODS = ("upsert", "insert", "update")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        raise QueryError("records: values must be text, numbers, true/false or null", "records")
    return str(value)


def field_names(fields: Sequence[Mapping[str, Any]]) -> list[str]:
    """The ``id`` of each CKAN field given to ``datastore_create``; QueryError if malformed."""
    names = []
    for spec in fields:
        name = spec.get("id") if isinstance(spec, Mapping) else None
        if not isinstance(name, str) or not name.strip() or name in RESERVED or \
                name.startswith("_"):
            raise QueryError("fields: each needs an id (not starting with _)", "fields")
        names.append(name)
    if len(set(names)) != len(names):
        raise QueryError("fields: an id is given twice", "fields")
    return names


def to_csv(names: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def _record(names: Sequence[str], record: Any) -> list[Any]:
    if not isinstance(record, Mapping):
        raise QueryError("records: a list of objects, field: value", "records")
    unknown = [k for k in record if k not in names and k != "_id"]
    if unknown:
        raise QueryError(f"records: fields not in the table: {', '.join(map(str, unknown))}",
                         "records")
    return [record.get(name) for name in names]


def created(names: Sequence[str], records: Sequence[Any]) -> bytes:
    """``datastore_create``: the table of ``records`` under the header ``names``."""
    return to_csv(names, (_record(names, r) for r in records))


def upserted(names: Sequence[str], rows: Iterable[Sequence[Any]], records: Sequence[Any],
             *, method: str, key: Sequence[str]) -> bytes:
    """``datastore_upsert``: ``rows`` (``_id`` first, then ``names``) with ``records`` inserted
    or matched on ``key`` (field names, or ``_id``) and updated, as ``method`` says."""
    if method not in METHODS:
        raise QueryError(f"method: one of {', '.join(METHODS)}", "method")
    if method != "insert" and not key:
        raise QueryError("primary_key: name the fields that identify a row (or give _id)",
                         "primary_key")
    positions = [0 if k == "_id" else names.index(k) + 1 for k in key if k == "_id" or k in names]
    if len(positions) != len(key):
        raise QueryError("primary_key: fields not in the table", "primary_key")
    table = [list(r) for r in rows]
    if len(table) > MAX_ROWS:
        raise QueryError(f"the table has more than {MAX_ROWS:,} rows: upload a new file",
                         "records")
    where = {tuple(_cell(r[p]) for p in positions): i for i, r in enumerate(table)} if key \
        else {}
    for record in records:
        values = _record(names, record)
        full = [record.get("_id") if isinstance(record, Mapping) else None, *values]
        found = where.get(tuple(_cell(full[p]) for p in positions)) if key else None
        if found is not None and method in ("upsert", "update"):
            given = [n for n in names if isinstance(record, Mapping) and n in record]
            for name in given:
                table[found][names.index(name) + 1] = record[name]
        elif found is None and method in ("upsert", "insert"):
            table.append(full)
        elif found is None:
            raise QueryError("records: a record to update matches no row", "records")
        else:
            raise QueryError("records: a record to insert matches an existing row", "records")
    return to_csv(names, (r[1:] for r in table))


def without(names: Sequence[str], rows: Iterable[Sequence[Any]], keep: Iterable[bool]) -> bytes:
    """``datastore_delete``: the rows whose ``keep`` flag is true (``_id`` first in rows)."""
    return to_csv(names, (r[1:] for r, kept in zip(rows, keep, strict=True) if kept))

"""Dictionary entries on Table Schema fields: read, check, apply, carry over to a new file.

Where each part is kept on a field of the resource's Table Schema:

- ``title``: the column's label in Vietnamese (Table Schema's own ``title``);
- ``description``: what the column holds, in Vietnamese (Table Schema's ``description``);
- ``title_en``, ``description_en``: the same in English. Table Schema has one ``title`` and
  one ``description`` and allows further properties; ``_en`` is how the rest of the
  catalogue names English text (``title_en`` on datasets and organizations);
- ``unit``: the unit of measure as written for people ("ha", "người", "triệu đồng"), a custom
  property: Table Schema has none (frictionless-specs#216 is still open).

A change to the dictionary travels as the dataset patch ``{"data_dictionary": {resource_id:
{column: {key: text}}}}`` so it can wait in the review queue like any other change; an
empty text removes that key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalogue.errors import ValidationError

# The keys an officer edits, with the longest text each accepts.
DICTIONARY_KEYS: dict[str, int] = {
    "title": 200, "title_en": 200, "description": 2000, "description_en": 2000, "unit": 50}
PATCH_KEY = "data_dictionary"
MAX_COLUMNS = 2000


@dataclass(frozen=True)
class ColumnEntry:
    """One column of a table as its dictionary describes it."""

    name: str
    type: str = "string"
    format: str = ""
    title: str = ""
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    unit: str = ""

    def label(self, english: bool = False) -> str:
        """The column's label in the language asked for, else the other one, else its name."""
        first, second = (self.title_en, self.title) if english else (self.title, self.title_en)
        return first or second or self.name

    @property
    def described(self) -> bool:
        return any((self.title, self.title_en, self.description, self.description_en,
                    self.unit))


def _fields(schema: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    fields = schema.get("fields") if isinstance(schema, Mapping) else None
    return [f for f in fields or [] if isinstance(f, Mapping) and f.get("name") is not None]


def entries_of(schema: Mapping[str, Any] | None) -> list[ColumnEntry]:
    """The columns of a Table Schema with their dictionary entries, in the table's order."""
    entries = []
    for field in _fields(schema):
        texts = {key: str(field.get(key) or "") for key in DICTIONARY_KEYS}
        entries.append(ColumnEntry(name=str(field["name"]), type=str(field.get("type") or
                                                                      "string"),
                                   format=str(field.get("format") or ""), **texts))
    return entries


def clean_patch(value: Any, *, schemas: Mapping[str, Mapping[str, Any] | None] | None = None
                ) -> dict[str, dict[str, dict[str, str]]]:
    """Check a ``data_dictionary`` patch and return it with texts trimmed.

    With ``schemas`` (resource id → Table Schema) each resource and column must exist: an
    officer's form is checked against the table as it is; a queued patch applied later skips
    what has gone since (:func:`apply_entries`).
    """
    problems: list[str] = []
    out: dict[str, dict[str, dict[str, str]]] = {}
    if not isinstance(value, Mapping):
        raise ValidationError({PATCH_KEY: ["Must be an object: resource id → column → entry"]})
    for resource_id, columns in value.items():
        if not isinstance(resource_id, str) or not isinstance(columns, Mapping):
            problems.append(f"Resource {resource_id!r}: must map column names to entries")
            continue
        if len(columns) > MAX_COLUMNS:
            problems.append(f"Resource {resource_id}: more than {MAX_COLUMNS} columns")
            continue
        known = None
        if schemas is not None:
            if resource_id not in schemas:
                problems.append(f"Resource not found: {resource_id}")
                continue
            known = {str(f["name"]) for f in _fields(schemas[resource_id])}
        cleaned: dict[str, dict[str, str]] = {}
        for column, entry in columns.items():
            if known is not None and column not in known:
                problems.append(f"Column not found: {column!r}")
                continue
            if not isinstance(entry, Mapping):
                problems.append(f"Column {column!r}: must be an object")
                continue
            texts: dict[str, str] = {}
            for key, text in entry.items():
                limit = DICTIONARY_KEYS.get(str(key))
                if limit is None:
                    problems.append(f"Column {column!r}: unknown key {key!r}")
                elif not isinstance(text, str):
                    problems.append(f"Column {column!r}: {key} must be text")
                elif "\x00" in text:
                    problems.append(f"Column {column!r}: {key} contains a NUL character")
                elif len(text.strip()) > limit:
                    problems.append(f"Column {column!r}: {key} is longer than {limit} "
                                    "characters")
                else:
                    texts[str(key)] = " ".join(text.split()) if key in (
                        "title", "title_en", "unit") else text.strip()
            cleaned[str(column)] = texts
        out[resource_id] = cleaned
    if problems:
        raise ValidationError({PATCH_KEY: problems})
    return out


def apply_entries(schema: Mapping[str, Any] | None,
                  columns: Mapping[str, Mapping[str, str]]) -> dict[str, Any] | None:
    """A copy of ``schema`` with the entries set on its fields (empty text removes a key).

    Columns the schema no longer has are skipped: a change approved after a new file
    replaced the table describes what is still there.
    """
    if not isinstance(schema, Mapping):
        return None if schema is None else dict(schema)
    fields = []
    for field in schema.get("fields") or []:
        if isinstance(field, Mapping) and str(field.get("name")) in columns:
            updated = dict(field)
            for key, text in columns[str(field.get("name"))].items():
                if key not in DICTIONARY_KEYS:
                    continue
                if text:
                    updated[key] = text
                else:
                    updated.pop(key, None)
            fields.append(updated)
        else:
            fields.append(field)
    return {**schema, "fields": fields}


def carry_over(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
               ) -> dict[str, Any] | None:
    """``new`` schema (a new file, a harvest's fresh inference) keeping the dictionary the
    officers wrote on ``old`` for columns of the same name that ``new`` leaves undescribed.

    Without this every harvest would erase the labels an agency typed in: the validator
    infers a schema from the file each time, and a file knows nothing of units.
    """
    if not isinstance(new, Mapping):
        return None if new is None else dict(new)
    before = {str(f["name"]): f for f in _fields(old)}
    if not before:
        return dict(new)
    fields = []
    for field in new.get("fields") or []:
        earlier = before.get(str(field.get("name"))) if isinstance(field, Mapping) else None
        if earlier is None or not isinstance(field, Mapping):
            fields.append(field)
            continue
        kept = {key: earlier[key] for key in DICTIONARY_KEYS
                if earlier.get(key) and not field.get(key)}
        fields.append({**field, **kept})
    return {**new, "fields": fields}


def dictionary_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
                       ) -> list[tuple[str, str, str, str]]:
    """(column, key, old text, new text) for every dictionary entry that differs between two
    schemas, in the new table's column order: what a reviewer decides on."""
    before = {e.name: e for e in entries_of(old)}
    changes = []
    for entry in entries_of(new):
        earlier = before.get(entry.name, ColumnEntry(name=entry.name))
        for key in DICTIONARY_KEYS:
            was, now = str(getattr(earlier, key)), str(getattr(entry, key))
            if was != now:
                changes.append((entry.name, key, was, now))
    return changes

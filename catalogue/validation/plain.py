"""Tables Frictionless would find valid, recognised without running it (issue 16 item 10).

Validating a harvested 50-row CSV with Frictionless cost more in its fixed work (a resource,
a parser, a dialect sniffed with ``csv.Sniffer``, a header, cell handlers) than in reading
the rows. Most tables are plain: comma-separated text without quotes, a header of distinct
labels, every row as wide as the header, every cell of its column's inferred type. For such a
table the outcome is known without Frictionless: no error, every row counted, and the schema
its detector infers. :func:`plain_validation` proves a table is plain — on the normalised
file :mod:`catalogue.validation.tabular` writes, reading it as Frictionless would — and says
nothing (None) about any other table, which Frictionless then validates itself.

Why each condition makes the result Frictionless' own (frictionless 5):

- No ``"`` ``'`` ``;`` ``|`` or tab anywhere, no byte-order mark: ``csv.Sniffer`` finds no
  quoted field, and of the delimiters Frictionless lets it choose (``,\\t;|``) only the comma
  occurs, so the dialect is the comma (or, when the sniffer gives up, ``csv.excel``: the
  comma too); quoting settings cannot matter to text without quotes.
- The header line holds a comma not followed by a space: the sniffer's
  ``skipinitialspace`` is false, as ``csv.excel``'s is.
- Every row as wide as the header: Frictionless' header-row detection keeps row 1, and no
  row has extra or missing cells.
- Labels non-empty and distinct (after Frictionless' strip): no label error, and the field
  names are the labels.
- No row of empty cells only (``""`` is the only missing value): no blank row.
- Fewer data rows than ``max_rows``: nothing is cut; every cell read without a note by its
  field's own Frictionless cell reader: no type or constraint error.

The schema is inferred by the same detector from the same sample (the first
``SAMPLE_ROWS`` rows, header included, as Frictionless' parser samples them).
``tests/test_validation_plain.py`` compares both paths on every real file and on tables
built to break each condition.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frictionless import system

from catalogue.validation.detector import FastDetector

# Characters that let csv.Sniffer choose another dialect (quotes, the other delimiters
# Frictionless offers it) or Frictionless another encoding (a byte-order mark).
UNPLAIN = frozenset("\"';|\t\ufeff")


@dataclass(frozen=True)
class PlainOutcome:
    """What Frictionless would report on a plain table: no error, these many rows."""

    schema: dict[str, Any]  # the inferred Table Schema, as ``Schema.to_descriptor`` gives it
    rows: int


def plain_validation(path: Path, sample_rows: int, max_rows: int) -> PlainOutcome | None:
    """Frictionless' outcome for the normalised (UTF-8, comma-separated) CSV at ``path``
    when the table is plain (see the module), None otherwise."""
    text = path.read_text(encoding="utf-8")
    if not UNPLAIN.isdisjoint(text):
        return None
    first = text.split("\n", 1)[0]
    if "," not in first or first.count(",") == first.count(", "):
        return None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) < 2 or len(rows) - 1 >= max_rows:
        return None
    labels = [cell.strip() for cell in rows[0]]
    width = len(labels)
    if not all(labels) or len(set(labels)) < width:
        return None
    data = rows[1:]
    if any(len(row) != width or not any(row) for row in data):
        return None
    detector = FastDetector(sample_size=sample_rows)
    schema = detector.detect_schema(data[:sample_rows - 1], labels=labels,
                                    field_candidates=system.detect_field_candidates())
    if [field.name for field in schema.fields] != labels:
        return None
    if not _cells_read(schema.fields, data):
        return None
    return PlainOutcome(_descriptor(schema), len(data))


def _descriptor(schema: Any) -> dict[str, Any]:
    """``schema.to_descriptor()`` of an inferred schema (fields of a name and a type only),
    written out rather than exported through Frictionless' metadata machinery."""
    if all(not f.custom and f.metadata_assigned <= {"name", "schema"} for f in schema.fields):
        return {"fields": [{"name": f.name, "type": f.type} for f in schema.fields]}
    return dict(schema.to_descriptor())


def _cells_read(fields: Sequence[Any], data: Sequence[Sequence[str]]) -> bool:
    """Whether every cell reads without a note with its field's Frictionless cell reader."""
    for index, field in enumerate(fields):
        reader = field.create_cell_reader()
        for row in data:
            _, notes = reader(row[index])
            if notes:
                return False
    return True

"""Frictionless' schema inference, computed the same way at a fraction of its cost.

``Detector.detect_schema`` (frictionless 5) builds fourteen candidate fields from their
descriptors for every file (each one validated against a JSON Schema) and then creates a new
cell reader for every cell it tries (``Field.read_cell``): on a 50-row CSV that was about half
of a harvested record's CPU time (issue 16 item 10). :class:`FastDetector` runs the same
algorithm — the same candidates in the same order, scores, threshold, confidence and missing
values — with the candidate fields and their cell readers made once per process, so the schema
it infers is the one Frictionless would infer (``tests/test_validation_detector.py`` compares
both on every real file of ``../shared/fixtures/real``). Anything it does not reproduce (field
names or types forced, a schema patch, non-default missing, true or false values) goes to
Frictionless' own method.

The fields it infers also copy themselves cheaply: Frictionless copies every field twice per
file (``Header`` and ``create_cell_handlers``), each time through its descriptor and a JSON
Schema check, which cost a harvested 50-row CSV more than inferring its schema. A field that
is only a name and a type is copied by making the same field again (:func:`_copy`): the copy
is the one Frictionless would make (``tests/test_validation_detector.py``).
"""

from __future__ import annotations

import json
from copy import copy
from functools import cache
from typing import Any

import attrs
from frictionless import Detector, Field, Metadata, Schema, settings
from frictionless.fields import AnyField
from frictionless.table.label_matching import deduplicate_names


def _copy(self: Field, **options: Any) -> Field:
    """``Metadata.to_copy`` without the descriptor round trip, for a field that is a name and
    a type (what inference makes); anything more is copied by Frictionless itself."""
    if options or self.custom or not self.metadata_assigned <= {"name", "schema", "custom"}:
        return Metadata.to_copy(self, **options)
    # Set up as from_descriptor leaves it (no schema, an explicit empty ``custom``), and of
    # this cheaply copied class again: Frictionless copies the header's copies once more.
    copy = type(self)(name=self.name)
    copy.custom = {}
    return copy


_CHEAPLY_COPIED: dict[str, type[Field]] = {}  # by the field class's qualified name


def _cheaply_copied(cls: type[Field]) -> type[Field]:
    """``cls`` with :func:`_copy` as its ``to_copy`` (made once per class)."""
    key = f"{cls.__module__}.{cls.__qualname__}"
    made = _CHEAPLY_COPIED.get(key)
    if made is None:
        made = _CHEAPLY_COPIED[key] = type(cls.__name__, (cls,), {"to_copy": _copy})
    return made


@cache
def _candidates(descriptors: str) -> tuple[tuple[type[Field], Any], ...] | None:
    """(field class, value reader) of each candidate type, in the order they are tried; None
    when a candidate carries more than a type (a format, constraints: Frictionless copies the
    whole field then, which this does not reproduce). The value reader is what the cell
    reader calls after its missing-value check (done by the caller): a cell fails the type
    exactly when it returns None."""
    made = []
    for candidate in json.loads(descriptors):
        if set(candidate) != {"type"}:
            return None
        field = Field.from_descriptor({**candidate, "name": "shared"})
        made.append((type(field), field.create_value_reader()))
    return tuple(made)


@attrs.define(kw_only=True, repr=False)
class FastDetector(Detector):
    """A Frictionless detector whose schema inference makes its readers once (see above)."""

    def detect_schema(self, fragment: Any, *, labels: list[str] | None = None,
                      schema: Schema | None = None,
                      field_candidates: list[dict[str, Any]] = settings.DEFAULT_FIELD_CANDIDATES,
                      **options: Any) -> Schema:
        """The schema ``Detector.detect_schema`` would infer from ``fragment``."""
        plain = (not schema and not self.field_type and fragment
                 and self.schema_patch is None
                 and self.field_missing_values == settings.DEFAULT_MISSING_VALUES
                 and self.field_true_values == settings.DEFAULT_TRUE_VALUES
                 and self.field_false_values == settings.DEFAULT_FALSE_VALUES
                 and not self.field_float_numbers)
        runners = _candidates(json.dumps(field_candidates, sort_keys=True)) if plain else None
        if runners is None:
            return super().detect_schema(fragment, labels=labels, schema=schema,
                                         field_candidates=field_candidates, **options)
        names = copy(self.field_names or labels or [])
        if not names:
            names = [f"field{number}" for number in range(1, len(fragment[0]) + 1)]
        names = deduplicate_names([name or f"field{index + 1}"
                                   for index, name in enumerate(names)])
        schema = Schema(fields=[])
        missing = self.field_missing_values
        confidence = self.field_confidence
        # The loop of Detector.detect_schema, unchanged but for the readers made once.
        scores = [[0] * len(runners) for _ in names]
        chosen: list[type[Field] | None] = [None] * len(names)
        max_score = [len(fragment)] * len(names)
        threshold = len(fragment) * (confidence - 1)
        for cells in fragment:
            for index in range(len(names)):
                if chosen[index] is not None:
                    continue
                source = cells[index] if len(cells) > index else None
                is_missing = source in missing
                if is_missing:
                    max_score[index] -= 1
                score = scores[index]
                for number, (cls, reader) in enumerate(runners):
                    if score[number] < threshold:
                        continue
                    if not is_missing:
                        # Field.cell_reader's note: a present cell its value reader refuses.
                        failed = source is not None and reader(source) is None
                        score[number] += -1 if failed else 1
                    if max_score[index] > 0 and score[number] >= max_score[index] * confidence:
                        chosen[index] = cls
                        break
        schema.fields = [_cheaply_copied(cls or AnyField)(name=name, schema=schema)
                         for cls, name in zip(chosen, names, strict=True)]
        return schema

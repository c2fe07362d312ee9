"""Frictionless validation of one resource file, shared by harvests and uploads.

The outcome keeps what a reader needs to trust (or distrust) the data: status, the Table
Schema checked against, error counts by type, the first samples with row/field positions,
and statistics (rows checked, encoding, delimiter).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import frictionless
from frictionless import Resource, Schema

from catalogue.files import header as headers_
from catalogue.files.encoding import EncodingUnknown
from catalogue.files.limits import ReadLimits, TooLarge, check_json
from catalogue.files.rows import kind_of, open_rows
from catalogue.places.columns import places_in_table
from catalogue.places.gazetteer import gazetteer
from catalogue.validation.column_types import csv_warnings
from catalogue.validation.detector import FastDetector
from catalogue.validation.plain import plain_validation
from catalogue.validation.types import (
    dmy_separator,
    is_unmistakably_vn_number,
    is_vn_number,
    refine_types,
)

JSON_FORMATS = frozenset({"json", "geojson"})
SAMPLE_ROWS = 1000  # rows Frictionless infers types from (and codes/dates are judged on)


@dataclass(frozen=True)
class ValidationLimits:
    """How much of a file validation reads and keeps (bytes and cells: :class:`ReadLimits`)."""

    max_rows: int = 100_000  # rows validated; the rest is not read
    max_errors: int = 1000  # errors counted before stopping
    max_samples: int = 20  # error samples kept in the report


@dataclass
class ValidationOutcome:
    status: str  # "valid" | "invalid" | "error" | "not-tabular"
    schema: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)


def _failure(kind: str, message: str, stats: dict[str, Any] | None = None,
             status: str = "invalid") -> ValidationOutcome:
    return ValidationOutcome(status, {}, {
        "error_types": {kind: 1},
        "errors": [{"type": kind, "message": message}],
        "stats": stats or {},
    })


def apply_field_hints(schema: dict[str, Any],
                      hints: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Overlay partial field descriptions (title, unit, type...) on an inferred schema, by name."""
    by_name = {h["name"]: h for h in hints if isinstance(h.get("name"), str)}
    fields = [{**f, **by_name.get(f["name"], {})} for f in schema.get("fields", [])]
    return {**schema, "fields": fields}


def _error_dict(error: Any, rows: Sequence[int]) -> dict[str, Any]:
    """An error sample; ``row`` is the row's number in the original file (``rows`` maps the
    normalised file's data rows, which lost title and blank lines, back to it)."""
    sample: dict[str, Any] = {"type": error.type, "message": error.message}
    for attr in ("row_number", "field_name", "field_number", "cell"):
        value = getattr(error, attr, None)
        if value not in (None, ""):
            sample[attr.replace("_number", "")] = value
    row = sample.get("row")
    if isinstance(row, int) and 2 <= row < len(rows) + 2:
        sample["row"] = rows[row - 2]
    return sample


def _validate_json(path: Path, fmt: str, limits: ReadLimits) -> ValidationOutcome:
    try:
        check_json(path, limits)
    except TooLarge as exc:
        return _failure("limit-error", exc.message, {"bytes": path.stat().st_size})
    try:
        document = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _failure("json-error", f"not valid JSON: {exc}")
    stats: dict[str, Any] = {}
    collection = isinstance(document, dict) and document.get("type") == "FeatureCollection"
    if fmt == "geojson" or collection:
        features = document.get("features") if isinstance(document, dict) else None
        if not isinstance(features, list):
            return _failure("geojson-error", "a GeoJSON FeatureCollection needs a features list")
        bad = [i for i, f in enumerate(features)
               if not isinstance(f, dict) or f.get("type") != "Feature" or "geometry" not in f]
        stats["features"] = len(features)
        if bad:
            return ValidationOutcome("invalid", {}, {
                "error_types": {"geojson-error": len(bad)},
                "errors": [{"type": "geojson-error", "row": i + 1,
                            "message": f"feature {i + 1} is not a GeoJSON Feature"}
                           for i in bad[:20]],
                "stats": stats})
    return ValidationOutcome("valid", {}, {"error_types": {}, "errors": [], "stats": stats})


def _open_resource(path: Path, schema: dict[str, Any] | None) -> Resource:
    options: dict[str, Any] = {"format": "csv", "encoding": "utf-8",
                               "detector": FastDetector(sample_size=SAMPLE_ROWS)}
    if schema is not None:
        options["schema"] = Schema.from_descriptor(schema)
    return Resource(path=path.name, basepath=str(path.parent), **options)


def infer_schema(path: Path, sample: Sequence[Sequence[str]] = ()) -> dict[str, Any]:
    """A Table Schema guessed by Frictionless from a normalised (UTF-8, comma) CSV's first
    rows, with codes kept as text and ``dd/mm/yyyy`` read as dates (see ``sample``)."""
    resource = _open_resource(path, None)
    resource.infer()
    return refine_types(dict(resource.schema.to_descriptor()), sample, None)


@dataclass
class _Normalised:
    """The table rewritten as UTF-8 CSV, header first, and where its rows came from."""

    path: Path
    rows: list[int]  # original 1-based row number of each data row written
    sample: list[list[str]]
    dates: dict[int, str]  # columns whose every value is a dd/mm/yyyy date: its separator
    vn_numbers: set[int]  # columns whose every value is a Vietnamese number, one unmistakable
    stats: dict[str, Any]


def _normalise(path: Path, fmt: str, filename: str, target: Path, limits: ValidationLimits,
               read_limits: ReadLimits, sheet: str | None,
               header_row: int | Sequence[int] | None) -> _Normalised:
    """Read any tabular file within ``read_limits`` and write what validation checks."""
    stats: dict[str, Any] = {}
    numbers: list[int] = []
    sample: list[list[str]] = []
    with open_rows(path, fmt, filename, read_limits, sheet) as source, \
            target.open("w", encoding="utf-8", newline="") as out:
        if source.encoding:
            stats["encoding"] = source.encoding
        if source.notes:
            stats["encoding_note"] = "; ".join(source.notes)
        if source.delimiter:
            stats["delimiter"] = source.delimiter
        header, data = headers_.split(source.rows, header_row)
        if header.rows != [1]:
            stats["header_rows"] = header.rows
        writer = csv.writer(out)
        writer.writerow(header.names)
        width = len(header.names)
        dates: dict[int, str] = dict.fromkeys(range(width), "")
        vn_numbers, unmistakable = set(range(width)), set[int]()
        # A spreadsheet row ends at its last filled cell: blank cells after it are not missing.
        pad = source.kind in ("xlsx", "xls", "ods")
        rows: Iterator[tuple[int, list[str]]] = data
        for number, row in rows:
            if len(numbers) > limits.max_rows:
                break
            if pad and len(row) < width:
                row = row + [""] * (width - len(row))
            writer.writerow(row)
            numbers.append(number)
            if len(sample) < SAMPLE_ROWS:
                sample.append(row)
            if dates:
                _keep_dates(dates, row)
            if vn_numbers:
                _keep_vn_numbers(vn_numbers, unmistakable, row)
        if source.cells_exhausted:
            stats["cells_truncated"] = True
        if header.footnotes:  # notes under the table, not data
            stats["footnote_rows"] = header.footnotes
        # Provinces and communes named in the columns: the dataset's places (issue 22).
        places = places_in_table(gazetteer(), header.names, sample)
        if places:
            stats["place_units"] = [u.key for u in places]
    return _Normalised(target, numbers, sample, dates, vn_numbers & unmistakable, stats)


def _keep_dates(dates: dict[int, str], row: Sequence[str]) -> None:
    """Drop the columns whose cell in ``row`` is not a date written like the others."""
    for column in [c for c in dates if c < len(row) and row[c].strip()]:
        separator = dmy_separator(row[column].strip())
        if not separator or dates[column] not in ("", separator):
            del dates[column]
        else:
            dates[column] = separator


def _keep_vn_numbers(columns: set[int], unmistakable: set[int], row: Sequence[str]) -> None:
    """Drop the columns whose cell in ``row`` is not a Vietnamese number; note the ones where
    it can only be one."""
    for column in [c for c in columns if c < len(row) and row[c].strip()]:
        cell = row[column].strip()
        if not is_vn_number(cell):
            columns.discard(column)
        elif column not in unmistakable and is_unmistakably_vn_number(cell):
            unmistakable.add(column)


@contextmanager
def _scratch_file() -> Iterator[Path]:
    """A scratch file for the normalised table, removed afterwards: a file rather than a
    folder, whose removal cost more than validating a small CSV (bench/harvest.py)."""
    handle, name = tempfile.mkstemp(prefix="dulieumo-validate-", suffix=".csv")
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def validate_resource_file(path: Path, fmt: str, schema: dict[str, Any] | None,
                           limits: ValidationLimits, *, sheet: str | None = None,
                           field_hints: Sequence[Mapping[str, Any]] = (),
                           read_limits: ReadLimits | None = None, filename: str = "",
                           header_row: int | Sequence[int] | None = None) -> ValidationOutcome:
    """Validate a file: tabular formats against ``schema`` (inferred when None), JSON for syntax.

    Tables (CSV/TSV in any encoding we read, XLSX, XLS, gzipped) are read within
    ``read_limits`` (a file past them fails with ``limit-error``), their header found (or
    taken from ``header_row``), and checked by Frictionless as UTF-8 CSV; error rows are the
    original file's. Never raises for bad data: a file that cannot be read is status "error".
    """
    fmt = fmt.lower().lstrip(".")
    if fmt in JSON_FORMATS:
        return _validate_json(path, fmt, read_limits or ReadLimits())
    if not kind_of(fmt, filename):
        return ValidationOutcome("not-tabular", {}, {"error_types": {}, "errors": [], "stats": {}})
    stats: dict[str, Any] = {"bytes": path.stat().st_size}
    with _scratch_file() as scratch:
        try:
            table = _normalise(path, fmt, filename, scratch, limits,
                               read_limits or ReadLimits(), sheet, header_row)
        except TooLarge as exc:
            return _failure("limit-error", exc.message, stats)
        except EncodingUnknown as exc:
            return _failure("encoding-error", str(exc), stats)
        except (ValueError, KeyError, IndexError, zipfile.BadZipFile, csv.Error,
                ParseError) as exc:
            return _failure("source-error", f"cannot read the file as {fmt.upper()}: {exc}",
                            stats, status="error")
        stats.update(table.stats)
        return _run_frictionless(table, schema, limits, field_hints, stats)


def _run_frictionless(table: _Normalised, schema: dict[str, Any] | None,
                      limits: ValidationLimits, field_hints: Sequence[Mapping[str, Any]],
                      stats: dict[str, Any]) -> ValidationOutcome:
    relaxed: set[str] = set()
    try:
        if schema is None and field_hints:
            schema = apply_field_hints(infer_schema(table.path, table.sample), field_hints)
            stats["schema_inferred"] = True
        # A plain table's outcome is known without Frictionless' fixed cost (plain.py).
        plain = plain_validation(table.path, SAMPLE_ROWS, limits.max_rows) \
            if schema is None else None
        found: list[Any] = []
        if plain is not None:
            inferred, rows = plain.schema, plain.rows
        else:
            resource = _open_resource(table.path, schema)
            report = resource.validate(limit_rows=limits.max_rows,
                                       limit_errors=limits.max_errors)
            task = report.tasks[0] if report.tasks else None
            found = list(task.errors if task else report.errors)
            rows = (task.stats.get("rows") if task else None) or 0
            inferred = dict(resource.schema.to_descriptor()) if schema is None else {}
        if schema is None:
            # Inferred while validating (one pass, not two), then set right: a code column
            # read as integers becomes text (its type errors are no errors for text) and a
            # column of dd/mm/yyyy dates a date (every value was checked in _normalise).
            schema = refine_types(inferred, table.sample, table.dates, table.vn_numbers)
            relaxed = {f["name"] for f, g in zip(inferred["fields"], schema["fields"],
                                                  strict=True)
                       if f.get("type") != g.get("type") and g.get("type") == "string"}
            stats["schema_inferred"] = True
    except (frictionless.FrictionlessException, ValueError, OSError) as exc:
        return _failure("source-error", f"cannot read the file: {exc}", stats, status="error")
    errors = [e for e in found
              if not (e.type == "type-error" and getattr(e, "field_name", None) in relaxed)]
    counts: dict[str, int] = {}
    for error in errors:
        counts[error.type] = counts.get(error.type, 0) + 1
    stats.update({
        "rows_checked": rows,
        "fields": len(schema.get("fields", [])),
        "truncated": rows >= limits.max_rows or bool(stats.get("cells_truncated")),
        "errors_truncated": len(errors) >= limits.max_errors,
    })
    delimiter = stats.get("delimiter")
    if delimiter and delimiter != ",":
        # Readable, but a reader opening it as "CSV" in a spreadsheet will see one column.
        stats["warnings"] = [f"the delimiter is {delimiter!r}, not a comma"]
    fatal = {"source-error", "scheme-error", "format-error", "encoding-error", "hash-count"}
    status = "valid" if not errors else ("error" if set(counts) & fatal else "invalid")
    result: dict[str, Any] = {
        "error_types": counts,
        "errors": [_error_dict(e, table.rows) for e in errors[:limits.max_samples]],
        "stats": stats,
    }
    if stats.get("schema_inferred") and status != "error":
        # Inferred text columns hiding a few bad numbers or dates (issue 19).
        try:
            fields = schema.get("fields", [])
            # Every table is normalised to a UTF-8, comma-separated file first.
            warnings = csv_warnings(table.path, ",", fields, limits.max_rows)
        except (frictionless.FrictionlessException, ValueError, OSError, csv.Error) as exc:
            warnings, stats["column_check"] = [], f"not run: {exc}"
        if warnings:
            result["column_warnings"] = warnings
    return ValidationOutcome(status, dict(schema), result)

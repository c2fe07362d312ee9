"""Frictionless validation of one resource file, shared by harvests and uploads.

The outcome keeps what a reader needs to trust (or distrust) the data: status, the Table
Schema checked against, error counts by type, the first samples with row/field positions,
and statistics (rows checked, encoding, delimiter).
"""

from __future__ import annotations

import csv
import json
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frictionless
from frictionless import Detector, Dialect, Resource, Schema, formats

from catalogue.validation.column_types import csv_warnings, resource_warnings
from catalogue.validation.encoding import detect_encoding, transcode_to_utf8

TABULAR = frozenset({"csv", "tsv", "xlsx", "xls"})
JSON_FORMATS = frozenset({"json", "geojson"})
SPREADSHEETS = frozenset({"xlsx"})


@dataclass(frozen=True)
class ValidationLimits:
    """How much of a file validation reads and keeps."""

    max_rows: int = 100_000  # rows validated; the rest is not read
    max_errors: int = 1000  # errors counted before stopping
    max_samples: int = 20  # error samples kept in the report
    max_unzipped_bytes: int = 1 << 30  # XLSX (zip) content larger than this is refused
    max_zip_ratio: int = 200  # compression ratio above which an XLSX is a bomb


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


def check_zip_bomb(path: Path, limits: ValidationLimits) -> str | None:
    """Why this zip container must not be opened, or None when it is safe."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        return "not a valid XLSX (zip) file"
    unzipped = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if unzipped > limits.max_unzipped_bytes:
        return f"unzips to {unzipped} bytes, more than the limit of {limits.max_unzipped_bytes}"
    if unzipped / packed > limits.max_zip_ratio and unzipped > 10 << 20:
        return f"compression ratio {unzipped // packed}:1 looks like a decompression bomb"
    return None


def apply_field_hints(schema: dict[str, Any],
                      hints: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Overlay partial field descriptions (title, unit, type...) on an inferred schema, by name."""
    by_name = {h["name"]: h for h in hints if isinstance(h.get("name"), str)}
    fields = [{**f, **by_name.get(f["name"], {})} for f in schema.get("fields", [])]
    return {**schema, "fields": fields}


def _error_dict(error: Any) -> dict[str, Any]:
    sample: dict[str, Any] = {"type": error.type, "message": error.message}
    for attr in ("row_number", "field_name", "field_number", "cell"):
        value = getattr(error, attr, None)
        if value not in (None, ""):
            sample[attr.replace("_number", "")] = value
    return sample


def _validate_json(path: Path, fmt: str) -> ValidationOutcome:
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


def _open_resource(path: Path, fmt: str, schema: dict[str, Any] | None,
                   sheet: str | None) -> Resource:
    control = formats.ExcelControl(sheet=sheet) if fmt in SPREADSHEETS and sheet else None
    options: dict[str, Any] = {"format": fmt, "detector": Detector(sample_size=1000)}
    if fmt in {"csv", "tsv"}:
        options["encoding"] = "utf-8"
    if control is not None:
        options["dialect"] = Dialect(controls=[control])
    if schema is not None:
        options["schema"] = Schema.from_descriptor(schema)
    return Resource(path=path.name, basepath=str(path.parent), **options)


def infer_schema(path: Path, fmt: str, *, sheet: str | None = None) -> dict[str, Any]:
    """A Table Schema guessed by Frictionless from the first rows."""
    resource = _open_resource(path, fmt, None, sheet)
    resource.infer()
    return dict(resource.schema.to_descriptor())


def validate_resource_file(path: Path, fmt: str, schema: dict[str, Any] | None,
                           limits: ValidationLimits, *, sheet: str | None = None,
                           field_hints: Sequence[Mapping[str, Any]] = ()) -> ValidationOutcome:
    """Validate a file: tabular formats against ``schema`` (inferred when None), JSON for syntax.

    Never raises for bad data: a file that cannot be read at all is status "error".
    """
    fmt = fmt.lower().lstrip(".")
    if fmt in JSON_FORMATS:
        return _validate_json(path, fmt)
    if fmt not in TABULAR:
        return ValidationOutcome("not-tabular", {}, {"error_types": {}, "errors": [], "stats": {}})
    stats: dict[str, Any] = {"bytes": path.stat().st_size}
    if fmt in SPREADSHEETS:
        refused = check_zip_bomb(path, limits)
        if refused:
            return _failure("limit-error", refused, stats)
    with tempfile.TemporaryDirectory(prefix="dulieumo-validate-") as tmp:
        if fmt in {"csv", "tsv"}:
            guess = detect_encoding(path)
            stats["encoding"] = guess.encoding
            if not guess.readable:
                return _failure("encoding-error", guess.note, stats)
            if guess.encoding not in ("utf-8", "utf-8-sig"):
                converted = Path(tmp) / path.name
                transcode_to_utf8(path, converted, guess.encoding)
                stats["encoding_note"] = guess.note
                path = converted
        return _run_frictionless(path, fmt, schema, limits, sheet, field_hints, stats)


def _run_frictionless(path: Path, fmt: str, schema: dict[str, Any] | None,
                      limits: ValidationLimits, sheet: str | None,
                      field_hints: Sequence[Mapping[str, Any]],
                      stats: dict[str, Any]) -> ValidationOutcome:
    try:
        if schema is None and field_hints:
            schema = apply_field_hints(infer_schema(path, fmt, sheet=sheet), field_hints)
            stats["schema_inferred"] = True
        resource = _open_resource(path, fmt, schema, sheet)
        # Without a schema Frictionless infers one while validating: one pass, not two.
        report = resource.validate(limit_rows=limits.max_rows, limit_errors=limits.max_errors)
        if schema is None:
            schema = dict(resource.schema.to_descriptor())
            stats["schema_inferred"] = True
    except (frictionless.FrictionlessException, ValueError, OSError, zipfile.BadZipFile) as exc:
        return _failure("source-error", f"cannot read the file as {fmt.upper()}: {exc}", stats,
                        status="error")
    task = report.tasks[0] if report.tasks else None
    errors = list(task.errors) if task else list(report.errors)
    counts: dict[str, int] = {}
    for error in errors:
        counts[error.type] = counts.get(error.type, 0) + 1
    rows = (task.stats.get("rows") if task else None) or 0
    stats.update({
        "rows_checked": rows,
        "fields": len(schema.get("fields", [])),
        "truncated": rows >= limits.max_rows,
        "errors_truncated": len(errors) >= limits.max_errors,
    })
    if fmt in {"csv", "tsv"} and resource.dialect is not None:
        has_csv = resource.dialect.has_control("csv")
        control = resource.dialect.get_control("csv") if has_csv else None
        delimiter = getattr(control, "delimiter", None) or ","
        stats["delimiter"] = delimiter
        if delimiter != ",":
            # Readable, but a reader opening it as "CSV" in a spreadsheet will see one column.
            stats["warnings"] = [f"the delimiter is {delimiter!r}, not a comma"]
    fatal = {"source-error", "scheme-error", "format-error", "encoding-error", "hash-count"}
    status = "valid" if not errors else ("error" if set(counts) & fatal else "invalid")
    result: dict[str, Any] = {
        "error_types": counts,
        "errors": [_error_dict(e) for e in errors[:limits.max_samples]],
        "stats": stats,
    }
    if stats.get("schema_inferred") and status != "error":
        # Inferred text columns hiding a few bad numbers or dates (issue 19).
        try:
            fields = schema.get("fields", [])
            warnings = (csv_warnings(path, stats.get("delimiter", ","), fields,
                                     limits.max_rows) if fmt in {"csv", "tsv"} else
                        resource_warnings(_open_resource(path, fmt, schema, sheet), fields,
                                          limits.max_rows))
        except (frictionless.FrictionlessException, ValueError, OSError, csv.Error) as exc:
            warnings, stats["column_check"] = [], f"not run: {exc}"
        if warnings:
            result["column_warnings"] = warnings
    return ValidationOutcome(status, dict(schema), result)

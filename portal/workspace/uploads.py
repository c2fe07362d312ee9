"""Checking an uploaded file before it joins a dataset: kind, content, Frictionless validation.

The size limit is enforced twice: by Flask's ``MAX_CONTENT_LENGTH`` (413 before the body is
read) and by the file store while copying. Content is sniffed so that a program or an HTML
page cannot be published as "data" and then served from the portal's own address.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from catalogue.context import Catalogue
from catalogue.datasets.service import Upload
from catalogue.errors import ValidationError
from catalogue.privacy import SCREENED_FORMATS, screen_file
from catalogue.privacy.screen import Finding

ALLOWED = frozenset({"csv", "tsv", "json", "geojson", "xlsx", "xls", "ods", "xml", "pdf",
                     "zip", "txt", "docx", "doc", "kml", "gpkg", "shp", "parquet", "rdf",
                     "ttl", "png", "jpg", "jpeg"})
# Leading bytes of things that are never data to publish.
FORBIDDEN_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
HTML_MARKERS = (b"<!doctype html", b"<html", b"<script", b"<svg", b"<iframe")
TEXT_FORMATS = frozenset({"csv", "tsv", "json", "geojson", "txt", "xml", "kml", "rdf", "ttl"})
ZIP_FORMATS = frozenset({"xlsx", "ods", "docx", "zip"})
# Screened for personal data before the file can go public (issue 9).
@dataclass(frozen=True)
class CheckedUpload:
    upload: Upload
    format: str
    validation_status: str
    validation_report: dict[str, Any]
    # Personal data found (kinds, columns, row positions; never values): such a file joins a
    # published dataset only through review (Personal Data Protection Law 91/2025/QH15).
    personal_data: tuple[Finding, ...] = ()


def _refuse(message: str) -> ValidationError:
    return ValidationError({"upload": [message]})


def sniff(head: bytes, fmt: str) -> str | None:
    """Why these first bytes cannot be a ``fmt`` file to publish, or None."""
    if head.startswith(FORBIDDEN_MAGIC):
        return "The file is a program, not data."
    lowered = head[:2048].lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    if fmt not in ("xml", "rdf", "kml") and any(m in lowered[:512] for m in HTML_MARKERS):
        return "The file is a web page, not data."
    if fmt in ZIP_FORMATS and not head.startswith(b"PK\x03\x04"):
        return f"The file is not a {fmt.upper()} file (it is not a zip container)."
    if fmt == "pdf" and not head.startswith(b"%PDF"):
        return "The file is not a PDF."
    if fmt in TEXT_FORMATS and b"\x00" in head[:4096] and not head.startswith(
            (b"\xff\xfe", b"\xfe\xff")):
        return f"The file is binary, not {fmt.upper()} text."
    return None


def check_upload(catalogue: Catalogue, file: FileStorage | None) -> CheckedUpload:
    """Store an uploaded file after checking it; validate tabular data with Frictionless."""
    if file is None or not file.filename:
        raise _refuse("Choose a file to upload.")
    filename = secure_filename(file.filename) or "data"
    fmt = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if fmt not in ALLOWED:
        raise _refuse(f"Files of type .{fmt or '?'} are not accepted; allowed: "
                      + ", ".join(sorted(ALLOWED)))
    head = file.stream.read(4096)
    problem = sniff(head, fmt)
    if problem:
        raise _refuse(problem)
    file.stream.seek(0)
    stored = catalogue.files.put(cast(BinaryIO, file.stream))  # refuses past max_upload_mb
    # Read back through the store (a local copy when it is remote), as every reader does.
    with catalogue.files.local_copy(stored.key) as path:
        status, report = _validate(path, fmt)
        findings = screen_file(path, fmt, this_year=catalogue.clock.now().year).findings \
            if fmt in SCREENED_FORMATS else []
    return CheckedUpload(Upload(stored=stored, filename=filename,
                                mimetype=file.mimetype or ""), fmt.upper(), status, report,
                         tuple(findings))


def _validate(path: Path, fmt: str) -> tuple[str, dict[str, Any]]:
    from catalogue.validation.tabular import ValidationLimits, validate_resource_file

    outcome = validate_resource_file(path, fmt, None, ValidationLimits())
    if outcome.status == "not-tabular":
        return "", {}
    return outcome.status, {**outcome.report, "schema": outcome.schema}

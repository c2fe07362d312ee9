"""Deterministic writers for the demo files: CSV, XLSX, JSON and a small TOML emitter.

Every writer produces the same bytes for the same input, so two generations into two
directories differ only where absolute paths are written on purpose.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl

Row = Sequence[object]

# Fixed stamp for XLSX zip entries and document properties: no wall clock in demo data.
FIXED_STAMP = (2024, 12, 31, 8, 0, 0)
FIXED_ISO = "2024-12-31T08:00:00Z"


def cell(value: object) -> str:
    """Render one value the way the demo CSVs spell it (None -> empty, floats trimmed)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text if text not in ("-0", "") else "0"
    return str(value)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Row]) -> int:
    """Write a UTF-8 CSV (LF line ends, minimal quoting); return the number of data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(value) for value in row])
            count += 1
    return count


def write_xlsx(
    path: Path, sheet: str, header: Sequence[str], rows: Iterable[Row], title: str
) -> int:
    """Write a one-sheet XLSX with byte-identical output across runs; return the data row count."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    worksheet.append(list(header))
    count = 0
    for row in rows:
        worksheet.append([value for value in row])
        count += 1
    workbook.properties.title = title
    workbook.properties.creator = "dulieumo demo"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_freeze_zip(buffer.getvalue()))
    return count


def _freeze_zip(data: bytes) -> bytes:
    # openpyxl stamps docProps/core.xml with now() and zip entries with the local time;
    # rewrite both so the file only depends on its content.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = payload.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rf"\g<1>{FIXED_ISO}\g<2>",
                    text,
                )
                payload = text.encode("utf-8")
            frozen = zipfile.ZipInfo(info.filename, date_time=FIXED_STAMP)
            frozen.compress_type = zipfile.ZIP_DEFLATED
            frozen.external_attr = 0o644 << 16
            target.writestr(frozen, payload)
    return out.getvalue()


def write_json(path: Path, document: object) -> None:
    """Write pretty, key-order-preserving UTF-8 JSON with a final newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def toml_value(value: Any) -> str:
    """Render a TOML value: str, bool, int, float, list or inline table of those."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        # JSON string escapes are a subset of TOML basic-string escapes.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items())
        return "{ " + inner + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML rendering for {type(value).__name__}")


def toml_table(header: str | None, items: Mapping[str, Any]) -> str:
    """Render one `[header]` / `[[header]]` block (header given with its brackets)."""
    lines = [header] if header else []
    lines += [f"{key} = {toml_value(value)}" for key, value in items.items() if value is not None]
    return "\n".join(lines) + "\n"

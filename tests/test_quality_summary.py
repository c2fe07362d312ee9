"""Quality across datasets: agency averages, most common fixes, overdue lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from catalogue.quality.summary import quality_summary

NOW = datetime(2026, 3, 2)


def package(name: str, org: str, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name, "title": name, "organization": {"name": org}, "owner_org": org,
        "license_id": "CC-BY-4.0", "notes": "x" * 120, "temporal_start": "2024-01-01",
        "spatial": "Cà Mau", "update_frequency": "monthly", "maintainer": "Phòng",
        "metadata_modified": "2026-02-20T00:00:00", "validation": {"status": "valid"},
        "resources": [{"url": "a.csv", "url_type": "upload", "format": "CSV",
                       "schema": {"fields": [{"name": "x", "title": "X"}]}}]}
    base.update(changes)
    return base


def test_summary_by_agency_lists_fixes_and_overdue_datasets() -> None:
    summary = quality_summary([
        package("a", "so-ct"), package("b", "so-ct", notes="ngắn"),
        package("c", "so-gtvt", license_id="not-specified",
                metadata_modified="2025-10-01T00:00:00")], now=NOW)
    assert summary["datasets"] == 3 and summary["to_fix"]["description"] == 1
    assert list(summary["by_organization"]) == ["so-gtvt", "so-ct"]  # weakest first
    gtvt = summary["by_organization"]["so-gtvt"]
    assert gtvt["overdue"] == [{"name": "c", "title": "c", "due": "2025-11-08T00:00:00"}]
    assert gtvt["to_fix"] == {"license": 1, "timeliness": 1}
    assert summary["by_organization"]["so-ct"]["average"] == 95.0

"""Quality score: each criterion, what to fix, overdue datasets, the explanation's shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from catalogue.quality import is_overdue, score_dataset

NOW = datetime(2026, 3, 2, 8, 30)


def good_package(**changes: Any) -> dict[str, Any]:
    package: dict[str, Any] = {
        "name": "chat-luong-nuoc-mat", "license_id": "vn-open-data-terms",
        "notes": "Kết quả quan trắc chất lượng nước mặt tại 50 điểm trên các sông chính của "
                 "tỉnh Quảng Ninh, lấy mẫu hằng tháng, chỉ số WQI theo Quyết định 1460.",
        "temporal_start": "2023-01-01", "temporal_end": "2025-12-31", "spatial": "Quảng Ninh",
        "update_frequency": "monthly", "metadata_modified": "2026-02-20T00:00:00.000000",
        "owner_org": "org-1", "maintainer": "Trung tâm Quan trắc",
        "provenance": {"harvest_source": "qn", "source_url": "http://qn.test/dp.json",
                       "retrieved_at": "2026-02-20T00:00:00"},
        "validation": {"status": "valid", "error_count": 0, "error_types": {}},
        "resources": [{"url": "http://qn.test/wqi.csv", "format": "CSV", "url_type": None,
                       "created": "2026-01-01T00:00:00",
                       "schema": {"fields": [{"name": "wqi", "title": "Chỉ số WQI"}]}}],
    }
    package.update(changes)
    return package


def criterion(report: Any, key: str) -> Any:
    return next(c for c in report.criteria if c.key == key)


def test_a_complete_dataset_scores_100() -> None:
    report = score_dataset(good_package(), now=NOW,
                           link_results={"http://qn.test/wqi.csv": {"ok": True}})
    assert report.score == 100
    assert report.to_dict()["to_fix"] == []


def test_points_add_up_to_100() -> None:
    report = score_dataset(good_package(), now=NOW)
    assert sum(c.points for c in report.criteria) == 100


def test_each_failure_says_what_to_fix_in_vietnamese_and_english() -> None:
    package = good_package(license_id="not-specified", notes="Ngắn.", temporal_start=None,
                           temporal_end=None, spatial="", update_frequency="",
                           owner_org=None, provenance={}, maintainer="",
                           validation={"status": "invalid", "error_count": 3,
                                       "error_types": {"type-error": 3}})
    package["resources"] = [{"url": "http://qn.test/a.pdf", "format": "PDF"},
                            {"url": "http://qn.test/b.xlsx", "format": "XLSX", "schema": None}]
    report = score_dataset(package, now=NOW, link_results={"http://qn.test/a.pdf": {"ok": False}})
    explained = report.to_dict()
    assert explained["score"] == 0
    assert set(explained["to_fix"]) == {"license", "description", "temporal", "spatial",
                                        "frequency", "timeliness", "open_format", "links",
                                        "validation", "schema", "provenance"}
    for item in explained["criteria"]:
        assert item["fix"] and item["fix_en"] and item["earned"] == 0


def test_unjudged_criteria_do_not_count() -> None:
    package = good_package(validation={"status": "not-validated"})
    report = score_dataset(package, now=NOW)  # links never checked
    assert criterion(report, "links").passed is None
    assert criterion(report, "validation").passed is None
    assert report.score == 100 and report.to_dict()["possible"] == 80


def test_monthly_dataset_becomes_overdue_after_its_grace() -> None:
    package = good_package(metadata_modified="2026-01-01T00:00:00.000000")
    package["resources"][0]["created"] = "2025-12-01T00:00:00"
    assert not is_overdue(package, datetime(2026, 2, 7))
    assert is_overdue(package, datetime(2026, 2, 9))  # 31 days + 7 days grace
    report = score_dataset(package, now=datetime(2026, 2, 9))
    assert report.overdue and criterion(report, "timeliness").passed is False
    assert report.to_dict()["due"] == "2026-02-08T00:00:00"


def test_irregular_datasets_are_never_overdue() -> None:
    package = good_package(update_frequency="irregular",
                           metadata_modified="2019-01-01T00:00:00")
    package["resources"][0]["created"] = "2019-01-01T00:00:00"
    report = score_dataset(package, now=NOW)
    assert not report.overdue and criterion(report, "timeliness").passed


def test_uploaded_files_need_no_link_check() -> None:
    package = good_package()
    package["resources"][0]["url_type"] = "upload"
    assert criterion(score_dataset(package, now=NOW), "links").passed is True


def test_undescribed_schema_fields_are_named() -> None:
    package = good_package()
    package["resources"][0]["schema"] = {"fields": [{"name": "wqi", "title": "WQI"},
                                                    {"name": "ph"}]}
    found = criterion(score_dataset(package, now=NOW), "schema")
    assert found.passed is False and found.detail["undescribed_fields"] == ["ph"]


def test_harvested_datasets_need_source_url_and_retrieval_time() -> None:
    package = good_package(provenance={"harvest_source": "qn", "source_url": "",
                                       "retrieved_at": None})
    assert criterion(score_dataset(package, now=NOW), "provenance").passed is False

"""A dataset's quality score: criteria with points, what passed and what to fix (issue 9).

A pure function of the package dict (as ``package_show`` returns it), the link checker's
latest results and the time. Criteria that cannot be judged yet (links never checked, nothing
validated, no table to describe) are left out of the total rather than counted as failures,
so the 0–100 score reads as "share of what applies that is done".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from licenses import get_license

MIN_DESCRIPTION = 100  # characters: a sentence or two on what, where, when and how
# Expected time between updates, plus grace before a dataset counts as overdue.
FREQUENCY_DAYS: dict[str, tuple[int, int]] = {
    "continual": (1, 1), "hourly": (1, 1), "daily": (1, 2), "weekly": (7, 3),
    "monthly": (31, 7), "quarterly": (92, 14), "biannual": (183, 30), "annual": (366, 30),
}
UNSCHEDULED = frozenset({"irregular", "never"})
# Open, machine-readable (Law on E-Transactions 2023 Art. 43): not PDF, Word or Excel.
OPEN_FORMATS = frozenset({
    "CSV", "TSV", "JSON", "GEOJSON", "JSONLD", "JSON-LD", "XML", "RDF", "TTL", "NT", "ODS",
    "PARQUET", "GPKG", "KML", "GML", "SHP", "WMS", "WFS", "API", "NDJSON", "TXT",
})
TABULAR_FORMATS = frozenset({"CSV", "TSV", "XLSX", "XLS", "ODS", "PARQUET"})


@dataclass(frozen=True)
class Criterion:
    """One check: ``passed`` is None when it cannot be judged yet (then it does not count)."""

    key: str
    points: int
    passed: bool | None
    title: str
    title_en: str
    fix: str = ""
    fix_en: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def earned(self) -> int:
        return self.points if self.passed else 0

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "points": self.points, "earned": self.earned,
                "passed": self.passed, "title": self.title, "title_en": self.title_en,
                "fix": self.fix if self.passed is False else "",
                "fix_en": self.fix_en if self.passed is False else "", "detail": self.detail}


@dataclass(frozen=True)
class QualityReport:
    score: int  # 0-100 over the criteria that apply
    criteria: tuple[Criterion, ...]
    overdue: bool
    due: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """The ``quality`` key of ``package_show``."""
        judged = [c for c in self.criteria if c.passed is not None]
        return {"score": self.score, "earned": sum(c.earned for c in judged),
                "possible": sum(c.points for c in judged), "overdue": self.overdue,
                "due": self.due.strftime("%Y-%m-%dT%H:%M:%S") if self.due else None,
                "criteria": [c.to_dict() for c in self.criteria],
                "to_fix": [c.key for c in self.criteria if c.passed is False]}


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=None)


def last_updated(package: Mapping[str, Any]) -> datetime | None:
    """When data or metadata last changed: the newest of the package's and its resources' times."""
    times = [_when(package.get("metadata_modified"))]
    for res in package.get("resources") or []:
        times += [_when(res.get("last_modified")), _when(res.get("created"))]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def due_date(package: Mapping[str, Any]) -> datetime | None:
    """When the next update is due (grace included), or None for unscheduled datasets."""
    rule = FREQUENCY_DAYS.get(package.get("update_frequency") or "")
    updated = last_updated(package)
    if rule is None or updated is None:
        return None
    return updated + timedelta(days=rule[0] + rule[1])


def is_overdue(package: Mapping[str, Any], now: datetime) -> bool:
    """Whether the stated update frequency has been missed (grace included)."""
    due = due_date(package)
    return due is not None and now > due


def _licence(p: Mapping[str, Any]) -> Criterion:
    lic = get_license(p.get("license_id") or "not-specified")
    ok = lic is not None and lic.open and lic.id != "not-specified"
    return Criterion("license", 12, ok, "Giấy phép mở được nêu rõ", "An open licence is stated",
                     "Chọn giấy phép mở, ví dụ điều khoản dữ liệu mở theo luật định "
                     "(vn-open-data-terms) hoặc CC-BY-4.0.",
                     "Choose an open licence, e.g. the statutory open-data terms "
                     "(vn-open-data-terms) or CC-BY-4.0.",
                     {"license_id": p.get("license_id")})


def _description(p: Mapping[str, Any]) -> Criterion:
    length = len((p.get("notes") or "").strip())
    return Criterion("description", 10, length >= MIN_DESCRIPTION,
                     "Mô tả đủ chi tiết", "The description is long enough",
                     f"Viết mô tả ít nhất {MIN_DESCRIPTION} ký tự: dữ liệu gì, ở đâu, thời gian "
                     "nào, thu thập thế nào, đơn vị đo.",
                     f"Write a description of at least {MIN_DESCRIPTION} characters: what, "
                     "where, when, how it was collected, units.",
                     {"length": length, "minimum": MIN_DESCRIPTION})


def _temporal(p: Mapping[str, Any]) -> Criterion:
    ok = bool(p.get("temporal_start") or p.get("temporal_end"))
    return Criterion("temporal", 8, ok, "Có phạm vi thời gian", "Temporal coverage is given",
                     "Điền thời gian bắt đầu và kết thúc của dữ liệu.",
                     "Fill in the start and end dates the data covers.")


def _spatial(p: Mapping[str, Any]) -> Criterion:
    return Criterion("spatial", 7, bool((p.get("spatial") or "").strip()),
                     "Có phạm vi không gian", "Spatial coverage is given",
                     "Điền địa bàn dữ liệu bao phủ (tỉnh, huyện, xã).",
                     "Fill in the area the data covers (province, district, commune).")


def _frequency(p: Mapping[str, Any]) -> Criterion:
    return Criterion("frequency", 8, bool(p.get("update_frequency")),
                     "Nêu tần suất cập nhật", "Update frequency is stated",
                     "Chọn tần suất cập nhật (hằng ngày, hằng tháng, hằng năm, không định kỳ…).",
                     "Choose an update frequency (daily, monthly, annual, irregular…).")


def _timeliness(p: Mapping[str, Any], now: datetime) -> Criterion:
    frequency = p.get("update_frequency") or ""
    due = due_date(p)
    if frequency in UNSCHEDULED:
        passed: bool | None = True
    elif not frequency:
        passed = False
    else:
        passed = due is None or now <= due
    return Criterion("timeliness", 10, passed, "Cập nhật đúng tần suất đã nêu",
                     "Updated as often as stated",
                     "Cập nhật dữ liệu (đã quá hạn theo tần suất đã nêu) hoặc sửa tần suất cho "
                     "đúng thực tế." if frequency else "Nêu tần suất cập nhật trước.",
                     "Publish the overdue update, or correct the stated frequency."
                     if frequency else "State an update frequency first.",
                     {"due": due.strftime("%Y-%m-%dT%H:%M:%S") if due else None,
                      "last_updated": (lu.strftime("%Y-%m-%dT%H:%M:%S")
                                       if (lu := last_updated(p)) else None)})


def _formats(p: Mapping[str, Any]) -> Criterion:
    formats = sorted({(r.get("format") or "").upper() for r in p.get("resources") or []} - {""})
    return Criterion("open_format", 10, any(f in OPEN_FORMATS for f in formats),
                     "Có định dạng mở, máy đọc được", "An open machine-readable format",
                     "Thêm một tài nguyên dạng CSV, JSON hoặc GeoJSON (PDF, Word, Excel không "
                     "phải định dạng mở).",
                     "Add a CSV, JSON or GeoJSON resource (PDF, Word and Excel are not open "
                     "formats).", {"formats": formats})


def _links(p: Mapping[str, Any], results: Mapping[str, Any] | None) -> Criterion:
    external = [r.get("url") for r in p.get("resources") or []
                if r.get("url") and r.get("url_type") != "upload"]
    broken: list[str] = []
    unknown = 0
    for url in external:
        result = (results or {}).get(url)
        ok = None if result is None else (result.get("ok") if isinstance(result, Mapping)
                                          else getattr(result, "ok", None))
        if ok is None:
            unknown += 1
        elif not ok:
            broken.append(url)
    passed: bool | None = False if broken else (None if unknown else True)
    return Criterion("links", 10, passed, "Mọi liên kết tài nguyên truy cập được",
                     "Every resource link is reachable",
                     "Sửa hoặc thay các liên kết hỏng, hoặc tải tệp lên cổng.",
                     "Fix or replace the broken links, or upload the files to the portal.",
                     {"broken": broken, "unchecked": unknown, "checked": len(external) - unknown})


def _validation(p: Mapping[str, Any]) -> Criterion:
    summary = p.get("validation") or {}
    status = summary.get("status", "not-validated")
    passed = None if status == "not-validated" else status == "valid"
    return Criterion("validation", 10, passed, "Dữ liệu hợp lệ theo Frictionless",
                     "Frictionless validation passes",
                     "Sửa các lỗi kiểm tra dữ liệu (xem báo cáo kiểm tra của từng tài nguyên).",
                     "Fix the validation errors (see each resource's validation report).",
                     {"status": status, "error_count": summary.get("error_count", 0),
                      "error_types": summary.get("error_types", {})})


def _schema(p: Mapping[str, Any]) -> Criterion:
    tabular = [r for r in p.get("resources") or []
               if (r.get("format") or "").upper() in TABULAR_FORMATS]
    undescribed: list[str] = []
    missing_schema = 0
    for res in tabular:
        fields = ((res.get("schema") or {}).get("fields")) or []
        if not fields:
            missing_schema += 1
        undescribed += [str(f.get("name")) for f in fields
                        if not (f.get("title") or f.get("description"))]
    passed = None if not tabular else not missing_schema and not undescribed
    return Criterion("schema", 8, passed, "Các trường dữ liệu được mô tả (Table Schema)",
                     "Table Schema fields are described",
                     "Khai báo Table Schema cho từng bảng và đặt tiêu đề hoặc mô tả (kèm đơn vị) "
                     "cho mọi trường.",
                     "Give each table a Table Schema and every field a title or description "
                     "(with units).",
                     {"tables": len(tabular), "without_schema": missing_schema,
                      "undescribed_fields": undescribed[:20]})


def _provenance(p: Mapping[str, Any]) -> Criterion:
    prov = p.get("provenance") or {}
    has_org = bool(p.get("owner_org") or p.get("organization"))
    if prov.get("harvest_source"):
        complete = has_org and bool(prov.get("source_url") and prov.get("retrieved_at"))
    else:
        complete = has_org and bool(p.get("maintainer") or p.get("author")
                                    or p.get("maintainer_email") or p.get("author_email"))
    return Criterion("provenance", 7, complete, "Nguồn dữ liệu ghi đầy đủ",
                     "Source attribution is complete",
                     "Nêu cơ quan chủ quản, đầu mối liên hệ và (với dữ liệu thu thập) địa chỉ "
                     "nguồn và thời điểm khai thác.",
                     "Name the owning agency and a contact and, for harvested data, the source "
                     "address and retrieval time.", {"harvested": bool(prov.get("harvest_source"))})


CHECKS: tuple[Callable[..., Criterion], ...] = (
    _licence, _description, _temporal, _spatial, _frequency, _formats, _validation, _schema,
    _provenance,
)


def score_dataset(package: Mapping[str, Any], *, now: datetime,
                  link_results: Mapping[str, Any] | None = None) -> QualityReport:
    """Score a package dict. ``link_results`` maps URL -> LinkResult (or a dict with ``ok``)."""
    criteria = [check(package) for check in CHECKS]
    criteria.insert(5, _timeliness(package, now))
    criteria.insert(7, _links(package, link_results))
    judged = [c for c in criteria if c.passed is not None]
    possible = sum(c.points for c in judged)
    score = round(100 * sum(c.earned for c in judged) / possible) if possible else 0
    return QualityReport(score, tuple(criteria), is_overdue(package, now), due_date(package))

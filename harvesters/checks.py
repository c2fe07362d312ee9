"""Which validation check a harvested file failed, in Vietnamese for the agency officer
(issue 16 item 8: "invalid: which check").

Frictionless names its checks in English codes (``type-error``, ``blank-row``…); the harvest
report says what each means and how often it happened, so an officer knows what to fix
without opening the validation report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CHECK_LABELS: dict[str, str] = {
    "type-error": "sai kiểu dữ liệu (ô không đúng kiểu của cột)",
    "constraint-error": "vi phạm ràng buộc của cột",
    "missing-cell": "thiếu ô (dòng ngắn hơn tiêu đề)",
    "extra-cell": "thừa ô (dòng dài hơn tiêu đề)",
    "blank-row": "dòng trống",
    "blank-label": "tiêu đề cột trống",
    "blank-header": "dòng tiêu đề trống",
    "duplicate-label": "tiêu đề cột bị trùng",
    "missing-label": "thiếu tiêu đề cột",
    "extra-label": "thừa tiêu đề cột",
    "incorrect-label": "tiêu đề cột không khớp lược đồ",
    "primary-key": "trùng khóa chính",
    "unique-error": "giá trị trùng ở cột phải duy nhất",
    "foreign-key": "vi phạm khóa ngoại",
    "row-constraint": "vi phạm ràng buộc của dòng",
    "encoding-error": "lỗi mã hóa ký tự",
    "source-error": "không đọc được tệp",
    "format-error": "định dạng tệp không đúng",
    "scheme-error": "không đọc được địa chỉ tệp",
    "json-error": "JSON không hợp lệ",
    "geojson-error": "GeoJSON không hợp lệ",
    "limit-error": "vượt giới hạn kiểm tra",
    "schema-error": "lược đồ bảng không hợp lệ",
    "byte-count": "kích thước tệp không khớp",
    "hash-count": "mã băm tệp không khớp",
}


def check_label(kind: str) -> str:
    """The Vietnamese name of a validation check (the code itself when we have none)."""
    return CHECK_LABELS.get(kind, kind)


def invalid_reason(name: str, report: Mapping[str, Any]) -> str:
    """One line per failed file: which checks failed, how often, with the code."""
    kinds = report.get("error_types") or {}
    parts = [f"{check_label(str(kind))} ({kind}): {count}" for kind, count in kinds.items()]
    return f"Dữ liệu không hợp lệ — {name}: " + ("; ".join(parts) or "xem báo cáo kiểm tra")

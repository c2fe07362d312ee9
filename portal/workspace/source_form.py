"""The harvest source form (issue 19): from its fields to a ``[[source]]`` table and back.

The table is what a config file would hold, so ``harvesters.config`` checks a source added
on the web exactly as one in ``harvest.toml``. Keys the form has no field for (filters,
limits, type-specific options) are edited as TOML in "more settings".
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from harvesters.config import LOCATION_KEYS

SCHEDULES = ("manual", "hourly", "daily", "weekly")
FIELDS = ("name", "title", "type", "location", "schedule", "cron", "publish", "default_license",
          "default_groups", "access_class", "extra")
CHECKBOXES = ("reject_invalid", "undescribed")
# Keys the form's own fields set; "more settings" may not set them again.
FORM_KEYS = frozenset({"name", "title", "type", "organization", "schedule", "publish",
                       "default_license", "default_groups", "access_class", "reject_invalid",
                       "undescribed", *LOCATION_KEYS})


def labels() -> dict[str, str]:
    """Field -> the words the form and its errors use."""
    return {"name": _("Tên nguồn"), "title": _("Tên hệ thống của cơ quan"),
            "type": _("Loại nguồn"), "location": _("Địa chỉ"), "schedule": _("Lịch thu thập"),
            "cron": _("Lịch cron"), "publish": _("Công bố"),
            "default_license": _("Giấy phép mặc định"), "default_groups": _("Lĩnh vực"),
            "access_class": _("Mức truy cập"), "reject_invalid": _("Từ chối dữ liệu lỗi"),
            "undescribed": _("Thu thập cả tệp chưa mô tả"), "extra": _("Thiết lập khác"),
            "organization": _("Cơ quan"), "config": _("Cấu hình")}


def location_key(locations: tuple[str, ...], location: str) -> str:
    """Which of url/path/dsn the address goes to, for a type that accepts ``locations``."""
    if "dsn" in locations and "url" not in locations and "path" not in locations:
        return "dsn"
    if "://" in location and "url" in locations:
        return "url"
    return "path" if "path" in locations else locations[0]


def server_side(key: str, location: str) -> bool:
    """Whether the address reaches into the server itself (a folder, a file://, a database)."""
    return key != "url" or not location.lower().startswith(("http://", "https://"))


def toml_value(value: Any) -> str:
    """One TOML value: strings and lists as JSON writes them (valid TOML), tables inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def to_table(form: Mapping[str, str], organization: str, locations: tuple[str, ...]
             ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The ``[[source]]`` table the form describes, and the form's own errors by field."""
    errors: dict[str, list[str]] = {}
    table: dict[str, Any] = {"name": form.get("name", "").strip(), "type": form.get("type", ""),
                             "organization": organization}
    for key in ("title", "default_license", "access_class"):
        if form.get(key, "").strip():
            table[key] = form[key].strip()
    location = form.get("location", "").strip()
    if not location:
        errors["location"] = [_("Chưa điền")]
    elif locations:
        table[location_key(locations, location)] = location
    schedule = form.get("schedule") or "manual"
    table["schedule"] = form.get("cron", "").strip() if schedule == "cron" else schedule
    table["publish"] = "review" if form.get("publish") == "review" else "auto"
    groups = [g.strip() for g in form.get("default_groups", "").split(",") if g.strip()]
    if groups:
        table["default_groups"] = groups
    if form.get("reject_invalid"):
        table["reject_invalid"] = True
    if form.get("undescribed"):
        table["undescribed"] = True
    try:
        extra = tomllib.loads(form.get("extra", ""))
    except tomllib.TOMLDecodeError as exc:
        errors["extra"] = [_("Không đọc được (TOML): %(error)s", error=str(exc))]
        extra = {}
    clash = sorted(k for k in extra if k in FORM_KEYS)
    if clash:
        errors["extra"] = [_("Các khóa này có ô riêng trong biểu mẫu: %(keys)s",
                             keys=", ".join(clash))]
    table.update({k: v for k, v in extra.items() if k not in FORM_KEYS})
    return table, errors


def to_form(table: Mapping[str, Any]) -> dict[str, str]:
    """The form's fields for a stored table (to edit it)."""
    schedule = str(table.get("schedule", "manual"))
    values = {
        "name": str(table.get("name", "")), "title": str(table.get("title", "")),
        "type": str(table.get("type", "")),
        "location": next((str(table[k]) for k in LOCATION_KEYS if table.get(k)), ""),
        "schedule": schedule if schedule in SCHEDULES else "cron",
        "cron": "" if schedule in SCHEDULES else schedule,
        "publish": str(table.get("publish", "auto")),
        "default_license": str(table.get("default_license", "")),
        "default_groups": ", ".join(table.get("default_groups", [])),
        "access_class": str(table.get("access_class", "")),
        "reject_invalid": "on" if table.get("reject_invalid") else "",
        "undescribed": "on" if table.get("undescribed") else "",
    }
    rest = {k: v for k, v in table.items() if k not in FORM_KEYS}
    values["extra"] = "\n".join(f"{k} = {toml_value(v)}" for k, v in rest.items())
    return values


def problem_field(key: str) -> str:
    """The form field a config checker's key belongs to."""
    if key in LOCATION_KEYS or " | " in key:
        return "location"
    if key in FORM_KEYS or key == "organization":
        return key
    return "extra"

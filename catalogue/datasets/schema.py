"""Validation of dataset and resource input, in CKAN's package dict shape.

Errors are collected per field (as CKAN reports them) and raised together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from catalogue.classification import (
    DEFAULT_ACCESS_CLASS,
    DEFAULT_IMPORTANCE,
    check_access_class,
    check_importance,
)
from catalogue.dictionary.entries import PATCH_KEY, clean_patch
from catalogue.errors import ValidationError
from licenses import get_license

NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")
TAG_RE = re.compile(r"^[\w .\-&/()',]{1,100}$", re.UNICODE)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STATES = ("active", "draft", "deleted")
FREQUENCIES = ("", "continual", "hourly", "daily", "weekly", "monthly", "quarterly",
               "biannual", "annual", "irregular", "never")

TEXT_FIELDS: dict[str, int] = {
    "title": 500, "title_en": 500, "notes": 100_000, "notes_en": 100_000, "url": 1000,
    "version": 100, "author": 300, "maintainer": 300, "spatial": 500, "type": 50,
    "harvest_source": 100, "source_identifier": 500, "source_url": 1000, "content_hash": 64,
}
RESOURCE_TEXT_FIELDS: dict[str, int] = {
    "url": 2000, "name": 500, "description": 100_000, "format": 50, "mimetype": 200,
}


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _text(value: Any, field: str, limit: int, errors: _Errors) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        errors.add(field, "Must be a string")
        return ""
    text = str(value).strip()
    if len(text) > limit:
        errors.add(field, f"Must be at most {limit} characters long")
    return text


def _bool(value: Any, field: str, errors: _Errors) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false", "1", "0", "yes", "no"}:
        return value.lower() in {"true", "1", "yes"}
    errors.add(field, "Must be true or false")
    return False


def parse_date(value: Any) -> date | None:
    """A date from 'YYYY', 'YYYY-MM', 'YYYY-MM-DD' or an ISO datetime; None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt, length in (("%Y", 4), ("%Y-%m", 7), ("%Y-%m-%d", 10)):
        if len(text) == length:
            return datetime.strptime(text, fmt).date()
    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def parse_datetime(value: Any) -> datetime | None:
    """A naive UTC datetime from ISO text; None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        from datetime import UTC

        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _names(value: Any, field: str, errors: _Errors) -> list[str]:
    """Tags and groups arrive as ['a'] or [{'name': 'a'}] (CKAN accepts both)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list):
        errors.add(field, "Must be a list")
        return []
    names: list[str] = []
    for item in value:
        name = item.get("name") if isinstance(item, Mapping) else item
        if not isinstance(name, str) or not name.strip():
            errors.add(field, f"Invalid item: {item!r}")
            continue
        names.append(name.strip())
    return list(dict.fromkeys(names))


def clean_dataset(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check dataset input and return only the fields given, cleaned.

    With ``partial`` (patch), absent fields are left out; otherwise ``name`` is required.
    """
    if not isinstance(data, Mapping):
        raise ValidationError({"__root__": ["Must be a JSON object"]})
    errors = _Errors()
    out: dict[str, Any] = {}

    if "name" in data or not partial:
        name = data.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            errors.add("name", "Must be 2–100 characters: lowercase a-z, 0-9, - and _")
        else:
            out["name"] = name
    for field, limit in TEXT_FIELDS.items():
        if field in data:
            out[field] = _text(data[field], field, limit, errors)
    for field in ("author_email", "maintainer_email"):
        if field in data:
            value = _text(data[field], field, 300, errors)
            if value and not EMAIL_RE.match(value):
                errors.add(field, "Must be an e-mail address")
            out[field] = value
    if "license_id" in data:
        license_id = _text(data["license_id"], "license_id", 100, errors) or "not-specified"
        found = get_license(license_id)
        if found is None:
            errors.add("license_id", f"Unknown licence: {license_id}")
        else:
            out["license_id"] = found.id
    if "state" in data:
        state = data["state"] or "active"
        if state not in STATES:
            errors.add("state", f"Must be one of {', '.join(STATES)}")
        out["state"] = state
    if "private" in data:
        out["private"] = _bool(data["private"], "private", errors)
    if "update_frequency" in data:
        freq = _text(data["update_frequency"], "update_frequency", 50, errors)
        if freq not in FREQUENCIES:
            choices = ", ".join(f for f in FREQUENCIES if f)
            errors.add("update_frequency", f"Must be one of {choices}")
        out["update_frequency"] = freq
    # Law on Data 2024 Art. 13 classes (issue 9); absent on update means "keep".
    for field, check, default in (("access_class", check_access_class, DEFAULT_ACCESS_CLASS),
                                  ("importance", check_importance, DEFAULT_IMPORTANCE)):
        if field in data:
            value = _text(data[field], field, 20, errors) or default
            if (problem := check(value)) is not None:
                errors.add(field, problem)
            out[field] = value
    for field in ("temporal_start", "temporal_end"):
        if field in data:
            try:
                out[field] = parse_date(data[field])
            except ValueError:
                errors.add(field, "Must be a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if "retrieved_at" in data:
        try:
            out["retrieved_at"] = parse_datetime(data["retrieved_at"])
        except ValueError:
            errors.add("retrieved_at", "Must be an ISO 8601 date-time")
    if "owner_org" in data:
        out["owner_org"] = _text(data["owner_org"], "owner_org", 100, errors) or None
    if "tags" in data:
        tags = _names(data["tags"], "tags", errors)
        for tag in tags:
            if not TAG_RE.match(tag):
                errors.add("tags",
                           f"Tag \"{tag}\" may only contain letters, digits, spaces and -_.")
        out["tags"] = tags
    if "groups" in data:
        out["groups"] = _names(data["groups"], "groups", errors)
    if "extras" in data:
        out["extras"] = _clean_extras(data["extras"], errors)
    if PATCH_KEY in data:  # column labels, descriptions, units (issue 21 item 5)
        try:
            out[PATCH_KEY] = clean_patch(data[PATCH_KEY])
        except ValidationError as exc:
            for msg in exc.errors[PATCH_KEY]:
                errors.add(PATCH_KEY, msg)
    if "resources" in data:
        resources = data["resources"]
        if not isinstance(resources, list):
            errors.add("resources", "Must be a list")
        else:
            cleaned = []
            for index, res in enumerate(resources):
                try:
                    cleaned.append(clean_resource(res))
                except ValidationError as exc:
                    for field, msgs in exc.errors.items():
                        for msg in msgs:
                            errors.add(f"resources[{index}].{field}", msg)
            out["resources"] = cleaned
    errors.raise_if_any()
    return out


def _clean_extras(value: Any, errors: _Errors) -> dict[str, str]:
    """Extras as CKAN sends them ([{'key','value'}]) or as a plain mapping."""
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list):
        items = []
        for item in value:
            if not isinstance(item, Mapping) or "key" not in item:
                errors.add("extras", f"Each extra needs a key: {item!r}")
                continue
            items.append((item["key"], item.get("value", "")))
    else:
        errors.add("extras", "Must be a list of {key, value}")
        return {}
    extras: dict[str, str] = {}
    for key, val in items:
        if not isinstance(key, str) or not key or len(key) > 200:
            errors.add("extras", f"Invalid extra key: {key!r}")
            continue
        extras[key] = val if isinstance(val, str) else str(val)
    return extras


def clean_resource(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check resource input; return the fields given, cleaned."""
    if not isinstance(data, Mapping):
        raise ValidationError({"__root__": ["Must be a JSON object"]})
    errors = _Errors()
    out: dict[str, Any] = {}
    if "id" in data and data["id"]:
        out["id"] = _text(data["id"], "id", 36, errors)
    for field, limit in RESOURCE_TEXT_FIELDS.items():
        if field in data:
            out[field] = _text(data[field], field, limit, errors)
    if "format" in out:
        out["format"] = out["format"].upper().lstrip(".")
    if "size" in data and data["size"] not in (None, ""):
        try:
            out["size"] = int(data["size"])
            if out["size"] < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors.add("size", "Must be a non-negative integer")
    for source in ("sha256", "hash"):
        if data.get(source):
            digest = str(data[source]).removeprefix("sha256:").lower()
            if re.fullmatch(r"[0-9a-f]{64}", digest):
                out["sha256"] = digest
            elif source == "sha256":
                errors.add("sha256", "Must be 64 hexadecimal digits")
    if "schema" in data and data["schema"] not in (None, ""):
        if not isinstance(data["schema"], Mapping):
            errors.add("schema", "Must be a Table Schema object")
        else:
            out["schema"] = dict(data["schema"])
    if "last_modified" in data:
        try:
            out["last_modified"] = parse_datetime(data["last_modified"])
        except ValueError:
            errors.add("last_modified", "Must be an ISO 8601 date-time")
    errors.raise_if_any()
    return out

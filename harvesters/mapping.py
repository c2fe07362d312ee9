"""Mapping a source's vocabulary onto the catalogue's: names, tags, licences, publishability."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from harvesters.base import SourceRecord
from harvesters.config import Filters
from harvesters.coverage import admin_unit, frequency_word, iso_date
from harvesters.rights import access_of
from licenses.matching import find_license

# Tags and flags that mark a record as not for the public (Decree 47/2020 art. 5: open data
# excludes state secrets; "mật", "tối mật", "tuyệt mật" are the secrecy grades).
RESTRICTED_TAGS = frozenset({"mật", "tối mật", "tuyệt mật", "restricted", "confidential",
                             "nội bộ", "internal", "không công khai"})
RESTRICTED_EXTRA_KEYS = ("restricted", "classification", "do_mat", "độ mật")
ACCESS_EXTRA_KEYS = ("access_level", "access_rights", "accesslevel", "accessrights")
PUBLIC_VALUES = frozenset({"", "false", "0", "no", "public", "open", "công khai", "mở"})
TAG_BAD = re.compile(r"[^\w .\-&/()',]+", re.UNICODE)


def slugify(text: str, limit: int = 90) -> str:
    """A dataset name from any text: Vietnamese letters without marks, a-z0-9 and dashes."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_-]+", "-", ascii_text.lower()).strip("-_")
    return re.sub(r"-{2,}", "-", slug)[:limit].strip("-_")


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags the catalogue accepts: odd characters become spaces; empty ones dropped."""
    cleaned = []
    for tag in tags:
        value = re.sub(r"\s+", " ", TAG_BAD.sub(" ", str(tag))).strip()[:100].strip()
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned


def map_license(value: str, default: str) -> tuple[str, str]:
    """(licence id, note): the registry id for an id, alias, title or URL; the default only
    when the record names none. An unknown licence is never replaced by the default (issue
    16: fail closed): it becomes ``not-specified``; harvesters.rights holds such records."""
    if not value:
        return default, ""
    found = find_license(value)
    if found is None:
        return "not-specified", f"unknown licence {value!r}: recorded as not-specified"
    return found.id, ""


def restriction(record: SourceRecord) -> str:
    """Why a record is refused or marked as not for the public, or ""."""
    if record.refused_reason:
        return record.refused_reason
    if record.not_publishable:
        return record.not_publishable
    for tag in record.tags:
        if tag.strip().lower() in RESTRICTED_TAGS:
            return f"marked restricted (tag {tag!r})"
    for key, value in record.extras.items():
        if key.strip().lower() in ACCESS_EXTRA_KEYS:
            # Free text ("Statement about access rights") is not a refusal: the mappers
            # hold such records for review (harvesters.rights.judge_access).
            if access_of(str(value)) == "non-public":
                return f"marked restricted ({key} = {value!r})"
            continue
        if key.strip().lower() in RESTRICTED_EXTRA_KEYS and str(value).strip().lower() \
                not in PUBLIC_VALUES:
            return f"marked restricted ({key} = {value!r})"
    return ""


def filtered_out(record: SourceRecord, filters: Filters) -> str:
    """Why the source's filters leave this record out, or ""."""
    tags = {t.lower() for t in record.tags}
    if filters.include_tags and not tags & {t.lower() for t in filters.include_tags}:
        return "filtered out: none of the include_tags"
    excluded = tags & {t.lower() for t in filters.exclude_tags}
    if excluded:
        return f"filtered out: tag {sorted(excluded)[0]!r} is in exclude_tags"
    if filters.organizations and record.organization not in filters.organizations:
        return f"filtered out: organization {record.organization!r} not in organizations"
    if record.organization and record.organization in filters.exclude_organizations:
        return f"filtered out: organization {record.organization!r} is excluded"
    if filters.query:
        text = f"{record.title} {record.notes}".lower()
        missing = [w for w in filters.query.lower().split() if w not in text]
        if missing:
            return f"filtered out: query word {missing[0]!r} not in title or description"
    return ""


def split_temporal(value: str) -> tuple[str, str]:
    """An ISO 8601 interval "start/end" (or a single date) as (start, end)."""
    if not value:
        return "", ""
    # "01/07/2025/31/12/2025" or "01/07/2025 - 31/12/2025": Vietnamese dates (issue 16).
    dates = re.findall(r"\d{1,2}/\d{1,2}/\d{4}", value)
    if dates and re.fullmatch(r"\s*\d{1,2}/\d{1,2}/\d{4}(\s*[/–-]\s*\d{1,2}/\d{1,2}/\d{4})?\s*",
                              value):
        return dates[0], dates[-1] if len(dates) > 1 else ""
    start, _, end = value.partition("/")
    return start.strip(), end.strip()


def _words(value: object) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


TRUE_TEXT = frozenset({"true", "1", "yes", "có", "x"})


def record_from_entry(identifier: str, entry: dict[str, object], source_url: str) -> SourceRecord:
    """A record from the flat metadata agencies write in sidecars, catalog.csv rows and the
    SQL source's [[source.table]] entries (keys documented in the README)."""
    start, end = split_temporal(str(entry.get("temporal") or ""))
    restricted = entry.get("restricted")
    flagged = restricted is True or str(restricted).strip().lower() in TRUE_TEXT
    text = {k: str(entry.get(k) or "") for k in (
        "name", "title", "title_en", "description", "description_en", "license", "spatial",
        "update_frequency", "organization", "version", "author", "author_email",
        "maintainer", "maintainer_email", "url")}
    # Agencies write dd/mm/yyyy and Vietnamese frequency words ("hàng năm"): read them
    # rather than drop them (issue 16); what cannot be read is logged by the importer.
    start, end = iso_date(start) or start, iso_date(end) or end
    frequency = frequency_word(text["update_frequency"]) or text["update_frequency"]
    return SourceRecord(
        identifier=identifier, name=text["name"], title=text["title"] or text["name"] or identifier,
        title_en=text["title_en"], notes=text["description"], notes_en=text["description_en"],
        tags=_words(entry.get("tags")), groups=_words(entry.get("groups")),
        license=text["license"], organization=text["organization"], url=text["url"],
        source_url=source_url, version=text["version"], author=text["author"],
        author_email=text["author_email"], maintainer=text["maintainer"],
        maintainer_email=text["maintainer_email"], temporal_start=start, temporal_end=end,
        spatial=text["spatial"], update_frequency=frequency,
        not_publishable="marked restricted in the source" if flagged else "",
        extras=admin_unit(text["spatial"]),
    )

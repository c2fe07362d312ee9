"""Whether a harvested record may be published: its licence and its access rights (issue 16).

Both decisions fail closed. A licence is mapped to exactly one registry licence; one we do
not know, or one that is not open (non-commercial, no-derivatives, "other (not open)"), is
kept as the source stated it and the record is *held for review* — never published under
the statutory open terms instead. Access rights give three answers: explicitly public
(published), explicitly not public (*refused*: skipped, never stored where the public can
see it) and unknown or missing (*held for review*), so only what the source marks public
goes out on its own.

Reasons are written for the agency officer who acts on the harvest report, in Vietnamese,
quoting what the source said.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from harvesters.base import SourceRecord
from licenses import License
from licenses.matching import find_license

# The start of every hold reason, so reports and tests can tell them apart.
HOLD_LICENCE_UNKNOWN = "Giấy phép chưa xác định"
HOLD_LICENCE_NOT_OPEN = "Giấy phép không mở"
HOLD_LICENCE_MISSING = "Nguồn không nêu giấy phép"
HOLD_ACCESS_UNKNOWN = "Quyền truy cập chưa xác định"
REFUSED_NOT_PUBLIC = "Không công khai"
REFUSED_EMPTY = "Bản ghi rỗng"
# The start of the review-queue message of a record held for these reasons.
HELD_PREFIX = "Giữ lại chờ duyệt"

# Source types whose records are the agency's own files and tables: a record there that
# names no licence is published under the site's default terms (the statutory open-data
# terms, Law on E-Transactions 2023 Art. 43). Catalogues (CKAN, DCAT, data.json) state
# licences; one of their records stating none is held unless the harvest config names a
# ``default_license`` for the source.
OWN_DATA_TYPES = frozenset({"files", "sql", "datapackage"})

# Access rights as words (folded: lower case, no marks, "_"/"-" as spaces) and as the last
# segment of EU access-right URIs (…/authority/access-right/NON_PUBLIC).
PUBLIC_WORDS = frozenset({"public", "open", "open data", "cong khai", "mo", "du lieu mo"})
NON_PUBLIC_WORDS = frozenset({
    "non public", "nonpublic", "not public", "restricted", "restricted public", "private",
    "internal", "confidential", "sensitive", "secret", "closed", "noi bo", "han che",
    "khong cong khai", "mat", "toi mat", "tuyet mat", "rieng", "du lieu rieng",
    "dung chung", "du lieu dung chung", "shared",
})


def fold(text: str) -> str:
    """Lower case without Vietnamese marks; "_" and "-" become spaces."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_\-]+", " ", plain.lower()).strip()


def access_of(value: str) -> str:
    """``public``, ``non-public`` or "" (unknown) for an access-rights word or URI."""
    text = value.strip()
    if re.match(r"^[a-z]+://", text, re.IGNORECASE):
        text = text.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    word = fold(text)
    if word in PUBLIC_WORDS:
        return "public"
    if word in NON_PUBLIC_WORDS:
        return "non-public"
    return ""


def judge_access(record: SourceRecord, value: str, where: str) -> None:
    """Refuse a record its source marks non-public; hold one whose access is unknown.

    ``value`` is what the source said (a URI, a word, free text or ""); ``where`` names the
    field (``dct:accessRights``, ``accessLevel``…) for the reason.
    """
    kind = access_of(value)
    if kind == "public":
        return
    if kind == "non-public":
        record.not_publishable = record.not_publishable or \
            f"{REFUSED_NOT_PUBLIC}: nguồn ghi {where} = {value.strip()!r}"
        return
    said = f"nguồn ghi {where} = {value.strip()!r}" if value.strip() else \
        f"nguồn không ghi {where}"
    record.hold_reasons.append(f"{HOLD_ACCESS_UNKNOWN}: {said}; chỉ bản ghi được nguồn "
                               f"ghi rõ là công khai mới được công bố tự động")


def refuse_if_empty(record: SourceRecord) -> None:
    """An empty or nameless record (no title, no name) is refused, never published as
    "dataset"."""
    if not record.title.strip() and not record.name.strip():
        record.refused_reason = record.refused_reason or \
            f"{REFUSED_EMPTY}: không có tiêu đề hay tên — không thu thập"


@dataclass(frozen=True)
class Statement:
    """One licence statement of a record (the dataset's, or one distribution's)."""

    where: str
    values: tuple[str, ...]  # id, title, URL as the source gave them (some may be "")

    def shown(self) -> str:
        return " / ".join(repr(v) for v in self.values if v)


def _settle(statement: Statement) -> License | None:
    """The licence a statement names; a non-open reading wins over an open one (an id
    saying ``cc-by`` with a URL saying ``by-nc`` is not open)."""
    found = [lic for lic in (find_license(v) for v in statement.values if v) if lic]
    closed = [lic for lic in found if not lic.open]
    return (closed or found)[0] if found else None


def statements(record: SourceRecord) -> list[Statement]:
    """Every licence statement of the record: its own, then each resource's."""
    found = []
    own = (record.license, record.license_title, record.license_url)
    if any(v.strip() for v in own):
        found.append(Statement("bộ dữ liệu", tuple(v.strip() for v in own)))
    for res in record.resources:
        if res.license.strip():
            found.append(Statement(f"tài nguyên {res.name!r}", (res.license.strip(),)))
    return found


def judge_license(record: SourceRecord, fallback: str) -> None:
    """Set ``record.license`` to a registry id and hold the record when it is not open.

    ``fallback`` is the licence for a record stating none (the source's ``default_license``,
    or the site's for the agency's own data), or "" to hold such a record. What the source
    said is kept in ``extras`` (``source_license_id``, ``_title``, ``_url``).
    """
    said = statements(record)
    for key, value in (("source_license_id", record.license),
                       ("source_license_title", record.license_title),
                       ("source_license_url", record.license_url)):
        if value.strip():
            record.extras[key] = value.strip()
    if not said:
        default = find_license(fallback) if fallback else None
        if default is not None:
            record.license = default.id
            if not default.open:
                record.hold_reasons.append(
                    f"{HOLD_LICENCE_NOT_OPEN}: bản ghi không có giấy phép; giấy phép mặc định "
                    f"{default.title_en} ({default.id}) không phải giấy phép mở")
            return
        record.license = "not-specified"
        record.hold_reasons.append(
            f"{HOLD_LICENCE_MISSING}: bản ghi không có giấy phép và cấu hình nguồn không đặt "
            f"default_license")
        return
    settled = [(s, _settle(s)) for s in said]
    unknown = [s for s, lic in settled if lic is None]
    closed = [(s, lic) for s, lic in settled if lic is not None and not lic.open]
    known = [lic for _, lic in settled if lic is not None]
    chosen = (closed[0][1] if closed else None) or (known[0] if known else None)
    record.license = chosen.id if chosen is not None else "not-specified"
    # One reason per distinct statement, naming every place it was made (a catalogue may
    # repeat one licence on dozens of distributions).
    for (said_text, _), where in _grouped((s, None) for s in unknown).items():
        record.hold_reasons.append(f"{HOLD_LICENCE_UNKNOWN}: {where} ghi {said_text} — không "
                                   f"khớp giấy phép nào đã biết")
    for (shown, lic_id), where in _grouped(closed).items():
        lic = find_license(lic_id or "")
        if lic is None or lic.id == "not-specified":  # CKAN's "notspecified": names none
            record.hold_reasons.append(f"{HOLD_LICENCE_MISSING}: {where} ghi {shown} (chưa "
                                       f"xác định giấy phép)")
            continue
        record.hold_reasons.append(f"{HOLD_LICENCE_NOT_OPEN}: {where} ghi {shown} = "
                                   f"{lic.title_en} ({lic.id})")
    distinct = {lic.id for lic in known}
    if len(distinct) > 1 and not closed:
        record.extras["source_licenses"] = ", ".join(sorted(distinct))


def _grouped(pairs: Iterable[tuple[Statement, License | None]]
             ) -> dict[tuple[str, str | None], str]:
    """(what was said, licence id) -> the places it was said, joined."""
    places: dict[tuple[str, str | None], list[str]] = {}
    for statement, lic in pairs:
        places.setdefault((statement.shown(), lic.id if lic else None), []).append(
            statement.where)
    return {key: ", ".join(where) for key, where in places.items()}


def default_license_for(source_type: str, source_default: str, site_default: str) -> str:
    """The licence a record naming none gets: the source's ``default_license``; the site's
    for the agency's own files and tables; else "" (the record is held)."""
    if source_default:
        return source_default
    return site_default if source_type in OWN_DATA_TYPES else ""


def judge_record(record: SourceRecord, *, source_type: str, source_default: str,
                 site_default: str) -> None:
    """Every check every source type shares: an empty record is refused; the licence is
    settled (and the record held when it is unknown or not open)."""
    refuse_if_empty(record)
    judge_license(record, default_license_for(source_type, source_default, site_default))


def held_summary(reasons: Iterable[str]) -> str:
    """The hold reasons as one message for the review queue and the harvest report."""
    lines = list(dict.fromkeys(reasons))
    return f"{HELD_PREFIX} (held for review):\n" + "\n".join(f"- {r}" for r in lines)

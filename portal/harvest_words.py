"""Harvest reasons and log lines in the reader's language (issue 19).

The harvesters write each record's reason and log in English (the CLI and the job's JSON
report keep them so); the workspace pages show the common ones in words, matched by pattern,
with the record's own values (tags, file names) kept. Lines no pattern knows stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask, g
from flask_babel import gettext

from catalogue.harvest.model import HarvestJob
from catalogue.privacy.screen import LABELS
from portal.catalogue_ext import catalogue_of
from portal.i18n import format_moment, is_english


def _(message: str, /, **variables: Any) -> str:
    """``gettext``, typed (Flask-Babel's is not); extraction sees ``_`` as usual."""
    return str(gettext(message, **variables))


def _patterns() -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]:
    return [
        (re.compile(r"not public in the source \(Law on Data 2024 Art\. 13\): (.*)"),
         lambda m: _("không công khai ở nguồn (Luật Dữ liệu 2024, Điều 13): %(why)s",
                     why=reason(m[1]))),
        (re.compile(r"no longer publishable: (.*)"),
         lambda m: _("không còn được công bố: %(why)s", why=reason(m[1]))),
        (re.compile(r"marked restricted in the source"),
         lambda m: _("được đánh dấu hạn chế ở nguồn")),
        (re.compile(r"marked restricted \(tag (.*)\)"),
         lambda m: _("được đánh dấu hạn chế (thẻ %(tag)s)", tag=m[1])),
        (re.compile(r"marked restricted \((.*)\)"),
         lambda m: _("được đánh dấu hạn chế (%(mark)s)", mark=m[1])),
        (re.compile(r"filtered out: none of the include_tags"),
         lambda m: _("bị lọc: không có thẻ nào trong include_tags")),
        (re.compile(r"filtered out: tag (.*) is in exclude_tags"),
         lambda m: _("bị lọc: thẻ %(tag)s nằm trong exclude_tags", tag=m[1])),
        (re.compile(r"filtered out: organization (.*) not in organizations"),
         lambda m: _("bị lọc: cơ quan %(org)s không có trong organizations", org=m[1])),
        (re.compile(r"filtered out: organization (.*) is excluded"),
         lambda m: _("bị lọc: cơ quan %(org)s bị loại trừ", org=m[1])),
        (re.compile(r"filtered out: query word (.*) not in title or description"),
         lambda m: _("bị lọc: từ %(word)s không có trong tiêu đề hay mô tả", word=m[1])),
        (re.compile(r"published with validation errors: (.*)"),
         lambda m: _("đã công bố dù tệp có lỗi: %(files)s", files=m[1])),
        (re.compile(r"invalid data rejected \(reject_invalid\): (.*)"),
         lambda m: _("từ chối dữ liệu lỗi (reject_invalid): %(files)s", files=m[1])),
        (re.compile(r"waiting for review: review item .*"), lambda m: _("chờ duyệt")),
        (re.compile(r"no longer offered by the source"),
         lambda m: _("nguồn không còn đưa ra bản ghi này")),
        (re.compile(r"(.*): only the first (\d+) rows were validated.*"),
         lambda m: _("%(file)s: chỉ kiểm tra %(rows)s dòng đầu (giới hạn max_rows_validated)",
                     file=m[1], rows=m[2])),
        (re.compile(r"groups not in the catalogue, left out: (.*)"),
         lambda m: _("lĩnh vực không có trong danh mục, bỏ qua: %(groups)s", groups=m[1])),
        (re.compile(r"personal data found \((.*)\): held for review"),
         lambda m: _("phát hiện dữ liệu cá nhân (%(kinds)s): giữ lại chờ duyệt", kinds=m[1])),
        # A review item's and a revision's message (catalogue.privacy.gate.hold_message,
        # the publishing gate, the harvest importer), one line at a time.
        (re.compile(r"Personal data found — held for review:"),
         lambda m: _("Phát hiện dữ liệu cá nhân — giữ lại chờ duyệt:")),
        (re.compile(r"Giữ lại chờ duyệt \(held for review\):"),
         lambda m: _("Giữ lại chờ duyệt:")),
        (re.compile(r"(?:(.+?): )?(.+) \((\w+)\) in (column|field) (?:(['\"])(.*)\5|(\S+))"
                    r": (\d+)×(?:, rows (.*))?"), _finding),
        # The id of the item means nothing to a person; the queue is where it waits.
        (re.compile(r"review item ([0-9a-f-]{36})"), lambda m: _("đang trong hàng chờ duyệt")),
        # harvesters.checks.invalid_reason writes this one in Vietnamese; the English page
        # had it as written (the walk-through of issue 19).
        (re.compile(r"Dữ liệu không hợp lệ — (.+?): (.*)"),
         lambda m: _("Dữ liệu không hợp lệ — %(file)s: %(checks)s", file=m[1],
                     checks=_failed_checks(m[2]))),
        (re.compile(r"harvest job ([0-9a-f-]{36})"), lambda m: harvest_job(m[1])),
        (re.compile(r"harvest job ([0-9a-f-]{36}): (.*)"),
         lambda m: f"{harvest_job(m[1])}: {reason(m[2])}"),
    ]


def check_words() -> dict[str, str]:
    """Frictionless's checks in words, by code (as ``harvesters.checks.CHECK_LABELS``)."""
    return {
        "type-error": _("sai kiểu dữ liệu (ô không đúng kiểu của cột)"),
        "constraint-error": _("vi phạm ràng buộc của cột"),
        "missing-cell": _("thiếu ô (dòng ngắn hơn tiêu đề)"),
        "extra-cell": _("thừa ô (dòng dài hơn tiêu đề)"),
        "blank-row": _("dòng trống"), "blank-label": _("tiêu đề cột trống"),
        "blank-header": _("dòng tiêu đề trống"), "duplicate-label": _("tiêu đề cột bị trùng"),
        "missing-label": _("thiếu tiêu đề cột"), "extra-label": _("thừa tiêu đề cột"),
        "incorrect-label": _("tiêu đề cột không khớp lược đồ"),
        "primary-key": _("trùng khóa chính"),
        "unique-error": _("giá trị trùng ở cột phải duy nhất"),
        "foreign-key": _("vi phạm khóa ngoại"), "row-constraint": _("vi phạm ràng buộc của dòng"),
        "encoding-error": _("lỗi mã hóa ký tự"), "source-error": _("không đọc được tệp"),
        "format-error": _("định dạng tệp không đúng"),
        "scheme-error": _("không đọc được địa chỉ tệp"), "json-error": _("JSON không hợp lệ"),
        "geojson-error": _("GeoJSON không hợp lệ"), "limit-error": _("vượt giới hạn kiểm tra"),
        "schema-error": _("lược đồ bảng không hợp lệ"),
        "byte-count": _("kích thước tệp không khớp"), "hash-count": _("mã băm tệp không khớp"),
    }


def _failed_checks(text: str) -> str:
    """``label (code): count; …`` with each label in the reader's language (by its code)."""
    if text == "xem báo cáo kiểm tra":
        return _("xem báo cáo kiểm tra")
    words = check_words()
    parts = []
    for part in text.split("; "):
        found = re.fullmatch(r"(.*) \(([a-z-]+)\): (\d+)", part)
        parts.append(f"{words.get(found[2], found[1])} ({found[2]}): {found[3]}" if found
                     else part)
    return "; ".join(parts)


def harvest_job(job_id: str) -> str:
    """A harvest job as people know it, by its source and start, not its hexadecimal id
    (the stranger's walk-through: "lần thu thập 9a4ac190"). Looked up once per job a page."""
    known: dict[str, str] = g.setdefault("harvest_job_words", {})
    if job_id not in known:
        with catalogue_of().sessions() as session:
            job = session.get(HarvestJob, job_id)
            known[job_id] = (
                _("lần thu thập từ %(source)s lúc %(when)s", source=job.source,
                  when=format_moment(job.started))
                if job is not None else _("một lần thu thập trước đây"))
    return known[job_id]


def _finding(m: re.Match[str]) -> str:
    """One personal-data finding: the kind in the reader's language, where, how often."""
    labels = LABELS.get(m[3])
    what = (labels[1] if is_english() else labels[0]) if labels else m[2]
    place = m[6] if m[6] is not None else m[7]
    if m[4] == "column":
        text = _("%(what)s (%(kind)s) ở cột “%(place)s”: %(count)s lần", what=what,
                 kind=m[3], place=place, count=m[8])
    else:
        text = _("%(what)s (%(kind)s) ở trường %(place)s: %(count)s lần", what=what,
                 kind=m[3], place=place, count=m[8])
    if m[9]:
        text += _(", dòng %(rows)s", rows=m[9])
    return f"{m[1]}: {text}" if m[1] else text


def source_types() -> dict[str, str]:
    """Harvest source types in words."""
    return {"ckan": _("Cổng CKAN"), "dcat": _("Danh mục DCAT (RDF, JSON-LD)"),
            "datajson": _("Danh mục data.json"),
            "datapackage": _("Gói dữ liệu (datapackage.json)"),
            "files": _("Thư mục tệp (CSV, Excel, JSON)"), "sql": _("Cơ sở dữ liệu SQL")}


def reason(text: str | None) -> str:
    """One reason or log line in words, or as written when no pattern knows it; a message of
    several lines (a review item's) line by line."""
    text = text or ""
    for pattern, words in _patterns():
        found = pattern.fullmatch(text.strip())
        if found:
            return words(found)
    if "\n" in text:
        return "\n".join(_line(line) for line in text.split("\n"))
    return text


def _line(line: str) -> str:
    """One line of a longer message: its list dash kept, the rest in words."""
    if line.startswith("- "):
        return "- " + reason(line[2:])
    return reason(line) if line.strip() else line


def init_app(app: Flask) -> None:
    """Templates call ``harvest_reason(text)`` and ``harvest_source_types()``."""
    app.jinja_env.globals["harvest_reason"] = reason
    app.jinja_env.globals["harvest_source_types"] = source_types

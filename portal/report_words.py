"""The activity report's notes and period errors in the reader's language (issue 19 item 6).

``catalogue.reports`` writes them in English (the CLI and the exports keep them so); the
sysadmin's reports page shows the known ones in words, matched by pattern, with their values
kept. A note no pattern knows stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext

from portal.i18n import is_english


def _(message: str, /, **variables: Any) -> str:
    """``gettext``, typed (Flask-Babel's is not); extraction sees ``_`` as usual."""
    return str(gettext(message, **variables))


def _what(text: str) -> str:
    return {"harvest jobs": _("lần thu thập"), "problem reports": _("báo lỗi dữ liệu"),
            "data requests": _("đề nghị dữ liệu")}.get(text.lower(), text)


def _patterns() -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]:
    return [
        (re.compile(r"Downloads and API calls are counted per day; the current day may still "
                    r"be in workers' memory \(written at least every `(\w+)`\)\."),
         lambda m: _("Lượt tải và lượt gọi API được đếm theo ngày; số của hôm nay có thể còn "
                     "trong bộ nhớ của tiến trình (ghi ít nhất mỗi %(setting)s).",
                     setting=m[1])),
        (re.compile(r"A sector row counts a dataset in each sector it belongs to; totals count "
                    r"it once\."),
         lambda m: _("Dòng của lĩnh vực đếm một bộ dữ liệu ở mỗi lĩnh vực nó thuộc về; dòng "
                     "tổng cộng chỉ đếm một lần.")),
        (re.compile(r"No (.+) are recorded yet \(table missing\): counted as 0\."),
         lambda m: _("Chưa ghi nhận %(what)s nào (chưa có bảng): tính là 0.",
                     what=_what(m[1]))),
        (re.compile(r"(.+) carry no agency: counted in the totals only\."),
         lambda m: _("%(what)s không gắn với cơ quan nào: chỉ tính vào tổng cộng.",
                     what=_what(m[1]).capitalize())),
        (re.compile(r"Quality \(average score, datasets below 50, overdue\) is judged on the "
                    r"datasets published at (.+), from their current metadata\."),
         lambda m: _("Chất lượng (điểm trung bình, số bộ dưới 50 điểm, số bộ quá hạn cập nhật) "
                     "được chấm trên các bộ dữ liệu công bố lúc %(when)s, theo siêu dữ liệu "
                     "hiện tại.", when=m[1])),
        (re.compile(r"'(.*)': expected a month \(2026-10\), a quarter \(2026-Q3\) or a year "
                    r"\(2026\)"),
         lambda m: _("“%(text)s”: cần một tháng (2026-10), một quý (2026-Q3) hoặc một năm "
                     "(2026)", text=m[1])),
        (re.compile(r"'(.*)': month must be 01-12"),
         lambda m: _("“%(text)s”: tháng phải từ 01 đến 12", text=m[1])),
    ]


def report_note(text: str) -> str:
    """One note (or period error) in words, or as written when no pattern knows it (and on
    English pages, where the report's own English is the right text)."""
    if is_english():
        return text
    for pattern, words in _patterns():
        found = pattern.fullmatch(text.strip())
        if found:
            return words(found)
    return text

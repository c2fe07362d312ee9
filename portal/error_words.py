"""Validation messages of the catalogue's services in the reader's language (issue 19 item 6).

The services answer in English, the API's language (CKAN clients read ``"Missing value"``);
the workspace forms and flash messages show the same messages in Vietnamese, matched here by
pattern with their values kept. A message no pattern knows stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask
from flask_babel import gettext

from portal.i18n import is_english


def _(message: str, /, **variables: Any) -> str:
    """``gettext``, typed (Flask-Babel's is not); extraction sees ``_`` as usual."""
    return str(gettext(message, **variables))


Words = Callable[[re.Match[str]], str]


def _constant(words: str) -> Words:
    return lambda _match: words


def _patterns() -> list[tuple[re.Pattern[str], Words]]:
    exact: dict[str, str] = {
        "Missing value": _("Chưa điền"),
        "Missing value: a dataset belongs to an agency": _("Chưa điền: bộ dữ liệu phải thuộc "
                                                           "một cơ quan"),
        "Missing value: a lock needs a reason": _("Chưa điền: khoá tài khoản cần lý do"),
        "Missing value: an unlock needs a reason": _("Chưa điền: mở khoá tài khoản cần lý do"),
        "Missing value: an account belongs to a named person": _(
            "Chưa điền: tài khoản phải mang tên một người"),
        "Missing value: give a url or upload a file": _("Chưa điền: nhập đường dẫn hoặc tải "
                                                        "tệp lên"),
        "Missing value: name the agency the person works for": _(
            "Chưa điền: chọn cơ quan người này làm việc"),
        "Missing value: say what to fix": _("Chưa điền: hãy nói cần sửa gì"),
        "A maintenance window needs an end": _("Đợt bảo trì phải có giờ kết thúc"),
        "must be after the start": _("phải sau thời điểm bắt đầu"),
        "A role is held in an organization: name it": _("Vai trò gắn với một cơ quan: hãy "
                                                         "chọn cơ quan"),
        "An organization cannot be its own parent": _("Cơ quan không thể là cơ quan cấp trên "
                                                      "của chính nó"),
        "Another source already has this name": _("Đã có nguồn khác mang tên này"),
        "Group name already exists in database": _("Tên này đã được dùng"),
        "Must be 2–100 characters: lowercase a-z, 0-9, - and _": _(
            "Phải gồm 2–100 ký tự: chữ thường a-z, số 0-9, - và _"),
        "Must be a JSON object": _("Phải là một đối tượng JSON"),
        "Must be a string": _("Phải là văn bản"),
        "Must be an e-mail address": _("Phải là địa chỉ thư điện tử"),
        "Must be 64 hexadecimal digits": _("Phải gồm 64 chữ số thập lục phân"),
        "Must be a Table Schema object": _("Phải là một lược đồ bảng (Table Schema)"),
        "Must be a date (YYYY, YYYY-MM or YYYY-MM-DD)": _(
            "Phải là ngày (YYYY, YYYY-MM hoặc YYYY-MM-DD)"),
        "Must be a list of {key, value}": _("Phải là danh sách các cặp {key, value}"),
        "Must be a list": _("Phải là danh sách"),
        "Must be a non-negative integer": _("Phải là số nguyên không âm"),
        "Must be an ISO 8601 date-time": _("Phải là ngày giờ ISO 8601"),
        "Must be true or false": _("Phải là đúng hoặc sai"),
        "No such organization": _("Không có cơ quan này"),
        "That URL is already in use.": _("Tên đường dẫn này đã được dùng."),
        "That code does not match; check the app's clock.": _(
            "Mã không khớp; hãy kiểm tra đồng hồ của ứng dụng."),
        "The current password is wrong.": _("Mật khẩu hiện tại không đúng."),
        "The password is wrong.": _("Mật khẩu không đúng."),
        "The new password must differ from the current one.": _(
            "Mật khẩu mới phải khác mật khẩu hiện tại."),
        "Password is in the list of common passwords.": _(
            "Mật khẩu nằm trong danh sách mật khẩu phổ biến."),
        "Password must not contain the user name, e-mail or name.": _(
            "Mật khẩu không được chứa tên đăng nhập, e-mail hay họ tên."),
        "Password must use at least 5 different characters.": _(
            "Mật khẩu phải dùng ít nhất 5 ký tự khác nhau."),
        "Choose a file to upload.": _("Hãy chọn tệp để tải lên."),
        "The file is a program, not data.": _("Tệp là một chương trình, không phải dữ liệu."),
        "The file is a web page, not data.": _("Tệp là một trang web, không phải dữ liệu."),
        "The file is not a PDF.": _("Tệp không phải PDF."),
        "Publish through review, withdraw by deleting": _(
            "Công bố qua duyệt, rút bằng cách xoá"),
    }
    patterns: list[tuple[re.Pattern[str], Words]] = [
        (re.compile(re.escape(text)), _constant(words)) for text, words in exact.items()]
    patterns += [
        (re.compile(r"[Mm]ust be one of (.+)"),
         lambda m: _("Phải là một trong: %(choices)s", choices=m[1])),
        (re.compile(r"Must be at most (\d+) characters long"),
         lambda m: _("Dài tối đa %(n)s ký tự", n=m[1])),
        (re.compile(r"Must be between (\d+) and (\d+)"),
         lambda m: _("Phải từ %(low)s đến %(high)s", low=m[1], high=m[2])),
        (re.compile(r"Unknown licence: (.*)"),
         lambda m: _("Giấy phép không có trong danh mục: %(id)s", id=m[1])),
        (re.compile(r"Group does not exist: (.*)"),
         lambda m: _("Không có lĩnh vực: %(names)s", names=m[1])),
        (re.compile(r"Organization does not exist: (.*)"),
         lambda m: _("Không có cơ quan: %(name)s", name=m[1])),
        (re.compile(r"The user name (.*) is taken\."),
         lambda m: _("Tên đăng nhập %(name)s đã có người dùng.", name=m[1])),
        (re.compile(r"An account with the e-mail (\S+) already exists; (.*)"),
         lambda m: _("Đã có tài khoản với e-mail %(email)s.", email=m[1])),
        (re.compile(r"Password must be at least (\d+) characters long\."),
         lambda m: _("Mật khẩu phải dài ít nhất %(n)s ký tự.", n=m[1])),
        (re.compile(r"Password must be at most (\d+) characters long\."),
         lambda m: _("Mật khẩu dài tối đa %(n)s ký tự.", n=m[1])),
        (re.compile(r"Password must not contain sequences or repeats such as (.*)"),
         lambda m: _("Mật khẩu không được chứa dãy hay lặp lại như %(example)s", example=m[1])),
        (re.compile(r"Password is only common words, place or agency names with digits or (.*)"),
         lambda m: _("Mật khẩu chỉ gồm từ thông dụng, tên địa danh hay cơ quan kèm số hoặc "
                     "ký hiệu; hãy dùng một câu dài hơn.")),
        (re.compile(r"Files of type \.(\S*) are not accepted; allowed: (.*)"),
         lambda m: _("Không nhận tệp .%(ext)s; được phép: %(allowed)s", ext=m[1],
                     allowed=m[2])),
        (re.compile(r"The file is binary, not (\w+) text\."),
         lambda m: _("Tệp là dữ liệu nhị phân, không phải văn bản %(fmt)s.", fmt=m[1])),
        (re.compile(r"The file is not a (\w+) file \(it is not a zip container\)\."),
         lambda m: _("Tệp không phải tệp %(fmt)s (không phải tệp nén zip).", fmt=m[1])),
        (re.compile(r"announced (\d+) working day\(s\) before it starts; the regulations ask "
                    r"for at least (\d+) \((.*)\)"),
         lambda m: _("thông báo trước %(days)s ngày làm việc; quy định yêu cầu ít nhất "
                     "%(min)s ngày (%(rule)s)", days=m[1], min=m[2], rule=m[3])),
    ]
    return patterns


def error_words(message: object) -> str:
    """One validation message in words, or as written when no pattern knows it (and on
    English pages, where the service's own English is the right text)."""
    text = str(message)
    if is_english():
        return text
    for pattern, words in _patterns():
        found = pattern.fullmatch(text.strip())
        if found:
            return words(found)
    return text


def errors_text(errors: Mapping[str, list[str]]) -> list[str]:
    """Every message of a ValidationError's ``errors``, in words (for flash messages)."""
    return [error_words(m) for messages in errors.values() for m in messages]


def field_label(key: str) -> str:
    """A form field's label (the review page's words), or the key when none is known."""
    from portal.change_words import labels

    return labels().get(key, "" if key == "__root__" else key)


def init_app(app: Flask) -> None:
    """Templates call ``error_words(message)`` and ``field_label(key)``."""
    app.jinja_env.globals.update(error_words=error_words, field_label=field_label)

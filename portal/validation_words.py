"""Validation errors in words an officer reads (issue 19): "ô 'không rõ' ở dòng 5, cột diện
tích: không phải số" rather than Frictionless's ``type-error`` and its English message.

Rows are counted as a spreadsheet shows them (the header is row 1), columns are named by
their title when the schema gives one. Unknown error types fall back to the checker's message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import gettext


def _(message: str, /, **variables: Any) -> str:
    """``gettext``, typed (Flask-Babel's is not); extraction sees ``_`` as usual."""
    return str(gettext(message, **variables))


def _type_words() -> dict[str, str]:
    return {"number": _("không phải số"), "integer": _("không phải số nguyên"),
            "date": _("không phải ngày hợp lệ"), "datetime": _("không phải ngày giờ hợp lệ"),
            "time": _("không phải giờ hợp lệ"), "year": _("không phải năm"),
            "boolean": _("không phải đúng/sai"), "geopoint": _("không phải tọa độ"),
            "object": _("không phải JSON"), "array": _("không phải danh sách JSON")}


def _column(error: Mapping[str, Any], fields: Mapping[str, Mapping[str, Any]]) -> str:
    name = str(error.get("field_name") or "")
    field = fields.get(name, {})
    if field.get("title"):
        return str(field["title"])
    if name:
        return name
    return _("số %(n)s", n=error["field"]) if error.get("field") else "?"


def phrase(error: Mapping[str, Any], schema: Mapping[str, Any] | None = None) -> str:
    """One validation error (a report's ``errors`` entry) as a Vietnamese sentence."""
    fields = {str(f.get("name")): f for f in (schema or {}).get("fields", [])
              if isinstance(f, Mapping)}
    kind = error.get("type", "")
    row, cell = error.get("row"), error.get("cell")
    column = _column(error, fields)
    where = _("ô '%(cell)s' ở dòng %(row)s, cột %(column)s", cell=cell, row=row, column=column)
    if kind == "type-error":
        expected = str(fields.get(str(error.get("field_name")), {}).get("type", ""))
        return f"{where}: {_type_words().get(expected, _('sai kiểu dữ liệu'))}"
    if kind == "constraint-error":
        return f"{where}: " + _("không thỏa ràng buộc của cột")
    if kind == "missing-cell":
        return _("dòng %(row)s thiếu ô ở cột %(column)s", row=row, column=column)
    if kind == "extra-cell":
        return _("dòng %(row)s có ô thừa '%(cell)s' (nhiều ô hơn số cột)", row=row, cell=cell)
    if kind == "blank-row":
        return _("dòng %(row)s để trống", row=row)
    if kind == "duplicate-row":
        return _("dòng %(row)s trùng hệt một dòng trước", row=row)
    if kind in ("blank-label", "blank-header"):
        return _("cột %(column)s không có tên", column=column)
    if kind in ("duplicate-label", "duplicate-header"):
        return _("tên cột %(column)s bị trùng", column=column)
    if kind == "unique-error":
        return f"{where}: " + _("trùng giá trị ở cột phải là duy nhất")
    if kind == "encoding-error":
        return _("không đọc được bảng mã ký tự của tệp")
    if kind in ("source-error", "format-error", "scheme-error"):
        return _("không đọc được tệp: %(message)s", message=error.get("message", ""))
    if kind == "limit-error":
        return _("tệp vượt giới hạn: %(message)s", message=error.get("message", ""))
    return str(error.get("message", kind))


def phrase_warning(warning: Mapping[str, Any]) -> list[str]:
    """A column that is almost all numbers or dates, as one sentence per odd cell."""
    expected = {"number": _("không phải số"), "date": _("không phải ngày hợp lệ")}.get(
        str(warning.get("expected")), _("khác phần còn lại của cột"))
    return [_("ô '%(cell)s' ở dòng %(row)s, cột %(column)s", cell=c.get("cell"), row=c.get("row"),
              column=warning.get("title") or warning.get("field")) + f": {expected}"
            for c in warning.get("cells", [])]


def share(warning: Mapping[str, Any]) -> str:
    """How much of the column fits, e.g. "95 %"."""
    return f"{round(100 * float(warning.get('share', 0)))} %"


def init_app(app: Flask) -> None:
    """Templates call ``validation_phrase(error, schema)`` and ``column_warning_phrases(w)``."""
    app.jinja_env.globals.update(validation_phrase=phrase, column_warning_phrases=phrase_warning,
                                 column_share=share)

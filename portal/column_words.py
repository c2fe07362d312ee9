"""A table's columns in a reader's words: Table Schema types as words ("năm", not ``year``)
and the labels of the dictionary in place of raw header names, for pages, maps and embeds.

Found walking the demo as a stranger: the resource page listed types as ``string`` and
``number`` on the Vietnamese side, and the choropleth caption read "phat_sinh theo dia_ban".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import pgettext

from catalogue.dictionary import entries_of
from portal.i18n import is_english


def type_word(kind: str | None) -> str:
    """A Table Schema field type in the page's language; an unknown type as written
    (a missing one is ``string``, as the Table Schema says). In the context "kiểu dữ liệu":
    "số" and "ngày" alone are translated "numbers" and "dates" elsewhere."""
    def word(text: str) -> str:
        return str(pgettext("kiểu dữ liệu", text))

    words = {
        "string": word("văn bản"), "number": word("số"), "integer": word("số nguyên"),
        "boolean": word("có/không"), "date": word("ngày"), "time": word("giờ"),
        "datetime": word("ngày giờ"), "year": word("năm"), "yearmonth": word("tháng"),
        "duration": word("khoảng thời gian"), "geopoint": word("tọa độ"),
        "geojson": "GeoJSON", "object": word("đối tượng JSON"),
        "array": word("danh sách JSON"), "any": word("bất kỳ"),
    }
    return str(words.get(kind or "string", kind or ""))


def column_labels(resource: Mapping[str, Any] | None) -> dict[str, str]:
    """Each described column's label in the page's language, by its name in the file."""
    schema = resource.get("schema") if isinstance(resource, Mapping) else None
    english = is_english()
    return {e.name: e.label(english) for e in entries_of(schema)}


def init_app(app: Flask) -> None:
    app.jinja_env.filters["type_word"] = type_word
    app.jinja_env.globals["column_labels"] = column_labels

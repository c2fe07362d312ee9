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
    words = {  # literal calls, so the extractor finds each word with its context
        "string": pgettext("kiểu dữ liệu", "văn bản"),
        "number": pgettext("kiểu dữ liệu", "số"),
        "integer": pgettext("kiểu dữ liệu", "số nguyên"),
        "boolean": pgettext("kiểu dữ liệu", "có/không"),
        "date": pgettext("kiểu dữ liệu", "ngày"),
        "time": pgettext("kiểu dữ liệu", "giờ"),
        "datetime": pgettext("kiểu dữ liệu", "ngày giờ"),
        "year": pgettext("kiểu dữ liệu", "năm"),
        "yearmonth": pgettext("kiểu dữ liệu", "tháng"),
        "duration": pgettext("kiểu dữ liệu", "khoảng thời gian"),
        "geopoint": pgettext("kiểu dữ liệu", "tọa độ"),
        "geojson": "GeoJSON",
        "object": pgettext("kiểu dữ liệu", "đối tượng JSON"),
        "array": pgettext("kiểu dữ liệu", "danh sách JSON"),
        "any": pgettext("kiểu dữ liệu", "bất kỳ"),
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

"""What each action accepts beyond a parameter's JSON type: patterns, enums and item shapes.

The OpenAPI description (``openapi.py``) adds these to the declared parameters, so that a
request the description allows is one the portal answers, never refuses as malformed
(schemathesis's ``positive_data_acceptance`` check in ``tests/test_api_fuzz.py``; issue 17
item 4). Each constraint is built from the constant the server enforces (the input check's
one-line fields, the search parser's fields, sort keys and limits), so the two cannot drift.
A constraint may be tighter than the server (``fq`` documents the common ``field:value``
clauses, not every Solr form the parser reads); it is never looser.
"""

from __future__ import annotations

import re
from typing import Any

from catalogue.search.query import (
    MATCH_FIELDS,
    MAX_FQ_CHARS,
    MAX_FQ_CLAUSES,
    MAX_Q_CHARS,
    MAX_Q_WORDS,
    SORT_KEYS,
)
from portal.api.organization_actions import LIST_SORT_KEYS
from portal.api.resource_actions import ORDERABLE, SEARCHABLE
from portal.input_checks import ONE_LINE_FIELDS

# Text no request may carry (portal.input_checks): NUL anywhere, and a line break in the
# values that name one thing and in every field name.
TEXT = r"^[^\x00]*$"
ONE_LINE = r"^[^\x00\r\n]*$"


# Characters either side calls white space: Python's (the server splits words and fq
# clauses with ``str.split`` and ``\s``, which include \x1c-\x1f and \x85) and ECMA-262's
# (JSON Schema patterns; adds U+FEFF). Spelled out, as ``\s`` differs between the two.
_SPACES = "".join(f"\\u{c:04x}" for c in range(0x10000)
                  if chr(c).isspace() or c == 0xFEFF)
_WORD_CHAR = rf"[^{_SPACES}\x00]"


def _one_of(words: Any) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words)) + ")"


_DIRECTION = r"(?: +(?:asc|desc))?"
# ``q``: at most MAX_Q_WORDS words and MAX_Q_CHARS characters (catalogue.search.check_q).
_Q = {"type": "string", "maxLength": MAX_Q_CHARS,
      "pattern": rf"^ *(?:{_WORD_CHAR}+ +){{0,{MAX_Q_WORDS - 1}}}{_WORD_CHAR}* *$"}
# ``fq``: clauses ``[+-]field:value`` joined by spaces; a value without spaces, quotes,
# parentheses or backslashes (those forms are read too, but not described).
_FQ_CLAUSE = rf'[+-]?{_one_of(MATCH_FIELDS)}:[^{_SPACES}()"\\\x00]+'
_FQ = {"type": "string", "maxLength": MAX_FQ_CHARS,
       "pattern": rf"^(?:{_FQ_CLAUSE}(?: +{_FQ_CLAUSE}){{0,{MAX_FQ_CLAUSES - 1}}})?$"}
_FQ_ONE = {"type": "string", "maxLength": MAX_FQ_CHARS, "pattern": rf"^{_FQ_CLAUSE}$"}
_SEARCH_SORT_CLAUSE = _one_of(SORT_KEYS) + _DIRECTION
_SEARCH_SORT = {"type": "string", "pattern": rf"^(?:relevance|rank|{_SEARCH_SORT_CLAUSE}"
                                             rf"(?: *, *{_SEARCH_SORT_CLAUSE})*)?$"}
_LIST_SORT = {"type": "string", "pattern": rf"^(?:{_one_of(LIST_SORT_KEYS)}{_DIRECTION})?$"}
_RESOURCE_TERM = {"type": "string", "pattern": rf"^{_one_of(SEARCHABLE)}:[^\x00]*$"}
_FACET_FIELD = {"type": "string", "enum": sorted(MATCH_FIELDS)}
# In a query string a list is one value or a JSON list (registry.list_param).
_FACET_FIELDS_TEXT = {"type": "string", "pattern": (
    rf'^(?:{_one_of(MATCH_FIELDS)}|\[ *(?:"{_one_of(MATCH_FIELDS)}"'
    rf'(?: *, *"{_one_of(MATCH_FIELDS)}")*)? *\])$')}


def _text(*, one_line: bool = False) -> dict[str, Any]:
    return {"type": "string", "pattern": ONE_LINE if one_line else TEXT}


def _record(*names: str) -> dict[str, Any]:
    """An object of these text fields (CKAN's ``{"name": …}`` items)."""
    return {"type": "object", "properties": {n: _text() for n in names},
            "additionalProperties": False}


_NAMED = {"anyOf": [_text(one_line=True), _record("name")]}
# Items of array parameters, by name; anything else is a list of text.
ITEMS: dict[str, dict[str, Any]] = {
    "tags": _NAMED, "groups": _NAMED,
    "extras": {**_record("key", "value"), "required": ["key"]},
    "resources": _record("url", "name", "description", "format"),
}
# Per action and parameter: the whole schema, in a JSON body and in a query string or form.
BODY: dict[str, dict[str, dict[str, Any]]] = {
    "package_search": {"q": _Q, "fq": _FQ, "sort": _SEARCH_SORT,
                       "fq_list": {"type": "array", "items": _FQ_ONE},
                       "facet.field": {"type": "array", "items": _FACET_FIELD}},
    "organization_list": {"sort": _LIST_SORT}, "group_list": {"sort": _LIST_SORT},
    "resource_search": {"order_by": {"type": "string", "enum": sorted(ORDERABLE)},
                        "query": {"type": "array", "items": _RESOURCE_TERM}},
}
QUERY: dict[str, dict[str, dict[str, Any]]] = {
    "package_search": {**BODY["package_search"], "fq_list": _FQ_ONE,
                       "facet.field": _FACET_FIELDS_TEXT},
    "organization_list": BODY["organization_list"], "group_list": BODY["group_list"],
    "resource_search": {**BODY["resource_search"], "query": _RESOURCE_TERM},
}
# Keys a write's JSON body may carry beyond the declared ones (CKAN's other package fields:
# author, version, url …): single-line text, numbers, true/false or null.
EXTRA_WRITE_FIELDS = {"type": ["string", "number", "boolean", "null"], "pattern": ONE_LINE}


def constrained(action: str, name: str, *, in_query: bool) -> dict[str, Any] | None:
    """The full schema of ``action``'s parameter ``name``, when it has one of its own."""
    return (QUERY if in_query else BODY).get(action, {}).get(name)


def text_schema(name: str) -> dict[str, Any]:
    """A text parameter: never NUL; one line where the input check says so."""
    return _text(one_line=name in ONE_LINE_FIELDS)


def items_schema(name: str) -> dict[str, Any]:
    """The items of an array parameter in a JSON body."""
    return ITEMS.get(name, _text())

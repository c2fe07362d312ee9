"""CKAN-style ``fq`` filters and sort strings, parsed into backend-neutral trees.

The Solr subset CKAN clients send, ckanext-harvest's CKAN harvester among
them (``metadata_modified:[2020-01-01T00:00:00Z TO *] +organization:a
-groups:b +dataset_type:dataset``)::

    expr    := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary (["AND"] unary)*       # juxtaposition means AND, as CKAN's schema
    unary   := ["+" | "-" | "NOT"] primary
    primary := "(" expr ")" | "*:*" | field ":" (value | "(" values ")" | range)
    range   := ("[" | "{") bound "TO" bound ("]" | "}")

Both backends translate the tree: :class:`Match` is the indexed filter term
``"field=value"``, :class:`Range` compares ISO date strings, :class:`Intersects` (built from
``ext_bbox``, never parsed from ``fq``) compares boxes.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from catalogue.search.errors import SearchQueryError

# fq field → filter key stored with each document. ``owner_org`` is the
# organization id, ``capacity`` public/private as in CKAN's Solr schema.
MATCH_FIELDS = {
    "organization": "organization", "owner_org": "owner_org", "groups": "groups",
    "tags": "tags", "res_format": "res_format", "license_id": "license_id",
    "name": "name", "id": "id", "state": "state", "capacity": "capacity",
    "year": "year", "spatial": "spatial", "dataset_type": "dataset_type", "type": "dataset_type",
    "access_class": "access_class", "quality_band": "quality_band",
    "spatial_code": "spatial_code", "spatial_cell": "spatial_cell",
}
RANGE_FIELDS = ("metadata_modified", "metadata_created")
# Bounds on what a request may ask (issue 15): a 20,000-word ``q`` took 26 s of CPU, and
# a deeply nested ``fq`` would exhaust the parser's recursion. Generous for people and
# for CKAN clients (the harvester sends a few clauses; the search page at most 140).
MAX_Q_CHARS = 2000
MAX_Q_WORDS = 200
MAX_FQ_CHARS = 10_000
MAX_FQ_CLAUSES = 500
MAX_FQ_DEPTH = 20
SORT_KEYS = ("score", "metadata_modified", "metadata_created", "name", "title_string", "id",
             "quality_score")


@dataclass(frozen=True)
class Match:
    """Documents whose filter key ``field`` has ``value``."""

    field: str
    value: str

    @property
    def term(self) -> str:
        """The indexed filter term, ``field=value``."""
        return f"{self.field}={self.value}"


@dataclass(frozen=True)
class Range:
    """Documents whose ISO date ``field`` lies between two bounds (None: open)."""

    field: str
    low: str | None
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class And:
    """All of the items."""

    items: tuple[Filter, ...]


@dataclass(frozen=True)
class Or:
    """Any of the items."""

    items: tuple[Filter, ...]


@dataclass(frozen=True)
class Not:
    """Everything except the item."""

    item: Filter


@dataclass(frozen=True)
class MatchAll:
    """Every document (``*:*``)."""


@dataclass(frozen=True)
class Intersects:
    """Documents with a ``spatial_box`` filter term (a place's box, ``west,south,east,north``)
    that meets ``box``, edges included: ckanext-spatial's ``ext_bbox``. Exact: backends
    compare the numbers (:mod:`catalogue.search.places`)."""

    box: tuple[float, float, float, float]


Filter = Match | Range | And | Or | Not | MatchAll | Intersects

_TOKEN_RE = re.compile(r'\s*(?:(\()|(\))|("(?:[^"\\]|\\.)*")|((?:[^\s()"\\]|\\.)+))')


def _lex(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None or m.end() == pos:
            raise SearchQueryError(f"fq: cannot read {text[pos:]!r} (unbalanced quote?)")
        tokens.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return tokens


def _unescape(value: str) -> str:
    if value.startswith('"'):
        value = value[1:-1]
    return re.sub(r"\\(.)", r"\1", value)


# Solr date math, as CKAN clients write it: NOW, NOW-7DAYS, NOW/DAY-1YEAR, NOW+1MONTH/MONTH.
_DATE_MATH = re.compile(r"NOW((?:[+-]\d{1,6}[A-Z]+|/[A-Z]+)*)")
_MATH_STEP = re.compile(r"([+-]\d+|/)([A-Z]+)")
_UNITS = {"YEAR": "year", "MONTH": "month", "DAY": "day", "DATE": "day", "HOUR": "hour",
          "MINUTE": "minute", "SECOND": "second"}


def _date_math(value: str, field: str, now: datetime | None) -> str | None:
    """``NOW-7DAYS`` (…) → the ISO date-time it names, from ``now``; None if not date math."""
    m = _DATE_MATH.fullmatch(value)
    if m is None:
        return None
    if now is None:
        raise SearchQueryError(f"fq: {field} bound {value!r}: NOW is not known here")
    stamp = now.replace(microsecond=0)
    for op, raw_unit in _MATH_STEP.findall(m.group(1)):
        unit = _UNITS.get(raw_unit.removesuffix("S"))
        if unit is None:
            raise SearchQueryError(f"fq: {field} bound {value!r}: unknown unit {raw_unit}")
        stamp = _round_down(stamp, unit) if op == "/" else _shift(stamp, int(op), unit)
    return stamp.isoformat()


def _round_down(stamp: datetime, unit: str) -> datetime:
    """``/DAY`` and the like: the start of the unit ``stamp`` falls in."""
    parts = [stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second]
    keep = ["year", "month", "day", "hour", "minute", "second"].index(unit) + 1
    year, month, day, hour, minute, second = parts[:keep] + [1, 1, 1, 0, 0, 0][keep:]
    return datetime(year, month, day, hour, minute, second)


def _shift(stamp: datetime, amount: int, unit: str) -> datetime:
    if unit in ("year", "month"):
        months = stamp.year * 12 + stamp.month - 1 + amount * (12 if unit == "year" else 1)
        year, month = divmod(months, 12)
        if not 1 <= year <= 9999:
            raise SearchQueryError("fq: date math goes out of the calendar")
        last_day = calendar.monthrange(year, month + 1)[1]
        return stamp.replace(year=year, month=month + 1, day=min(stamp.day, last_day))
    try:
        return stamp + timedelta(**{f"{unit}s": amount})
    except OverflowError:
        raise SearchQueryError("fq: date math goes out of the calendar") from None


def _normalise_date(value: str, field: str, now: datetime | None = None) -> str | None:
    """``2020-01-01T00:00:00Z`` → ``2020-01-01T00:00:00``; ``*`` → None; ``NOW-1YEAR`` →
    a year before ``now``."""
    if value == "*":
        return None
    computed = _date_math(value, field, now)
    if computed is not None:
        return computed
    value = value.rstrip("Z")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?", value):
        raise SearchQueryError(f"fq: {field} bound {value!r} is not an ISO date or *")
    return value


class _Parser:
    def __init__(self, text: str, now: datetime | None = None) -> None:
        self.tokens = _lex(text)
        self.pos = 0
        self.depth = 0
        self.clauses = 0
        self.now = now
        # Inside field:( … ) bare values are matches on that field.
        self.bare_key: str | None = None

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise SearchQueryError("fq: unexpected end of filter")
        self.pos += 1
        return token

    def parse(self) -> Filter:
        result = self.or_expr()
        if self.peek() is not None:
            raise SearchQueryError(f"fq: unexpected {self.peek()!r}")
        return result

    def or_expr(self) -> Filter:
        items = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Filter:
        items = [self.unary()]
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Filter:
        token = self.take()
        self.clauses += 1
        if self.clauses > MAX_FQ_CLAUSES:
            raise SearchQueryError(f"fq: more than {MAX_FQ_CLAUSES} clauses")
        if token == "NOT":
            return Not(self.nested(self.unary))
        if token in ("+", "-"):
            token = token + self.take()
        if token.startswith("-") and len(token) > 1:
            return Not(self.primary(token[1:]))
        if token.startswith("+") and len(token) > 1:
            return self.primary(token[1:])
        return self.primary(token)

    def nested(self, parse: Callable[[], Filter]) -> Filter:
        """``parse()`` one level deeper; too deep is refused, not a RecursionError."""
        self.depth += 1
        if self.depth > MAX_FQ_DEPTH:
            raise SearchQueryError(f"fq: nested more than {MAX_FQ_DEPTH} levels deep")
        try:
            return parse()
        finally:
            self.depth -= 1

    def primary(self, token: str) -> Filter:
        if token == "(":
            inner = self.nested(self.or_expr)
            if self.take() != ")":
                raise SearchQueryError("fq: missing )")
            return inner
        if token == "*:*":
            return MatchAll()
        if self.bare_key is not None and (token.startswith('"') or ":" not in token):
            return Match(self.bare_key, _unescape(token))
        name, sep, rest = token.partition(":")
        if not sep:
            raise SearchQueryError(f"fq: expected field:value, got {token!r}")
        if name in RANGE_FIELDS:
            return self.range(name, rest)
        if name not in MATCH_FIELDS:
            raise SearchQueryError(f"fq: unknown field {name!r}")
        key = MATCH_FIELDS[name]
        if rest == "" and self.peek() == "(":
            self.take()
            outer, self.bare_key = self.bare_key, key
            values = self.nested(self.or_expr)
            self.bare_key = outer
            if self.take() != ")":
                raise SearchQueryError("fq: missing )")
            return values
        if rest == "":
            rest = self.take()
        if rest == "*":
            return Not(Match(key, ""))  # every document has some value
        return Match(key, _unescape(rest))

    def range(self, name: str, rest: str) -> Range:
        text = rest
        while not text.endswith(("]", "}")):
            text += " " + self.take()
        m = re.fullmatch(r"([\[{])\s*(\S+)\s+TO\s+(\S+?)\s*([\]}])", text)
        if m is None:
            raise SearchQueryError(f"fq: bad range {text!r}, expected [X TO Y]")
        return Range(name, _normalise_date(m.group(2), name, self.now),
                     _normalise_date(m.group(3), name, self.now),
                     m.group(1) == "[", m.group(4) == "]")


_UNSEARCHABLE_RE = re.compile(r"[\x00\ud800-\udfff]")


def _check_chars(name: str, text: str) -> None:
    """NUL bytes and lone surrogates (JSON's ``\\ud800``) are in no document and break
    encoders (Whoosh's UTF-8 terms, PostgreSQL's text): a 400, never a 500 (issue 15)."""
    if _UNSEARCHABLE_RE.search(text):
        raise SearchQueryError(f"{name}: contains a NUL byte or a lone surrogate")


def parse_fq(fq: str, now: datetime | None = None) -> Filter:
    """Parse a CKAN ``fq`` string; raises :class:`SearchQueryError` when broken.

    ``now`` is what ``NOW`` means in date ranges (CKAN clients send
    ``metadata_modified:[NOW-7DAYS TO NOW]``); without it such ranges are refused.
    """
    _check_chars("fq", fq)
    if not fq.strip():
        return MatchAll()
    if len(fq) > MAX_FQ_CHARS:
        raise SearchQueryError(f"fq: longer than {MAX_FQ_CHARS} characters")
    return _Parser(fq, now).parse()


def check_q(q: str) -> None:
    """Refuse a ``q`` too long to search in reasonable time or unsearchable
    (:class:`SearchQueryError`)."""
    _check_chars("q", q)
    if len(q) > MAX_Q_CHARS:
        raise SearchQueryError(f"q: longer than {MAX_Q_CHARS} characters")
    if len(q.split()) > MAX_Q_WORDS:
        raise SearchQueryError(f"q: more than {MAX_Q_WORDS} words")


def filters_tree(filters: Mapping[str, Sequence[str]]) -> Filter:
    """``{"tags": ["a", "b"], "year": ["2023"]}`` → tags a OR b, AND year 2023."""
    items: list[Filter] = []
    for key, values in filters.items():
        if key not in MATCH_FIELDS:
            raise SearchQueryError(f"filters: unknown field {key!r}")
        for value in values:
            _check_chars(key, value)
        if values:
            items.append(Or(tuple(Match(MATCH_FIELDS[key], v) for v in values)))
    return And(tuple(items)) if items else MatchAll()


# A Solr field term typed in ``q``: ``tags:x``, ``+organization:"a b"``, ``-res_format:(CSV)``.
_FIELD_TERM_RE = re.compile(r'(?<!\S)([+-]?)(\w+):("(?:[^"\\]|\\.)*"|\([^()]*\)|[^\s"()]+)(?!\S)')


def split_field_terms(q: str) -> tuple[str, list[str]]:
    """CKAN users put Solr field terms in ``q`` too (``q=tags:economy giao thông``): those
    become ``fq`` filters (each parsed alone), the rest stays text for the Vietnamese search.
    Words whose field is unknown stay text (``pm2.5:``, ``http://…``)."""
    terms: list[str] = []

    def take(m: re.Match[str]) -> str:
        if m.group(2) not in MATCH_FIELDS:
            return m.group()
        terms.append(("-" if m.group(1) == "-" else "") + f"{m.group(2)}:{m.group(3)}")
        return " "

    text = _FIELD_TERM_RE.sub(take, q)
    return " ".join(text.split()), terms


def visibility_tree(include_private: bool, include_drafts: bool) -> Filter:
    """Which states and capacities a request may see; deleted never."""
    states = ("active", "draft") if include_drafts else ("active",)
    items: list[Filter] = [Or(tuple(Match("state", s) for s in states))]
    if not include_private:
        items.append(Match("capacity", "public"))
    return And(tuple(items))


def parse_sort(sort: str) -> list[tuple[str, bool]]:
    """CKAN sort string → [(key, descending)]; relevance means score, then quality, then newest.

    The quality score only breaks ties of equal text relevance (issue 9), so it follows
    ``score desc`` wherever that comes first, unless the caller placed it himself.
    """
    text = sort.strip() or "relevance"
    if text in ("relevance", "rank"):
        return [("score", True), ("quality_score", True), ("metadata_modified", True)]
    keys: list[tuple[str, bool]] = []
    for clause in text.split(","):
        words = clause.split()
        if not words or len(words) > 2 or words[0] not in SORT_KEYS:
            raise SearchQueryError(f"sort: cannot sort by {clause.strip()!r}")
        direction = words[1].lower() if len(words) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise SearchQueryError(f"sort: direction must be asc or desc, not {words[1]!r}")
        keys.append((words[0], direction == "desc"))
    if keys[0] == ("score", True) and not any(k == "quality_score" for k, _ in keys):
        keys.insert(1, ("quality_score", True))
    if ("score", True) in keys and not any(k == "metadata_modified" for k, _ in keys):
        keys.append(("metadata_modified", True))  # newer datasets win ties
    return keys

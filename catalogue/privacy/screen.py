"""Screen tables, free text and package metadata for personal data.

A finding says what kind of personal data, in which column (or metadata field), how many
times and at which sample positions; it never carries the values, so results can go to logs,
reports and the review queue as they are (issue 9: "never the values themselves").

Judgement calls, tuned so ordinary open data passes (zero findings on the demo agencies):
- landline numbers (02x) are agencies' own and are not matched; mobile numbers always are,
  even in a contact column, since a mobile is usually one official's personal line;
- ``.gov.vn``/``.edu.vn`` and role mailboxes (info@, lienhe@…) are not personal; others are;
- a column of names alone is not held (street and monument names are people's names), but
  names next to birth dates, or a column *named* "họ tên", are;
- 9-digit CMND numbers, personal tax codes and bank accounts are ambiguous with amounts, so
  a column needs most of its values to match (and a leading zero, a telling column name or
  bank words nearby) before it counts.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from catalogue.files import header
from catalogue.files.limits import ReadLimits, TooLarge, check_json
from catalogue.files.rows import kind_of, open_rows
from catalogue.privacy import detectors as d
from catalogue.privacy.columns import CONTACT_KINDS, column_kind, column_words

SAMPLE_POSITIONS = 5
KINDS = ("cccd", "cmnd", "phone", "email", "date_of_birth", "tax_code", "bank_account",
         "full_name", "address", "unscreened")
LABELS: dict[str, tuple[str, str]] = {
    "cccd": ("Số căn cước công dân", "Citizen ID number (CCCD)"),
    "cmnd": ("Số chứng minh nhân dân", "Old identity card number (CMND)"),
    "phone": ("Số điện thoại di động", "Mobile phone number"),
    "email": ("Địa chỉ thư điện tử cá nhân", "Personal e-mail address"),
    "date_of_birth": ("Ngày sinh gắn với họ tên", "Date of birth next to a name"),
    "tax_code": ("Mã số thuế cá nhân", "Personal tax code"),
    "bank_account": ("Số tài khoản ngân hàng", "Bank account number"),
    "full_name": ("Họ tên cá nhân", "Person's full name"),
    "address": ("Địa chỉ thường trú, tạm trú", "Home address"),
    "unscreened": ("Tệp quá lớn để sàng lọc dữ liệu cá nhân",
                   "File too large to screen for personal data"),
}
BANK_WORDS = re.compile(
    r"ngan hang|tai khoan|\bstk\b|\bbank\b|vietcombank|\bvcb\b|bidv|agribank|vietinbank|"
    r"techcombank|sacombank|vpbank|tpbank|\bacb\b|\bmb ?bank\b|\bmbb\b|hdbank|shb|ocb|"
    r"seabank|vib|eximbank|lienvietpostbank|lpbank"
)
TAX_WORDS = re.compile(r"\bmst\b|ma so thue|tax code|\btin\b")
BIRTH_WORDS = re.compile(r"(?:ngay sinh|sinh ngay|sinh nam|nam sinh|born(?: on)?|date of birth"
                         r"|dob)\W{0,3}$")
DATE_IN_TEXT = re.compile(r"\d{1,2}[/\-.]\d{1,2}[/\-.]\d{4}|\d{4}-\d{2}-\d{2}|\b(?:19|20)\d{2}\b")
# Dates in columns named for events (issue, decision, expiry, sampling…) are not birth dates.
EVENT_WORDS = frozenset({"cap", "quyet", "het", "han", "lay", "mau", "dau", "ban", "hanh",
                         "hieu", "luc", "ky", "thoi", "gian", "nhat", "nhan", "xay", "khoi",
                         "hoan", "bat", "ket", "thuc", "do", "to", "chuc", "date", "issued"})
MOSTLY = 0.5
# Every format screen_file reads: the one list uploads, harvests and the publication gate use.
SCREENED_FORMATS = frozenset({"csv", "tsv", "xlsx", "xlsm", "xls", "ods", "gz",
                              "json", "geojson"})


@dataclass(frozen=True)
class Finding:
    """One kind of personal data in one place: never the values, only where and how often."""

    kind: str
    source: str  # "column_name" | "content" | "metadata"
    count: int
    positions: tuple[int, ...]  # data-row numbers (first data row = 1) or text offsets
    column: str | None = None
    field: str | None = None  # metadata field (notes, resources[0].description…)

    def to_dict(self) -> dict[str, Any]:
        label_vi, label_en = LABELS[self.kind]
        return {"kind": self.kind, "source": self.source, "column": self.column,
                "field": self.field, "count": self.count, "positions": list(self.positions),
                "label": label_vi, "label_en": label_en}


@dataclass
class ScreeningResult:
    """What a screen found; ``held`` says the resource must wait for review."""

    findings: list[Finding] = field(default_factory=list)
    rows_scanned: int = 0
    columns: list[str] = field(default_factory=list)
    truncated: bool = False
    scanned: bool = True
    note: str = ""

    @property
    def held(self) -> bool:
        return bool(self.findings)

    @property
    def kinds(self) -> set[str]:
        return {f.kind for f in self.findings}

    def extend(self, other: ScreeningResult) -> None:
        self.findings.extend(other.findings)
        self.rows_scanned += other.rows_scanned
        self.truncated = self.truncated or other.truncated

    def to_dict(self) -> dict[str, Any]:
        return {"held": self.held, "rows_scanned": self.rows_scanned,
                "truncated": self.truncated, "scanned": self.scanned, "note": self.note,
                "columns": self.columns, "findings": [f.to_dict() for f in self.findings]}


class _Tally:
    """Counts and sample positions per (column index, kind)."""

    def __init__(self) -> None:
        self.counts: dict[tuple[int, str], int] = {}
        self.samples: dict[tuple[int, str], list[int]] = {}

    def add(self, col: int, kind: str, row: int) -> None:
        key = (col, kind)
        self.counts[key] = self.counts.get(key, 0) + 1
        sample = self.samples.setdefault(key, [])
        if len(sample) < SAMPLE_POSITIONS:
            sample.append(row)

    def count(self, col: int, kind: str) -> int:
        return self.counts.get((col, kind), 0)

    def rows(self, col: int, kind: str) -> tuple[int, ...]:
        return tuple(self.samples.get((col, kind), ()))


def _cells(row: Sequence[Any] | Mapping[str, Any], header: Sequence[str]) -> list[str]:
    values = [row.get(h) for h in header] if isinstance(row, Mapping) else list(row)
    return ["" if v is None else v if isinstance(v, str) else str(v) for v in values]


def screen_table(header: Sequence[str], rows: Iterable[Sequence[Any] | Mapping[str, Any]], *,
                 max_rows: int | None = None, this_year: int | None = None) -> ScreeningResult:
    """Screen a table given as a header and rows (lists in header order, or dicts)."""
    header = [str(h) for h in header]
    names = [column_kind(h) for h in header]
    tally = _Tally()
    filled = [0] * len(header)
    zero_led = [False] * len(header)
    text_hits: list[tuple[int, str, int]] = []
    cache: dict[str, tuple[str, ...]] = {}
    text_cache: dict[str, tuple[str, ...]] = {}
    result = ScreeningResult(columns=header)
    for number, row in enumerate(rows, start=1):
        if max_rows is not None and number > max_rows:
            result.truncated = True
            break
        result.rows_scanned = number
        for col, value in enumerate(_cells(row, header)[:len(header)]):
            value = value.strip()
            if not value:
                continue
            filled[col] += 1
            _classify_cell(value, col, number, tally, this_year, cache)
            if value[0] == "0" and value.isdigit():
                zero_led[col] = True
            if " " in value and len(value) >= 15:
                found = text_cache.get(value)
                if found is None:
                    found = tuple(kind for kind, _span in _text_spans(value, this_year))
                    if len(text_cache) < CACHE_LIMIT:
                        text_cache[value] = found
                for kind in found:
                    text_hits.append((col, kind, number))
    for col, kind, number in text_hits:
        tally.add(col, "text:" + kind, number)
    result.findings = _decide(header, names, tally, filled, zero_led, result.rows_scanned)
    return result


# Values that can never be personal data of the kinds screened: decimals, short integers.
_INERT = re.compile(r"-?\d{1,7}(?:[.,]\d+)?|-?\d+[.,]\d+")
CACHE_LIMIT = 100_000
TEXT_CACHE_LIMIT = 4096  # texts remembered across records (descriptions can be long)


# Remembered across tables and records, not per table only: a harvest's files and metadata
# repeat their districts, codes, units and boilerplate (issue 16 item 10). Pure functions of
# their arguments, so a remembered answer is the answer.
@lru_cache(maxsize=CACHE_LIMIT)
def _cell_kinds(value: str, this_year: int | None) -> tuple[str, ...]:
    """Every raw kind one cell matches (column-level rules decide later what counts)."""
    if _INERT.fullmatch(value):
        return ()
    kinds: list[str] = []
    if d.is_cccd(value, this_year=this_year):
        kinds.append("cccd")
    elif d.is_cmnd(value):
        kinds.append("cmnd")
    if d.is_mobile_phone(value):
        kinds.append("phone")
    elif len(value) == 9 and value.isdigit() and d.is_mobile_phone("0" + value):
        kinds.append("phone9")  # a spreadsheet number that lost its leading zero
    if "@" in value and d.is_personal_email(value):
        kinds.append("email")
    if d.is_personal_tax_code(value):
        kinds.append("tax_code")
    if d.is_account_number(value):
        kinds.append("account")
    if d.parse_birth_date(value, this_year=this_year) is not None:
        kinds.append("date")
    elif " " in value and value[:1].isupper() and d.looks_like_person_name(value):
        kinds.append("name")
    if not value.replace(" ", "").isdigit() and BANK_WORDS.search(d.fold(value)):
        kinds.append("bank_word")
    return tuple(kinds)


def _classify_cell(value: str, col: int, row: int, tally: _Tally, this_year: int | None,
                   cache: dict[str, tuple[str, ...]]) -> None:
    kinds = cache.get(value)
    if kinds is None:
        kinds = _cell_kinds(value, this_year)
        if len(cache) < CACHE_LIMIT:  # open data repeats itself: districts, codes, units
            cache[value] = kinds
    for kind in kinds:
        tally.add(col, kind, row)


def _decide(header: Sequence[str], names: Sequence[str | None], tally: _Tally,
            filled: Sequence[int], zero_led: Sequence[bool], total: int) -> list[Finding]:
    findings: list[Finding] = []

    def add(kind: str, col: int, source: str, count: int, rows: tuple[int, ...]) -> None:
        findings.append(Finding(kind, source, count, rows, column=header[col]))

    def mostly(col: int, kind: str) -> bool:
        return filled[col] > 0 and tally.count(col, kind) >= MOSTLY * filled[col]

    bank_table = any(n == "bank_account" for n in names) or any(
        tally.count(c, "bank_word") for c in range(len(header)))
    name_cols = [c for c in range(len(header))
                 if names[c] == "full_name" or (filled[c] and mostly(c, "name"))]
    for col in range(len(header)):
        named = names[col]
        found: set[str] = set()
        for kind in ("cccd", "phone", "email"):
            # Business tax codes of Hưng Yên (09…) or Hải Dương (08…) spell like mobiles.
            if kind == "phone" and _tax_column(header[col]):
                continue
            if tally.count(col, kind):
                found.add(kind)
                add(kind, col, "content", tally.count(col, kind), tally.rows(col, kind))
        if named == "phone" and tally.count(col, "phone9") and "phone" not in found:
            add("phone", col, "content", tally.count(col, "phone9"), tally.rows(col, "phone9"))
            found.add("phone")
        if tally.count(col, "cmnd") and "cccd" not in found and "phone" not in found and (
                named in ("cmnd", "cccd") or (mostly(col, "cmnd") and zero_led[col])):
            add("cmnd", col, "content", tally.count(col, "cmnd"), tally.rows(col, "cmnd"))
            found.add("cmnd")
        if tally.count(col, "tax_code") and (named == "tax_code" or _tax_column(header[col])
                                             or mostly(col, "tax_code")):
            add("tax_code", col, "content", tally.count(col, "tax_code"),
                tally.rows(col, "tax_code"))
            found.add("tax_code")
        if tally.count(col, "account") and not found and (
                named == "bank_account" or (bank_table and mostly(col, "account"))):
            add("bank_account", col, "content", tally.count(col, "account"),
                tally.rows(col, "account"))
            found.add("bank_account")
        if tally.count(col, "date") and name_cols and col not in name_cols and (
                named == "date_of_birth" or (mostly(col, "date") and not set(
                    column_words(header[col])) & EVENT_WORDS)):
            rows = tally.rows(col, "date")
            add("date_of_birth", col, "content", tally.count(col, "date"), rows)
            found.add("date_of_birth")
        for key, count in list(tally.counts.items()):
            if key[0] == col and key[1].startswith("text:") and key[1][5:] not in found:
                add(key[1][5:], col, "content", count, tally.rows(col, key[1]))
                found.add(key[1][5:])
        if named and named not in CONTACT_KINDS and named not in found and total:
            add(named, col, "column_name", filled[col], ())
    return findings


def _tax_column(name: str) -> bool:
    return TAX_WORDS.search(" ".join(column_words(name))) is not None


@lru_cache(maxsize=TEXT_CACHE_LIMIT)
def _text_spans(text: str, this_year: int | None = None
                ) -> tuple[tuple[str, tuple[int, int]], ...]:
    """(kind, span) of personal data in running text (remembered: see ``_cell_kinds``)."""
    if "@" not in text and not any(c.isdigit() for c in text):
        return ()  # every kind screened for needs digits or an e-mail address
    spans: list[tuple[str, tuple[int, int]]] = [("email", s) for s in d.find_emails(text)]
    spans += [("phone", s) for s in d.find_phones(text)]
    spans += d.find_id_numbers(text)
    folded = d.fold(text)
    taken = {s for _k, s in spans}
    for match in re.finditer(r"(?<!\d)(?<!\d[.,])\d[\d ]{7,22}\d(?!\d|[.,]\d)", text):
        if match.span() in taken:
            continue
        before = folded[max(0, match.start() - 40):match.start()]
        digits = match.group(0).replace(" ", "")
        if TAX_WORDS.search(before) and re.fullmatch(r"\d{10}(?:\d{2})?", digits) and (
                "ca nhan" in before or d.is_personal_tax_code(digits)):
            spans.append(("tax_code", match.span()))
        elif BANK_WORDS.search(before) and d.is_account_number(digits):
            spans.append(("bank_account", match.span()))
    for match in DATE_IN_TEXT.finditer(text):
        before = folded[max(0, match.start() - 25):match.start()]
        if BIRTH_WORDS.search(before):
            spans.append(("date_of_birth", match.span()))
    return tuple(spans)


def screen_text(text: str, field_name: str, *, this_year: int | None = None) -> list[Finding]:
    """Findings in one free-text field; positions are character offsets."""
    by_kind: dict[str, list[int]] = {}
    for kind, (start, _end) in _text_spans(text or "", this_year):
        by_kind.setdefault(kind, []).append(start)
    return [Finding(kind, "metadata", len(offsets), tuple(sorted(offsets)[:SAMPLE_POSITIONS]),
                    field=field_name) for kind, offsets in sorted(by_kind.items())]


HEX_DIGEST = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])")


def screen_metadata(package: Mapping[str, Any], *, this_year: int | None = None) -> ScreeningResult:
    """Screen a package dict's descriptive text (titles, descriptions, tags, extras, resources).

    Contact fields (author, maintainer and their e-mails) are left out: they are the
    publishing agency's published contact point, not data about the people described.
    """
    fields: list[tuple[str, str]] = [(key, str(package.get(key) or ""))
                                     for key in ("title", "title_en", "notes", "notes_en")]
    fields += [(f"tags[{i}]", str(t.get("name", "") if isinstance(t, Mapping) else t))
               for i, t in enumerate(package.get("tags") or [])]
    extras = package.get("extras") or []
    items = extras.items() if isinstance(extras, Mapping) else (
        (e.get("key", ""), e.get("value", "")) for e in extras if isinstance(e, Mapping))
    fields += [(f"extras.{k}", str(v)) for k, v in items]
    for i, res in enumerate(package.get("resources") or []):
        fields += [(f"resources[{i}].{key}", str(res.get(key) or ""))
                   for key in ("name", "description")]
    result = ScreeningResult(scanned=True)
    for name, text in fields:
        # Digests (content hashes, fingerprints) are random hex: their digit runs can look
        # like a phone number or a CCCD by chance, so they are not read as text.
        text = HEX_DIGEST.sub(" ", text)
        result.findings.extend(screen_text(text, name, this_year=this_year))
    return result


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _screen_table(path: Path, fmt: str, filename: str, max_rows: int | None,
                  this_year: int | None, limits: ReadLimits) -> ScreeningResult:
    """Every sheet of a CSV/TSV/XLSX/XLS (or gzipped) file, within ``limits`` overall.

    Read as previews and validation read it (:func:`open_rows`): the same encodings, the
    header found below any title rows, and one cell budget shared by all sheets.
    """
    result = ScreeningResult()
    cells = limits.max_cells
    sheets: list[str | None] = [None]
    done = 0
    while done < len(sheets):
        sheet = sheets[done]
        budget = ReadLimits(limits.max_unpacked_bytes, cells)
        with open_rows(path, fmt, filename, budget, sheet) as source:
            if done == 0 and len(source.sheets) > 1:
                sheets += source.sheets[1:]
            found, data = header.split(source.rows)
            part = screen_table(found.names, (row for _number, row in data),
                                max_rows=max_rows, this_year=this_year)
            part.truncated = part.truncated or source.cells_exhausted
            cells = max(source.budget.left, 0)
        result.columns.extend(part.columns)
        result.extend(part)
        done += 1
        if cells <= 0:
            result.truncated = True
            break
    return result


def _screen_json(path: Path, max_rows: int | None, this_year: int | None,
                 limits: ReadLimits) -> ScreeningResult:
    check_json(path, limits)
    document = json.loads(_read_text(path))
    if isinstance(document, Mapping) and document.get("type") == "FeatureCollection":
        records = [f.get("properties") or {} for f in document.get("features") or []]
    elif isinstance(document, list) and all(isinstance(r, Mapping) for r in document):
        records = document
    else:
        return ScreeningResult(scanned=False, note="JSON is neither records nor GeoJSON")
    header = list(dict.fromkeys(k for r in records for k in r))
    return screen_table(header, records, max_rows=max_rows, this_year=this_year)


def screen_file(path: Path | str, fmt: str, *, max_rows: int | None = 200_000,
                this_year: int | None = None, limits: ReadLimits | None = None,
                filename: str = "") -> ScreeningResult:
    """Screen a CSV, TSV, XLSX, XLS (or gzipped), JSON records or GeoJSON file.

    Other formats are not scanned. A file past ``limits`` (decompression bombs, issue 15) is
    not read: the result says so (``scanned`` false, the reason in ``note``).
    """
    path = Path(path)
    kind = fmt.lower().lstrip(".")
    try:
        if kind in ("json", "geojson"):
            return _screen_json(path, max_rows, this_year, limits or ReadLimits())
        if kind in ("xlsm", "txt") or kind_of(kind, filename):
            kind = {"xlsm": "xlsx", "txt": "csv"}.get(kind, kind)
            return _screen_table(path, kind, filename, max_rows, this_year,
                                 limits or ReadLimits())
    except TooLarge as exc:
        # Fail closed (issue 15): what could not be read could hold anything, so a file past
        # the limits waits for an officer instead of being published unscreened.
        return ScreeningResult([Finding("unscreened", "content", 1, (), field="file")],
                               scanned=False, note=f"not screened: {exc.message}")
    except (ValueError, KeyError, IndexError, OSError, zipfile.BadZipFile, csv.Error,
            ParseError) as exc:
        # Unreadable content is reported, not guessed at: the caller decides (hold or reject).
        return ScreeningResult(scanned=False, note=f"could not read the {fmt} file: "
                                                    f"{type(exc).__name__}")
    return ScreeningResult(scanned=False, note=f"format {fmt!r} is not screened")

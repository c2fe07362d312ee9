"""Ready-made citations of one dataset version: Vietnamese text, APA, BibTeX, RIS, CSL-JSON.

Cao Bằng 34/2024/QĐ-UBND Điều 8.1.c asks whoever uses shared data to name the source *and
the time of the latest retrieval*; Luật Giao dịch điện tử 20/2023 Điều 43 asks users of open
data to cite the source. Every format therefore names the publishing agency, the exact
version with its permanent URL, and the day the data was accessed. Pure functions: the
portal passes the package dict of the version, its URL and today's date.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Citation:
    """What every citation format needs to know about one dataset version."""

    title: str
    agency: str
    version: int | None  # the public version number; None before anything was published
    version_date: date | None
    url: str
    accessed: date
    publisher: str  # the portal
    name: str  # the dataset's URL name, used for citation keys
    retrieved_at: date | None = None  # when the portal last harvested it from the agency
    license_title: str = ""


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def citation_for(package: dict[str, Any], *, version: int | None, version_url: str,
                 accessed: date, publisher: str, english: bool = False) -> Citation:
    """A :class:`Citation` of ``package`` (the version's snapshot) as version ``version``.

    ``version`` counts published versions only (issue 15): a draft or a private version in
    between never shows in the number. None (a draft seen by its agency) names no version.
    """
    org = package.get("organization") or {}
    title = (package.get("title_en") if english else "") or package.get("title") or ""
    agency = ((org.get("title_en") if english else "") or org.get("title")
              or package.get("author") or publisher)
    provenance = package.get("provenance") or {}
    return Citation(
        title=title, agency=agency, version=version,
        version_date=_parse_date(package.get("metadata_modified")),
        url=version_url, accessed=accessed, publisher=publisher, name=package.get("name", ""),
        retrieved_at=_parse_date(provenance.get("retrieved_at")),
        license_title=package.get("license_title") or "",
    )


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# Month names spelled out, not taken from the process's locale (``%B`` is whatever the
# server's LC_TIME says).
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _english_day(day: date) -> str:
    """``2 March 2026``: the day before the month, as English style guides and the EU
    write it; never ``02/03/2026``, which an American reads as 3 February."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _vietnamese_day(day: date) -> str:
    """``ngày 2 tháng 3 năm 2026``, as Vietnamese citations write dates out."""
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def vietnamese_text(c: Citation) -> str:
    """Nguồn: <Cơ quan>, <Tên bộ dữ liệu>, phiên bản n (dd/mm/yyyy), <URL>, truy cập ngày …"""
    version = f"phiên bản {c.version}" if c.version is not None else ""
    if c.version_date:
        version = f"{version} ({_dmy(c.version_date)})".strip()
    parts = [f"Nguồn: {c.agency}", c.title, version, c.publisher, c.url,
             f"truy cập ngày {_dmy(c.accessed)}"]
    return ", ".join(p for p in parts if p) + "."


def english_text(c: Citation) -> str:
    """The same in English, for the English pages."""
    version = f"version {c.version}" if c.version is not None else ""
    if c.version_date:
        version = f"{version} ({_english_day(c.version_date)})".strip()
    parts = [f"Source: {c.agency}", c.title, version, c.publisher, c.url,
             f"accessed {_english_day(c.accessed)}"]
    return ", ".join(p for p in parts if p) + "."


def version_line(c: Citation, *, english: bool = False) -> str:
    """The citation without the day of access, for an embedded view (issue 22): the embed is
    cached for as long as the version lasts, so "accessed today" would soon be false; the
    version's number and date pin what was shown, and its page gives the full citation."""
    text = english_text(c) if english else vietnamese_text(c)
    return text.rsplit(", ", 1)[0] + "."


def apa(c: Citation) -> str:
    """APA 7 style for a dataset: Agency. (Year). *Title* (Version n) [Data set]. Portal. URL"""
    year = c.version_date.year if c.version_date else "n.d."
    accessed = f"{_MONTHS[c.accessed.month - 1]} {c.accessed.day}, {c.accessed.year}"
    version = f" (Version {c.version})" if c.version is not None else ""
    return (f"{c.agency}. ({year}). {c.title}{version} [Data set]. {c.publisher}. "
            f"Retrieved {accessed}, from {c.url}")


def apa_vietnamese(c: Citation) -> str:
    """APA 7 as Vietnamese publications write it, with no English word (issue 19):
    Cơ quan. (Năm). *Tên* (Phiên bản n) [Bộ dữ liệu]. Cổng. Truy xuất ngày …, từ URL"""
    year = c.version_date.year if c.version_date else "không rõ năm"
    version = f" (Phiên bản {c.version})" if c.version is not None else ""
    return (f"{c.agency}. ({year}). {c.title}{version} [Bộ dữ liệu]. {c.publisher}. "
            f"Truy xuất {_vietnamese_day(c.accessed)}, từ {c.url}")


def citation_key(c: Citation) -> str:
    """An ASCII key such as ``chat_luong_khong_khi_v3``."""
    folded = unicodedata.normalize("NFKD", c.name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = folded.encode("ascii", "ignore").decode("ascii")
    key = re.sub(r"[^A-Za-z0-9]+", "_", ascii_name).strip("_").lower()
    return key + (f"_v{c.version}" if c.version is not None else "")


# Line breaks and other control characters: a title is one line in every format (a newline
# in RIS starts a new tag, "ER  - " ends the record; issue 15).
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# BibTeX counts braces even after a backslash, so "\{" would still unbalance the entry:
# braces and backslashes become commands that print them; the rest are escaped (issue 15).
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "%": r"\%", "&": r"\&", "$": r"\$", "#": r"\#", "_": r"\_",
}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIALS))


def _one_line(value: str) -> str:
    """``value`` with line breaks and control characters as single spaces."""
    # A lone surrogate cannot be encoded: it becomes U+FFFD rather than a server error.
    value = _SURROGATE.sub("\ufffd", _BREAKS.sub(" ", value))
    return re.sub(r" {2,}", " ", value).strip()


def _bibtex_escape(value: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_SPECIALS[m.group(0)], _one_line(value))


def _bibtex_url(url: str) -> str:
    """A URL with nothing that could end its field: braces, backslashes, spaces encoded."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group(0)):02X}", _one_line(url))


def bibtex(c: Citation) -> str:
    """A ``@misc`` entry (biblatex ``@dataset`` is not understood by classic BibTeX)."""
    year = c.version_date.year if c.version_date else c.accessed.year
    fields = [
        ("author", "{" + _bibtex_escape(c.agency) + "}"),  # braces: an agency, not a person
        ("title", _bibtex_escape(c.title)),
        ("year", str(year)),
        *([("version", str(c.version))] if c.version is not None else []),
        ("publisher", _bibtex_escape(c.publisher)),
        ("howpublished", "\\url{" + _bibtex_url(c.url) + "}"),
        ("url", _bibtex_url(c.url)),
        ("urldate", c.accessed.isoformat()),
        ("note", f"Accessed {c.accessed.isoformat()}"),
    ]
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@misc{{{citation_key(c)},\n{body}\n}}\n"


def ris(c: Citation) -> str:
    """RIS (``TY  - DATA``), CRLF line ends as the format expects."""
    lines = [("TY", "DATA"), ("AU", _one_line(c.agency)), ("TI", _one_line(c.title)),
             *([("ET", f"Version {c.version}")] if c.version is not None else []),
             ("PB", _one_line(c.publisher)), ("UR", _one_line(c.url)),
             ("Y2", c.accessed.strftime("%Y/%m/%d"))]
    if c.version_date:
        lines.append(("PY", str(c.version_date.year)))
        lines.append(("DA", c.version_date.strftime("%Y/%m/%d")))
    lines.append(("ER", ""))
    return "\r\n".join(f"{tag}  - {value}" for tag, value in lines) + "\r\n"


def csl_json(c: Citation) -> str:
    """One CSL-JSON item (a list, as citation processors read them)."""
    item: dict[str, Any] = {
        "id": citation_key(c),
        "type": "dataset",
        "title": _one_line(c.title),
        "author": [{"literal": _one_line(c.agency)}],
        "publisher": _one_line(c.publisher),
        "URL": c.url,
        "accessed": {"date-parts": [[c.accessed.year, c.accessed.month, c.accessed.day]]},
    }
    if c.version is not None:
        item["version"] = str(c.version)
    if c.version_date:
        d = c.version_date
        item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
    text = json.dumps([item], ensure_ascii=False, indent=2)
    # The same JSON value, but "<" never appears raw: the file stays inert where a page or a
    # processor embeds it in HTML (a title "</script><script>…").
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


# Download formats: name -> (renderer, mimetype, file extension)
FORMATS: dict[str, tuple[Any, str, str]] = {
    "bibtex": (bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "ris": (ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl": (csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}

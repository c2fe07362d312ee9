"""Temporal coverage, spatial coverage and update frequency as real sources write them.

Sources say the same thing many ways: DCAT ``dct:temporal`` periods with ``dcat:startDate``
or ``schema:startDate``, CKAN's ``temporal_coverage`` lists, data.gov.uk's
``temporal_coverage-from`` extras, HDX's ``dataset_date`` ("[1970-01-01T00:00:00 TO …]" or
"01/01/1992-07/15/2019"); frequencies as EU authority URIs, Dublin Core Collection
(``cld:freq``) URIs, ISO 19115 codes or HDX day counts. These functions bring them to the
catalogue's fields (``temporal_start``/``_end`` as ISO dates, ``update_frequency`` words)
and say nothing rather than guess (issue 16).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

# EU authority table (publications.europa.eu/resource/authority/frequency/…), Dublin Core
# Collection frequencies (purl.org/cld/freq/…), ISO 19115 maintenance codes and plain words
# (lower case) -> ours. Only exact equivalents: "BIENNIAL" or "fortnightly" have none.
FREQUENCIES: dict[str, str] = {
    "cont": "continual", "update_cont": "continual", "continuous": "continual",
    "continual": "continual", "hourly": "hourly", "daily": "daily", "weekly": "weekly",
    "monthly": "monthly", "quarterly": "quarterly", "annual": "annual", "annually": "annual",
    "yearly": "annual", "annual_2": "biannual", "semiannual": "biannual",
    "biannually": "biannual", "biannual": "biannual", "irreg": "irregular",
    "irregular": "irregular", "asneeded": "irregular", "as needed": "irregular",
    "never": "never", "notplanned": "never", "not planned": "never",
    # Vietnamese words agencies write
    "hàng ngày": "daily", "hằng ngày": "daily", "hàng tuần": "weekly", "hằng tuần": "weekly",
    "hàng tháng": "monthly", "hằng tháng": "monthly", "hàng quý": "quarterly",
    "hằng quý": "quarterly", "hàng năm": "annual", "hằng năm": "annual",
    "6 tháng": "biannual", "không định kỳ": "irregular", "liên tục": "continual",
}
# HDX ``data_update_frequency``: days between updates ("0" live, "-1" never, "-2" as needed).
HDX_DAYS = {"0": "continual", "1": "daily", "7": "weekly", "30": "monthly", "90": "quarterly",
            "180": "biannual", "365": "annual", "-1": "never", "-2": "irregular"}
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
GEONAMES = re.compile(r"^https?://(?:sws\.|www\.)?geonames\.org/(\d+)")
# Vietnamese administrative unit codes (Decision 124/2004/QĐ-TTg and its 2025 successor):
# two digits for a province, three for a district, five for a commune or ward.
VN_ADMIN_CODE = re.compile(r"^(\d{2}|\d{3}|\d{5})$")


def frequency_word(value: str) -> str:
    """Our ``update_frequency`` for a frequency URI, code or word; "" when none is exact."""
    text = value.strip()
    if not text:
        return ""
    if re.match(r"^[a-z]+://", text, re.IGNORECASE):
        text = text.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return FREQUENCIES.get(text.lower(), "")


def hdx_frequency(days: str) -> str:
    """Our frequency for HDX's ``data_update_frequency`` (a day count)."""
    return HDX_DAYS.get(days.strip(), "")


def iso_date(value: str, *, month_first: bool = False) -> str:
    """An ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) from what sources write, or "".

    ISO dates and datetimes keep their date; ``dd/mm/yyyy`` is read day first (Vietnamese
    use) unless ``month_first`` (HDX writes ``mm/dd/yyyy``).
    """
    text = value.strip().strip('"[]').strip()
    if not text:
        return ""
    if ISO_DATE.match(text):
        return text
    match = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]", text)
    if match:
        return match.group(1)
    match = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", text)
    if match:
        first, second, year = (int(g) for g in match.groups())
        day, month = (second, first) if month_first else (first, second)
        try:
            return datetime(year, month, day).date().isoformat()
        except ValueError:
            return ""
    return ""


def widest(periods: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """The earliest start and the latest end of several (start, end) periods."""
    listed = list(periods)
    starts = [s for s, _ in listed if s]
    ends = [e for _, e in listed if e]
    return (min(starts) if starts else "", max(ends) if ends else "")


def hdx_period(value: str) -> tuple[str, str]:
    """HDX ``dataset_date``: "[1970-01-01T00:00:00 TO 2019-12-31T23:59:59]" (Solr range)
    or the older "01/01/1992-07/15/2019" (month first)."""
    text = value.strip()
    if " TO " in text:
        start, _, end = text.strip("[]").partition(" TO ")
        return iso_date(start), iso_date(end)
    match = re.match(r"^(\d{1,2}/\d{1,2}/\d{4})(?:-(\d{1,2}/\d{1,2}/\d{4}))?$", text)
    if match:
        start = iso_date(match.group(1), month_first=True)
        return start, iso_date(match.group(2) or match.group(1), month_first=True)
    return "", ""


def spatial_extras(uri: str) -> dict[str, str]:
    """Extras that keep a spatial reference exactly: the URI, a GeoNames id, a Vietnamese
    administrative unit code."""
    text = uri.strip()
    if not text:
        return {}
    found = {"spatial_uri": text} if "://" in text else {}
    geonames = GEONAMES.match(text)
    if geonames:
        found["geonames_id"] = geonames.group(1)
    tail = text.rstrip("/").rsplit("/", 1)[-1]
    if VN_ADMIN_CODE.match(tail) and (tail == text or "/vn/" in text.lower()
                                      or "dvhc" in text.lower()):
        found["admin_unit_code"] = tail
    return found


def admin_unit(label: str) -> dict[str, str]:
    """``admin_unit_code`` for a spatial label that is, or ends with, a Vietnamese
    administrative unit code: "01", "32248", "Xã Đất Mũi (32248)"."""
    match = re.match(r"^(?:.*\()?\s*(\d{2}|\d{3}|\d{5})\s*\)?$", label.strip())
    return {"admin_unit_code": match.group(1)} if match else {}

"""Read a DCAT-US 1.1 / Project Open Data ``data.json`` into package-dict-like records."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from catalogue.datajson.build import PERIODICITY
from catalogue.privacy.detectors import fold
from licenses import registry
from licenses.matching import find_license

FREQUENCY = {iso: ours for ours, iso in PERIODICITY.items()}
FREQUENCY.update({"R/PT1H": "hourly", "R/P1D": "daily", "R/P7D": "weekly", "R/P0.5M": "weekly",
                  "R/P12M": "annual", "R/P1Y": "annual", "R/P2M": "monthly",
                  "R/P4M": "quarterly", "R/P6M": "biannual"})
FORMATS_BY_MEDIA = {
    "text/csv": "CSV", "application/json": "JSON", "application/geo+json": "GEOJSON",
    "application/vnd.geo+json": "GEOJSON", "application/xml": "XML", "text/xml": "XML",
    "application/pdf": "PDF", "application/zip": "ZIP", "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "text/tab-separated-values": "TSV", "text/turtle": "TTL",
}


def slugify(text: str, limit: int = 100) -> str:
    """A CKAN name from any title: folded, lower case, dashes (``Giá đất`` -> ``gia-dat``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:limit].rstrip("-") or "dataset"


def _name(entry: Mapping[str, Any]) -> str:
    identifier = str(entry.get("identifier") or "")
    path = urlparse(identifier).path if "://" in identifier else ""
    match = re.search(r"/dataset/([a-z0-9_-]{2,100})/?$", path)
    if match:
        return match.group(1)
    return slugify(str(entry.get("title") or identifier))


def _license_id(url: str) -> str:
    """The registry id a licence URL names exactly, or "" (issue 16: an unknown licence is
    never read as open; the harvester holds the record and keeps the URL)."""
    url = url.strip().rstrip("/")
    if not url:
        return ""
    match = re.search(r"/license/([A-Za-z0-9_.-]+)$", url)  # a dulieumo portal's licence page
    if match and match.group(1) in registry():
        return match.group(1)
    found = find_license(url)
    return found.id if found is not None else ""


def _format(dist: Mapping[str, Any]) -> str:
    fmt = str(dist.get("format") or "").strip().upper().lstrip(".")
    if fmt:
        return fmt
    media = str(dist.get("mediaType") or "").split(";")[0].strip().lower()
    if media in FORMATS_BY_MEDIA:
        return FORMATS_BY_MEDIA[media]
    url = str(dist.get("downloadURL") or dist.get("accessURL") or "")
    tail = urlparse(url).path.rsplit(".", 1)
    return tail[1].upper() if len(tail) == 2 and len(tail[1]) <= 7 else ""


def _resource(dist: Mapping[str, Any]) -> dict[str, Any] | None:
    url = dist.get("downloadURL") or dist.get("accessURL")
    if not url:
        return None
    res: dict[str, Any] = {"url": str(url), "name": str(dist.get("title") or ""),
                           "description": str(dist.get("description") or ""),
                           "format": _format(dist)}
    if dist.get("mediaType"):
        res["mimetype"] = str(dist["mediaType"])
    return res


def parse_dataset(entry: Mapping[str, Any]) -> dict[str, Any]:
    """One DCAT-US dataset as a package dict plus ``source_public`` and source fields."""
    contact = entry.get("contactPoint") or {}
    publisher = entry.get("publisher") or {}
    temporal = str(entry.get("temporal") or "")
    start, _, end = temporal.partition("/")
    # No accessLevel is not "public": only an explicit "public" is (issue 16).
    access = str(entry.get("accessLevel") or "").strip().lower()
    keywords = entry.get("keyword") or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",")]
    resources = [r for r in (_resource(d) for d in entry.get("distribution") or []
                             if isinstance(d, Mapping)) if r]
    return {
        "name": _name(entry),
        "title": str(entry.get("title") or ""),
        "title_en": str(entry.get("dulieumo:title_en") or ""),
        "notes": str(entry.get("description") or ""),
        "tags": [str(k) for k in keywords if str(k).strip()],
        "license_id": _license_id(str(entry.get("license") or "")),
        "license_url": str(entry.get("license") or "").strip(),
        "url": str(entry.get("landingPage") or ""),
        "maintainer": str(contact.get("fn") or ""),
        "maintainer_email": str(contact.get("hasEmail") or "").removeprefix("mailto:"),
        "spatial": str(entry.get("spatial") or "") if isinstance(entry.get("spatial"), str)
        else "",
        "temporal_start": start[:10] or None,
        "temporal_end": (end or start)[:10] or None,
        "update_frequency": FREQUENCY.get(str(entry.get("accrualPeriodicity") or ""), ""),
        "accrual_periodicity": str(entry.get("accrualPeriodicity") or ""),
        "resources": resources,
        "source_identifier": str(entry.get("identifier") or ""),
        "source_modified": str(entry.get("modified") or ""),
        "publisher": str(publisher.get("name") or ""),
        "themes": [str(t) for t in entry.get("theme") or []],
        # "restricted public" and "non-public" must never come out open (Law on Data Art. 13).
        "source_public": access == "public",
        "access_level": access,
    }


def parse_data_json(document: Mapping[str, Any] | str | bytes) -> list[dict[str, Any]]:
    """Every dataset of a data.json document, in order."""
    data = json.loads(document) if isinstance(document, str | bytes) else document
    if not isinstance(data, Mapping) or not isinstance(data.get("dataset"), list):
        raise ValueError("not a data.json catalogue: expected an object with a 'dataset' list")
    return [parse_dataset(e) for e in data["dataset"] if isinstance(e, Mapping)]

"""Build a DCAT-US 1.1 catalogue from package dicts (only public datasets are listed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from catalogue.classification import is_public
from licenses import get_license

SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
CONTEXT = f"{SCHEMA}/catalog.jsonld"
# Our update frequencies as ISO 8601 repeating durations (the POD accrualPeriodicity values).
PERIODICITY: dict[str, str] = {
    "continual": "R/PT1S", "hourly": "R/PT1H", "daily": "R/P1D", "weekly": "R/P1W",
    "monthly": "R/P1M", "quarterly": "R/P3M", "biannual": "R/P6M", "annual": "R/P1Y",
    "irregular": "irregular",
}
MEDIA_TYPES: dict[str, str] = {
    "CSV": "text/csv", "JSON": "application/json", "GEOJSON": "application/geo+json",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "XLS": "application/vnd.ms-excel", "XML": "application/xml", "PDF": "application/pdf",
    "ZIP": "application/zip", "TSV": "text/tab-separated-values", "TTL": "text/turtle",
    "KML": "application/vnd.google-earth.kml+xml", "SHP": "application/x-shapefile",
}


def dataset_uri(site_url: str, name: str) -> str:
    """The stable identifier of a dataset: its page on this portal."""
    return f"{site_url.rstrip('/')}/dataset/{name}"


def license_url(site_url: str, license_id: str) -> str:
    """The licence's URL, or its page on the portal for licences without one."""
    lic = get_license(license_id or "not-specified")
    if lic is not None and lic.url:
        return lic.url
    return f"{site_url.rstrip('/')}/license/{license_id or 'not-specified'}"


def _distribution(res: Mapping[str, Any]) -> dict[str, Any]:
    fmt = (res.get("format") or "").upper()
    entry: dict[str, Any] = {"@type": "dcat:Distribution", "title": res.get("name") or "",
                             "downloadURL": res.get("url") or ""}
    if res.get("description"):
        entry["description"] = res["description"]
    if fmt:
        entry["format"] = fmt
        media = res.get("mimetype") or MEDIA_TYPES.get(fmt)
        if media:
            entry["mediaType"] = media
    if (res.get("schema") or {}).get("fields"):
        entry["conformsTo"] = "https://specs.frictionlessdata.io/table-schema/"
    return entry


def _modified(package: Mapping[str, Any]) -> str:
    value = str(package.get("metadata_modified") or "")
    return value.split(".")[0] + "Z" if value else ""


def dataset_entry(package: Mapping[str, Any], site_url: str) -> dict[str, Any]:
    """One package dict as a DCAT-US dataset."""
    org = package.get("organization") or {}
    uri = dataset_uri(site_url, package["name"])
    entry: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": uri,
        "title": package.get("title") or package["name"],
        "description": package.get("notes") or package.get("title") or package["name"],
        "keyword": [t["name"] if isinstance(t, Mapping) else str(t)
                    for t in package.get("tags") or []] or ["dữ liệu mở"],
        "modified": _modified(package),
        "issued": str(package.get("metadata_created") or "").split(".")[0] + "Z"
        if package.get("metadata_created") else None,
        "publisher": {"@type": "org:Organization",
                      "name": org.get("title") or org.get("name") or site_url},
        "contactPoint": {"@type": "vcard:Contact",
                         "fn": package.get("maintainer") or org.get("title") or "",
                         "hasEmail": "mailto:" + (package.get("maintainer_email")
                                                  or org.get("email") or "")},
        "accessLevel": "public",
        "license": license_url(site_url, package.get("license_id") or ""),
        "landingPage": uri,
        "language": ["vi"],
        "distribution": [_distribution(r) for r in package.get("resources") or []],
        "theme": [g.get("title") or g.get("name") for g in package.get("groups") or []],
    }
    if package.get("spatial"):
        entry["spatial"] = package["spatial"]
    if package.get("temporal_start") or package.get("temporal_end"):
        start = package.get("temporal_start") or package.get("temporal_end")
        entry["temporal"] = f"{start}/{package.get('temporal_end') or start}"
    periodicity = PERIODICITY.get(package.get("update_frequency") or "")
    if periodicity:
        entry["accrualPeriodicity"] = periodicity
    if package.get("title_en"):
        entry["dulieumo:title_en"] = package["title_en"]
    return {k: v for k, v in entry.items() if v not in (None, "", [])}


def build_data_json(packages: Iterable[Mapping[str, Any]], site_url: str) -> dict[str, Any]:
    """The catalogue document; datasets that are not public (Law on Data Art. 13) are left out."""
    return {
        "@context": CONTEXT,
        "@id": f"{site_url.rstrip('/')}/data.json",
        "@type": "dcat:Catalog",
        "conformsTo": SCHEMA,
        "describedBy": f"{SCHEMA}/catalog.json",
        "dataset": [dataset_entry(p, site_url) for p in packages if is_public(p)],
    }

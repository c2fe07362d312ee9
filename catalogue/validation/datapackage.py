"""A dataset described as a Frictionless data package, with its source attribution.

Built from the catalogue (``package_show`` shape), so it always matches what is published, and
valid under both the Data Package v2 and v1 profiles (issue 17): ``$schema`` names v2,
``created`` is RFC 3339, ``sources`` name the agency's system and the upstream URL,
``contributors`` the publisher (v1 ``role`` and v2 ``roles``), ``licenses`` carry name, title
and path, and each resource its download URL, ``bytes``, ``hash`` (sha256) and table schema.
Resource names are the Vietnamese names transliterated (``Điểm quan trắc`` →
``diem-quan-trac``), never with the letters dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import requests
from frictionless import Package, system

from licenses import get_license

PROFILE_V2 = "https://datapackage.org/profiles/2.0/datapackage.json"
_SLUG = re.compile(r"[^a-z0-9._-]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _extras(package: Mapping[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in package.get("extras") or []}


def transliterate(text: str) -> str:
    """A name from Vietnamese text: marks removed (đ → d), lower-case a-z0-9._- and dashes."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"-{2,}", "-", _SLUG.sub("-", ascii_text.lower())).strip("-._")


def _resource_name(resource: Mapping[str, Any], taken: set[str]) -> str:
    """A resource name unique in the package (v1 wants ``^[-a-z0-9._/]+$``)."""
    url_name = str(resource.get("url") or "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    base = transliterate(str(resource.get("name") or "")) or transliterate(url_name) \
        or "resource"
    name, number = base[:90], 1
    while name in taken:
        number += 1
        name = f"{base[:90]}-{number}"
    taken.add(name)
    return name


def rfc3339(value: Any) -> str | None:
    """A timestamp as RFC 3339 in UTC (``2024-12-31T08:00:00Z``); naive ones are UTC, as the
    catalogue stores them. None when ``value`` is no date or time."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.replace(microsecond=0).isoformat() + "Z"


def _licence(package: Mapping[str, Any]) -> dict[str, Any] | None:
    lic = get_license(package.get("license_id") or "not-specified")
    if lic is None:
        return None
    return {"name": lic.id, "title": lic.title, **({"path": lic.url} if lic.url else {})}


def _resource(res: Mapping[str, Any], taken: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": _resource_name(res, taken),
        "title": res.get("name") or "",
        "description": res.get("description") or "",
        "path": res.get("url") or "",
        "format": str(res.get("format") or "").lower(),
        "mediatype": res.get("mimetype") or "",
    }
    size = res.get("size")
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        item["bytes"] = size
    digest = str(res.get("sha256") or str(res.get("hash") or "").removeprefix("sha256:"))
    if _SHA256.fullmatch(digest):
        item["hash"] = f"sha256:{digest}"
    if isinstance(res.get("schema"), dict) and res["schema"].get("fields"):
        item["type"] = "table"  # v2: a tabular resource, described by its table schema
        item["schema"] = res["schema"]
    return {k: v for k, v in item.items() if v not in (None, "")}


def build_datapackage(package: Mapping[str, Any], homepage: str = "") -> dict[str, Any]:
    """The data package descriptor of a dataset given as ``package_show`` returns it.

    ``homepage`` is the dataset's page on the portal, when known.
    """
    extras = _extras(package)
    provenance = package.get("provenance") or {}
    organization = package.get("organization") or {}
    descriptor: dict[str, Any] = {
        "$schema": PROFILE_V2,
        "name": package["name"],
        "id": package.get("id"),
        "title": package.get("title") or package["name"],
        "description": package.get("notes") or "",
        "homepage": homepage,
        "version": package.get("version") or "",
        "created": rfc3339(extras.get("source_created")) or rfc3339(
            package.get("metadata_created")),
        "keywords": [t["name"] for t in package.get("tags") or []],
    }
    licence = _licence(package)
    if licence is not None:
        descriptor["licenses"] = [licence]
    if provenance.get("source_url") or provenance.get("harvest_source"):
        upstream = str(provenance.get("source_url") or "")
        source: dict[str, Any] = {
            "title": extras.get("source_system") or provenance.get("harvest_source") or "",
            # A web address only: a harvest from a local folder has no path anyone else can
            # open (and v2 refuses file: URLs).
            "path": upstream if upstream.startswith(("http://", "https://")) else "",
        }
        if organization:
            source["publisher"] = organization.get("title")
        if provenance.get("retrieved_at"):
            source["retrieved_at"] = rfc3339(provenance["retrieved_at"])
        descriptor["sources"] = [{k: v for k, v in source.items() if v}]
    if organization:
        contributor = {"title": organization.get("title") or organization.get("name"),
                       "role": "publisher", "roles": ["publisher"]}
        if organization.get("email"):
            contributor["email"] = organization["email"]
        descriptor["contributors"] = [contributor]
    taken: set[str] = set()
    descriptor["resources"] = [_resource(res, taken) for res in package.get("resources") or []]
    return {k: v for k, v in descriptor.items() if v not in (None, "", [])}


def check_datapackage(descriptor: Mapping[str, Any]) -> list[str]:
    """Problems with a descriptor against the Data Package profile (empty when valid)."""
    if not descriptor.get("resources"):
        return ["a data package needs at least one resource"]
    # Offline: Frictionless fetches a resource path ending in .json/.yaml to see whether it is
    # a descriptor; for harvested links that was one remote request (and DNS lookup) per link,
    # 50 of 59 s of a real CKAN harvest (issue 16). A structural check needs no network.
    with system.use_context(http_session=_Offline()):
        report = Package.validate_descriptor(dict(descriptor))
    return [error.message for error in report.errors]


class _Offline(requests.Session):
    """A session that refuses every request (Frictionless treats the error as "not a
    descriptor" and goes on)."""

    def request(self, method: str | bytes, url: str | bytes,
                *args: Any, **kwargs: Any) -> requests.Response:
        raise requests.ConnectionError(f"no network access while checking a descriptor: {url!r}")

"""``ckan``: any CKAN portal (another dulieumo too) through the ``ckanapi`` library.

``package_search`` is paged with ``rows``/``start``; a record whose ``metadata_modified`` has
not changed is not downloaded again. Organizations and groups can be mapped to ours;
resources are downloaded (and validated) or kept as links.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from ckanapi import RemoteCKAN
from ckanapi.errors import CKANAPIError

from harvesters.base import Gathered, Harvester, SourceError, SourceRecord, SourceResource
from harvesters.http import USER_AGENT, FetchError, HttpClient
from harvesters.mapping import slugify


class _LimitedCKAN(RemoteCKAN):  # type: ignore[misc]
    """ckanapi's client, sending its GETs through our HttpClient (limits, retries)."""

    def __init__(self, address: str, http: HttpClient, max_bytes: int) -> None:
        super().__init__(address, user_agent=USER_AGENT, get_only=True)
        self.http = http
        self.max_bytes = max_bytes

    def _request_fn_get(self, url: str, data_dict: Mapping[str, Any], headers: Any,
                        requests_kwargs: Any) -> tuple[int, str]:
        response = self.http.get(url, params=data_dict, max_bytes=self.max_bytes)
        return response.status, response.body.decode("utf-8", errors="replace")


def _count(value: Any, where: str) -> int:
    """package_search's ``count``; SourceError (the job fails with the reason) when it is not
    a whole number, instead of an exception that left the job "running" (issue 15)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) \
            or not str(value).strip().isdigit():
        raise SourceError(f"{where}: package_search answered a count that is not a number: "
                          f"{str(value)[:100]!r}")
    return int(value)


def record_name(pkg: Mapping[str, Any]) -> str:
    """The package's ``name``; a record without one is named from its title (Vietnamese
    letters without marks) or, failing that, its id (issue 16)."""
    return str(pkg.get("name") or "") or slugify(str(pkg.get("title") or "")) \
        or slugify(str(pkg.get("id") or ""))


def _names(items: Any, key: str = "name") -> list[str]:
    return [str(i.get(key)) for i in items or [] if isinstance(i, dict) and i.get(key)]


class CkanHarvester(Harvester):
    type_name = "ckan"
    locations = ("url",)
    options: ClassVar[dict[str, tuple[type, str]]] = {
        "rows": (int, "datasets per package_search page (default 100)"),
        "fq": (str, "extra Solr filter query passed to package_search"),
        "download_resources": (bool, "download and validate resources (default true) or link"),
        "organization_map": (dict, "their organization name -> ours"),
        "group_map": (dict, "their group name -> ours"),
    }

    def gather(self) -> Iterator[Gathered]:
        ckan = _LimitedCKAN(self.source.url, self.http, self.source.limits.max_response_bytes)
        rows = int(self.option("rows", 100))
        start = 0
        params: dict[str, Any] = {"rows": rows, "sort": "name asc", "include_private": False}
        if self.option("fq", ""):
            params["fq"] = self.option("fq", "")
        if self.source.filters.query:
            params["q"] = self.source.filters.query
        seen: set[str] = set()
        while True:
            try:
                page = ckan.action.package_search(start=start, **params)
            except (CKANAPIError, FetchError, ValueError) as exc:
                raise SourceError(f"{self.source.url}: package_search (start={start}) failed: "
                                  f"{type(exc).__name__}: {str(exc)[:300]}") from None
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise SourceError(f"{self.source.url}: package_search returned no results list")
            count = _count(page.get("count"), self.source.url)
            results = page["results"]
            fresh = 0
            for package in results:
                if isinstance(package, dict) and (package.get("id") or package.get("name")):
                    identifier = str(package.get("id") or package["name"])
                    fresh += identifier not in seen
                    seen.add(identifier)
                    yield Gathered(identifier, package)
            # Advance by what the portal actually returned: portals cap ``rows`` (CKAN's
            # ckan.search.rows_max, often 10 or 1000), and stepping by what we asked for
            # skipped records silently (issue 16).
            start += len(results)
            if not results or start >= count:
                return
            if not fresh:
                raise SourceError(f"{self.source.url}: package_search returned only records "
                                  f"already listed: the portal ignores start")

    def fetch(self, item: Gathered) -> SourceRecord:
        pkg: dict[str, Any] = item.payload
        org_map = self.option("organization_map", {})
        group_map = self.option("group_map", {})
        organization = (pkg.get("organization") or {}).get("name") or ""
        not_publishable = ""
        if pkg.get("private"):
            not_publishable = "private in the source"
        elif (pkg.get("state") or "active") != "active":
            not_publishable = f"state {pkg.get('state')} in the source"
        extras = {str(e.get("key")): str(e.get("value")) for e in pkg.get("extras") or []
                  if isinstance(e, dict) and e.get("key")}
        base = self.source.url.rstrip("/")
        name = record_name(pkg)
        record = SourceRecord(
            identifier=item.identifier, name=name,
            title=str(pkg.get("title") or pkg.get("name") or ""),
            title_en=str(pkg.get("title_en") or ""), notes=str(pkg.get("notes") or ""),
            notes_en=str(pkg.get("notes_en") or ""), tags=_names(pkg.get("tags")),
            groups=[group_map.get(g, g) for g in _names(pkg.get("groups"))],
            license=str(pkg.get("license_id") or ""),
            organization=org_map.get(organization, organization), url=str(pkg.get("url") or ""),
            source_url=f"{base}/dataset/{pkg.get('name') or pkg.get('id') or name}",
            version=str(pkg.get("version") or ""),
            author=str(pkg.get("author") or ""), author_email=str(pkg.get("author_email") or ""),
            maintainer=str(pkg.get("maintainer") or ""),
            maintainer_email=str(pkg.get("maintainer_email") or ""),
            temporal_start=str(pkg.get("temporal_start") or ""),
            temporal_end=str(pkg.get("temporal_end") or ""), spatial=str(pkg.get("spatial") or ""),
            update_frequency=str(pkg.get("update_frequency") or ""),
            created=str(pkg.get("metadata_created") or ""),
            modified=str(pkg.get("metadata_modified") or ""),
            extras=extras, not_publishable=not_publishable,
        )
        download = self.option("download_resources", True)
        for res in pkg.get("resources") or []:
            if not isinstance(res, dict) or not res.get("url"):
                continue
            record.resources.append(SourceResource(
                name=str(res.get("name") or res["url"].rsplit("/", 1)[-1]), url=str(res["url"]),
                format=str(res.get("format") or ""), mimetype=str(res.get("mimetype") or ""),
                description=str(res.get("description") or ""), link_only=not download,
                schema=res.get("schema") if isinstance(res.get("schema"), dict) else None,
                fingerprint=f"{res.get('hash') or ''}{res.get('last_modified') or ''}"
                            f"{res.get('size') or ''}",
            ))
        return record

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

from harvesters.base import Gathered, Harvester, SourceError, SourceRecord
from harvesters.ckan_records import package_record
from harvesters.http import USER_AGENT, FetchError, HttpClient


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
        # Mapping the package (licence, access, coverage) lives in ckan_records (issue 16).
        return package_record(item.payload, item.identifier, self.source.url,
                              organization_map=self.option("organization_map", {}),
                              group_map=self.option("group_map", {}),
                              download=bool(self.option("download_resources", True)))

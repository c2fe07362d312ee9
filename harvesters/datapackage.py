"""``datapackage``: Frictionless data packages by URL or path, one or an index of several.

The location is a ``datapackage.json``, or an index: ``{"packages": [paths or URLs]}`` (or a
bare JSON list). Resource paths are read relative to their package; schemas given by the
package are validated against.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlparse

from harvesters.base import (
    Gathered,
    Harvester,
    RecordError,
    SourceError,
    SourceRecord,
    SourceResource,
)
from harvesters.http import FetchError
from harvesters.mapping import split_temporal


def _location(base: str, ref: str) -> str:
    """``ref`` resolved against ``base`` (a URL or a local path)."""
    if urlparse(ref).scheme in ("http", "https", "file"):
        return ref
    if urlparse(base).scheme in ("http", "https", "file"):
        return urljoin(base, ref)
    return str(Path(base).parent / ref)


class DatapackageHarvester(Harvester):
    type_name = "datapackage"
    locations = ("url", "path")
    options: ClassVar[dict[str, tuple[type, str]]] = {}

    def _json(self, where: str, *, source_level: bool) -> Any:
        try:
            body = self.http.get_ok(where, max_bytes=self.source.limits.max_response_bytes).body
            return json.loads(body)
        except FetchError as exc:
            raise (SourceError if source_level else RecordError)(str(exc)) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise (SourceError if source_level else RecordError)(
                f"{where}: not valid JSON: {exc}") from None

    def gather(self) -> Iterator[Gathered]:
        where = self.source.location
        document = self._json(where, source_level=True)
        if isinstance(document, dict) and "resources" in document:
            yield Gathered(document.get("name") or where, {"location": where,
                                                          "descriptor": document})
            return
        refs = document.get("packages") if isinstance(document, dict) else document
        if not isinstance(refs, list):
            raise SourceError(f"{where}: neither a datapackage.json nor an index "
                              f"({{\"packages\": [...]}})")
        for ref in refs:
            ref = ref.get("path") if isinstance(ref, dict) else ref
            if isinstance(ref, str):
                yield Gathered(ref, {"location": _location(where, ref)})

    def fetch(self, item: Gathered) -> SourceRecord:
        location = item.payload["location"]
        descriptor = item.payload.get("descriptor") or self._json(location, source_level=False)
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
            raise RecordError(f"{location}: not a data package (no resources list)")
        return self.record(item.identifier, location, descriptor)

    def record(self, identifier: str, location: str, d: dict[str, Any]) -> SourceRecord:
        """A record from a package descriptor (v1 and v2 keys)."""
        licenses = d.get("licenses") or []
        first_license = licenses[0] if licenses and isinstance(licenses[0], dict) else {}
        start, end = split_temporal(str(d.get("temporal") or ""))
        private = d.get("private") is True or str(d.get("access") or "").lower() in (
            "restricted", "private", "mật")
        record = SourceRecord(
            identifier=identifier, name=str(d.get("name") or ""),
            title=str(d.get("title") or d.get("name") or identifier),
            title_en=str(d.get("title_en") or ""), notes=str(d.get("description") or ""),
            notes_en=str(d.get("description_en") or ""),
            tags=[str(k) for k in d.get("keywords") or []],
            groups=[str(g) for g in d.get("groups") or []],
            # name, title and path all state the licence; harvesters.rights reads each.
            license=str(first_license.get("name") or ""),
            license_title=str(first_license.get("title") or ""),
            license_url=str(first_license.get("path") or ""),
            organization=str(d.get("organization") or ""), url=str(d.get("homepage") or ""),
            source_url=_as_url(location), version=str(d.get("version") or ""),
            temporal_start=start, temporal_end=end, spatial=str(d.get("spatial") or ""),
            update_frequency=str(d.get("update_frequency") or ""),
            created=str(d.get("created") or ""),
            not_publishable="private in the source" if private else "",
        )
        contributors = [c for c in d.get("contributors") or [] if isinstance(c, dict)]
        author = next((c for c in contributors if c.get("role") in ("author", "publisher")), None)
        if author:
            record.author = str(author.get("title") or "")
            record.author_email = str(author.get("email") or "")
        for res in d.get("resources") or []:
            if not isinstance(res, dict) or not isinstance(res.get("path"), str):
                raise RecordError(f"{location}: every resource needs a path "
                                  f"(inline data is not harvested)")
            where = _location(location, res["path"])
            local = urlparse(where).scheme not in ("http", "https", "file")
            record.resources.append(SourceResource(
                name=str(res.get("title") or res.get("name") or res["path"]),
                url="" if local else where,
                local_path=Path(where) if local else None,
                format=str(res.get("format") or Path(res["path"]).suffix.lstrip(".")),
                mimetype=str(res.get("mediatype") or ""),
                description=str(res.get("description") or ""),
                schema=res.get("schema") if isinstance(res.get("schema"), dict) else None,
                license=_first_licence(res),
            ))
        return record


def _first_licence(resource: dict[str, Any]) -> str:
    """A resource's own licence (Data Package ``resources[].licenses``): name or path."""
    licenses = resource.get("licenses") or []
    first = licenses[0] if isinstance(licenses, list) and licenses and isinstance(
        licenses[0], dict) else {}
    return str(first.get("name") or first.get("path") or first.get("title") or "")


def _as_url(location: str) -> str:
    if urlparse(location).scheme in ("http", "https", "file"):
        return location
    return Path(location).resolve().as_uri()

"""``datajson``: Project Open Data / DCAT-US 1.1 ``data.json`` catalogues (issue 9).

Ho Chi Minh City's portal and many others publish one; so does dulieumo at ``/data.json``.
The catalogue is read once (gather); each dataset becomes a record (fetch). Datasets whose
``accessLevel`` is not ``public`` ("restricted public", "non-public") are refused, so they
are skipped and never come out open (Law on Data 2024 Art. 13); one without ``accessLevel``
is held for review (issue 16).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

from catalogue.datajson import parse_data_json
from harvesters.base import Gathered, Harvester, SourceError, SourceRecord, SourceResource
from harvesters.coverage import iso_date, spatial_extras
from harvesters.http import FetchError
from harvesters.rights import judge_access


class DatajsonHarvester(Harvester):
    type_name = "datajson"
    locations = ("url", "path")
    options: ClassVar[dict[str, tuple[type, str]]] = {
        "download_resources": (bool, "download and validate distributions (default true) "
                                     "or keep them as links"),
        "organization_map": (dict, "publisher name -> our organization name"),
    }

    def gather(self) -> Iterator[Gathered]:
        where = self.source.location
        try:
            body = self.http.get_ok(where, max_bytes=self.source.limits.max_response_bytes).body
            records = parse_data_json(json.loads(body))
        except FetchError as exc:
            raise SourceError(str(exc)) from None
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
            raise SourceError(f"{where}: not a data.json catalogue: {exc}") from None
        for position, record in enumerate(records, start=1):
            # An entry with neither identifier nor title is reported by its position, not
            # as "dataset" (issue 16); the mapper refuses it.
            identifier = record["source_identifier"] or (
                record["name"] if record["title"] else f"#{position} (không có định danh)")
            yield Gathered(identifier, record)

    def fetch(self, item: Gathered) -> SourceRecord:
        parsed: dict[str, Any] = item.payload
        org_map = self.option("organization_map", {})
        download = bool(self.option("download_resources", True))
        # DCAT-US requires a title: without one the record is refused, not published under
        # its identifier or as "dataset" (issue 16).
        named = bool(parsed["title"])
        frequency_said = parsed.get("accrual_periodicity", "")
        record = SourceRecord(
            identifier=item.identifier, name=parsed["name"] if named else "",
            title=parsed["title"], title_en=parsed["title_en"], notes=parsed["notes"],
            tags=parsed["tags"], license=parsed["license_id"],
            license_url=parsed.get("license_url", ""),
            organization=org_map.get(parsed["publisher"], ""),
            url=parsed["url"], source_url=self.source.location,
            maintainer=parsed["maintainer"], maintainer_email=parsed["maintainer_email"],
            temporal_start=iso_date(parsed["temporal_start"] or ""),
            temporal_end=iso_date(parsed["temporal_end"] or ""), spatial=parsed["spatial"],
            update_frequency=parsed["update_frequency"], modified=parsed["source_modified"],
            extras={"publisher": parsed["publisher"]} if parsed["publisher"] else {},
        )
        record.extras.update(spatial_extras(parsed["spatial"]))
        if frequency_said and not parsed["update_frequency"]:
            record.extras["source_frequency"] = frequency_said
        # "non-public" and "restricted public" are refused; no accessLevel is held (issue 16).
        judge_access(record, parsed["access_level"], "accessLevel")
        for res in parsed["resources"]:
            record.resources.append(SourceResource(
                name=res["name"] or res["url"].rsplit("/", 1)[-1], url=res["url"],
                format=res["format"], mimetype=res.get("mimetype", ""),
                description=res["description"], link_only=not download))
        return record

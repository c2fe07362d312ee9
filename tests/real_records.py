"""Reading the real records in ../shared/fixtures/real through our mappers (issue 16).

The records are real (see SOURCES.md there); these helpers only read them: CKAN package
dicts through ``package_record``, DCAT and data.json files through their harvesters' own
``gather``/``fetch`` over ``file://`` (no server needed when the network is not the point),
each followed by the checks the runner applies to every record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import SHARED

from harvesters.base import SourceRecord
from harvesters.ckan_records import package_record
from harvesters.config import SourceConfig, source_from_table
from harvesters.registry import harvester_types
from harvesters.rights import judge_record
from harvesters.runner import make_http

REAL = SHARED / "fixtures" / "real"
SITE_DEFAULT = "vn-open-data-terms"


def real_packages() -> dict[str, dict[str, Any]]:
    """The real CKAN package dicts by name (the nameless first one as "(no name)")."""
    packages = json.loads((REAL / "ckan" / "packages.json").read_text(encoding="utf-8"))
    return {str(p.get("name") or "(no name)"): p for p in packages}


def source(type_: str, **values: Any) -> SourceConfig:
    """A checked source; unlike harvest_servers.make_source, no default licence."""
    table = {"name": f"real-{type_}", "organization": "so-tnmt-quang-ninh", "type": type_,
             **values}
    found, problems = source_from_table(table, Path("harvest.toml"), harvester_types())
    assert found is not None and not problems, [str(p) for p in problems]
    return found


def judged(record: SourceRecord, config: SourceConfig) -> SourceRecord:
    judge_record(record, source_type=config.type, source_default=config.default_license,
                 site_default=SITE_DEFAULT)
    return record


def ckan_record(name: str, **values: Any) -> SourceRecord:
    """One real CKAN package mapped and judged as a ckan source would."""
    pkg = real_packages()[name]
    config = source("ckan", url="http://ckan.test", **values)
    record = package_record(pkg, str(pkg.get("id") or pkg.get("name")), config.url,
                            organization_map={}, group_map={}, download=False)
    return judged(record, config)


def file_records(type_: str, path: Path, **values: Any) -> list[SourceRecord]:
    """Every record a dcat or datajson source reads from a real file, judged."""
    config = source(type_, path=str(path), download_resources=False, **values)
    harvester = harvester_types()[type_](config, make_http(config))
    try:
        return [judged(harvester.fetch(item), config) for item in harvester.gather()]
    finally:
        harvester.close()

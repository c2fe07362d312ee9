"""The ``datapackage`` source: an index of packages over HTTP, bad JSON, schema errors."""

from __future__ import annotations

import json
from pathlib import Path

from catalogue.context import Catalogue
from catalogue.datasets.serialize import package_dict
from catalogue.datasets.service import get_dataset
from catalogue.validation import build_datapackage, check_datapackage
from tests.harvest_servers import datasets, harvest, make_source, static_server


def _package(root: Path, name: str, rows: str, **extra: object) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "data.csv").write_text(rows, encoding="utf-8")
    descriptor = {
        "name": name, "title": f"Gói {name}", "description": "Quan trắc", "version": "1.2.0",
        "created": "2024-12-31T08:00:00Z", "keywords": ["không khí"], "groups": ["moi-truong"],
        "licenses": [{"name": "CC-BY-4.0"}], "temporal": "2024-01-01/2024-12-31",
        "resources": [{"name": "data", "path": "data.csv", "format": "csv", "schema": {
            "fields": [{"name": "tram", "type": "string"}, {"name": "pm25", "type": "number"}]}}],
        **extra,
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))


def test_index_of_packages_over_http(catalogue: Catalogue, org: str, home: Path,
                                     tmp_path: Path) -> None:
    root = tmp_path / "packages"
    _package(root, "khong-khi", "tram,pm25\nHạ Long,21.5\nCẩm Phả,30\n")
    _package(root, "sai-kieu", "tram,pm25\nHạ Long,nhiều\n")
    _package(root, "rieng", "tram,pm25\nA,1\n", private=True)
    (root / "hong").mkdir()
    (root / "hong" / "datapackage.json").write_text('{"name": "hong", "resources": [')
    (root / "index.json").write_text(json.dumps({"packages": [
        "khong-khi/datapackage.json", "sai-kieu/datapackage.json", "rieng/datapackage.json",
        "hong/datapackage.json"]}))
    with static_server(root) as base:
        source = make_source("datapackage", url=f"{base}index.json")
        summary = harvest(catalogue, source, home)
    assert summary.counts == {"new": 2, "updated": 0, "unchanged": 0, "held": 0, "withdrawn": 0,
                              "skipped": 1, "failed": 1}
    found = datasets(catalogue, source.name)
    air = found["khong-khi/datapackage.json"]
    assert air.version == "1.2.0" and air.resources[0].validation_status == "valid"
    wrong = found["sai-kieu/datapackage.json"].resources[0]
    assert wrong.validation_status == "invalid"
    assert wrong.validation_report["errors"][0]["row"] == 2
    with catalogue.unit("test") as uow:
        descriptor = build_datapackage(package_dict(get_dataset(uow.session, air.id),
                                                    catalogue.site_url))
    assert check_datapackage(descriptor) == []
    assert descriptor["sources"][0]["path"] == f"{base}khong-khi/datapackage.json"
    assert descriptor["sources"][0]["retrieved_at"]
    assert descriptor["contributors"][0]["role"] == "publisher"
    assert descriptor["resources"][0]["hash"] == f"sha256:{air.resources[0].sha256}"
    assert descriptor["created"] == "2024-12-31T08:00:00Z"


def test_index_that_is_not_json_fails_the_job(catalogue: Catalogue, org: str, home: Path,
                                              tmp_path: Path) -> None:
    root = tmp_path / "packages"
    root.mkdir()
    (root / "index.json").write_text("<html>maintenance</html>")
    with static_server(root) as base:
        summary = harvest(catalogue, make_source("datapackage", url=f"{base}index.json"), home)
    assert summary.status == "failed" and "not valid JSON" in summary.message

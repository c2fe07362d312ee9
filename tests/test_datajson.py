"""data.json (DCAT-US 1.1): what we publish, what we read, and the round trip between them."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.datajson import build_data_json, parse_data_json

SITE = "http://portal.test"
POD_REQUIRED = {"title", "description", "keyword", "modified", "publisher", "contactPoint",
                "identifier", "accessLevel"}


def package(name: str = "gia-dat-o-do-thi", **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name, "title": "Bảng giá đất ở đô thị", "title_en": "Urban land prices",
        "notes": "Giá đất ở tại đô thị theo tuyến đường, 2020–2024.",
        "tags": [{"name": "giá đất"}, {"name": "đất ở"}], "license_id": "vn-open-data-terms",
        "state": "active", "private": False, "access_class": "open",
        "metadata_created": "2026-01-02T03:04:05.000000",
        "metadata_modified": "2026-02-03T04:05:06.123456",
        "temporal_start": "2020-01-01", "temporal_end": "2024-12-31",
        "spatial": "Tỉnh Bình Phước", "update_frequency": "annual",
        "maintainer": "Phòng Giá đất", "maintainer_email": "stnmt@binhphuoc.gov.vn",
        "organization": {"name": "so-tnmt-binh-phuoc", "title": "Sở TN&MT Bình Phước"},
        "groups": [{"name": "dat-dai", "title": "Đất đai"}],
        "resources": [{"name": "Bảng giá", "url": f"{SITE}/files/gia.csv", "format": "CSV",
                       "description": "Đơn vị: nghìn đồng/m²",
                       "schema": {"fields": [{"name": "gia"}]}},
                      {"name": "Bản đồ", "url": f"{SITE}/files/ban-do.geojson",
                       "format": "GEOJSON"}],
    }
    base.update(changes)
    return base


def test_catalogue_declares_dcat_us_1_1() -> None:
    doc = build_data_json([package()], SITE)
    assert doc["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert doc["@type"] == "dcat:Catalog" and doc["@id"] == f"{SITE}/data.json"


def test_every_dataset_has_the_required_pod_fields() -> None:
    entry = build_data_json([package()], SITE)["dataset"][0]
    assert POD_REQUIRED <= set(entry)
    assert entry["modified"] == "2026-02-03T04:05:06Z"
    assert entry["accrualPeriodicity"] == "R/P1Y"
    assert entry["temporal"] == "2020-01-01/2024-12-31"
    assert entry["contactPoint"]["hasEmail"] == "mailto:stnmt@binhphuoc.gov.vn"
    assert entry["distribution"][0]["mediaType"] == "text/csv"


@pytest.mark.parametrize("changes", [{"access_class": "shared"}, {"access_class": "private"},
                                     {"private": True}, {"state": "deleted"}])
def test_only_public_datasets_are_listed(changes: dict[str, Any]) -> None:
    doc = build_data_json([package(), package("an", **changes)], SITE)
    assert [d["identifier"] for d in doc["dataset"]] == [f"{SITE}/dataset/gia-dat-o-do-thi"]


def test_our_data_json_round_trips_through_the_parser() -> None:
    original = package()
    [parsed] = parse_data_json(build_data_json([original], SITE))
    for key in ("name", "title", "title_en", "notes", "license_id", "temporal_start",
                "temporal_end", "spatial", "update_frequency", "maintainer",
                "maintainer_email"):
        assert parsed[key] == original[key], key
    assert parsed["tags"] == ["giá đất", "đất ở"]
    assert [(r["url"], r["format"], r["name"]) for r in parsed["resources"]] == [
        (r["url"], r["format"], r["name"]) for r in original["resources"]]
    assert parsed["source_public"] is True


def test_foreign_data_json_is_read_with_access_levels_respected() -> None:
    document = """{"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": [
      {"title": "Danh sách trường học TP.HCM", "description": "Trường học các cấp",
       "keyword": "giáo dục, trường học", "modified": "2025-06-01",
       "identifier": "hcmc-truong-hoc", "accessLevel": "public",
       "license": "https://creativecommons.org/licenses/by/4.0/",
       "accrualPeriodicity": "R/P1M", "temporal": "2024-01-01T00:00:00Z/2024-12-31",
       "publisher": {"name": "Sở Giáo dục và Đào tạo"},
       "distribution": [{"accessURL": "https://data.hcmc.test/truong.json",
                         "mediaType": "application/json"},
                        {"title": "no link"}]},
      {"title": "Hồ sơ nội bộ", "description": "x", "keyword": ["a"], "modified": "2025-01-01",
       "identifier": "noi-bo", "accessLevel": "restricted public"}]}"""
    public, restricted = parse_data_json(document)
    assert public["name"] == "danh-sach-truong-hoc-tp-hcm"
    assert public["tags"] == ["giáo dục", "trường học"]
    assert public["license_id"] == "CC-BY-4.0" and public["update_frequency"] == "monthly"
    assert (public["temporal_start"], public["temporal_end"]) == ("2024-01-01", "2024-12-31")
    assert public["resources"] == [{"url": "https://data.hcmc.test/truong.json", "name": "",
                                    "description": "", "format": "JSON",
                                    "mimetype": "application/json"}]
    assert restricted["source_public"] is False and restricted["access_level"] == \
        "restricted public"


def test_a_document_without_datasets_is_rejected() -> None:
    with pytest.raises(ValueError, match="not a data.json catalogue"):
        parse_data_json('{"items": []}')

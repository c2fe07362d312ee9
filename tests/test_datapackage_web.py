"""``/dataset/<name>/datapackage.json``: a Frictionless descriptor per public dataset (issue 17).

Valid under the official Data Package v2 and v1 profiles (``../shared/standards/datapackage``),
its resources downloadable from this portal with the ``bytes`` and ``hash`` the download
returns, ``created`` in RFC 3339, ``sources`` naming the agency system and upstream URL,
``licenses`` with path and title, the table schema, Vietnamese names transliterated; linked
from the dataset page and, as a distribution conforming to the profile, from DCAT.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED
from flask.testing import FlaskClient
from jsonschema import Draft7Validator, FormatChecker
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from catalogue.context import Catalogue
from catalogue.datasets.service import Upload, create_dataset, create_resource
from tests.harvest_servers import datasets, harvest, make_source, static_server

BASE = "http://portal.test"
CSV = "mã_điểm,tên điểm,giá trị\nQN01,Bãi Cháy,12.5\nQN02,Hồng Gai,9\n".encode()
SCHEMA = {"fields": [{"name": "mã_điểm", "type": "string"},
                     {"name": "tên điểm", "type": "string"},
                     {"name": "giá trị", "type": "number"}]}
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def _profile(version: str) -> Draft7Validator:
    path = SHARED / "standards" / "datapackage" / f"datapackage-{version}.json"
    return Draft7Validator(json.loads(path.read_text(encoding="utf-8")),
                           format_checker=FormatChecker())


@pytest.fixture
def published(catalogue: Catalogue, org: str) -> str:
    stored = catalogue.files.put_bytes(CSV)
    with catalogue.unit("test") as uow:
        create_dataset(uow, {
            "name": "diem-quan-trac", "title": "Điểm quan trắc nước", "owner_org": org,
            "notes": "Các điểm quan trắc", "license_id": "CC-BY-4.0", "version": "2024",
            "tags": ["nước"], "harvest_source": "qn-kho-tep",
            "source_url": "https://stnmt.quangninh.gov.vn/du-lieu/diem-quan-trac",
            "retrieved_at": "2026-03-01T07:00:00"}, trusted=True)
        create_resource(uow, "diem-quan-trac", {"name": "Điểm quan trắc", "format": "CSV",
                                                "schema": SCHEMA},
                        upload=Upload(stored, "diem-quan-trac.csv", "text/csv"))
        create_resource(uow, "diem-quan-trac", {"name": "Điểm quan trắc", "format": "CSV",
                                                "url": "https://agency.test/diem.csv"})
        create_dataset(uow, {"name": "noi-bo", "title": "Nội bộ", "owner_org": org,
                             "private": True})
        uow.commit()
    return "diem-quan-trac"


def _descriptor(client: FlaskClient, name: str) -> dict[str, Any]:
    response = client.get(f"/dataset/{name}/datapackage.json")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/json"
    return dict(response.get_json())


def test_descriptor_is_valid_under_data_package_v2_and_v1(client: FlaskClient,
                                                         published: str) -> None:
    descriptor = _descriptor(client, published)
    for version in ("2.0", "1.0"):
        errors = [e.message for e in _profile(version).iter_errors(descriptor)]
        assert errors == [], (version, errors)
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert RFC3339.fullmatch(descriptor["created"])
    datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00"))
    assert descriptor["sources"][0]["title"] == "qn-kho-tep"
    assert descriptor["sources"][0]["path"] == \
        "https://stnmt.quangninh.gov.vn/du-lieu/diem-quan-trac"
    assert descriptor["licenses"] == [{
        "name": "CC-BY-4.0", "title": "Creative Commons Ghi công 4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/"}]
    assert descriptor["homepage"] == f"{BASE}/dataset/{published}"


def test_resources_download_with_the_bytes_and_hash_declared(client: FlaskClient,
                                                             published: str) -> None:
    descriptor = _descriptor(client, published)
    stored, linked = descriptor["resources"]
    assert [stored["name"], linked["name"]] == ["diem-quan-trac", "diem-quan-trac-2"]
    assert stored["schema"] == SCHEMA and stored["type"] == "table"
    assert stored["path"].startswith(f"{BASE}/dataset/{published}/resource/")
    with client.get(stored["path"].removeprefix(BASE)) as download:
        assert download.status_code == 200
        body = download.get_data()
    assert stored["bytes"] == len(body) == len(CSV)
    assert stored["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
    assert linked["path"] == "https://agency.test/diem.csv"  # not kept here: no hash claimed
    assert "hash" not in linked and "bytes" not in linked


def test_only_public_datasets_have_a_descriptor(client: FlaskClient, published: str) -> None:
    assert client.get("/dataset/noi-bo/datapackage.json").status_code == 404
    assert client.get("/dataset/khong-co/datapackage.json").status_code == 404


def test_descriptor_is_a_dcat_distribution_conforming_to_the_profile(
        client: FlaskClient, published: str) -> None:
    graph = Graph().parse(data=client.get(f"/dataset/{published}.ttl").data, format="turtle")
    dataset = URIRef(f"{BASE}/dataset/{published}")
    descriptor = URIRef(f"{dataset}/datapackage.json")
    assert (dataset, DCAT.distribution, descriptor) in graph
    assert (descriptor, DCAT.downloadURL, descriptor) in graph
    assert (descriptor, DCTERMS.conformsTo,
            URIRef("https://datapackage.org/profiles/2.0/datapackage.json")) in graph


def test_every_demo_dataset_has_a_valid_descriptor_matching_its_files(
        demo_portal: FlaskClient) -> None:
    catalog = Graph().parse(data=demo_portal.get("/catalog.ttl").data, format="turtle")
    names = sorted(str(node).rsplit("/", 1)[1]
                   for node in catalog.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset))
    assert len(names) >= 40
    v2, v1 = _profile("2.0"), _profile("1.0")
    for name in names:
        descriptor = _descriptor(demo_portal, name)
        for profile in (v2, v1):
            assert [e.message for e in profile.iter_errors(descriptor)] == [], name
        assert RFC3339.fullmatch(descriptor["created"]), name
        assert descriptor["sources"][0]["title"], name
        assert descriptor["sources"][0].get("path", "http").startswith("http"), name
        for resource in descriptor["resources"]:
            assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", resource["name"]), resource["name"]
            with demo_portal.get(resource["path"].removeprefix(BASE)) as download:
                assert download.status_code == 200, resource["path"]
                body = download.get_data()
            assert resource["bytes"] == len(body), resource["path"]
            assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()


def test_dataset_page_links_its_descriptor_and_dcat(client: FlaskClient,
                                                   published: str) -> None:
    page = client.get(f"/dataset/{published}").get_data(as_text=True)
    assert f'href="/dataset/{published}/datapackage.json"' in page
    assert f'href="/dataset/{published}.ttl"' in page


def test_dcat_harvester_does_not_take_the_descriptor_for_a_file(
        client: FlaskClient, published: str, catalogue: Catalogue, home: Path,
        tmp_path: Path) -> None:
    # Another dulieumo (here: this one again) harvesting our feed gets the files only.
    root = tmp_path / "mirror"
    root.mkdir()
    (root / "catalog.ttl").write_bytes(client.get("/catalog.ttl").data)
    with static_server(root) as base:
        summary = harvest(catalogue, make_source("dcat", url=f"{base}catalog.ttl",
                                                 download_resources=False), home)
    assert summary.counts["new"] == 1, summary
    (mirrored,) = datasets(catalogue, "test-dcat").values()
    assert len(mirrored.resources) == 2
    assert not any(r.url.endswith("/datapackage.json") for r in mirrored.resources)

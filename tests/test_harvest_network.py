"""Harvests against real servers on 127.0.0.1 that behave like the real ones (issues 15 and
16): files inside the house refused and reported, deadlines against slow-loris sources, CKAN
paging on a portal that caps ``rows``, no request beyond the catalogue pages when resources
are kept as links, and the real DCAT files re-harvested as unchanged with their real formats.
The HTTP client itself is tested in test_harvest_http.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from catalogue.context import Catalogue
from catalogue.harvest.model import HarvestJob, HarvestObject
from tests.harvest_servers import (
    REAL,
    CkanFixture,
    CountingServer,
    DcatFixture,
    ckan_package,
    ckan_server,
    counting_server,
    datasets,
    dcat_server,
    harvest,
    make_source,
    real_ckan_packages,
    slow_loris_server,
    static_server,
)


@pytest.fixture
def counter() -> Iterator[CountingServer]:
    with counting_server() as server:
        yield server


def _objects(catalogue: Catalogue, job_id: str) -> list[HarvestObject]:
    with catalogue.unit("test") as uow:
        return list(uow.session.scalars(select(HarvestObject).where(
            HarvestObject.job_id == job_id).order_by(HarvestObject.position)))


def test_harvest_refuses_a_resource_inside_the_house_and_says_why(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        inside = ckan_package("noi-bo", url)
        inside["resources"][0]["url"] = f"{counter.url}/noi-bo.csv"
        metadata = ckan_package("sieu-du-lieu", url)
        metadata["resources"][0]["url"] = "http://169.254.169.254/latest/meta-data/iam"
        fixture.packages = [inside, metadata]
        source = make_source("ckan", url=url)
        summary = harvest(catalogue, source, home)
        assert summary.status == "finished"
        assert summary.counts["failed"] == 2 and summary.counts["new"] == 0
        assert counter.requests == []
        reasons = {o.identifier: o.reason for o in _objects(catalogue, summary.job_id)}
        assert "resolves to 127.0.0.1, a loopback address" in reasons["id-noi-bo"]
        assert "allow_hosts" in reasons["id-noi-bo"]
        assert "169.254.169.254, a link-local" in reasons["id-sieu-du-lieu"]
        assert datasets(catalogue, source.name) == {}

        allowed = make_source("ckan", url=url, allow_hosts=[counter.netloc])
        again = harvest(catalogue, allowed, home)
    assert again.counts["new"] == 1 and again.counts["failed"] == 1
    assert counter.requests == ["/noi-bo.csv"]


@pytest.mark.parametrize("where", ["headers", "body"])
def test_slow_loris_catalogue_hits_the_request_deadline(
        catalogue: Catalogue, org: str, home: Path, where: str) -> None:
    with slow_loris_server(where) as loris:
        source = make_source("ckan", url=loris.url, limits={"timeout": 0.5, "retries": 1,
                                                            "backoff": 0.01})
        summary = harvest(catalogue, source, home)
    assert summary.status == "failed" and "limit timeout" in summary.message
    assert summary.stats["limits_hit"] == {"timeout": 1}
    assert summary.stats["http_retries"] == 1  # the first attempt and one retry, each cut
    assert 1 <= loris.connections <= 2  # at 0.5 s (a loaded machine may not accept the 2nd)


def test_a_next_page_inside_the_house_is_not_fetched(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path,
        counter: CountingServer) -> None:
    (tmp_path / "page1.ttl").write_text(
        "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
        f"<page1.ttl> a hydra:PartialCollectionView ; hydra:next <{counter.url}/page2.ttl> .\n",
        encoding="utf-8")
    with static_server(tmp_path) as base:
        summary = harvest(catalogue, make_source("dcat", url=f"{base}page1.ttl"), home)
    assert summary.status == "failed" and "not fetched" in summary.message
    assert "nothing was withdrawn" in summary.attention and counter.requests == []


def test_slow_loris_resources_hit_the_source_deadline(
        catalogue: Catalogue, org: str, home: Path) -> None:
    fixture = CkanFixture()
    with ckan_server(fixture) as url, slow_loris_server() as loris:
        fixture.packages = [ckan_package(f"cham-{i}", url) for i in range(12)]
        for package in fixture.packages:
            package["resources"][0]["url"] = f"{loris.url}/{package['name']}.csv"
        source = make_source("ckan", url=url, allow_hosts=[loris.url.removeprefix("http://")],
                             limits={"timeout": 0.3, "retries": 0, "source_timeout": 1})
        summary = harvest(catalogue, source, home)
    assert summary.status == "finished" and summary.counts["failed"] == 12
    assert summary.stats["limits_hit"]["source_timeout"] >= 1
    # Once the source's time is up the remaining records fail without a request.
    assert loris.connections < 12
    reasons = [o.reason for o in _objects(catalogue, summary.job_id)]
    assert any("source_timeout" in r for r in reasons)
    assert any("limit timeout" in r for r in reasons)


def test_non_numeric_count_fails_the_job_with_a_reason(
        catalogue: Catalogue, org: str, home: Path) -> None:
    fixture = CkanFixture(count="nhiều lắm")
    with ckan_server(fixture) as url:
        fixture.packages = [ckan_package("goi-1", url)]
        summary = harvest(catalogue, make_source("ckan", url=url), home)
    assert summary.status == "failed" and "count that is not a number" in summary.message
    with catalogue.unit("test") as uow:
        job = uow.session.get(HarvestJob, summary.job_id)
        assert job is not None and job.status == "failed" and job.finished is not None


def test_capped_rows_still_yield_every_real_record(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = CkanFixture(rows_max=10)
    fixture.packages = real_ckan_packages(counter.url)
    with ckan_server(fixture) as url:
        source = make_source("ckan", url=url, download_resources=False)
        summary = harvest(catalogue, source, home)
    assert [r["start"] for r in fixture.requests] == ["0", "10"]
    assert all(r["rows"] == "100" for r in fixture.requests)
    assert sum(summary.counts.values()) == 11
    expected = {str(p.get("id") or p["name"]) for p in fixture.packages}
    assert {o.identifier for o in _objects(catalogue, summary.job_id)} == expected


def test_records_without_a_name_are_named_from_title_or_id(
        catalogue: Catalogue, org: str, home: Path) -> None:
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        titled = ckan_package("x", url, title="Chỉ số giá tiêu dùng Đà Nẵng")
        untitled = ckan_package("y", url)
        for package in (titled, untitled):
            del package["name"]
        del untitled["title"]
        untitled["id"] = "5C1B-Zz"
        fixture.packages = [titled, untitled]
        fixture.files = {"x.csv": b"a,b\n1,2\n", "y.csv": b"a,b\n1,2\n"}
        source = make_source("ckan", url=url)
        summary = harvest(catalogue, source, home)
    assert summary.counts["new"] == 2, summary
    found = datasets(catalogue, source.name)
    assert found["id-x"].name == "chi-so-gia-tieu-dung-da-nang"
    assert found["5C1B-Zz"].name == "5c1b-zz"
    assert found["5C1B-Zz"].source_url == f"{url}/dataset/5C1B-Zz"


def test_links_only_ckan_harvest_requests_nothing_but_the_catalogue_pages(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = CkanFixture(rows_max=10)
    packages = real_ckan_packages(counter.url)
    linked = ckan_package("chi-muc", counter.url)  # a .json link: Frictionless fetched these
    linked["resources"][0].update(url=f"{counter.url}/chi-muc/index.json", format="JSON")
    fixture.packages = [*packages, linked]
    with ckan_server(fixture) as url:
        source = make_source("ckan", url=url, download_resources=False)
        summary = harvest(catalogue, source, home)
    assert summary.status == "finished" and summary.counts["new"] >= 1
    assert datasets(catalogue, source.name)["id-chi-muc"].resources[0].url.endswith(
        "/index.json")
    assert counter.requests == []
    assert fixture.paths == ["/api/action/package_search"] * 2


def _real_dcat(counter: CountingServer) -> DcatFixture:
    return DcatFixture(sorted((REAL / "dcat").iterdir()), resource_base=counter.url)


def test_links_only_dcat_harvest_requests_nothing_but_the_catalogue_pages(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = _real_dcat(counter)
    with dcat_server(fixture) as url:
        source = make_source("dcat", url=url, download_resources=False)
        summary = harvest(catalogue, source, home)
    assert summary.status == "finished", summary.message
    assert sum(summary.counts.values()) == 5
    assert counter.requests == []
    assert fixture.paths == [f"/page/{n}" for n in range(1, 6)]


def test_reharvesting_unchanged_blank_node_catalogue_reports_unchanged(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = _real_dcat(counter)
    with dcat_server(fixture) as url:
        source = make_source("dcat", url=url, download_resources=False)
        first = harvest(catalogue, source, home)
        again = harvest(catalogue, source, home)
    assert sum(first.counts.values()) == 5 and first.counts["failed"] == 0
    assert again.counts["updated"] == 0 and again.counts["new"] == 0
    assert again.counts["unchanged"] == first.counts["new"]


def test_the_same_blank_node_catalogue_reads_as_the_same_records(
        counter: CountingServer) -> None:
    from harvesters.dcat import DcatHarvester
    from harvesters.importer import metadata_fingerprint
    from harvesters.runner import make_http

    fixture = _real_dcat(counter)
    with dcat_server(fixture) as url:
        source = make_source("dcat", url=url, download_resources=False)
        readings = []
        for _ in range(2):  # each page is re-serialised: new blank-node labels every time
            with closing(make_http(source)) as http:
                harvester = DcatHarvester(source, http)
                readings.append([harvester.fetch(g) for g in harvester.gather()])
    first, second = readings
    assert [r.identifier for r in first] == [r.identifier for r in second]
    assert first == second
    assert [metadata_fingerprint(r, source) for r in first] == [
        metadata_fingerprint(r, source) for r in second]


def test_dcat_formats_are_real_formats_never_blank_node_ids(counter: CountingServer) -> None:
    from harvesters.dcat import DcatHarvester
    from harvesters.runner import make_http

    fixture = _real_dcat(counter)
    with dcat_server(fixture) as url:
        source = make_source("dcat", url=url, download_resources=False)
        with closing(make_http(source)) as http:
            harvester = DcatHarvester(source, http)
            records = {r.title: r for r in (harvester.fetch(g) for g in harvester.gather())}
    formats = {title: [(r.format, r.mimetype) for r in record.resources]
               for title, record in records.items()}
    assert formats["A test dataset on your catalogue"] == [("CSV", "text/csv"),
                                                           ("HTML", "text/html")]
    madrid = next(f for t, f in formats.items() if t.startswith("Estudio de Satisfacción"))
    assert madrid == [("XLS", "application/vnd.ms-excel")]  # a dct:IMT node with a label
    rostock = next(f for t, f in formats.items() if t.startswith("Liefer"))
    assert ("GEOJSON", "application/geo+json") in rostock and ("WMS", "") in rostock
    assert formats["Linked Nobel prizes"] == [("RDF_XML", "application/rdf+xml")]
    every = {fmt for found in formats.values() for fmt, _ in found}
    assert every == {"", "CSV", "HTML", "XLS", "GML", "GEOJSON", "KML", "XLSX", "WFS", "WMS",
                     "RDF_XML"}


def test_remote_json_ld_contexts_go_through_the_client(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path,
        counter: CountingServer) -> None:
    context = {"@context": {"dcat": "http://www.w3.org/ns/dcat#",
                            "dct": "http://purl.org/dc/terms/",
                            "title": "dct:title", "Dataset": "dcat:Dataset",
                            "identifier": "dct:identifier"}}
    (tmp_path / "context.jsonld").write_text(json.dumps(context), encoding="utf-8")
    page = {"@context": "context.jsonld", "@graph": [
        {"@id": "https://dulieu.example/dataset/a", "@type": "Dataset", "identifier": "a",
         "title": "Bộ dữ liệu A"}]}
    (tmp_path / "catalog.jsonld").write_text(json.dumps(page), encoding="utf-8")
    page["@context"] = f"{counter.url}/context.jsonld"  # inside the house, not allowed
    (tmp_path / "inside.jsonld").write_text(json.dumps(page), encoding="utf-8")
    with static_server(tmp_path) as base:
        summary = harvest(catalogue, make_source("dcat", url=f"{base}catalog.jsonld"), home)
        assert summary.status == "finished" and sum(summary.counts.values()) == 1, summary
        assert summary.counts["failed"] == 0
        refused = harvest(catalogue, make_source("dcat", url=f"{base}inside.jsonld"), home)
    assert refused.status == "failed" and "not fetched" in refused.message
    assert counter.requests == []


def test_downloading_real_records_requests_each_resource_once_and_nothing_else(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = CkanFixture(rows_max=10)
    fixture.packages = real_ckan_packages(counter.url)
    resources = {urlsplit(str(r["url"])).path for p in fixture.packages
                 for r in p.get("resources") or [] if r.get("url")}
    with ckan_server(fixture) as url:
        source = make_source("ckan", url=url, allow_hosts=[counter.netloc])
        summary = harvest(catalogue, source, home)
    assert summary.status == "finished" and sum(summary.counts.values()) == 11
    assert counter.requests and set(counter.requests) <= resources
    assert len(counter.requests) == len(set(counter.requests))
    assert fixture.paths == ["/api/action/package_search"] * 2

"""The ``ckan`` source against a real CKAN Action API server on 127.0.0.1 (ckanapi client)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.context import Catalogue
from tests.harvest_servers import (
    CkanFixture,
    ckan_package,
    ckan_server,
    datasets,
    harvest,
    make_source,
)


@pytest.fixture
def fixture() -> CkanFixture:
    return CkanFixture()


def _fill(fixture: CkanFixture, base: str, count: int = 5) -> None:
    fixture.packages = [ckan_package(f"goi-{i}", base) for i in range(count)]
    fixture.packages.append(ckan_package("rieng-tu", base, private=True))
    fixture.packages.append(ckan_package("ban-nhap", base, state="draft"))
    fixture.files = {f"goi-{i}.csv": f"thang,gia_tri\n2024-01,{i}\n".encode()
                     for i in range(count)}


def test_paged_harvest_maps_fields_and_skips_private_and_draft(
        catalogue: Catalogue, org: str, home: Path, fixture: CkanFixture) -> None:
    with ckan_server(fixture) as url:
        _fill(fixture, url)
        source = make_source("ckan", url=url, rows=2)
        summary = harvest(catalogue, source, home)
    assert summary.counts == {"new": 5, "updated": 0, "unchanged": 0, "held": 0, "withdrawn": 0,
                              "skipped": 2, "failed": 0}
    assert [r["start"] for r in fixture.requests] == ["0", "2", "4", "6"]
    assert all(r["rows"] == "2" for r in fixture.requests)
    found = datasets(catalogue, source.name)
    assert "id-rieng-tu" not in found and "id-ban-nhap" not in found
    first = found["id-goi-0"]
    assert first.name == "goi-0" and first.license_id == "CC-BY-4.0"
    assert [g.name for g in first.groups] == ["moi-truong"] and first.tags[0].name == "quan trắc"
    assert first.source_url == f"{url}/dataset/goi-0"
    assert {e.key: e.value for e in first.extras}["nguon"] == "fixture"
    assert first.resources[0].validation_status == "valid"


def test_unchanged_metadata_modified_is_not_downloaded_again(
        catalogue: Catalogue, org: str, home: Path, fixture: CkanFixture) -> None:
    with ckan_server(fixture) as url:
        _fill(fixture, url, 3)
        source = make_source("ckan", url=url)
        harvest(catalogue, source, home)
        fixture.files.clear()  # a download now would fail: nothing must be downloaded
        again = harvest(catalogue, source, home)
        assert again.counts["unchanged"] == 3 and again.counts["failed"] == 0

        fixture.files["goi-1.csv"] = b"thang,gia_tri\n2024-02,9\n"
        fixture.packages[1]["metadata_modified"] = "2024-06-01T00:00:00"
        fixture.packages[1]["title"] = "Tiêu đề mới"
        changed = harvest(catalogue, source, home)
    assert changed.counts["updated"] == 1 and changed.counts["unchanged"] == 2
    assert datasets(catalogue, source.name)["id-goi-1"].title == "Tiêu đề mới"


def test_retries_503_then_succeeds(catalogue: Catalogue, org: str, home: Path,
                                   fixture: CkanFixture) -> None:
    with ckan_server(fixture) as url:
        _fill(fixture, url, 1)
        fixture.fail_next = 2
        summary = harvest(catalogue, make_source("ckan", url=url), home)
    assert summary.status == "finished" and summary.counts["new"] == 1
    assert summary.stats["http_retries"] == 2


def test_bad_json_fails_the_job_without_withdrawing(
        catalogue: Catalogue, org: str, home: Path, fixture: CkanFixture) -> None:
    with ckan_server(fixture) as url:
        _fill(fixture, url, 2)
        source = make_source("ckan", url=url)
        harvest(catalogue, source, home)
        fixture.broken_json = True
        broken = harvest(catalogue, source, home)
    assert broken.status == "failed" and "package_search" in broken.message
    assert broken.counts["withdrawn"] == 0
    assert all(d.state == "active" for d in datasets(catalogue, source.name).values())


def test_removed_record_withdrawn_but_mass_vanishing_needs_attention(
        catalogue: Catalogue, org: str, home: Path, fixture: CkanFixture) -> None:
    with ckan_server(fixture) as url:
        _fill(fixture, url, 5)
        source = make_source("ckan", url=url)
        harvest(catalogue, source, home)
        del fixture.packages[0]
        one_gone = harvest(catalogue, source, home)
        assert one_gone.counts["withdrawn"] == 1 and not one_gone.attention
        fixture.packages = fixture.packages[3:]  # 3 of the remaining 4 vanish
        many_gone = harvest(catalogue, source, home)
    assert many_gone.counts["withdrawn"] == 0 and "nothing was withdrawn" in many_gone.attention
    states = {k: d.state for k, d in datasets(catalogue, source.name).items()}
    assert states["id-goi-0"] == "deleted" and states["id-goi-1"] == "active"
    if catalogue.search is not None:  # harvested datasets are indexed in batches; withdrawn leave
        from catalogue.search.backend import SearchQuery

        found = catalogue.search.search(SearchQuery(q="", rows=50))  # type: ignore[attr-defined]
        ids = set(found.ids)
        assert datasets(catalogue, source.name)["id-goi-1"].id in ids
        assert datasets(catalogue, source.name)["id-goi-0"].id not in ids


def test_record_turned_private_is_withdrawn(catalogue: Catalogue, org: str, home: Path,
                                            fixture: CkanFixture) -> None:
    with ckan_server(fixture) as url:
        _fill(fixture, url, 3)
        source = make_source("ckan", url=url)
        harvest(catalogue, source, home)
        fixture.packages[0]["private"] = True
        summary = harvest(catalogue, source, home)
    assert summary.counts["withdrawn"] == 1
    assert datasets(catalogue, source.name)["id-goi-0"].state == "deleted"

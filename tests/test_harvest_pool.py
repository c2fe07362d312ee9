"""Staging in worker processes changes nothing but the speed (issue 16 item 10).

The same real CKAN records (../shared/fixtures/real/ckan/packages.json, three copies, their
files served on 127.0.0.1: real Vietnamese tables, valid, invalid, with personal data,
missing; plus three published records whose descriptors fail the Data Package check) are
harvested into two catalogues, once staged in the job's process and once by two worker
processes (which also check descriptors and write the index): every record's outcome,
stage, reason and log, in the report's order, every dataset's published metadata, files and
review items, and what search finds are the same; so is a second, unchanged run.
"""

from __future__ import annotations

import copy
import json
import multiprocessing
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets.model import Dataset
from catalogue.datasets.package_cache import cached_packages
from catalogue.harvest.model import HarvestObject
from catalogue.review.model import ReviewItem
from catalogue.search.backend import SearchQuery
from catalogue.search.whoosh_backend import WhooshBackend
from harvesters import runner
from harvesters.registry import harvester_types
from harvesters.runner import JobSummary, run_source
from portal import create_app
from portal.catalogue_ext import catalogue_of
from tests.conftest import _copy_sqlite
from tests.harvest_servers import (
    REAL,
    CkanFixture,
    ckan_package,
    ckan_server,
    make_source,
    no_sleep,
)

COPIES = 3
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


VIETNAMESE = ("don-vi-hanh-chinh-cp1258.csv", "don-vi-hanh-chinh-utf16.csv",
              "don-vi-hanh-chinh-tieu-de.csv", "gso-dien-tich-dia-phuong-2011-2015.csv")


def _body(n: int) -> bytes | None:
    """The n-th file: real Vietnamese tables (Windows-1258, UTF-16, a title row above the
    header), small valid ones, invalid ones, ones with personal data, or missing (None: the
    server answers 404)."""
    if n % 11 == 5:
        return None
    if n % 3 == 1:
        return (REAL / "vn" / VIETNAMESE[n // 3 % len(VIETNAMESE)]).read_bytes()
    if n % 5 == 2:
        return ("ma,ho_ten,so_cccd\n" + "\n".join(
            f"{i:02d},Nguyễn Văn {chr(65 + i)},0{79_000_000_000 + i * 7919:011d}"
            for i in range(1, 21)) + "\n").encode()
    rows = [f"{i:02d},Điểm quan trắc {i},{2015 + i % 9},{i * 1.5:.1f}" for i in range(1, 21)]
    if n % 7 == 3:
        rows[4] += ",thừa"  # extra cell
    return ("ma,ten,nam,gia_tri\n" + "\n".join(rows) + "\n").encode()


def _packages(base: str) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """COPIES copies of the real package dicts, each with its own id, name and files (under
    the fixture's /files/), and one record listed twice."""
    real = json.loads((REAL / "ckan" / "packages.json").read_text(encoding="utf-8"))
    packages, files, n = [], {}, 0
    for copy_ in range(COPIES):
        for p, original in enumerate(real):
            package = copy.deepcopy(original)
            package["id"] = f"real-{p}-{copy_}"
            if package.get("name"):
                package["name"] = f"{package['name']}-{copy_}"
            for r, resource in enumerate(package.get("resources") or []):
                if not resource.get("url"):
                    continue
                tail = urlsplit(str(resource["url"])).path.rsplit("/", 1)[-1] or "tep"
                name = f"c{copy_}-p{p}-r{r}-{tail}"
                resource["url"] = f"{base}/files/{name}"
                body = _body(n)
                n += 1
                if body is not None:
                    files[name] = body
            packages.append(package)
    packages.append(copy.deepcopy(packages[6]))
    # Published, with a schema its data package descriptor refuses ("int": as agencies write).
    for i in range(3):
        package = ckan_package(f"sai-kieu-{i}", base)
        package["resources"][0]["schema"] = {"fields": [{"name": "ma", "type": "string"},
                                                        {"name": "gia_tri", "type": "int"}]}
        files[f"sai-kieu-{i}.csv"] = b"ma,gia_tri\n01,1\n02,2\n"
        packages.append(package)
    return packages, files


def _harvest(catalogue: Catalogue, home: Path, url: str, workers: int) -> JobSummary:
    source = make_source("ckan", url=url, rows=20)
    return run_source(catalogue, source, harvester_types(), home / "harvest-locks",
                      sleep=no_sleep, workers=workers)


def _plain(value: Any, names: dict[str, str]) -> Any:
    """``value`` with the catalogue's generated ids (datasets, resources, review items) put
    as what they name, so two catalogues compare."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return json.loads(UUID.sub(lambda m: names.get(m.group(0), "<id>"), text))


def _searched(catalogue: Catalogue, names: dict[str, str]) -> list[Any]:
    """What search finds in the catalogue's index: every dataset, facets, a few queries."""
    assert catalogue.search is not None
    found = []
    for q in ("", "zimbabwe", "dữ liệu", "geochemical survey"):
        result = catalogue.search.search(SearchQuery(
            q=q, rows=1000, include_private=True, include_drafts=True, sort="name asc",
            facet_fields=["tags", "res_format", "organization", "license_id", "groups"]))
        found.append([result.count, [names.get(i, i) for i in result.ids], result.facets])
    return found


def _report(catalogue: Catalogue, summary: JobSummary) -> dict[str, Any]:
    """Each record's outcome, stage, reason and log in the report's order; each dataset's
    package dict (its files' hashes and validation reports included), review items and
    what search finds."""
    with catalogue.sessions() as session:
        objects = list(session.scalars(select(HarvestObject).where(
            HarvestObject.job_id == summary.job_id).order_by(HarvestObject.position)))
        ids = [o.dataset_id for o in objects if o.dataset_id]
        packages = cached_packages(session, ids, catalogue.site_url)
        names = {i: f"dataset:{p['name']}" for i, p in packages.items()}
        names |= {r["id"]: f"resource:{p['name']}/{r['name']}"
                  for p in packages.values() for r in p["resources"]}
        items = list(session.scalars(select(ReviewItem).where(
            ReviewItem.dataset_id.in_(ids)).order_by(ReviewItem.submitted_at)))
        names |= {i.id: f"item:{names[i.dataset_id]}:{i.kind}" for i in items}
        report = {
            "counts": summary.counts, "status": summary.status, "message": summary.message,
            "limits_hit": summary.stats["limits_hit"],
            "records": [[o.identifier, o.outcome, o.stage, o.reason, o.log,
                         names.get(o.dataset_id or "", "")] for o in objects],
            "datasets": {names[i]: {k: v for k, v in p.items() if k != "id"}
                         for i, p in packages.items()},
            "review": sorted([names[i.dataset_id], i.kind, i.status, i.message, i.proposed]
                             for i in items),
        }
    report["search"] = _searched(catalogue, names)
    return _plain(report, names)


@pytest.fixture
def other_catalogue(tmp_path: Path, clock: FixedClock, database_config: dict[str, str],
                    migrated_sqlite_template: Path, org: str) -> Iterator[Catalogue]:
    """A second catalogue like ``catalogue`` (same clock, same agency), in its own home."""
    if database_config:
        pytest.skip("compares two SQLite catalogues")
    home = tmp_path / "other-home"
    home.mkdir()
    _copy_sqlite(migrated_sqlite_template, home / "dulieumo.sqlite")
    app = create_app({"site_url": "http://portal.test"}, home=home, clock=clock)
    other = catalogue_of(app)
    from catalogue.organizations.service import create_organization

    with other.unit("test") as uow:
        create_organization(uow, {"name": org, "title": "Sở Tài nguyên và Môi trường Quảng Ninh",
                                  "title_en": "Quang Ninh Department of Natural Resources "
                                              "and Environment"})
        uow.commit()
    if other.search is None:
        other.search = WhooshBackend(home / "index")
    yield other
    if other.search is not None and hasattr(other.search, "close"):
        other.search.close()
    other.sessions.kw["bind"].dispose()


def test_staging_workers_give_every_record_the_outcome_staging_in_process_gives(
        searchable: Catalogue, other_catalogue: Catalogue, org: str, home: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = searchable
    # Write 5 records to a transaction and index every 10 datasets, so the workers write
    # the index too.
    monkeypatch.setattr(runner, "WRITE_BATCH", 5)
    monkeypatch.setattr(runner, "INDEX_BATCH", 10)
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        fixture.packages, fixture.files = _packages(url)
        serial = [_report(catalogue, _harvest(catalogue, home, url, workers=0))
                  for _run in range(2)]
        pooled = [_report(other_catalogue, _harvest(other_catalogue, home, url, workers=2))
                  for _run in range(2)]
    first, again = serial
    # The fixture reaches the outcomes that matter: published, held (licence, access rights,
    # personal data), refused, failed downloads, invalid files; then unchanged and held.
    assert {"new", "held", "skipped", "failed"} <= {k for k, v in first["counts"].items() if v}
    assert any("so_cccd" in json.dumps(r, ensure_ascii=False) for r in first["records"])
    assert any("published with validation errors" in line for r in first["records"]
               for line in r[4])
    assert any("Windows-1258" in line for r in first["records"] for line in r[4])
    assert any(line.startswith("data package descriptor: ") for r in first["records"]
               for line in r[4])
    assert again["counts"]["new"] == 0 and again["counts"]["unchanged"] > 0
    for mine, theirs in zip(pooled, serial, strict=True):
        assert mine["records"] == theirs["records"]
        assert mine == theirs


def test_ctrl_c_during_a_pooled_harvest_leaves_no_worker_and_no_half_written_dataset(
        catalogue: Catalogue, org: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while workers stage (the third record's staging is interrupted): the worker
    processes and their scratch files are gone when the harvest stops, and what was
    written is whole: each dataset of the source has its package document and files."""
    calls = {"n": 0}
    finish = runner.finish_staging

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return finish(*args, **kwargs)

    monkeypatch.setattr(runner, "WRITE_BATCH", 1)
    monkeypatch.setattr(runner, "finish_staging", interrupted)
    scratch = set(Path(tempfile.gettempdir()).glob("dulieumo-harvest-pool-*"))
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        fixture.packages, fixture.files = _packages(url)
        with pytest.raises(KeyboardInterrupt):
            _harvest(catalogue, home, url, workers=2)
    assert multiprocessing.active_children() == []
    assert set(Path(tempfile.gettempdir()).glob("dulieumo-harvest-pool-*")) == scratch
    with catalogue.sessions() as session:
        written = list(session.scalars(select(Dataset).where(
            Dataset.harvest_source == "test-ckan")))
        assert 1 <= len(written) < len(fixture.packages)
        documents = cached_packages(session, [d.id for d in written], catalogue.site_url)
        assert all(len(documents[d.id]["resources"]) == len(d.resources) for d in written)

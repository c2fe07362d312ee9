"""``/data.json`` round-trips through the ``datajson`` harvester: one portal serves it over real
HTTP on 127.0.0.1, another harvests it; only open datasets travel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset
from catalogue.organizations.service import create_organization
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli.home_cmds import initialise
from tests.harvest_servers import datasets, harvest, make_source, static_server


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def publish(catalogue: Catalogue, org: str, files_url: str) -> None:
    with catalogue.unit("agency") as uow:
        create_dataset(uow, {
            "name": "gia-dat-o-do-thi", "title": "Bảng giá đất ở đô thị", "owner_org": org,
            "title_en": "Urban land prices",
            "notes": "Giá đất ở đô thị theo tuyến đường, nghìn đồng/m².",
            "tags": ["giá đất", "đất ở"], "license_id": "vn-open-data-terms",
            "temporal_start": "2020-01-01", "temporal_end": "2024-12-31",
            "spatial": "Tỉnh Bình Phước", "update_frequency": "annual",
            "maintainer": "Phòng Giá đất", "maintainer_email": "giadat@binhphuoc.gov.vn",
            "resources": [{"name": "Bảng giá", "url": f"{files_url}gia.csv", "format": "CSV"}]})
        create_dataset(uow, {"name": "ho-so-dung-chung", "title": "Hồ sơ dùng chung",
                             "owner_org": org, "access_class": "shared"})
        uow.commit()


def test_data_json_lists_public_datasets_only(client: FlaskClient, catalogue: Catalogue,
                                              org: str) -> None:
    publish(catalogue, org, "http://files.test/")
    response = client.get("/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert [d["identifier"] for d in document["dataset"]] == [
        "http://portal.test/dataset/gia-dat-o-do-thi"]


def test_data_json_round_trips_through_the_datajson_harvester(
        app: Flask, catalogue: Catalogue, org: str, tmp_path: Path, clock: FixedClock) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "gia.csv").write_text("tuyen_duong,gia\nLê Lợi,12000\n", encoding="utf-8")
    other_home = tmp_path / "other"
    other_home.mkdir()
    # Its own database (SQLite in its home) even when the suite runs on PostgreSQL.
    other = create_app({"site_url": "http://other.test", "database_url": ""}, home=other_home,
                       clock=clock)
    initialise(other)
    harvested_into = catalogue_of(other)
    with harvested_into.unit("test") as uow:
        create_organization(uow, {"name": "so-tnmt-quang-ninh", "title": "Sở TN&MT"})
        uow.commit()
    with static_server(files) as files_url, serve(app) as portal_url:
        publish(catalogue, org, files_url)
        # The files are on another local port: only fetched because the config allows it.
        source = make_source("datajson", url=f"{portal_url}/data.json",
                             allow_hosts=[urlsplit(files_url).netloc])
        summary = harvest(harvested_into, source, other_home)
    assert summary.status == "finished", summary.message
    assert summary.counts["new"] == 1 and summary.counts["failed"] == 0
    [copy] = datasets(harvested_into, source.name).values()
    assert copy.source_identifier == "http://portal.test/dataset/gia-dat-o-do-thi"
    assert (copy.name, copy.title, copy.title_en) == (
        "gia-dat-o-do-thi", "Bảng giá đất ở đô thị", "Urban land prices")
    assert copy.license_id == "vn-open-data-terms" and copy.update_frequency == "annual"
    assert (str(copy.temporal_start), str(copy.temporal_end)) == ("2020-01-01", "2024-12-31")
    assert copy.spatial == "Tỉnh Bình Phước" and copy.maintainer == "Phòng Giá đất"
    assert sorted(t.name for t in copy.tags) == ["giá đất", "đất ở"]
    assert [(r.name, r.format, r.validation_status) for r in copy.resources] == [
        ("Bảng giá", "CSV", "valid")]
    search = harvested_into.search
    if search is not None and hasattr(search, "close"):
        search.close()


def test_unchanged_catalogue_answers_304(client: FlaskClient, catalogue: Catalogue, org: str,
                                         clock: FixedClock) -> None:
    publish(catalogue, org, "http://files.test/")
    first = client.get("/data.json")
    stamp = first.headers["Last-Modified"]
    assert client.get("/data.json", headers={"If-Modified-Since": stamp}).status_code == 304
    clock.advance(minutes=5)
    with catalogue.unit("agency") as uow:
        from catalogue.datasets.service import update_dataset

        update_dataset(uow, "gia-dat-o-do-thi", {"access_class": "private"}, partial=True)
        uow.commit()
    again = client.get("/data.json", headers={"If-Modified-Since": stamp})
    assert again.status_code == 200 and again.get_json()["dataset"] == []

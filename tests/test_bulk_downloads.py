"""Bulk downloads (issue 21 item 6): a published version as one zip data package; the nightly
catalogue dump as JSON Lines and CSV at stable addresses, linked from /api."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalogue.bulk.dump import FIRST_DUMP_RETRY, KEEP, write_dump
from catalogue.bulk.model import CatalogueDump
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.coordination.shared import claim_interval
from catalogue.datasets import service as datasets
from catalogue.validation import check_datapackage
from portal.cli.dump import dump_command, nightly_dump
from portal.cli.schedule import tick

FIRST = "xa,dien_tich\nHạ Long,12.5\nCẩm Phả,9\n".encode()
SECOND = "xa,dien_tich\nHạ Long,13\nCẩm Phả,9\nUông Bí,4\n".encode()


def _published(catalogue: Catalogue, org: str, name: str = "dat-nong-nghiep", *,
               private: bool = False, state: str = "active") -> str:
    """A dataset with one stored CSV and one link; returns the stored resource's id."""
    with catalogue.unit("test") as uow:
        ds = datasets.create_dataset(uow, {
            "name": name, "title": "Đất nông nghiệp", "owner_org": org, "private": private,
            "license_id": "CC-BY-4.0", "state": state,
            "resources": [{"url": "https://agency.test/ban-do.pdf", "name": "Bản đồ",
                           "format": "PDF"}]})
        stored = catalogue.files.put_bytes(FIRST)
        res = datasets.create_resource(uow, ds.id, {"name": "Diện tích 2025"},
                                       upload=datasets.Upload(stored, "dien-tich.csv",
                                                              "text/csv"))
        uow.commit()
        return res.id


def _zip(client: FlaskClient, url: str) -> zipfile.ZipFile:
    response = client.get(url)
    assert response.status_code == 200, response.status
    assert response.is_streamed
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_a_version_downloads_as_one_zip_data_package(client: FlaskClient, catalogue: Catalogue,
                                                      org: str) -> None:
    _published(catalogue, org)
    response = client.get("/dataset/dat-nong-nghiep/v/2.zip")
    assert response.mimetype == "application/zip"
    assert 'filename="dat-nong-nghiep-v2.zip"' in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    descriptor = json.loads(archive.read("datapackage.json"))
    assert check_datapackage(descriptor) == []
    paths = [r["path"] for r in descriptor["resources"]]
    assert paths == ["https://agency.test/ban-do.pdf", "data/dien-tich-2025.csv"]
    assert archive.namelist() == ["datapackage.json", "data/dien-tich-2025.csv"]
    assert archive.read("data/dien-tich-2025.csv") == FIRST  # the link is not fetched
    stored = descriptor["resources"][1]
    assert stored["bytes"] == len(FIRST) and stored["hash"].startswith("sha256:")


def test_an_older_version_holds_the_bytes_it_had(client: FlaskClient, catalogue: Catalogue,
                                                 org: str) -> None:
    res_id = _published(catalogue, org)
    with catalogue.unit("test") as uow:
        datasets.update_resource(uow, res_id, {}, partial=True, upload=datasets.Upload(
            catalogue.files.put_bytes(SECOND), "dien-tich.csv", "text/csv"))
        uow.commit()
    assert _zip(client, "/dataset/dat-nong-nghiep/v/2.zip").read(
        "data/dien-tich-2025.csv") == FIRST
    assert _zip(client, "/dataset/dat-nong-nghiep/v/3.zip").read(
        "data/dien-tich-2025.csv") == SECOND
    latest = client.get("/dataset/dat-nong-nghiep/datapackage.zip")
    assert latest.status_code == 302
    assert latest.location.endswith("/dataset/dat-nong-nghiep/v/3.zip")
    page = client.get("/dataset/dat-nong-nghiep").get_data(as_text=True)
    assert 'href="/dataset/dat-nong-nghiep/v/3.zip"' in page


def test_unpublished_versions_and_hidden_datasets_have_no_zip(client: FlaskClient,
                                                              catalogue: Catalogue,
                                                              org: str) -> None:
    _published(catalogue, org, "ban-nhap", state="draft")
    _published(catalogue, org, "rieng-tu", private=True)
    _published(catalogue, org)
    for url in ("/dataset/ban-nhap/v/1.zip", "/dataset/ban-nhap/datapackage.zip",
                "/dataset/rieng-tu/v/1.zip", "/dataset/rieng-tu/datapackage.zip",
                "/dataset/dat-nong-nghiep/v/9.zip", "/dataset/khong-co/v/1.zip"):
        assert client.get(url).status_code == 404, url


def test_the_dump_holds_every_public_dataset_and_nothing_else(app: Flask, client: FlaskClient,
                                                              catalogue: Catalogue,
                                                              org: str) -> None:
    _published(catalogue, org)
    _published(catalogue, org, "ban-nhap", state="draft")
    _published(catalogue, org, "rieng-tu", private=True)
    result = app.test_cli_runner().invoke(dump_command)
    assert result.exit_code == 0, result.output
    assert "Dumped 1 public dataset(s)" in result.output

    response = client.get("/catalogue/dump.jsonl")
    assert response.status_code == 200 and response.headers["ETag"]
    lines = response.get_data(as_text=True).splitlines()
    response.close()  # a file response holds its file open until closed
    assert [json.loads(line)["name"] for line in lines] == ["dat-nong-nghiep"]
    assert json.loads(lines[0])["resources"][1]["name"] == "Diện tích 2025"
    with client.get("/catalogue/dump.csv") as table_response:
        table = list(csv.DictReader(io.StringIO(table_response.get_data(as_text=True))))
    assert [row["name"] for row in table] == ["dat-nong-nghiep"]
    assert table[0]["organization"] == org and table[0]["formats"] == "CSV;PDF"
    assert table[0]["title"] == "Đất nông nghiệp" and table[0]["num_resources"] == "2"
    with client.get("/catalogue/dump.jsonl",
                    headers={"If-None-Match": response.headers["ETag"]}) as again:
        assert again.status_code == 304
    docs = client.get("/api").get_data(as_text=True)
    assert 'href="http://portal.test/catalogue/dump.jsonl"' in docs
    assert 'href="http://portal.test/catalogue/dump.csv"' in docs


def test_a_new_portal_writes_its_first_dump_on_the_first_request(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    # It answered 404 until the scheduler's first night (the stranger's walk-through).
    _published(catalogue, org)
    with client.get("/catalogue/dump.csv") as response:
        assert response.status_code == 200
        table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["name"] for row in table] == ["dat-nong-nghiep"]
    with client.get("/catalogue/dump.jsonl") as response:
        assert response.status_code == 200
        assert json.loads(response.get_data(as_text=True))["name"] == "dat-nong-nghiep"
    with catalogue.sessions() as session:  # one run wrote both, the second request none
        assert session.scalar(select(func.count()).select_from(CatalogueDump)) == 2


def test_an_empty_first_dump_is_written_again_after_the_first_harvest(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    # Asked for before anything was public, the first dump was empty and stayed so (and in
    # caches) until the night.
    with client.get("/catalogue/dump.jsonl") as response:
        assert response.status_code == 200 and response.get_data() == b""
        assert response.cache_control.max_age == 0
    _published(catalogue, org)
    with client.get("/catalogue/dump.jsonl") as response:
        assert [json.loads(line)["name"] for line in response.get_data(as_text=True)
                .splitlines()] == ["dat-nong-nghiep"]
        assert response.cache_control.max_age == 3600
    with client.get("/catalogue/dump.csv") as response:  # no third run
        assert response.status_code == 200
    with catalogue.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CatalogueDump)) == 4


def test_while_another_process_writes_the_first_dump_the_page_says_so(
        client: FlaskClient, catalogue: Catalogue, clock: FixedClock, org: str) -> None:
    _published(catalogue, org)
    # Another process claimed the first dump and is writing it (or died doing so).
    assert claim_interval(catalogue.engine, "catalogue-dump-first", FIRST_DUMP_RETRY,
                          clock.now())
    response = client.get("/catalogue/dump.jsonl")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    page = response.get_data(as_text=True)
    assert "Tệp toàn bộ danh mục đang được chuẩn bị" in page
    assert "/catalogue/dump.jsonl" in page
    clock.advance(minutes=11)  # a writer that died: the claim lapses and this request writes
    with client.get("/catalogue/dump.jsonl") as response:
        assert response.status_code == 200


def test_the_scheduler_writes_the_dump_once_a_night(app: Flask, catalogue: Catalogue,
                                                    clock: FixedClock, org: str,
                                                    tmp_path: object) -> None:
    app.config["DULIEUMO"]["backup_dir"] = str(tmp_path)
    _published(catalogue, org)
    assert "catalogue dump: 1 dataset(s)" in tick(app)  # the first: at once
    clock.advance(hours=12)  # 20:30: today's dump is written
    assert nightly_dump(app) == []
    clock.advance(hours=4)  # 00:30 the next day: before catalogue_dump_hour (1)
    assert nightly_dump(app) == []
    clock.advance(hours=1)  # 01:30: due, and claimed by one scheduler only
    assert nightly_dump(app) == ["catalogue dump: 1 dataset(s)"]
    assert nightly_dump(app) == []


def test_old_dumps_are_pruned_but_the_newest_few_kept(catalogue: Catalogue, clock: FixedClock,
                                                      org: str) -> None:
    shas = []
    for number in range(KEEP + 2):
        _published(catalogue, org, f"bo-du-lieu-{number}")
        shas.append(write_dump(catalogue).files[0].sha256)
        clock.advance(days=1)
    kept = [catalogue.files.exists(sha) for sha in shas]
    assert kept == [False, False, True, True, True]

"""When tables load (issue 21 item 1): after a harvest, an upload and an approval; what a
file that cannot load says, in Vietnamese, in the harvest report and the API; the limits a
bomb meets; the CLI. On SQLite and (``--db=postgres``) PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import TokenFactory
from datastore_setup import LOADED_AT, communes_slice, publish_table, run_loads
from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.principal import Principal
from catalogue.context import Catalogue
from catalogue.datastore.errors import LoadError
from catalogue.datastore.jobs import failures_for_job, status_of
from catalogue.datastore.loader import Source, load_table
from catalogue.datastore.query import search_rows
from catalogue.datastore.store import Datastore
from catalogue.files.limits import ReadLimits
from catalogue.review.service import approve
from portal.catalogue_ext import datastore_of
from tests.bombs import gzip_bomb
from tests.harvest_servers import datasets, harvest, make_source, static_server

ROOT = Principal(user_id="root", name="root", sysadmin=True, scopes=frozenset({"write"}))


def _search(client: FlaskClient, resource_id: str, **params: Any) -> Any:
    return client.get("/api/3/action/datastore_search",
                      query_string={"resource_id": resource_id, **params})


def test_harvested_tables_load_and_unloadable_ones_say_why(
        app: Flask, catalogue: Catalogue, client: FlaskClient, org: str, home: Path,
        tmp_path: Path, runner: CliRunner) -> None:
    share = tmp_path / "share"
    share.mkdir()
    communes_slice(share)
    (share / "ghi-chu.csv").write_text("_ghi_chu,so\nmột,1\nhai,2\n", encoding="utf-8")
    with static_server(share) as url:
        source = make_source("files", url=url, undescribed=True, default_license="CC-BY-4.0",
                             organization=org)
        summary = harvest(catalogue, source, home)
    assert summary.counts["new"] == 2, summary
    done = datastore_of(app).run_queued()
    assert sorted(s.status for s in done) == ["done", "failed"]
    found = datasets(catalogue, source.name)
    good = found["don-vi-hanh-chinh-cap-xa.csv"].resources[0].id
    assert _search(client, good, q="dat mui").get_json()["result"]["total"] == 1
    shown = client.get("/api/3/action/resource_show", query_string={"id": good}).get_json()
    assert shown["result"]["datastore_active"] is True
    with catalogue.sessions() as session:
        failures = failures_for_job(datastore_of(app).store, session, summary.job_id)
    assert [f["resource"] for f in failures] == ["ghi-chu.csv"]
    assert "'_ghi_chu' không dùng được" in failures[0]["reason"]
    from portal.cli import main

    report = runner.invoke(main, ["--home", str(home), "harvest", "report", summary.job_id])
    assert "Not loaded into the datastore" in report.output, report.output
    assert "không dùng được trong kho dữ liệu" in report.output


def test_an_editors_new_file_loads_once_approved(
        app: Flask, catalogue: Catalogue, client: FlaskClient, api_token: TokenFactory,
        org: str, tmp_path: Path) -> None:
    admin = api_token("an", org=org, role="admin")
    editor = api_token("lan", org=org, role="editor")
    first = publish_table(client, admin, org, "don-vi-hanh-chinh", communes_slice(tmp_path))
    run_loads(app)
    newer = "ma_xa,ten_xa\n00004,Phường Ba Đình\n".encode()
    answer = client.post("/api/3/action/resource_create", headers={"Authorization": editor},
                         data={"package_id": "don-vi-hanh-chinh",
                               "upload": (io.BytesIO(newer), "moi.csv", "text/csv")},
                         content_type="multipart/form-data").get_json()
    assert "pending_review" in answer["result"], answer
    assert datastore_of(app).run_queued() == []  # nothing new is public: nothing to load
    assert _search(client, first).get_json()["result"]["total"] == 201
    with catalogue.unit("root") as uow:
        approve(uow, ROOT, answer["result"]["pending_review"]["id"])
        uow.commit()
    run_loads(app)
    shown = client.get("/api/3/action/package_show",
                       query_string={"id": "don-vi-hanh-chinh"}).get_json()["result"]
    added = shown["resources"][1]
    assert added["datastore_active"] is True
    assert _search(client, added["id"]).get_json()["result"]["total"] == 1


def test_a_file_over_the_cell_limit_is_not_loaded_and_says_why(
        app: Flask, client: FlaskClient, api_token: TokenFactory, org: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["DULIEUMO"]["datastore_max_cells"] = 100
    admin = api_token("an", org=org, role="admin")
    resource_id = publish_table(client, admin, org, "qua-lon", communes_slice(tmp_path))
    [status] = datastore_of(app).run_queued()
    assert status.status == "failed" and "vượt giới hạn" in status.message
    answer = client.get("/api/3/action/datastore_info", query_string={"id": resource_id})
    assert answer.status_code == 404
    assert "vượt giới hạn" in answer.get_json()["error"]["message"]
    shown = client.get("/api/3/action/resource_show", query_string={"id": resource_id})
    assert shown.get_json()["result"]["datastore_active"] is False


def test_a_decompression_bomb_stops_at_the_unpacked_limit(datastore_db: Datastore,
                                                          tmp_path: Path) -> None:
    bomb = gzip_bomb(tmp_path / "bom.csv.gz", 64)
    schema = {"fields": [{"name": "a", "type": "string"}]}
    with pytest.raises(LoadError, match="vượt quá giới hạn"):
        load_table(datastore_db, "bom", Source(bomb, "csv", bomb.name), schema,
                   sha256="b" * 64, version=None, now=LOADED_AT,
                   limits=ReadLimits(max_unpacked_bytes=8 << 20, max_cells=10_000_000))
    assert datastore_db.current("bom") is None


def test_cli_loads_everything_and_shows_status(
        app: Flask, client: FlaskClient, api_token: TokenFactory, org: str, home: Path,
        tmp_path: Path, runner: CliRunner) -> None:
    from portal.cli import main

    admin = api_token("an", org=org, role="admin")
    resource_id = publish_table(client, admin, org, "don-vi", communes_slice(tmp_path))
    loaded = runner.invoke(main, ["--home", str(home), "datastore", "load", "--all"])
    assert loaded.exit_code == 0, loaded.output
    assert f"{resource_id}: done, 201 rows" in loaded.output
    shown = runner.invoke(main, ["--home", str(home), "datastore", "status", resource_id])
    assert "done, 201 rows, active" in shown.output
    assert status_of(datastore_of(app).store, resource_id).active
    assert search_rows(datastore_of(app).store, resource_id, limit=1).total == 201

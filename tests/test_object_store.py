"""One file store for every machine (issue 23): files in an S3-protocol object store.

A real S3 server (moto's standalone server) runs on 127.0.0.1 for the session; each test
gets a bucket of its own. Two "machines" are two apps with their own homes sharing the
database URL and the bucket, as two servers behind a load balancer would.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from s3_server import s3_client, s3_server, store_settings

from catalogue.backup.manifest import MANIFEST, verify_backup
from catalogue.backup.restore import restore_backup
from catalogue.backup.snapshot import BackupTarget, create_backup
from catalogue.clock import FixedClock
from catalogue.errors import ConfigError
from catalogue.files.location import open_file_store
from catalogue.files.s3_store import S3FileStore
from catalogue.home import Home
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli.home_cmds import initialise

CSV = "tỉnh,số trạm\nQuảng Ninh,12\nHà Giang,7\n".encode()
NOW = datetime(2026, 3, 2, 8, 30, 0)


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's S3 server on 127.0.0.1, started once for the session."""
    with s3_server(tmp_path_factory.mktemp("moto")) as url:
        yield url


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    name = f"portal-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=name)
    return name


MakeApp = Callable[..., Flask]


@pytest.fixture
def machines(tmp_path: Path, s3_endpoint: str, bucket: str, database_config: dict[str, str],
             migrated_sqlite_template: Path) -> Iterator[MakeApp]:
    """``machines("a")``: an app with its own home, on the shared database and bucket."""
    if database_config:
        url = database_config["database_url"]
    else:
        shared = tmp_path / "shared.sqlite"
        with sqlite3.connect(migrated_sqlite_template) as src, sqlite3.connect(shared) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        url = f"sqlite:///{shared}"
    made: list[Flask] = []

    def make(name: str, **overrides: Any) -> Flask:
        home = tmp_path / f"home-{name}"
        home.mkdir(exist_ok=True)
        app = create_app({"site_url": "http://portal.test", "database_url": url,
                          "secret_key": "một khoá chung cho mọi máy",
                          **store_settings(s3_endpoint, bucket), **overrides},
                         home=home, clock=FixedClock(NOW))
        app.config["TESTING"] = True
        if database_config and not made:
            initialise(app)
        made.append(app)
        return app

    yield make
    for app in made:
        catalogue = catalogue_of(app)
        if catalogue.search is not None and hasattr(catalogue.search, "close"):
            catalogue.search.close()
        catalogue.sessions.kw["bind"].dispose()


def _admin_token(app: Flask) -> str:
    from catalogue.accounts.service import create_user
    from catalogue.accounts.tokens import create_token
    from catalogue.organizations.service import create_organization

    catalogue = catalogue_of(app)
    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-tnmt", "title": "Sở Tài nguyên và Môi trường"})
        user = create_user(uow, name="lan", email="lan@tnmt.gov.vn", full_name="Nguyễn Thị Lan",
                           password="Sông Hồng chảy 47 mùa", sysadmin=True)
        _, raw = create_token(uow, user, scope="write")
        uow.commit()
    return raw


def _upload(client: FlaskClient, token: str, name: str, data: bytes,
            filename: str = "so-tram.csv") -> dict[str, Any]:
    headers = {"Authorization": token}
    created = client.post("/api/3/action/package_create", headers=headers,
                          json={"name": name, "title": "Số trạm quan trắc",
                                "owner_org": "so-tnmt", "license_id": "CC-BY-4.0"})
    assert created.status_code == 200, created.get_json()
    response = client.post("/api/3/action/resource_create", headers=headers,
                           data={"package_id": name, "name": "Số trạm",
                                 "upload": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    result: dict[str, Any] = response.get_json()["result"]
    return result


def _objects(endpoint: str, bucket: str) -> list[str]:
    listed = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listed.get("Contents", [])]


def test_a_file_uploaded_on_one_machine_downloads_from_another(
        machines: MakeApp, s3_endpoint: str, bucket: str) -> None:
    a, b = machines("a"), machines("b")
    res = _upload(a.test_client(), _admin_token(a), "so-tram", CSV)
    sha = hashlib.sha256(CSV).hexdigest()
    assert res["sha256"] == sha
    assert f"dulieumo/{sha[:2]}/{sha}" in _objects(s3_endpoint, bucket)
    # Neither machine kept the bytes on its own disk: both read the bucket.
    for app in (a, b):
        assert not list((app.config["DULIEUMO_HOME"].files_dir).glob("??/*"))
    download = b.test_client().get(f"/dataset/so-tram/resource/{res['id']}/download")
    assert download.status_code == 200
    assert download.data == CSV
    assert download.headers["X-Content-SHA256"] == sha
    assert download.headers["Content-Length"] == str(len(CSV))
    again = b.test_client().get(f"/dataset/so-tram/resource/{res['id']}/download",
                                headers={"If-None-Match": f'"{sha}"'})
    assert again.status_code == 304


def test_upload_validation_and_previews_read_from_the_object_store(
        machines: MakeApp, s3_endpoint: str, bucket: str) -> None:
    a, b = machines("a"), machines("b")
    res = _upload(a.test_client(), _admin_token(a), "so-tram", CSV)
    assert res["validation_status"] == "valid"
    assert [f["name"] for f in res["schema"]["fields"]] == ["tỉnh", "số trạm"]
    page = b.test_client().get(f"/dataset/so-tram/resource/{res['id']}")
    assert page.status_code == 200
    assert "Hà Giang" in page.get_data(as_text=True)
    previews = {k for k in _objects(s3_endpoint, bucket) if k.startswith("dulieumo/previews/")}
    assert previews, "the previews (table, and what the map looked for) are kept in the bucket"
    assert a.test_client().get(f"/dataset/so-tram/resource/{res['id']}").status_code == 200
    again = {k for k in _objects(s3_endpoint, bucket) if k.startswith("dulieumo/previews/")}
    assert again == previews, "computed once, whichever machine shows the page"
    table_key = next(k for k in sorted(previews) if "table" in json.loads(
        s3_client(s3_endpoint).get_object(Bucket=bucket, Key=k)["Body"].read()))
    # Machine A's page reads B's stored preview: make it say something only the cache says.
    s3_client(s3_endpoint).put_object(Bucket=bucket, Key=table_key, Body=json.dumps(
        {"table": {"headers": ["đã lưu"], "rows": [["từ bộ nhớ chung"]]},
         "too_large": "", "unreadable": ""}).encode())
    assert "từ bộ nhớ chung" in a.test_client().get(
        f"/dataset/so-tram/resource/{res['id']}").get_data(as_text=True)
    converted = b.test_client().get(f"/dataset/so-tram/resource/{res['id']}/convert.csv")
    assert converted.status_code == 200 and "Quảng Ninh,12" in converted.get_data(as_text=True)


def test_presigned_downloads_redirect_to_the_object(machines: MakeApp, s3_endpoint: str) -> None:
    a = machines("a")
    b = machines("b", file_store_presigned_downloads=True)
    res = _upload(a.test_client(), _admin_token(a), "so-tram", CSV)
    answer = b.test_client().get(f"/dataset/so-tram/resource/{res['id']}/download")
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(s3_endpoint) and "X-Amz-Signature=" in location
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200 and fetched.content == CSV
    assert "so-tram.csv" in fetched.headers["Content-Disposition"]


@pytest.fixture
def empty_database(request: pytest.FixtureRequest, database_config: dict[str, str],
                   tmp_path: Path) -> Iterator[str]:
    """A database of the suite's kind with nothing in it, to restore into."""
    if not database_config:
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    from pg_databases import fresh_database

    with fresh_database(request.getfixturevalue("pg_url"), migrated=False) as url:
        yield url


def test_backup_takes_the_buckets_files_and_a_restore_puts_them_back(
        machines: MakeApp, s3_endpoint: str, tmp_path: Path, empty_database: str) -> None:
    a = machines("a")
    res = _upload(a.test_client(), _admin_token(a), "so-tram", CSV)
    sha = res["sha256"]
    target = BackupTarget.of(a.config["DULIEUMO_HOME"], a.config["DULIEUMO"])
    backup = create_backup(target, tmp_path / "backups", NOW)
    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["referenced"] == [sha]
    assert (backup / "files" / sha[:2] / sha).read_bytes() == CSV
    assert verify_backup(backup).ok
    # A new installation: an empty home, its own database and an empty bucket.
    fresh_bucket = f"restored-{uuid.uuid4().hex[:8]}"
    s3_client(s3_endpoint).create_bucket(Bucket=fresh_bucket)
    home = Home(tmp_path / "home-restored")
    settings = {"database_url": empty_database, "max_upload_mb": 200,
                **store_settings(s3_endpoint, fresh_bucket, "khac")}
    restored = BackupTarget(home, settings["database_url"], open_file_store(settings, home))
    restore_backup(backup, restored, now=NOW, actor="test")
    assert restored.files.verify(sha) == "ok"
    assert f"khac/{sha[:2]}/{sha}" in _objects(s3_endpoint, fresh_bucket)


def test_verify_refuses_a_backup_missing_a_file_the_database_names(
        machines: MakeApp, tmp_path: Path) -> None:
    a = machines("a")
    res = _upload(a.test_client(), _admin_token(a), "so-tram", CSV)
    target = BackupTarget.of(a.config["DULIEUMO_HOME"], a.config["DULIEUMO"])
    backup = create_backup(target, tmp_path / "backups", NOW)
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["parts"] = [p for p in manifest["parts"] if not p["path"].startswith("files/")]
    (backup / MANIFEST).write_text(json.dumps(manifest))
    report = verify_backup(backup)
    assert not report.ok
    assert any(res["sha256"] in p and "named by the database" in p for p in report.problems)


def test_backup_is_refused_when_the_store_lacks_a_named_file(
        machines: MakeApp, s3_endpoint: str, bucket: str, tmp_path: Path) -> None:
    from catalogue.backup.manifest import BackupError

    a = machines("a")
    sha = _upload(a.test_client(), _admin_token(a), "so-tram", CSV)["sha256"]
    s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=f"dulieumo/{sha[:2]}/{sha}")
    target = BackupTarget.of(a.config["DULIEUMO_HOME"], a.config["DULIEUMO"])
    with pytest.raises(BackupError, match="lacks 1 file"):
        create_backup(target, tmp_path / "backups", NOW)


def test_readyz_fails_when_the_bucket_is_gone(machines: MakeApp, s3_endpoint: str,
                                               bucket: str) -> None:
    client = machines("a").test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert "written and read back" in ready.get_json()["checks"]["files"]["detail"]
    assert _objects(s3_endpoint, bucket) == [], "the probe cleans up after itself"
    s3_client(s3_endpoint).delete_bucket(Bucket=bucket)
    gone = client.get("/readyz")
    assert gone.status_code == 503
    assert gone.get_json()["checks"]["files"]["ok"] is False
    assert "NoSuchBucket" in gone.get_json()["checks"]["files"]["detail"]


def test_large_files_stream_in_parts_without_being_held_in_memory(
        machines: MakeApp, s3_endpoint: str, bucket: str, tmp_path: Path) -> None:
    from catalogue.datasets.service import Upload, create_dataset, create_resource

    a, b = machines("a"), machines("b")
    _admin_token(a)
    catalogue = catalogue_of(a)
    assert isinstance(catalogue.files, S3FileStore)
    size = 40 * 1024 * 1024
    big = tmp_path / "lon.bin"
    digest = hashlib.sha256()
    with big.open("wb") as out:
        for n in range(size // (1 << 20)):
            block = hashlib.sha256(str(n).encode()).digest() * (1 << 15)  # 1 MiB
            digest.update(block)
            out.write(block)
    tracemalloc.start()
    try:
        with big.open("rb") as fh:
            stored = catalogue.files.put(fh)
        _, upload_peak = tracemalloc.get_traced_memory()
        with catalogue.unit("lan") as uow:
            ds = create_dataset(uow, {"name": "lon", "title": "Tệp lớn", "owner_org": "so-tnmt",
                                      "license_id": "CC-BY-4.0"})
            res = create_resource(uow, ds.id, {"name": "Tệp lớn", "format": "bin"},
                                  upload=Upload(stored, "lon.bin", "application/octet-stream"))
            uow.commit()
            resource_id = res.id
        tracemalloc.reset_peak()
        seen, received = hashlib.sha256(), 0
        response = b.test_client().get(f"/dataset/lon/resource/{resource_id}/download",
                                       buffered=False)
        assert response.status_code == 200
        assert response.headers["Content-Length"] == str(size)
        for chunk in response.response:
            seen.update(chunk)
            received += len(chunk)
        response.close()
        _, download_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.sha256 == digest.hexdigest() == seen.hexdigest()
    assert stored.size == received == size
    # Measured 2026-12-07 for this 40 MiB file: 5.3 MiB traced at the upload's peak (parts
    # are read from the spooled file as they are sent), 2.2 MiB for the streamed download.
    assert upload_peak < size // 2 and download_peak < size // 8, (upload_peak, download_peak)
    head = s3_client(s3_endpoint).head_object(Bucket=bucket, Key=f"dulieumo/{stored.key[:2]}/"
                                                               f"{stored.key}")
    assert "-" in head["ETag"], "a multipart upload (its ETag counts the parts)"


def test_file_store_setting_refuses_what_is_not_a_path_or_bucket(tmp_path: Path) -> None:
    home = Home(tmp_path)
    with pytest.raises(ConfigError, match="file_store"):
        open_file_store({"file_store": "s3://Bad_Bucket/x", "max_upload_mb": 1}, home)
    mounted = open_file_store({"file_store": "shared/files", "max_upload_mb": 1}, home)
    assert mounted.describe() == str(tmp_path / "shared" / "files")


def test_credentials_come_from_the_standard_aws_variables(
        s3_endpoint: str, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "tu-bien-moi-truong")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "bi-mat")
    settings = {**store_settings(s3_endpoint, bucket), "file_store_access_key": "",
                "file_store_secret_key": "", "max_upload_mb": 1}
    store = open_file_store(settings, Home(tmp_path))
    assert store.put_bytes(b"xin chao").size == 8
    credentials = store.client._request_signer._credentials  # type: ignore[attr-defined]
    assert credentials.access_key == "tu-bien-moi-truong"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "tu-bien-moi-truong"


def _write_config(app: Flask) -> str:
    """The app's settings as the home's ``dulieumo.toml`` (for the CLI, as an operator has)."""
    settings = app.config["DULIEUMO"]
    keys = ("database_url", "secret_key", "file_store", "file_store_endpoint",
            "file_store_region", "file_store_access_key", "file_store_secret_key")
    home = app.config["DULIEUMO_HOME"]
    home.config_file.write_text("".join(f"{k} = {json.dumps(settings[k])}\n" for k in keys),
                                encoding="utf-8")
    return str(home.root)


def test_check_files_finds_a_damaged_object_and_repairs_it_from_a_backup(
        machines: MakeApp, s3_endpoint: str, bucket: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from portal.cli import main

    a = machines("a")
    sha = _upload(a.test_client(), _admin_token(a), "so-tram", CSV)["sha256"]
    home, runner = _write_config(a), CliRunner()
    taken = runner.invoke(main, ["--home", home, "backup", "--to", str(tmp_path / "b")])
    assert taken.exit_code == 0, taken.output
    key = f"dulieumo/{sha[:2]}/{sha}"
    s3_client(s3_endpoint).put_object(Bucket=bucket, Key=key, Body=CSV.replace(b"12", b"21"))
    checked = runner.invoke(main, ["--home", home, "backup", "check-files"])
    assert checked.exit_code != 0 and f"corrupt: {sha}" in checked.output
    backup = next((tmp_path / "b").glob("dulieumo-*"))
    repaired = runner.invoke(main, ["--home", home, "backup", "check-files",
                                    "--repair-from", str(backup)])
    assert repaired.exit_code == 0, repaired.output
    body = s3_client(s3_endpoint).get_object(Bucket=bucket, Key=key)["Body"].read()
    assert body == CSV


def test_a_harvest_on_one_machine_is_served_by_another(
        machines: MakeApp, s3_endpoint: str, bucket: str, tmp_path: Path) -> None:
    from tests.harvest_servers import datasets, harvest, make_source, static_server

    a, b = machines("a"), machines("b")
    _admin_token(a)  # the agency the source publishes for
    share = tmp_path / "share"
    share.mkdir()
    (share / "so-tram.csv").write_bytes(CSV)
    (share / "so-tram.csv.meta.toml").write_text('name = "so-tram"\ntitle = "Số trạm"\n',
                                                 encoding="utf-8")
    with static_server(share) as url:
        source = make_source("files", url=url, organization="so-tnmt")
        summary = harvest(catalogue_of(a), source, a.config["DULIEUMO_HOME"].root)
    assert summary.status == "finished", summary
    resource = datasets(catalogue_of(a), source.name)["so-tram.csv"].resources[0]
    assert f"dulieumo/{resource.sha256[:2]}/{resource.sha256}" in _objects(s3_endpoint, bucket)
    download = b.test_client().get(f"/dataset/so-tram/resource/{resource.id}/download")
    assert download.status_code == 200 and download.data == CSV


def test_files_copy_from_moves_a_homes_files_into_the_shared_bucket(
        machines: MakeApp, s3_endpoint: str, bucket: str) -> None:
    from click.testing import CliRunner

    from portal.cli import main

    old = machines("old", file_store="")  # before issue 23: files in the home
    res = _upload(old.test_client(), _admin_token(old), "so-tram", CSV)
    old_files = old.config["DULIEUMO_HOME"].files_dir
    damaged = "0" * 64
    (old_files / "00").mkdir()
    (old_files / "00" / damaged).write_bytes(b"not what the name says")
    b = machines("b")
    url = f"/dataset/so-tram/resource/{res['id']}/download"
    assert b.test_client().get(url).status_code == 404
    home, runner = _write_config(b), CliRunner()
    moved = runner.invoke(main, ["--home", home, "files", "copy-from", str(old_files)])
    assert moved.exit_code != 0, "a damaged file is reported"
    assert f"copied {res['sha256']}" in moved.output and f"not copied: {damaged}" in moved.output
    assert b.test_client().get(url).data == CSV
    again = runner.invoke(main, ["--home", home, "files", "copy-from", str(old_files)])
    assert "0 file(s) copied" in again.output and "1 already there" in again.output
    assert f"dulieumo/00/{damaged}" not in _objects(s3_endpoint, bucket)


def test_a_restore_that_fails_part_way_takes_back_the_objects_it_added(
        machines: MakeApp, s3_endpoint: str, tmp_path: Path, empty_database: str) -> None:
    from catalogue.backup.restore import RestoreFailed

    a = machines("a")
    (a.config["DULIEUMO_HOME"].harvest_config_dir).mkdir()
    (a.config["DULIEUMO_HOME"].harvest_config_dir / "nguon.toml").write_text("")
    _upload(a.test_client(), _admin_token(a), "so-tram", CSV)
    target = BackupTarget.of(a.config["DULIEUMO_HOME"], a.config["DULIEUMO"])
    backup = create_backup(target, tmp_path / "backups", NOW)
    fresh_bucket = f"restored-{uuid.uuid4().hex[:8]}"
    s3_client(s3_endpoint).create_bucket(Bucket=fresh_bucket)
    home = Home(tmp_path / "home-restored")
    home.root.mkdir()
    home.harvest_config_dir.write_text("a file where the restore wants a folder")
    settings = {"database_url": empty_database, "max_upload_mb": 200,
                **store_settings(s3_endpoint, fresh_bucket)}
    restored = BackupTarget(home, empty_database, open_file_store(settings, home))
    with pytest.raises(RestoreFailed, match="undone"):
        restore_backup(backup, restored, now=NOW, actor="test")
    assert _objects(s3_endpoint, fresh_bucket) == []


def test_a_store_with_another_limit_is_the_same_store(s3_endpoint: str, bucket: str,
                                                      tmp_path: Path) -> None:
    from catalogue.errors import ValidationError

    store = open_file_store({**store_settings(s3_endpoint, bucket), "max_upload_mb": 1},
                            Home(tmp_path))
    small = store.with_limit(4)
    with pytest.raises(ValidationError):
        small.put_bytes(b"12345")
    kept = store.put_bytes(b"12345")
    assert small.exists(kept.key) and store.max_bytes == 1 << 20

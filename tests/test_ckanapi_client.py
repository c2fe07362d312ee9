"""The real ``ckanapi`` library and CLI against a live dulieumo on 127.0.0.1, unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import ckanapi
import pytest
from flask import Flask
from werkzeug.serving import make_server

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset

TokenFactory = Callable[..., str]
CKANAPI_CLI = Path(sys.executable).with_name("ckanapi")
CSV = "huyện,dân số\nHạ Long,300000\nCẩm Phả,200000\n".encode()


@pytest.fixture
def live_url(app: Flask, searchable: Catalogue) -> Iterator[str]:
    """The app served by werkzeug on a free port in a thread, as a real client sees it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def catalogue_data(searchable: Catalogue, org: str) -> list[str]:
    """Twelve public datasets (more than one page of ckanapi's default), one private."""
    names = [f"bo-du-lieu-{n:02d}" for n in range(12)]
    with searchable.unit("test") as uow:
        for number, name in enumerate(names):
            create_dataset(uow, {
                "name": name, "title": f"Dân số huyện {number}" if number % 2 else
                f"Chất lượng không khí trạm {number}", "owner_org": org, "tags": ["thống kê"],
                "resources": [{"url": f"http://agency.test/{name}.csv", "format": "CSV"}]})
        create_dataset(uow, {"name": "rieng-tu", "title": "Riêng tư", "owner_org": org,
                             "private": True})
        uow.commit()
    return names


def test_ckanapi_reads_search_show_and_organizations(live_url: str, catalogue_data: list[str],
                                                     org: str) -> None:
    with ckanapi.RemoteCKAN(live_url) as portal:
        found = portal.action.package_search(q="khong khi", rows=3, fq="res_format:CSV",
                                             **{"facet.field": ["tags"]})
        assert found["count"] == 6 and len(found["results"]) == 3
        assert found["facets"]["tags"] == {"thống kê": 6}
        shown = portal.action.package_show(id="bo-du-lieu-03")
        assert shown["title"] == "Dân số huyện 3"
        assert portal.action.organization_list() == [org]
        assert portal.action.organization_list(all_fields=True)[0]["package_count"] == 12
        with pytest.raises(ckanapi.NotFound):
            portal.action.package_show(id="rieng-tu")
        with pytest.raises(ckanapi.SearchQueryError):
            portal.action.package_search(fq="organization:(unbalanced")


def test_ckanapi_get_only_mode(live_url: str, catalogue_data: list[str]) -> None:
    with ckanapi.RemoteCKAN(live_url, get_only=True) as portal:
        assert portal.action.package_list()[:2] == ["bo-du-lieu-00", "bo-du-lieu-01"]
        found = portal.action.package_search(q="dân số", rows=6)
        assert all(d["title"].startswith("Dân số") for d in found["results"])


def test_ckanapi_creates_with_a_token_and_uploads_a_file(
        live_url: str, catalogue_data: list[str], api_token: TokenFactory, org: str,
        tmp_path: Path, searchable: Catalogue) -> None:
    token = api_token("an", org=org, role="admin")
    data_file = tmp_path / "dan-so.csv"
    data_file.write_bytes(CSV)
    with ckanapi.RemoteCKAN(live_url, apikey=token) as portal:
        created = portal.action.package_create(name="dan-so-2024", title="Dân số 2024",
                                               owner_org=org, tags=[{"name": "dân số"}])
        assert created["organization"]["name"] == org
        with data_file.open("rb") as fh:
            res = portal.action.resource_create(package_id="dan-so-2024", name="Dân số",
                                                upload=fh)
        assert res["sha256"] == hashlib.sha256(CSV).hexdigest()
        assert res["validation_status"] == "valid"
        with pytest.raises(ckanapi.ValidationError) as invalid:
            portal.action.package_create(name="dan-so-2024", owner_org=org)
        assert "name" in invalid.value.error_dict
    assert searchable.files.path(res["sha256"]).read_bytes() == CSV
    with ckanapi.RemoteCKAN(live_url) as anonymous:
        assert anonymous.action.package_show(id="dan-so-2024")["num_resources"] == 1
        with pytest.raises(ckanapi.NotAuthorized):
            anonymous.action.package_create(name="khong-duoc", owner_org=org)
    editor = api_token("lan", org=org, role="editor")
    with ckanapi.RemoteCKAN(live_url, apikey=editor) as portal:
        draft = portal.action.package_create(name="cho-duyet", owner_org=org)
        assert draft["state"] == "draft"  # an editor's dataset waits for review
    with ckanapi.RemoteCKAN(live_url, apikey="not-a-token") as forged:
        with pytest.raises(ckanapi.NotAuthorized):
            forged.action.package_create(name="khong-duoc", owner_org=org)


def test_ckanapi_cli_dumps_every_public_dataset(live_url: str, catalogue_data: list[str],
                                                tmp_path: Path) -> None:
    out = tmp_path / "datasets.jsonl"
    # The CLI starts its workers as `ckanapi` from PATH: put the venv's bin first.
    env = {**os.environ, "PATH": f"{CKANAPI_CLI.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(CKANAPI_CLI), "dump", "datasets", "--all", "-q", "-r", live_url,
                           "-O", str(out)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["name"] for r in records) == catalogue_data
    assert all(r["resources"][0]["format"] == "CSV" for r in records)

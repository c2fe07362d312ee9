"""Federation: a second dulieumo harvests the first through its ``ckan`` harvester, over HTTP."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets.service import Upload, create_dataset, create_resource, update_dataset
from catalogue.organizations.service import create_organization
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli.home_cmds import initialise
from tests.harvest_servers import datasets, harvest, make_source

CSV = "xã,số hộ\nBãi Cháy,5200\nHồng Gai,4100\n".encode()


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    """The first dulieumo, served on 127.0.0.1 with its own address as ``site_url``."""
    holder: dict[str, Flask] = {}

    def dispatch(environ: dict[str, Any], start_response: Any) -> Any:
        return holder["app"](environ, start_response)

    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    home = tmp_path / "origin-home"
    home.mkdir()
    app = create_app({"site_url": url}, home=home, clock=FixedClock(datetime(2026, 2, 1, 9)))
    initialise(app)
    catalogue = catalogue_of(app)
    if catalogue.search is None:  # until open_backend wires one (issue 4)
        from catalogue.search.whoosh_backend import WhooshBackend

        catalogue.search = WhooshBackend(home / "index-origin")
    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url, app
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        if catalogue.search is not None and hasattr(catalogue.search, "close"):
            catalogue.search.close()


def _publish_origin(catalogue: Catalogue) -> str:
    """Three public datasets (one with an uploaded file), one private, one draft."""
    stored = catalogue.files.put_bytes(CSV)
    with catalogue.unit("origin") as uow:
        create_organization(uow, {"name": "so-tnmt-quang-ninh", "title": "Sở TNMT Quảng Ninh"})
        uow.session.flush()
        for number in range(3):
            create_dataset(uow, {"name": f"ho-gia-dinh-{number}", "title": f"Hộ gia đình {number}",
                                 "owner_org": "so-tnmt-quang-ninh", "tags": ["dân cư"],
                                 "groups": ["moi-truong"], "license_id": "CC-BY-4.0",
                                 "notes": "Số hộ theo xã"})
        create_resource(uow, "ho-gia-dinh-0", {"name": "Số hộ", "format": "CSV"},
                        upload=Upload(stored, "so-ho.csv", "text/csv"))
        create_dataset(uow, {"name": "noi-bo", "title": "Nội bộ", "private": True,
                             "owner_org": "so-tnmt-quang-ninh"})
        create_dataset(uow, {"name": "nhap", "title": "Nháp", "state": "draft",
                             "owner_org": "so-tnmt-quang-ninh"})
        uow.commit()
    return stored.sha256


def test_second_portal_harvests_the_first(origin: tuple[str, Flask], catalogue: Catalogue,
                                          org: str, home: Path) -> None:
    url, origin_app = origin
    digest = _publish_origin(catalogue_of(origin_app))
    source = make_source("ckan", url=url, rows=2)
    summary = harvest(catalogue, source, home)
    assert summary.counts["new"] == 3 and summary.counts["failed"] == 0
    found = {ds.name: ds for ds in datasets(catalogue, source.name).values()}
    assert sorted(found) == ["ho-gia-dinh-0", "ho-gia-dinh-1", "ho-gia-dinh-2"]
    copy = found["ho-gia-dinh-0"]
    assert copy.title == "Hộ gia đình 0" and copy.license_id == "CC-BY-4.0"
    assert [t.name for t in copy.tags] == ["dân cư"] and copy.groups[0].name == "moi-truong"
    assert copy.source_url == f"{url}/dataset/ho-gia-dinh-0"
    # The uploaded file came over HTTP from the first portal's download URL, byte for byte.
    assert copy.resources[0].sha256 == digest == hashlib.sha256(CSV).hexdigest()
    assert catalogue.files.path(digest).read_bytes() == CSV

    again = harvest(catalogue, source, home)
    assert again.counts["unchanged"] == 3 and again.counts["new"] == 0


def test_changes_and_withdrawals_flow_to_the_second_portal(
        origin: tuple[str, Flask], catalogue: Catalogue, org: str, home: Path) -> None:
    url, origin_app = origin
    origin_catalogue = catalogue_of(origin_app)
    _publish_origin(origin_catalogue)
    source = make_source("ckan", url=url)
    harvest(catalogue, source, home)
    with origin_catalogue.unit("origin") as uow:
        update_dataset(uow, "ho-gia-dinh-1", {"title": "Hộ gia đình (sửa)"}, partial=True)
        update_dataset(uow, "ho-gia-dinh-2", {"private": True}, partial=True)
        uow.commit()
    summary = harvest(catalogue, source, home)
    assert summary.counts["updated"] == 1 and summary.counts["withdrawn"] == 1
    found = {ds.name: ds for ds in datasets(catalogue, source.name).values()}
    assert found["ho-gia-dinh-1"].title == "Hộ gia đình (sửa)"
    assert found["ho-gia-dinh-2"].state == "deleted"

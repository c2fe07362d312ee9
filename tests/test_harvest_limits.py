"""Limits against hostile sources: gzip bombs, oversized pages, too many records."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from catalogue.context import Catalogue
from harvesters.http import HttpClient, LimitExceeded
from tests.harvest_servers import CkanFixture, ckan_package, ckan_server, harvest, make_source

BOMB = gzip.compress(b"\0" * (8 << 20))  # 8 MiB of zeros in about 8 KiB


@contextmanager
def bomb_server() -> Iterator[str]:
    @Request.application
    def app(request: Request) -> Response:
        return Response(BOMB, headers={"Content-Encoding": "gzip"}, mimetype="text/csv")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/data.csv"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_gzip_bomb_stops_at_the_limit_while_decompressing(tmp_path: Path) -> None:
    client = HttpClient(timeout=5, retries=0, backoff=0, allowed_hosts=["127.0.0.1"])
    with bomb_server() as url:
        with pytest.raises(LimitExceeded) as caught:
            client.download(url, tmp_path / "out.csv", max_bytes=1 << 20)
        assert caught.value.limit == "max_file_mb"
        with pytest.raises(LimitExceeded):
            client.get(url, max_bytes=1 << 20)
    client.close()
    assert (tmp_path / "out.csv").stat().st_size <= 1 << 20


def test_oversized_api_page_fails_the_job_and_is_reported(
        catalogue: Catalogue, org: str, home: Path) -> None:
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        fixture.packages = [ckan_package(f"goi-{i}", url) for i in range(40)]
        summary = harvest(catalogue, make_source("ckan", url=url,
                                                 limits={"max_response_mb": 0.01}), home)
    assert summary.status == "failed" and "max_response_mb" in summary.message
    assert summary.stats["limits_hit"] == {"max_response_mb": 1}


def test_too_many_records_fails_the_job(catalogue: Catalogue, org: str, home: Path) -> None:
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        fixture.packages = [ckan_package(f"goi-{i}", url) for i in range(5)]
        summary = harvest(catalogue, make_source("ckan", url=url,
                                                 limits={"max_records": 3}), home)
    assert summary.status == "failed" and "max_records" in summary.message

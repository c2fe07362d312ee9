"""Real HTTP servers on 127.0.0.1 for the harvest tests: a static file server (file shares,
DCAT, data packages) and a small CKAN Action API speaking ``package_search``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def static_server(root: Path) -> Iterator[str]:
    """Serve ``root`` (with directory listings) and yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class CkanFixture:
    """What the fixture CKAN serves; tests change it between harvests."""

    packages: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    fail_next: int = 0  # answer 503 this many times
    broken_json: bool = False
    requests: list[dict[str, str]] = field(default_factory=list)

    def app(self, request: Request) -> Response:
        if request.path.startswith("/files/"):
            body = self.files.get(request.path.removeprefix("/files/"))
            if body is None:
                return Response("not found", status=404)
            return Response(body, mimetype="text/csv")
        if not request.path.endswith("/package_search"):
            return Response(json.dumps({"success": False}), status=404,
                            mimetype="application/json")
        self.requests.append(dict(request.args))
        if self.fail_next:
            self.fail_next -= 1
            return Response("busy", status=503)
        if self.broken_json:
            return Response('{"success": true, "result": {"count": 3, "resu',
                            mimetype="application/json")
        rows = int(request.args.get("rows", 10))
        start = int(request.args.get("start", 0))
        public = self.packages  # private ones too: the harvester must skip them
        result = {"count": len(public), "results": public[start:start + rows]}
        return Response(json.dumps({"help": "package_search", "success": True,
                                    "result": result}), mimetype="application/json")


@contextmanager
def ckan_server(fixture: CkanFixture) -> Iterator[str]:
    """Serve the fixture's Action API and files; yield its base URL."""
    server = make_server("127.0.0.1", 0, Request.application(fixture.app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def ckan_package(name: str, base: str, *, title: str = "", private: bool = False,
                 state: str = "active", modified: str = "2024-01-01T00:00:00") -> dict[str, Any]:
    """A package as CKAN's package_search returns it, with one CSV resource."""
    return {
        "id": f"id-{name}", "name": name, "title": title or name.replace("-", " ").title(),
        "notes": f"Mô tả {name}", "private": private, "state": state,
        "license_id": "cc-by", "metadata_created": "2023-05-01T00:00:00",
        "metadata_modified": modified,
        "organization": {"name": "remote-org"}, "groups": [{"name": "moi-truong"}],
        "tags": [{"name": "quan trắc"}], "extras": [{"key": "nguon", "value": "fixture"}],
        "resources": [{"name": f"{name}.csv", "url": f"{base}/files/{name}.csv",
                       "format": "CSV"}],
    }


def make_source(type_: str, **values: Any) -> Any:
    """A checked SourceConfig, as a [[source]] table in harvest.toml would give it."""
    from harvesters.config import source_from_table
    from harvesters.registry import harvester_types

    table = {"name": f"test-{type_}", "organization": "so-tnmt-quang-ninh",
             "default_license": "CC-BY-4.0", "type": type_, **values}
    source, problems = source_from_table(table, Path("harvest.toml"), harvester_types())
    assert not problems, [str(p) for p in problems]
    return source


def no_sleep(seconds: float) -> None:
    """Backoff without waiting (tests inject time instead of sleeping)."""


def harvest(catalogue: Any, source: Any, home: Path) -> Any:
    """Run one harvest job of ``source`` now."""
    from harvesters.registry import harvester_types
    from harvesters.runner import run_source

    return run_source(catalogue, source, harvester_types(), home / "harvest-locks",
                      sleep=no_sleep)


def datasets(catalogue: Any, source_name: str) -> dict[str, Any]:
    """source_identifier -> Dataset for one source (deleted ones too)."""
    from sqlalchemy import select

    from catalogue.datasets.model import Dataset

    with catalogue.unit("test") as uow:
        rows = uow.session.scalars(select(Dataset).where(Dataset.harvest_source == source_name))
        found = {d.source_identifier: d for d in rows}
        for dataset in found.values():
            _ = (dataset.resources, dataset.extras, dataset.tags, dataset.groups)
        return found

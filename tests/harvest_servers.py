"""Real HTTP servers on 127.0.0.1 for the harvest tests, behaving like the real ones: a static
file server (file shares, DCAT, data packages), a small CKAN Action API speaking
``package_search`` (capping ``rows`` like CKAN's ``ckan.search.rows_max``), a DCAT catalogue
paged with hydra, a counting server that records every request (so a test can say "nothing
but the catalogue pages was requested") and a slow-loris server that trickles bytes."""

from __future__ import annotations

import copy
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, RDF
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.conftest import SHARED

REAL = SHARED / "fixtures" / "real"
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")


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
    rows_max: int | None = None  # CKAN's ckan.search.rows_max: larger `rows` are capped
    count: Any = None  # answered instead of the real count when set (hostile portals)
    paths: list[str] = field(default_factory=list)  # every path requested, in order

    def app(self, request: Request) -> Response:
        self.paths.append(request.path)
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
        if self.rows_max is not None:
            rows = min(rows, self.rows_max)
        start = int(request.args.get("start", 0))
        public = self.packages  # private ones too: the harvester must skip them
        result = {"count": len(public) if self.count is None else self.count,
                  "results": public[start:start + rows]}
        return Response(json.dumps({"help": "package_search", "success": True,
                                    "result": result}), mimetype="application/json")


@contextmanager
def serve_app(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a WSGI app on a free port of ``host``; yield its base URL (no trailing slash)."""
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def ckan_server(fixture: CkanFixture) -> Iterator[str]:
    """Serve the fixture's Action API and files; yield its base URL."""
    with serve_app(Request.application(fixture.app)) as url:
        yield url


@dataclass
class CountingServer:
    """Answers every path with ``files[path]`` (or a small CSV) and records each request."""

    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    url: str = ""

    def app(self, request: Request) -> Response:
        # As sent on the wire (werkzeug's full_path is decoded).
        self.requests.append(str(request.environ.get("RAW_URI") or request.full_path.rstrip("?")))
        body = self.files.get(request.path, b"ma,gia_tri\n01,1\n")
        return Response(body, mimetype="text/csv")

    @property
    def netloc(self) -> str:
        """``host:port``, as ``allow_hosts`` takes it."""
        return urlsplit(self.url).netloc


@contextmanager
def counting_server(host: str = "127.0.0.1") -> Iterator[CountingServer]:
    """A server that records every request made to it (resources harvests must not fetch)."""
    counter = CountingServer()
    with serve_app(Request.application(counter.app), host) as url:
        counter.url = url
        yield counter


def real_ckan_packages(resource_base: str) -> list[dict[str, Any]]:
    """The 11 real CKAN package dicts of ../shared/fixtures/real/ckan/packages.json, their
    resource URLs rewritten to ``resource_base`` (a counting server) so that nothing leaves
    the machine and every fetch is seen."""
    packages = json.loads((REAL / "ckan" / "packages.json").read_text(encoding="utf-8"))
    rewritten = copy.deepcopy(packages)
    for p, package in enumerate(rewritten):
        for r, resource in enumerate(package.get("resources") or []):
            if resource.get("url"):
                tail = urlsplit(str(resource["url"])).path.rsplit("/", 1)[-1] or "resource"
                resource["url"] = f"{resource_base}/p{p}/r{r}/{tail}"
    return rewritten


@dataclass
class DcatFixture:
    """A DCAT catalogue paged with hydra: page ``i`` is file ``i`` (re-serialised each time it
    is requested, so blank-node labels differ between harvests as on a real server), its
    download and access URLs rewritten to ``resource_base``."""

    files: list[Path]
    resource_base: str = ""
    paths: list[str] = field(default_factory=list)
    url: str = ""

    def page_graph(self, index: int) -> Graph:
        path = self.files[index]
        graph = Graph().parse(path, format="xml" if path.suffix == ".rdf" else "turtle")
        for predicate in (DCAT.downloadURL, DCAT.accessURL):
            for subject, obj in list(graph.subject_objects(predicate)):
                graph.remove((subject, predicate, obj))
                original = urlsplit(str(obj))  # host and path kept: distinct URLs stay distinct
                graph.add((subject, predicate, URIRef(
                    f"{self.resource_base}/{path.stem}/{original.netloc}{original.path}")))
        view = URIRef(f"{self.url}/page/{index + 1}")
        graph.add((view, RDF.type, HYDRA.PartialCollectionView))
        if index + 1 < len(self.files):
            graph.add((view, HYDRA.next, URIRef(f"{self.url}/page/{index + 2}")))
        return graph

    def app(self, request: Request) -> Response:
        self.paths.append(request.path)
        number = request.path.removeprefix("/page/")
        if not number.isdigit() or not 1 <= int(number) <= len(self.files):
            return Response("not found", status=404)
        index = int(number) - 1
        if self.files[index].suffix == ".rdf":
            return Response(self.page_graph(index).serialize(format="xml"),
                            mimetype="application/rdf+xml")
        return Response(self.page_graph(index).serialize(format="turtle"),
                        mimetype="text/turtle")


@contextmanager
def dcat_server(fixture: DcatFixture) -> Iterator[str]:
    """Serve a hydra-paged DCAT catalogue; yield the URL of its first page."""
    with serve_app(Request.application(fixture.app)) as url:
        fixture.url = url
        yield f"{url}/page/1"


@dataclass
class SlowLoris:
    """Answers a little and then one byte every ``interval`` seconds, for ever (until the
    client hangs up): in the headers (``where="headers"``) or in the body."""

    where: str = "body"
    interval: float = 0.05
    connections: int = 0
    url: str = ""
    stop: threading.Event = field(default_factory=threading.Event)

    def serve(self, conn: socket.socket) -> None:
        self.connections += 1
        try:
            conn.recv(65536)
            if self.where == "headers":
                head, tail = b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + b"a" * 10_000_000
            else:
                head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 10000000\r\n\r\n")
                tail = b" " * 10_000_000
            conn.sendall(head)
            for byte in tail:
                if self.stop.wait(self.interval):
                    return
                conn.sendall(bytes([byte]))
        except OSError:
            return  # the client gave up: what a deadline is for
        finally:
            conn.close()


@contextmanager
def slow_loris_server(where: str = "body") -> Iterator[SlowLoris]:
    """A slow-loris server on 127.0.0.1; yields it (``.url``, ``.connections``)."""
    loris = SlowLoris(where=where)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    loris.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    workers: list[threading.Thread] = []

    def accept() -> None:
        while not loris.stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(target=loris.serve, args=(conn,), daemon=True)
            worker.start()
            workers.append(worker)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield loris
    finally:
        loris.stop.set()
        acceptor.join()
        listener.close()
        for worker in workers:
            worker.join()


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

"""The link checker against a real HTTP server on 127.0.0.1: statuses, HEAD fallback,
retries with backoff (sleep injected, never waited), recorded results and rescheduling."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets.serialize import package_dict
from catalogue.datasets.service import create_dataset, get_dataset
from catalogue.quality import score_dataset
from catalogue.quality.linkcheck import LinkChecker, latest_results, run_link_check


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def _answer(self, head: bool) -> None:
        path = self.path
        Handler.hits[path] = Handler.hits.get(path, 0) + 1
        if path == "/ok.csv":
            status = 200
        elif path == "/no-head.csv":
            status = 405 if head else 200
        elif path == "/flaky.csv":
            status = 503 if Handler.hits[path] <= 2 else 200
        elif path == "/down.csv":
            status = 503
        elif path in ("/moved.csv", "/inside.csv"):
            self.send_response(301)
            # /inside.csv sends the checker to this machine under another name.
            self.send_header("Location", "/ok.csv" if path == "/moved.csv" else
                             f"http://localhost:{self.server.server_address[1]}/ok.csv")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        else:
            status = 404
        body = b"a,b\n1,2\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(head=False)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Handler.hits = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def checker(waits: list[float], clock: FixedClock) -> LinkChecker:
    # The test server is on this machine: allowed, as an operator would allow a host.
    return LinkChecker(timeout=5, retries=2, backoff=0.5, sleep=waits.append, clock=clock,
                       allowed_hosts=["127.0.0.1"])


def test_reachable_link_is_ok(server: str, checker: LinkChecker) -> None:
    result = checker.check(f"{server}/ok.csv")
    assert (result.ok, result.status, result.attempts) == (True, 200, 1)


def test_missing_link_is_recorded_with_its_status(server: str, checker: LinkChecker) -> None:
    result = checker.check(f"{server}/gone.csv")
    assert (result.ok, result.status, result.error) == (False, 404, "HTTP 404")


def test_servers_refusing_head_are_asked_with_get(server: str, checker: LinkChecker) -> None:
    assert checker.check(f"{server}/no-head.csv").ok


def test_redirects_are_followed(server: str, checker: LinkChecker) -> None:
    assert checker.check(f"{server}/moved.csv").status == 200


def test_transient_failures_are_retried_with_exponential_backoff(
        server: str, checker: LinkChecker, waits: list[float]) -> None:
    result = checker.check(f"{server}/flaky.csv")
    assert (result.ok, result.attempts) == (True, 2)
    assert waits == [0.5]
    waits.clear()
    result = checker.check(f"{server}/down.csv")
    assert (result.ok, result.status, result.attempts) == (False, 503, 3)
    assert waits == [0.5, 1.0]


def test_links_inside_the_house_are_never_requested(server: str, clock: FixedClock) -> None:
    # A published link, or a redirect from an allowed one, naming the server's own network
    # is not requested at all (issue 15): no probing of internal services through us.
    strict = LinkChecker(timeout=5, retries=2, sleep=lambda s: None, clock=clock)
    result = strict.check(f"{server}/ok.csv")
    assert not result.ok and "loopback" in result.error and result.attempts == 1
    assert Handler.hits == {}
    port = server.rsplit(":", 1)[1]
    only_this_port = LinkChecker(timeout=5, retries=0, sleep=lambda s: None, clock=clock,
                                 allowed_hosts=[f"127.0.0.1:{port}"])
    result = only_this_port.check(f"{server}/inside.csv")
    assert not result.ok and "localhost resolves to" in result.error
    assert Handler.hits == {"/inside.csv": 1}


def test_refused_connections_are_failures(checker: LinkChecker) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = checker.check(f"http://127.0.0.1:{port}/x.csv")
    assert not result.ok and result.status is None and "connection failed" in result.error


def test_scheduled_run_records_results_and_backs_off_failing_links(
        server: str, catalogue: Catalogue, org: str, clock: FixedClock) -> None:
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "lien-ket", "owner_org": org, "resources": [
            {"url": f"{server}/ok.csv", "format": "CSV"},
            {"url": f"{server}/gone.csv", "format": "CSV"}]})
        uow.commit()
    checker = LinkChecker(timeout=5, retries=0, sleep=lambda s: None, clock=clock,
                          allowed_hosts=["127.0.0.1"])
    first = run_link_check(catalogue, checker)
    assert sorted(r.ok for r in first) == [False, True]
    assert run_link_check(catalogue, checker) == []  # nothing due yet
    clock.advance(hours=1, minutes=1)
    assert [r.url for r in run_link_check(catalogue, checker)] == [f"{server}/gone.csv"]
    clock.advance(hours=1, minutes=1)  # second failure: next look 2 hours later
    assert run_link_check(catalogue, checker) == []
    with catalogue.sessions() as session:
        package = package_dict(get_dataset(session, "lien-ket"), catalogue.site_url)
        results = latest_results(session, [r["url"] for r in package["resources"]])
    links = next(c for c in score_dataset(package, now=clock.now(),
                                          link_results=results).criteria if c.key == "links")
    assert links.passed is False and links.detail["broken"] == [f"{server}/gone.csv"]
    assert clock.now() - datetime(2026, 3, 2, 8, 30) == timedelta(hours=2, minutes=2)

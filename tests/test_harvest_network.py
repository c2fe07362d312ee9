"""The harvesters' network side against real servers on 127.0.0.1 (issues 15 and 16): the
address guard (no fetching inside the house), deadlines against slow-loris sources, CKAN
paging on a portal that caps ``rows``, and no request beyond the catalogue pages when
resources are kept as links."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.wrappers import Request, Response

from catalogue.context import Catalogue
from catalogue.harvest.model import HarvestJob, HarvestObject
from harvesters.http import HttpClient, Refused, internal_reason
from tests.harvest_servers import (
    REAL,
    CkanFixture,
    CountingServer,
    DcatFixture,
    ckan_package,
    ckan_server,
    counting_server,
    datasets,
    dcat_server,
    harvest,
    make_source,
    real_ckan_packages,
    serve_app,
    slow_loris_server,
    static_server,
)


@pytest.fixture
def counter() -> Iterator[CountingServer]:
    with counting_server() as server:
        yield server


def _objects(catalogue: Catalogue, job_id: str) -> list[HarvestObject]:
    with catalogue.unit("test") as uow:
        return list(uow.session.scalars(select(HarvestObject).where(
            HarvestObject.job_id == job_id).order_by(HarvestObject.position)))


ClientFactory = Callable[..., HttpClient]


@pytest.fixture
def client() -> Iterator[ClientFactory]:
    """Makes HttpClients (timeout 5, no retries) and closes their kept-alive connections."""
    made: list[HttpClient] = []

    def make(**values: Any) -> HttpClient:
        made.append(HttpClient(**{"timeout": 5, "retries": 0, "backoff": 0, **values}))
        return made[-1]

    yield make
    for each in made:
        each.close()


# -- the address guard -----------------------------------------------------------------------

@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("127.0.0.2", "loopback"), ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"), ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"), ("10.1.2.3", "private"), ("192.168.1.1", "private"),
    ("172.16.0.1", "private"), ("fd00:ec2::254", "private"), ("100.64.0.1", "not a public"),
    ("0.0.0.0", "private"), ("93.184.216.34", ""), ("2606:4700::1111", ""),
])
def test_internal_addresses_are_named(address: str, kind: str) -> None:
    reason = internal_reason(address)
    assert reason.startswith(kind) if kind else reason == ""


def test_other_local_names_and_ports_are_refused_unless_allowed(
        counter: CountingServer, client: ClientFactory) -> None:
    port = counter.url.rsplit(":", 1)[1]
    # The client of a source at 127.0.0.1:1 (its own host:port is allowed, nothing else).
    http = client(allowed_hosts=["127.0.0.1:1"])
    for url in (f"{counter.url}/a.csv", f"http://localhost:{port}/a.csv",
                f"http://127.0.0.2:{port}/a.csv", f"http://[::1]:{port}/a.csv",
                "http://169.254.169.254/latest/meta-data/"):
        with pytest.raises(Refused, match="allow_hosts"):
            http.get(url, max_bytes=1000)
    assert counter.requests == []

    allowed = client(allowed_hosts=[counter.netloc])
    assert allowed.get_ok(f"{counter.url}/a.csv", max_bytes=1000).body.startswith(b"ma,")
    assert counter.requests == ["/a.csv"]
    with pytest.raises(Refused):  # the same server under another name is another host
        allowed.get(f"http://localhost:{port}/a.csv", max_bytes=1000)


def test_every_redirect_hop_is_checked_again(counter: CountingServer,
                                             client: ClientFactory) -> None:
    @Request.application
    def redirect(request: Request) -> Response:
        return Response("", status=302, headers={"Location": f"{counter.url}/inside.csv"})

    with serve_app(redirect) as source:
        http = client(allowed_hosts=[source.removeprefix("http://")])
        with pytest.raises(Refused, match="inside.csv"):
            http.get(f"{source}/data.csv", max_bytes=1000)
        assert counter.requests == []
        both = client(allowed_hosts=[source.removeprefix("http://"), counter.netloc])
        response = both.get_ok(f"{source}/data.csv", max_bytes=1000)
    assert response.url == f"{counter.url}/inside.csv" and counter.requests == ["/inside.csv"]


def test_the_connection_goes_to_the_address_that_was_checked(
        counter: CountingServer, client: ClientFactory) -> None:
    port = int(counter.url.rsplit(":", 1)[1])
    lookups: list[tuple[str, int]] = []

    def resolver(host: str, wanted_port: int) -> list[str]:
        # Resolved once per hop: a second lookup could answer differently (DNS rebinding).
        lookups.append((host, wanted_port))
        return ["127.0.0.1"]

    http = client(allowed_hosts=[f"du-lieu.example:{port}"], resolver=resolver)
    # du-lieu.example exists nowhere: the request can only have gone to the checked address.
    http.get_ok(f"http://du-lieu.example:{port}/a.csv", max_bytes=1000)
    assert lookups == [("du-lieu.example", port)] and counter.requests == ["/a.csv"]

    public_then_inside = iter([["93.184.216.34"], ["127.0.0.1"]])
    rebinding = client(resolver=lambda host, port: next(public_then_inside), timeout=0.5)
    with pytest.raises(Exception) as caught:  # 93.184.216.34 is unreachable here; never local
        rebinding.get(f"http://rebind.example:{port}/b.csv", max_bytes=1000)
    assert not isinstance(caught.value, Refused)
    assert counter.requests == ["/a.csv"]


def test_harvest_refuses_a_resource_inside_the_house_and_says_why(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        inside = ckan_package("noi-bo", url)
        inside["resources"][0]["url"] = f"{counter.url}/noi-bo.csv"
        metadata = ckan_package("sieu-du-lieu", url)
        metadata["resources"][0]["url"] = "http://169.254.169.254/latest/meta-data/iam"
        fixture.packages = [inside, metadata]
        source = make_source("ckan", url=url)
        summary = harvest(catalogue, source, home)
        assert summary.status == "finished"
        assert summary.counts["failed"] == 2 and summary.counts["new"] == 0
        assert counter.requests == []
        reasons = {o.identifier: o.reason for o in _objects(catalogue, summary.job_id)}
        assert "resolves to 127.0.0.1, a loopback address" in reasons["id-noi-bo"]
        assert "allow_hosts" in reasons["id-noi-bo"]
        assert "169.254.169.254, a link-local" in reasons["id-sieu-du-lieu"]
        assert datasets(catalogue, source.name) == {}

        allowed = make_source("ckan", url=url, allow_hosts=[counter.netloc])
        again = harvest(catalogue, allowed, home)
    assert again.counts["new"] == 1 and again.counts["failed"] == 1
    assert counter.requests == ["/noi-bo.csv"]


def test_allow_hosts_is_checked_with_the_config() -> None:
    from harvesters.config import source_from_table
    from harvesters.registry import harvester_types

    table = {"name": "nguon", "type": "ckan", "organization": "so", "url": "https://x.vn",
             "allow_hosts": ["kho.noibo.vn", "10.0.0.5:8080", "http://kho/", "a b"]}
    source, problems = source_from_table(table, Path("harvest.toml"), harvester_types())
    assert source is None
    [problem] = problems
    assert problem.key == "allow_hosts" and "'http://kho/'" in problem.message
    table["allow_hosts"] = ["kho.noibo.vn", "10.0.0.5:8080", "[fd00::1]:443"]
    source, problems = source_from_table(table, Path("harvest.toml"), harvester_types())
    assert problems == [] and source is not None
    assert source.allow_hosts == ("kho.noibo.vn", "10.0.0.5:8080", "[fd00::1]:443")


# -- deadlines -------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["headers", "body"])
def test_slow_loris_catalogue_hits_the_request_deadline(
        catalogue: Catalogue, org: str, home: Path, where: str) -> None:
    with slow_loris_server(where) as loris:
        source = make_source("ckan", url=loris.url, limits={"timeout": 0.5, "retries": 1,
                                                            "backoff": 0.01})
        summary = harvest(catalogue, source, home)
    assert summary.status == "failed" and "limit timeout" in summary.message
    assert summary.stats["limits_hit"] == {"timeout": 1}
    assert summary.stats["http_retries"] == 1  # the first attempt and one retry, each cut
    assert 1 <= loris.connections <= 2  # at 0.5 s (a loaded machine may not accept the 2nd)


def test_a_next_page_inside_the_house_is_not_fetched(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path,
        counter: CountingServer) -> None:
    (tmp_path / "page1.ttl").write_text(
        "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
        f"<page1.ttl> a hydra:PartialCollectionView ; hydra:next <{counter.url}/page2.ttl> .\n",
        encoding="utf-8")
    with static_server(tmp_path) as base:
        summary = harvest(catalogue, make_source("dcat", url=f"{base}page1.ttl"), home)
    assert summary.status == "failed" and "not fetched" in summary.message
    assert "nothing was withdrawn" in summary.attention and counter.requests == []


def test_slow_loris_resources_hit_the_source_deadline(
        catalogue: Catalogue, org: str, home: Path) -> None:
    fixture = CkanFixture()
    with ckan_server(fixture) as url, slow_loris_server() as loris:
        fixture.packages = [ckan_package(f"cham-{i}", url) for i in range(12)]
        for package in fixture.packages:
            package["resources"][0]["url"] = f"{loris.url}/{package['name']}.csv"
        source = make_source("ckan", url=url, allow_hosts=[loris.url.removeprefix("http://")],
                             limits={"timeout": 0.3, "retries": 0, "source_timeout": 1})
        summary = harvest(catalogue, source, home)
    assert summary.status == "finished" and summary.counts["failed"] == 12
    assert summary.stats["limits_hit"]["source_timeout"] >= 1
    # Once the source's time is up the remaining records fail without a request.
    assert loris.connections < 12
    reasons = [o.reason for o in _objects(catalogue, summary.job_id)]
    assert any("source_timeout" in r for r in reasons)
    assert any("limit timeout" in r for r in reasons)


# -- CKAN: count, paging, names --------------------------------------------------------------

def test_non_numeric_count_fails_the_job_with_a_reason(
        catalogue: Catalogue, org: str, home: Path) -> None:
    fixture = CkanFixture(count="nhiều lắm")
    with ckan_server(fixture) as url:
        fixture.packages = [ckan_package("goi-1", url)]
        summary = harvest(catalogue, make_source("ckan", url=url), home)
    assert summary.status == "failed" and "count that is not a number" in summary.message
    with catalogue.unit("test") as uow:
        job = uow.session.get(HarvestJob, summary.job_id)
        assert job is not None and job.status == "failed" and job.finished is not None


def test_capped_rows_still_yield_every_real_record(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = CkanFixture(rows_max=10)
    fixture.packages = real_ckan_packages(counter.url)
    with ckan_server(fixture) as url:
        source = make_source("ckan", url=url, download_resources=False)
        summary = harvest(catalogue, source, home)
    assert [r["start"] for r in fixture.requests] == ["0", "10"]
    assert all(r["rows"] == "100" for r in fixture.requests)
    assert sum(summary.counts.values()) == 11
    expected = {str(p.get("id") or p["name"]) for p in fixture.packages}
    assert {o.identifier for o in _objects(catalogue, summary.job_id)} == expected


def test_records_without_a_name_are_named_from_title_or_id(
        catalogue: Catalogue, org: str, home: Path) -> None:
    fixture = CkanFixture()
    with ckan_server(fixture) as url:
        titled = ckan_package("x", url, title="Chỉ số giá tiêu dùng Đà Nẵng")
        untitled = ckan_package("y", url)
        for package in (titled, untitled):
            del package["name"]
        del untitled["title"]
        untitled["id"] = "5C1B-Zz"
        fixture.packages = [titled, untitled]
        fixture.files = {"x.csv": b"a,b\n1,2\n", "y.csv": b"a,b\n1,2\n"}
        source = make_source("ckan", url=url)
        summary = harvest(catalogue, source, home)
    assert summary.counts["new"] == 2, summary
    found = datasets(catalogue, source.name)
    assert found["id-x"].name == "chi-so-gia-tieu-dung-da-nang"
    assert found["5C1B-Zz"].name == "5c1b-zz"
    assert found["5C1B-Zz"].source_url == f"{url}/dataset/5C1B-Zz"


# -- nothing but the catalogue pages ---------------------------------------------------------

def test_links_only_ckan_harvest_requests_nothing_but_the_catalogue_pages(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = CkanFixture(rows_max=10)
    packages = real_ckan_packages(counter.url)
    linked = ckan_package("chi-muc", counter.url)  # a .json link: Frictionless fetched these
    linked["resources"][0].update(url=f"{counter.url}/chi-muc/index.json", format="JSON")
    fixture.packages = [*packages, linked]
    with ckan_server(fixture) as url:
        source = make_source("ckan", url=url, download_resources=False)
        summary = harvest(catalogue, source, home)
    assert summary.status == "finished" and summary.counts["new"] >= 1
    assert datasets(catalogue, source.name)["id-chi-muc"].resources[0].url.endswith(
        "/index.json")
    assert counter.requests == []
    assert fixture.paths == ["/api/action/package_search"] * 2


def _real_dcat(counter: CountingServer) -> DcatFixture:
    return DcatFixture(sorted((REAL / "dcat").iterdir()), resource_base=counter.url)


def test_links_only_dcat_harvest_requests_nothing_but_the_catalogue_pages(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = _real_dcat(counter)
    with dcat_server(fixture) as url:
        source = make_source("dcat", url=url, download_resources=False)
        summary = harvest(catalogue, source, home)
    assert summary.status == "finished", summary.message
    assert sum(summary.counts.values()) == 5
    assert counter.requests == []
    assert fixture.paths == [f"/page/{n}" for n in range(1, 6)]


def test_reharvesting_unchanged_blank_node_catalogue_reports_unchanged(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = _real_dcat(counter)
    with dcat_server(fixture) as url:
        source = make_source("dcat", url=url, download_resources=False)
        first = harvest(catalogue, source, home)
        again = harvest(catalogue, source, home)
    assert sum(first.counts.values()) == 5 and first.counts["failed"] == 0
    assert again.counts["updated"] == 0 and again.counts["new"] == 0
    assert again.counts["unchanged"] == first.counts["new"]


def test_the_same_blank_node_catalogue_reads_as_the_same_records(
        counter: CountingServer) -> None:
    from harvesters.dcat import DcatHarvester
    from harvesters.importer import metadata_fingerprint
    from harvesters.runner import make_http

    fixture = _real_dcat(counter)
    with dcat_server(fixture) as url:
        source = make_source("dcat", url=url, download_resources=False)
        readings = []
        for _ in range(2):  # each page is re-serialised: new blank-node labels every time
            with closing(make_http(source)) as http:
                harvester = DcatHarvester(source, http)
                readings.append([harvester.fetch(g) for g in harvester.gather()])
    first, second = readings
    assert [r.identifier for r in first] == [r.identifier for r in second]
    assert first == second
    assert [metadata_fingerprint(r, source) for r in first] == [
        metadata_fingerprint(r, source) for r in second]


def test_dcat_formats_are_real_formats_never_blank_node_ids(counter: CountingServer) -> None:
    from harvesters.dcat import DcatHarvester
    from harvesters.runner import make_http

    fixture = _real_dcat(counter)
    with dcat_server(fixture) as url:
        source = make_source("dcat", url=url, download_resources=False)
        with closing(make_http(source)) as http:
            harvester = DcatHarvester(source, http)
            records = {r.title: r for r in (harvester.fetch(g) for g in harvester.gather())}
    formats = {title: [(r.format, r.mimetype) for r in record.resources]
               for title, record in records.items()}
    assert formats["A test dataset on your catalogue"] == [("CSV", "text/csv"),
                                                           ("HTML", "text/html")]
    madrid = next(f for t, f in formats.items() if t.startswith("Estudio de Satisfacción"))
    assert madrid == [("XLS", "application/vnd.ms-excel")]  # a dct:IMT node with a label
    rostock = next(f for t, f in formats.items() if t.startswith("Liefer"))
    assert ("GEOJSON", "application/geo+json") in rostock and ("WMS", "") in rostock
    assert formats["Linked Nobel prizes"] == [("RDF_XML", "application/rdf+xml")]
    every = {fmt for found in formats.values() for fmt, _ in found}
    assert every == {"", "CSV", "HTML", "XLS", "GML", "GEOJSON", "KML", "XLSX", "WFS", "WMS",
                     "RDF_XML"}


def test_remote_json_ld_contexts_go_through_the_client(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path,
        counter: CountingServer) -> None:
    context = {"@context": {"dcat": "http://www.w3.org/ns/dcat#",
                            "dct": "http://purl.org/dc/terms/",
                            "title": "dct:title", "Dataset": "dcat:Dataset",
                            "identifier": "dct:identifier"}}
    (tmp_path / "context.jsonld").write_text(json.dumps(context), encoding="utf-8")
    page = {"@context": "context.jsonld", "@graph": [
        {"@id": "https://dulieu.example/dataset/a", "@type": "Dataset", "identifier": "a",
         "title": "Bộ dữ liệu A"}]}
    (tmp_path / "catalog.jsonld").write_text(json.dumps(page), encoding="utf-8")
    page["@context"] = f"{counter.url}/context.jsonld"  # inside the house, not allowed
    (tmp_path / "inside.jsonld").write_text(json.dumps(page), encoding="utf-8")
    with static_server(tmp_path) as base:
        summary = harvest(catalogue, make_source("dcat", url=f"{base}catalog.jsonld"), home)
        assert summary.status == "finished" and sum(summary.counts.values()) == 1, summary
        assert summary.counts["failed"] == 0
        refused = harvest(catalogue, make_source("dcat", url=f"{base}inside.jsonld"), home)
    assert refused.status == "failed" and "not fetched" in refused.message
    assert counter.requests == []


def test_vietnamese_file_names_and_spaces_are_requested_encoded(
        counter: CountingServer, client: ClientFactory) -> None:
    http = client(allowed_hosts=[counter.netloc])
    http.get_ok(f"{counter.url}/tệp dữ liệu/Bảng giá đất.csv?nam=2024", max_bytes=1000)
    http.get_ok(f"{counter.url}/a%20b.csv", max_bytes=1000)
    assert counter.requests == [
        "/t%E1%BB%87p%20d%E1%BB%AF%20li%E1%BB%87u/B%E1%BA%A3ng%20gi%C3%A1%20%C4%91%E1%BA%A5t.csv"
        "?nam=2024", "/a%20b.csv"]


@pytest.mark.parametrize(("url", "allow", "expected"), [
    ("https://dulieu.danang.gov.vn/api", [], ("dulieu.danang.gov.vn:443",)),
    ("http://127.0.0.1:5000", ["kho.local"], ("127.0.0.1:5000", "kho.local")),
    ("http://[::1]:8080/catalog.ttl", [], ("[::1]:8080",)),
])
def test_the_source_url_names_the_one_host_allowed_by_default(
        url: str, allow: list[str], expected: tuple[str, ...]) -> None:
    from harvesters.runner import allowed_hosts

    source = make_source("dcat", url=url, **({"allow_hosts": allow} if allow else {}))
    assert allowed_hosts(source) == expected


def test_a_redirect_to_a_local_file_is_refused(tmp_path: Path, client: ClientFactory) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("mat_khau\nhunter2\n", encoding="utf-8")

    @Request.application
    def redirect(request: Request) -> Response:
        return Response("", status=301, headers={"Location": secret.as_uri()})

    with serve_app(redirect) as source:
        http = client(allowed_hosts=[source.removeprefix("http://")],
                         allowed_roots=(tmp_path,))
        with pytest.raises(Refused, match="unsupported URL scheme 'file'"):
            http.get(f"{source}/data.csv", max_bytes=1000)


def test_downloading_real_records_requests_each_resource_once_and_nothing_else(
        catalogue: Catalogue, org: str, home: Path, counter: CountingServer) -> None:
    fixture = CkanFixture(rows_max=10)
    fixture.packages = real_ckan_packages(counter.url)
    resources = {urlsplit(str(r["url"])).path for p in fixture.packages
                 for r in p.get("resources") or [] if r.get("url")}
    with ckan_server(fixture) as url:
        source = make_source("ckan", url=url, allow_hosts=[counter.netloc])
        summary = harvest(catalogue, source, home)
    assert summary.status == "finished" and sum(summary.counts.values()) == 11
    assert counter.requests and set(counter.requests) <= resources
    assert len(counter.requests) == len(set(counter.requests))
    assert fixture.paths == ["/api/action/package_search"] * 2


class _KeepAlive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps connections open, as real servers do
    ports: list[int] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.ports.append(self.client_address[1])
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def test_connections_are_kept_alive_and_a_closed_one_is_replaced(
        client: ClientFactory) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    netloc = f"127.0.0.1:{server.server_address[1]}"
    http = client(allowed_hosts=[netloc])
    try:
        for name in ("a", "b", "c"):
            assert http.get_ok(f"http://{netloc}/{name}", max_bytes=10).body == b"ok"
    finally:
        http.close()
        server.shutdown()
        server.server_close()
        thread.join()
    assert len(_KeepAlive.ports) == 3 and len(set(_KeepAlive.ports)) == 1

    # A server that answers once per connection and then hangs up without saying so.
    listener = socket.create_server(("127.0.0.1", 0))
    answered: list[int] = []

    def serve() -> None:
        for _ in range(2):
            conn, _ = listener.accept()
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                answered.append(1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    once = client(allowed_hosts=[f"127.0.0.1:{port}"])
    try:
        assert once.get_ok(f"http://127.0.0.1:{port}/1", max_bytes=10).body == b"ok"
        assert once.get_ok(f"http://127.0.0.1:{port}/2", max_bytes=10).body == b"ok"
    finally:
        thread.join(timeout=10)
        listener.close()
    assert len(answered) == 2 and once.retried == 0  # a new connection, not a retry

"""The harvesters' HTTP client against real servers on 127.0.0.1 (issue 15): which addresses
it refuses, redirects checked per hop, the connection pinned to the checked address, URLs
encoded as they go on the wire, connections kept alive, and the ``allow_hosts`` setting."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

from catalogue.addresses import internal_reason
from harvesters.http import FetchError, HttpClient, Refused
from tests.harvest_servers import (
    CountingServer,
    counting_server,
    make_source,
    serve_app,
)


@pytest.fixture
def counter() -> Iterator[CountingServer]:
    with counting_server() as server:
        yield server


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
    _KeepAlive.ports.clear()
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


def test_the_next_checked_address_is_tried_when_one_does_not_answer(
        counter: CountingServer, client: ClientFactory) -> None:
    port = int(counter.url.rsplit(":", 1)[1])
    # Nothing listens on [::1]:port (the server is on 127.0.0.1 only), as when a host
    # publishes an IPv6 address the server has no route to.
    http = client(allowed_hosts=[f"du-lieu.example:{port}"],
                  resolver=lambda host, port: ["::1", "127.0.0.1"])
    assert http.get_ok(f"http://du-lieu.example:{port}/a.csv", max_bytes=1000).status == 200
    assert counter.requests == ["/a.csv"] and http.retried == 0


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for ``name`` (it is its own CA), as PEM files."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_https_goes_to_the_checked_address_and_checks_the_host_name(
        tmp_path: Path, client: ClientFactory) -> None:
    cert, key = _certificate(tmp_path, "du-lieu.example")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive)
    server.daemon_threads = True
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        http = client(allowed_hosts=[f"du-lieu.example:{port}", f"khac.example:{port}"],
                      resolver=lambda host, port: ["127.0.0.1"])
        http.tls = ssl.create_default_context(cafile=str(cert))
        assert http.get_ok(f"https://du-lieu.example:{port}/a", max_bytes=10).body == b"ok"
        # The same address under a name the certificate does not carry is refused by TLS.
        with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
            http.get(f"https://khac.example:{port}/a", max_bytes=10)
        http.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

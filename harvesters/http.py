"""HTTP (and local file://) reads for harvesters, with limits, deadlines, retries and an
address guard.

Every read of a source goes through one ``HttpClient`` built from the source's config:

* bodies are counted as they are decoded, so a gzip bomb stops at the limit like any
  oversized file;
* each request has a total deadline (``limits.timeout``) enforced by a watchdog that closes
  the socket, so a server trickling one byte a second ("slow loris") cannot hold a job; the
  whole source has one too (``limits.source_timeout``);
* a URL is fetched only after its host has been resolved and every address checked: hosts
  that resolve to loopback, private, link-local (cloud metadata) or other non-public
  addresses are refused unless the config names them (the source's own URL, or
  ``allow_hosts``). The connection goes to the address that was checked, never to a second
  resolution (DNS rebinding), and every redirect hop is checked again (issue 15);
* ``file://`` URLs are only read under folders the source config names (a remote catalogue
  must not make us read the server's own files).
"""

from __future__ import annotations

import http.client
import io
import shutil
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlencode, urljoin, urlsplit

import certifi

from catalogue.addresses import (
    internal_reason,
    parse_allowed_host,
    request_target,
    resolve,
    split_url,
)

USER_AGENT = "dulieumo-harvester/0.1 (+https://github.com/dulieumo)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
MAX_IDLE = 4  # kept-alive connections per client (one per host and address)
RESOLVE_TTL = 300.0  # seconds a checked resolution is reused within a job
CHUNK = 1 << 16
Resolver = Callable[[str, int], list[str]]


class LimitExceeded(Exception):
    """A configured limit was hit; ``limit`` names the config key."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(f"limit {limit} exceeded: {message}")
        self.limit = limit


class FetchError(Exception):
    """A URL could not be read (after retries)."""


class Refused(FetchError):
    """A URL the guard will not fetch: an internal address, a scheme we do not speak."""


class _Stale(Exception):
    """A kept-alive connection the server had closed: the request goes again on a new one."""


class _Retryable(Exception):
    """One attempt failed in a way another attempt may not (connection, timeout); ``limit``
    names the config key when a limit cut it off."""

    def __init__(self, message: str, limit: str = "") -> None:
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str
    url: str


def _host_port(url: str) -> tuple[str, str, int]:
    try:
        return split_url(url)
    except ValueError as exc:
        raise Refused(str(exc)) from None


class _Sink(Protocol):
    def write(self, data: bytes, /) -> Any: ...


class _Decoder:
    """Content-Encoding gzip/deflate undone in bounded steps (a bomb never lands in memory)."""

    def __init__(self, encoding: str) -> None:
        encoding = encoding.strip().lower()
        self.inflate = zlib.decompressobj(zlib.MAX_WBITS | 32) \
            if encoding in ("gzip", "x-gzip", "deflate") else None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.inflate is None:
            yield data
            return
        out = self.inflate.decompress(data, CHUNK)
        while True:
            if out:
                yield out
            if not self.inflate.unconsumed_tail:
                return
            out = self.inflate.decompress(self.inflate.unconsumed_tail, CHUNK)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to one checked address, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to one checked address; the certificate is still checked against the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.address = address
        self.tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


@dataclass
class _Exchange:
    """How far one request got: answered (headers read) and whether its connection may serve
    the next request."""

    answered: bool = False
    reusable: bool = False


class _Watchdog:
    """Closes a connection's socket when the request's deadline passes: blocked reads return
    and the request fails, however slowly the server trickles bytes."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float) -> None:
        self.conn = conn
        self.fired = False
        self.timer = threading.Timer(max(seconds, 0.0), self._fire)
        self.timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        sock = self.conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def _deadline_limit(seconds: float, timeout: float) -> str:
    """The limit that cut a request off: its own timeout, or the source's time running out."""
    return "timeout" if seconds >= timeout else "source_timeout"


class HttpClient:
    """Reads URLs for one source with its deadlines, retries, backoff and address guard.

    ``allowed_hosts`` are ``host`` or ``host:port`` entries that may resolve to internal
    addresses (the source's own host and its ``allow_hosts``); every other host must resolve
    to public addresses only. ``source_timeout`` bounds all requests of the client together.
    """

    def __init__(self, *, timeout: float, retries: int, backoff: float,
                 allowed_roots: tuple[Path, ...] = (), allowed_hosts: Iterable[str] = (),
                 source_timeout: float | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 resolver: Resolver = resolve,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.allowed_roots = tuple(p.resolve() for p in allowed_roots)
        self.allowed_hosts = {rule for rule in map(parse_allowed_host, allowed_hosts) if rule}
        self.sleep = sleep
        self.resolver = resolver
        self.monotonic = monotonic
        self.source_deadline = monotonic() + source_timeout if source_timeout else None
        self.tls = ssl.create_default_context(cafile=certifi.where())
        self.retried = 0  # how many retries this client made (reported in job stats)
        # Connections kept alive between requests, by (scheme, host, port, checked address),
        # and resolutions already checked (a job asks the same host again and again).
        self._idle: dict[tuple[str, str, int, str], http.client.HTTPConnection] = {}
        self._resolved: dict[tuple[str, int], tuple[float, list[str]]] = {}

    def close(self) -> None:
        """Close the connections kept alive (the runner calls it at the end of every job)."""
        for conn in self._idle.values():
            conn.close()
        self._idle.clear()

    def _lookup(self, host: str, port: int) -> list[str]:
        """The host's addresses, resolved once and then reused for ``RESOLVE_TTL`` seconds:
        the address checked is the one connected to, request after request."""
        now = self.monotonic()
        cached = self._resolved.get((host, port))
        if cached is not None and now - cached[0] < RESOLVE_TTL:
            return cached[1]
        try:
            addresses = self.resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise _Retryable(f"cannot resolve {host}: {exc}") from None
        self._resolved[(host, port)] = (now, addresses)
        return addresses

    # -- the guard ---------------------------------------------------------------------------
    def _host_allowed(self, host: str, port: int) -> bool:
        return (host, None) in self.allowed_hosts or (host, port) in self.allowed_hosts

    def checked_addresses(self, url: str) -> list[str]:
        """The addresses ``url`` may be fetched from; Refused when its host is internal and
        not allowed by the config."""
        _, host, port = _host_port(url)
        addresses = self._lookup(host, port)
        if not addresses:
            raise _Retryable(f"{host} resolves to no address")
        if self._host_allowed(host, port):
            return addresses
        for address in addresses:
            reason = internal_reason(address)
            if reason:
                raise Refused(f"{url}: not fetched: {host} resolves to {address}, a {reason} "
                              f"address (a harvest never fetches inside the house; list the "
                              f"host in the source's allow_hosts to allow it)")
        return addresses

    # -- local files -------------------------------------------------------------------------
    def local_path(self, url: str) -> Path:
        """The file a ``file://`` URL (or a plain path) names, if it is under an allowed root."""
        parsed = urlsplit(url)
        path = Path(unquote(parsed.path) if parsed.scheme == "file" else url).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_roots):
            raise FetchError(f"{url}: local files are only read under the source's own folder")
        if not path.is_file():
            raise FetchError(f"{url}: no such file")
        return path

    # -- deadlines and retries ---------------------------------------------------------------
    def _remaining(self, url: str) -> float:
        """Seconds this request may take: its own timeout, cut by the source's deadline."""
        if self.source_deadline is None:
            return self.timeout
        left = self.source_deadline - self.monotonic()
        if left <= 0:
            raise LimitExceeded("source_timeout", f"{url}: the source's time is up")
        return min(self.timeout, left)

    def _attempts(self, url: str, call: Callable[[], Response]) -> Response:
        delay = self.backoff
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = call()
            except _Retryable as exc:
                if last and exc.limit:
                    raise LimitExceeded(exc.limit, f"{url}: {exc} (after {attempt + 1} "
                                                   f"attempts)") from None
                if last:
                    raise FetchError(f"{url}: {exc} (after {attempt + 1} attempts)") from None
            else:
                if response.status not in RETRY_STATUSES or last:
                    return response
            if self.source_deadline is not None \
                    and self.monotonic() + delay >= self.source_deadline:
                raise LimitExceeded("source_timeout", f"{url}: no time left to retry")
            self.retried += 1
            self.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    # -- one request -------------------------------------------------------------------------
    def _connection(self, scheme: str, host: str, port: int, address: str,
                    seconds: float) -> http.client.HTTPConnection:
        if scheme == "https":
            return _PinnedHTTPS(host, port, address, seconds, self.tls)
        return _PinnedHTTP(host, port, address, seconds)

    def _once(self, url: str, sink: _Sink, *, max_bytes: int, limit: str,
              read_errors: bool) -> Response:
        """One request, redirects followed (each hop checked); the body goes to ``sink``."""
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self._hop(url, sink, max_bytes=max_bytes, limit=limit,
                                     read_errors=read_errors, reuse=True)
            except _Stale:
                response = self._hop(url, sink, max_bytes=max_bytes, limit=limit,
                                     read_errors=read_errors, reuse=False)
            if isinstance(response, str):  # a redirect: check the next hop like the first
                url = response
                continue
            return response
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _hop(self, url: str, sink: _Sink, *, max_bytes: int, limit: str, read_errors: bool,
             reuse: bool) -> Response | str:
        """One request to one checked address, on a kept-alive connection when there is one."""
        scheme, host, port = _host_port(url)
        addresses = self.checked_addresses(url)
        seconds = self._remaining(url)
        key, conn, reused = self._open(scheme, host, port, addresses, seconds, reuse=reuse)
        exchange = _Exchange()
        try:
            with _Watchdog(conn, seconds) as watchdog:
                try:
                    response = self._exchange(conn, request_target(url), url, sink, exchange,
                                              max_bytes=max_bytes, limit=limit,
                                              read_errors=read_errors)
                except (OSError, http.client.HTTPException) as exc:
                    if watchdog.fired:
                        raise _Retryable(f"no complete answer within {seconds:g} s",
                                         _deadline_limit(seconds, self.timeout)) from None
                    if reused and not exchange.answered and isinstance(
                            exc, (http.client.RemoteDisconnected, ConnectionResetError,
                                  BrokenPipeError)):
                        raise _Stale() from None
                    if isinstance(exc, TimeoutError):
                        raise _Retryable(f"no answer for {seconds:g} s",
                                         _deadline_limit(seconds, self.timeout)) from None
                    raise _Retryable(f"{type(exc).__name__}: {exc}") from None
                if watchdog.fired:
                    raise _Retryable(f"no complete answer within {seconds:g} s",
                                     _deadline_limit(seconds, self.timeout))
        finally:
            if exchange.reusable and not watchdog.fired:
                self._keep(key, conn)
            else:
                conn.close()
        return response

    def _open(self, scheme: str, host: str, port: int, addresses: list[str], seconds: float,
              *, reuse: bool) -> tuple[tuple[str, str, int, str], http.client.HTTPConnection,
                                       bool]:
        """A connection to one of the checked addresses: a kept-alive one, else the first
        address that answers (a host without an IPv6 route still has its IPv4 address)."""
        if reuse:
            for address in addresses:
                conn = self._idle.pop((scheme, host, port, address), None)
                if conn is not None:
                    if conn.sock is not None:
                        conn.sock.settimeout(seconds)
                    return (scheme, host, port, address), conn, True
        deadline = self.monotonic() + seconds
        failure: OSError | None = None
        for address in addresses:
            left = deadline - self.monotonic()
            if left <= 0:
                break
            conn = self._connection(scheme, host, port, address, left)
            try:
                conn.connect()
            except OSError as exc:
                conn.close()
                failure = exc
                continue
            if conn.sock is not None:
                conn.sock.settimeout(seconds)
            return (scheme, host, port, address), conn, False
        if failure is None or isinstance(failure, TimeoutError):
            raise _Retryable(f"no connection to {host}:{port} within {seconds:g} s",
                             _deadline_limit(seconds, self.timeout))
        raise _Retryable(f"cannot connect to {host}:{port}: {type(failure).__name__}: "
                         f"{failure}")

    def _keep(self, key: tuple[str, str, int, str], conn: http.client.HTTPConnection) -> None:
        if len(self._idle) >= MAX_IDLE:
            oldest = next(iter(self._idle))
            self._idle.pop(oldest).close()
        self._idle[key] = conn

    def _exchange(self, conn: http.client.HTTPConnection, target: str, url: str, sink: _Sink,
                  exchange: _Exchange, *, max_bytes: int, limit: str,
                  read_errors: bool) -> Response | str:
        conn.request("GET", target, headers={
            "User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "gzip, deflate"})
        answer = conn.getresponse()
        exchange.answered = True
        try:
            response = self._read(answer, url, sink, max_bytes=max_bytes, limit=limit,
                                  read_errors=read_errors)
            # Reusable only when the whole body was read and the server keeps the connection.
            complete = answer.isclosed() if answer.chunked else answer.length == 0
            exchange.reusable = isinstance(response, Response) and complete \
                and not answer.will_close
            return response
        finally:
            answer.close()

    def _read(self, answer: http.client.HTTPResponse, url: str, sink: _Sink, *,
              max_bytes: int, limit: str, read_errors: bool) -> Response | str:
        location = answer.getheader("Location")
        if answer.status in REDIRECT_STATUSES and location:
            return urljoin(url, location.strip())
        content_type = answer.getheader("Content-Type") or ""
        if answer.status >= 400 and not read_errors:
            return Response(answer.status, b"", content_type, url)
        declared = (answer.getheader("Content-Length") or "").strip()
        encoded = (answer.getheader("Content-Encoding") or "").strip().lower()
        if declared.isdigit() and int(declared) > max_bytes and encoded in ("", "identity"):
            raise LimitExceeded(limit, f"{url} declares {declared} bytes, more than {max_bytes}")
        decoder = _Decoder(encoded)
        size = 0
        while chunk := answer.read1(CHUNK):
            for piece in decoder.feed(chunk):  # counted decoded: gzip bombs stop here too
                size += len(piece)
                if size > max_bytes:
                    raise LimitExceeded(limit, f"{url} is larger than {max_bytes} bytes")
                sink.write(piece)
        if not answer.chunked and answer.length:  # fewer bytes than Content-Length: cut off
            raise http.client.IncompleteRead(b"", answer.length)
        return Response(answer.status, str(size).encode(), content_type, url)

    # -- the public reads --------------------------------------------------------------------
    def get(self, url: str, *, max_bytes: int, limit: str = "max_response_mb",
            params: Mapping[str, Any] | None = None) -> Response:
        """The whole body of a URL (HTTP status kept: callers decide what an error means)."""
        scheme = urlsplit(url).scheme
        if scheme in ("", "file"):
            path = self.local_path(url)
            if path.stat().st_size > max_bytes:
                raise LimitExceeded(limit, f"{url} is larger than {max_bytes} bytes")
            return Response(200, path.read_bytes(), "", url)
        if params:
            query = urlencode([(k, str(v)) for k, v in params.items() if v is not None])
            url = f"{url}{'&' if urlsplit(url).query else '?'}{query}"

        def call() -> Response:
            body = io.BytesIO()
            response = self._once(url, body, max_bytes=max_bytes, limit=limit,
                                  read_errors=True)
            return Response(response.status, body.getvalue(), response.content_type,
                            response.url)

        return self._attempts(url, call)

    def get_ok(self, url: str, *, max_bytes: int, limit: str = "max_response_mb",
               params: Mapping[str, Any] | None = None) -> Response:
        """Like ``get`` but an HTTP error status is a FetchError."""
        response = self.get(url, max_bytes=max_bytes, limit=limit, params=params)
        if response.status >= 400:
            raise FetchError(f"{url}: HTTP {response.status}")
        return response

    def download(self, url: str, target: Path, *, max_bytes: int) -> int:
        """Save a URL's body to ``target`` (streamed); returns its size."""
        scheme = urlsplit(url).scheme
        if scheme in ("", "file"):
            path = self.local_path(url)
            if path.stat().st_size > max_bytes:
                raise LimitExceeded("max_file_mb", f"{url} is larger than {max_bytes} bytes")
            shutil.copyfile(path, target)
            return path.stat().st_size

        def call() -> Response:
            with target.open("wb") as out:
                return self._once(url, out, max_bytes=max_bytes, limit="max_file_mb",
                                  read_errors=False)

        response = self._attempts(url, call)
        if response.status >= 400:
            raise FetchError(f"{url}: HTTP {response.status}")
        return int(response.body)

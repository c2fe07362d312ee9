"""HTTP (and local file://) reads for harvesters, with limits, timeouts and retries.

Every read is capped: bodies are counted as they are decoded, so a gzip bomb stops at the
limit like any oversized file. ``file://`` URLs are only read under folders the source
config names (a remote catalogue must not make us read the server's own files).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlparse

import requests

USER_AGENT = "dulieumo-harvester/0.1 (+https://github.com/dulieumo)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 1 << 16


class LimitExceeded(Exception):
    """A configured limit was hit; ``limit`` names the config key."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(f"limit {limit} exceeded: {message}")
        self.limit = limit


class FetchError(Exception):
    """A URL could not be read (after retries)."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str
    url: str


def _copy_limited(stream: BinaryIO | Any, out: BinaryIO, max_bytes: int, limit: str,
                  url: str) -> int:
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise LimitExceeded(limit, f"{url} is larger than {max_bytes} bytes")
        out.write(chunk)
    return size


class HttpClient:
    """Reads URLs for one source with its timeout, retries and backoff."""

    def __init__(self, *, timeout: float, retries: int, backoff: float,
                 allowed_roots: tuple[Path, ...] = (),
                 sleep: Callable[[float], None] = time.sleep,
                 session: requests.Session | None = None) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.allowed_roots = tuple(p.resolve() for p in allowed_roots)
        self.sleep = sleep
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.retried = 0  # how many retries this client made (reported in job stats)

    def local_path(self, url: str) -> Path:
        """The file a ``file://`` URL (or a plain path) names, if it is under an allowed root."""
        parsed = urlparse(url)
        path = Path(unquote(parsed.path) if parsed.scheme == "file" else url).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_roots):
            raise FetchError(f"{url}: local files are only read under the source's own folder")
        if not path.is_file():
            raise FetchError(f"{url}: no such file")
        return path

    def _attempts(self, url: str, call: Callable[[], Response]) -> Response:
        delay = self.backoff
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = call()
            except (requests.ConnectionError, requests.Timeout) as exc:
                if last:
                    raise FetchError(f"{url}: {type(exc).__name__} after {attempt + 1} "
                                     f"attempts") from None
            else:
                if response.status not in RETRY_STATUSES or last:
                    return response
            self.retried += 1
            self.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    def get(self, url: str, *, max_bytes: int, limit: str = "max_response_mb",
            params: Mapping[str, Any] | None = None) -> Response:
        """The whole body of a URL (HTTP status kept: callers decide what an error means)."""
        scheme = urlparse(url).scheme
        if scheme in ("", "file"):
            path = self.local_path(url)
            if path.stat().st_size > max_bytes:
                raise LimitExceeded(limit, f"{url} is larger than {max_bytes} bytes")
            return Response(200, path.read_bytes(), "", url)
        if scheme not in ("http", "https"):
            raise FetchError(f"{url}: unsupported URL scheme {scheme!r}")

        def call() -> Response:
            with self.session.get(url, params=params, timeout=self.timeout, stream=True) as r:
                declared = r.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise LimitExceeded(limit, f"{url} declares {declared} bytes, more than "
                                               f"{max_bytes}")
                body = bytearray()
                for chunk in r.iter_content(CHUNK):  # decoded: gzip bombs stop here too
                    body += chunk
                    if len(body) > max_bytes:
                        raise LimitExceeded(limit, f"{url} is larger than {max_bytes} bytes")
                return Response(r.status_code, bytes(body), r.headers.get("Content-Type", ""),
                                r.url)

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
        scheme = urlparse(url).scheme
        if scheme in ("", "file"):
            path = self.local_path(url)
            if path.stat().st_size > max_bytes:
                raise LimitExceeded("max_file_mb", f"{url} is larger than {max_bytes} bytes")
            shutil.copyfile(path, target)
            return path.stat().st_size
        if scheme not in ("http", "https"):
            raise FetchError(f"{url}: unsupported URL scheme {scheme!r}")

        def call() -> Response:
            with self.session.get(url, timeout=self.timeout, stream=True) as r:
                if r.status_code >= 400:
                    return Response(r.status_code, b"", "", url)
                declared = r.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise LimitExceeded("max_file_mb", f"{url} declares {declared} bytes, more "
                                                       f"than {max_bytes}")
                r.raw.decode_content = True
                with target.open("wb") as out:
                    size = _copy_limited(r.raw, out, max_bytes, "max_file_mb", url)
                return Response(r.status_code, str(size).encode(), r.headers.get(
                    "Content-Type", ""), r.url)

        response = self._attempts(url, call)
        if response.status >= 400:
            raise FetchError(f"{url}: HTTP {response.status}")
        return int(response.body)

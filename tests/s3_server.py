"""A real S3-protocol server on 127.0.0.1 for tests (issue 23): moto's standalone server in a
process of its own, so what a test measures of the portal's memory is the portal's alone.

``with s3_server(folder) as endpoint:`` gives its URL (``http://127.0.0.1:PORT``); it accepts
any credentials (the tests use ``testing``/``testing``, region ``us-east-1``), and every
bucket lives in its memory until it stops. Used by the object-store tests and the
several-machines test, which point `file_store_endpoint` at it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ACCESS_KEY = SECRET_KEY = "testing"
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def s3_server(log_folder: Path, *, start_seconds: float = 60) -> Iterator[str]:
    """moto's S3 server, polled until it answers (within ``start_seconds``), stopped on exit."""
    port = _free_port()
    with (log_folder / "moto.log").open("wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                   "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + start_seconds
        try:
            while True:
                try:
                    requests.get(url, timeout=2)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise
                    time.sleep(0.1)  # polling a starting server, with a deadline
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def s3_client(endpoint: str) -> Any:
    """A boto3 client of the test server (to make buckets, look at or damage objects)."""
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)


def store_settings(endpoint: str, bucket: str, prefix: str = "dulieumo") -> dict[str, Any]:
    """The `file_store*` settings of a portal keeping its files in ``bucket`` there."""
    return {"file_store": f"s3://{bucket}/{prefix}", "file_store_endpoint": endpoint,
            "file_store_region": REGION, "file_store_access_key": ACCESS_KEY,
            "file_store_secret_key": SECRET_KEY}

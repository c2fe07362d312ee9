"""`dulieumo serve` really serves: the README's first command depends on it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from portal.cli import main


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _package_list_over_http(home: Path, *serve_options: str) -> dict[str, Any]:
    """Start ``dulieumo serve`` with these options and return its package_list answer."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from portal.cli import main; main()", "--home", str(home),
         "serve", "--port", str(port), *serve_options],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        body: dict[str, Any] | None = None
        deadline = time.monotonic() + 60
        while body is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/api/3/action/package_list", timeout=5) as resp:
                    body = json.load(resp)
            except OSError:
                time.sleep(0.2)  # polling a starting server, not waiting on our own clock
        assert body is not None, (
            server.stderr.read().decode() if server.poll() is not None else "no answer")
        return body
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr:
            server.stderr.close()


def test_serve_answers_the_api_over_http(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert CliRunner().invoke(main, ["--home", str(home), "init"]).exit_code == 0
    body = _package_list_over_http(home)
    assert body == {"help": body["help"], "success": True, "result": []}


def test_serve_production_runs_gunicorn_with_the_packaged_settings(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert CliRunner().invoke(main, ["--home", str(home), "init"]).exit_code == 0
    body = _package_list_over_http(home, "--production", "--workers", "2")
    assert body == {"help": body["help"], "success": True, "result": []}

"""`dulieumo serve` really serves: the README's first command depends on it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from portal.cli import main


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_the_api_over_http(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert CliRunner().invoke(main, ["--home", str(home), "init"]).exit_code == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from portal.cli import main; main()", "--home", str(home),
         "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = None
        deadline = time.monotonic() + 60
        while body is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/api/3/action/package_list", timeout=5) as resp:
                    body = json.load(resp)
            except OSError:
                time.sleep(0.2)  # polling a starting server, not waiting on our own clock
        assert body == {"help": body["help"], "success": True, "result": []}, (
            server.stderr.read().decode() if server.poll() is not None else "no answer")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr:
            server.stderr.close()

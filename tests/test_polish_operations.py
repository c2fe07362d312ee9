"""Running the portal (issue 19 item 8): ``make run PORT=…``, a busy port refused before
anything says "Serving on", running installed without the test tools, packaging metadata
setuptools no longer warns about."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        yield int(other.getsockname()[1])


def test_serve_on_a_busy_port_fails_with_a_message_and_never_says_serving(
        tmp_path: Path, busy_port: int) -> None:
    home = tmp_path / "home"
    assert CliRunner().invoke(main, ["--home", str(home), "init"]).exit_code == 0
    result = CliRunner().invoke(main, ["--home", str(home), "serve", "--port", str(busy_port)])
    assert result.exit_code != 0
    assert f"cannot listen on 127.0.0.1:{busy_port}" in result.output
    assert "--port" in result.output and "Serving on" not in result.output


def test_demo_on_a_busy_port_stops_before_harvesting(tmp_path: Path, busy_port: int) -> None:
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "demo"), "demo", "--port",
                                       str(busy_port)])
    assert result.exit_code != 0
    assert f"cannot listen on 127.0.0.1:{busy_port}" in result.output
    assert "Demo agency systems written" not in result.output  # nothing harvested
    assert "Serving on" not in result.output


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_takes_a_port_and_installs_only_what_running_needs(tmp_path: Path) -> None:
    def dry_run(*args: str) -> str:
        # -n: print the commands; -W: as if pyproject.toml changed, so installs show too.
        done = subprocess.run(["make", "-n", "-W", "pyproject.toml", *args,
                               f"VENV={tmp_path / 'venv'}"], cwd=ROOT, capture_output=True,
                              text=True, check=True)
        return done.stdout

    run = dry_run("run", "PORT=8123")
    assert "demo --port 8123" in run
    assert "pip install -c constraints.txt -e .\n" in run and "[test]" not in run
    assert "pip install -c constraints.txt -e '.[test]'" in dry_run("test")


def test_packaging_metadata_is_what_current_setuptools_accepts_without_warning() -> None:
    """``project.license`` as a table is deprecated (setuptools 77+ warns on every install):
    an SPDX string, with a setuptools that reads it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "AGPL-3.0-or-later"
    assert project["build-system"]["requires"] == ["setuptools>=77"]
    assert not any(c.startswith("License ::") for c in project["project"].get("classifiers", []))

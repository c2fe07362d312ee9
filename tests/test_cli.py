"""The `dulieumo` command group itself: what `--help` offers and how the home is chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from catalogue.home import HOME_ENV
from portal.cli import main


def test_help_lists_our_options_and_commands_only(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    assert "--home" in result.output
    assert all(command in result.output for command in ("init", "serve", "demo", "harvest"))
    for flask_option in ("--app", "--debug", "--env-file", "-A,", "-e,"):
        assert flask_option not in result.output


def test_no_arguments_shows_the_same_help(runner: CliRunner) -> None:
    bare = runner.invoke(main, [])
    assert "--home" in bare.output and "--app" not in bare.output


@pytest.mark.parametrize("option", ["--app", "--debug", "--env-file"])
def test_flask_options_are_refused(runner: CliRunner, option: str) -> None:
    result = runner.invoke(main, [option, "x", "init"])
    assert result.exit_code == 2 and "No such option" in result.output and option in result.output


def test_home_option_chooses_the_home(runner: CliRunner, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = runner.invoke(main, ["--home", str(home), "init"])
    assert result.exit_code == 0, result.output
    assert (home / "dulieumo.sqlite").exists()


def test_home_environment_variable_chooses_the_home(runner: CliRunner, tmp_path: Path) -> None:
    home = tmp_path / "from-env"
    result = runner.invoke(main, ["init"], env={HOME_ENV: str(home)})
    assert result.exit_code == 0, result.output
    assert (home / "dulieumo.sqlite").exists()

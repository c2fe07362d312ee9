"""Bad configuration fails loudly, naming file, key and expectation, and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalogue.errors import ConfigError
from catalogue.settings import SETTINGS, load_settings
from portal.cli import main

README = Path(__file__).parents[1] / "README.md"


def test_defaults_need_no_config_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "dulieumo.toml", environ={})
    assert settings["search_backend"] == "whoosh"


def test_environment_overrides_file(tmp_path: Path) -> None:
    config = tmp_path / "dulieumo.toml"
    config.write_text('site_url = "http://a.test"\nmax_upload_mb = 5\n')
    settings = load_settings(config, environ={"DULIEUMO_MAX_UPLOAD_MB": "7"})
    assert settings["site_url"] == "http://a.test"
    assert settings["max_upload_mb"] == 7


@pytest.mark.parametrize(("content", "expected"), [
    ("site_url = ", r"not valid TOML"),
    ("max_upload_mb = \"lots\"", r"key 'max_upload_mb': expected int"),
    ("search_backend = \"solr\"", r"key 'search_backend': expected one of whoosh, postgres"),
    ("colour = \"blue\"", r"unknown key 'colour'"),
])
def test_malformed_config_names_file_and_key(tmp_path: Path, content: str, expected: str) -> None:
    config = tmp_path / "dulieumo.toml"
    config.write_text(content)
    with pytest.raises(ConfigError, match=expected) as caught:
        load_settings(config, environ={})
    assert str(config) in str(caught.value)


def test_cli_init_with_malformed_config_exits_nonzero_and_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "dulieumo.toml").write_text("max_upload_mb = -")
    result = CliRunner().invoke(main, ["--home", str(home), "init"])
    assert result.exit_code != 0
    assert "dulieumo.toml" in result.output and "not valid TOML" in result.output
    assert sorted(p.name for p in home.iterdir()) == ["dulieumo.toml"]


def test_cli_init_creates_database(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = CliRunner().invoke(main, ["--home", str(home), "init"])
    assert result.exit_code == 0, result.output
    assert (home / "dulieumo.sqlite").exists()


def test_every_setting_is_documented_in_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if not re.search(rf"`{s.name}`", text)]
    assert not missing, f"settings missing from README: {missing}"

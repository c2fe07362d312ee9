"""An agency publishes through its harvest config: the file declares the organization and
`harvest run` creates it; `dulieumo organization add|list|show` covers the rest (issue 16
item 9). The harvested records are real (../shared/fixtures/real)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from harvest_servers import datasets, static_server
from real_records import REAL

from catalogue.context import Catalogue
from catalogue.organizations.service import get_organization
from harvesters.config import config_files, read_sources
from harvesters.registry import harvester_types
from portal.cli import main

AGENCY = """
[organization]
name = "cuc-thong-ke-opm"
title = "Văn phòng Quản lý Nhân sự Hoa Kỳ"
title_en = "U.S. Office of Personnel Management"
description = "Dữ liệu nhân sự liên bang (bản ghi data.json thật)."

[[source]]
name = "opm"
type = "datajson"
url = "{url}opm.data.json"
download_resources = false
"""


def test_a_config_file_declares_its_organization_and_sources_default_to_it(
        tmp_path: Path) -> None:
    (tmp_path / "harvest.toml").write_text(AGENCY.format(url="http://x/"), encoding="utf-8")
    [source], problems = read_sources(config_files(tmp_path), harvester_types())
    assert problems == []
    assert source.organization == "cuc-thong-ke-opm"
    assert source.declared_organization is not None
    assert source.declared_organization.title_en == "U.S. Office of Personnel Management"


def test_organization_block_problems_are_reported_with_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "harvest.toml").write_text(
        '[organization]\nname = "Sở X"\ncolour = "red"\n\n'
        '[[source]]\nname = "s"\ntype = "files"\npath = "/tmp"\n', encoding="utf-8")
    _, problems = read_sources(config_files(tmp_path), harvester_types())
    keys = {p.key for p in problems}
    assert {"name", "title", "colour"} <= keys
    assert all("harvest.toml" in str(p) for p in problems)


def test_harvest_run_creates_the_declared_organization_then_publishes_into_it(
        app: Flask, catalogue: Catalogue, home: Path) -> None:
    runner = CliRunner()
    with static_server(REAL / "datajson") as url:
        (home / "harvest.toml").write_text(AGENCY.format(url=url), encoding="utf-8")
        check = runner.invoke(main, ["--home", str(home), "harvest", "check"])
        assert check.exit_code == 0, check.output  # not "create it first"
        run = runner.invoke(main, ["--home", str(home), "harvest", "run", "opm"])
        assert run.exit_code == 0, run.output
        assert "created organization cuc-thong-ke-opm" in run.output
        again = runner.invoke(main, ["--home", str(home), "harvest", "run", "opm"])
    assert "created organization" not in again.output and "unchanged 29" in again.output
    with catalogue.sessions() as session:
        org = get_organization(session, "cuc-thong-ke-opm")
        assert (org.title, org.title_en) == ("Văn phòng Quản lý Nhân sự Hoa Kỳ",
                                             "U.S. Office of Personnel Management")
        org_id = org.id
    published = [d for d in datasets(catalogue, "opm").values() if d.state == "active"]
    assert len(published) == 29 and all(d.owner_org_id == org_id for d in published)


def test_organization_cli_adds_lists_and_shows(app: Flask, home: Path) -> None:
    runner = CliRunner()
    base = ["--home", str(home), "organization"]
    added = runner.invoke(main, [*base, "add", "so-tnmt-ha-giang", "--title",
                                 "Sở Tài nguyên và Môi trường Hà Giang", "--title-en",
                                 "Ha Giang Department of Natural Resources and Environment"])
    assert added.exit_code == 0, added.output
    twice = runner.invoke(main, [*base, "add", "so-tnmt-ha-giang", "--title", "x"])
    assert twice.exit_code != 0 and "name" in twice.output
    bad = runner.invoke(main, [*base, "add", "Sở X", "--title", "x"])
    assert bad.exit_code != 0 and "name" in bad.output
    listing = runner.invoke(main, [*base, "list"]).output
    assert "so-tnmt-ha-giang" in listing and "Sở Tài nguyên và Môi trường Hà Giang" in listing
    shown = runner.invoke(main, [*base, "show", "so-tnmt-ha-giang"])
    assert shown.exit_code == 0 and "Ha Giang Department" in shown.output
    assert "datasets:" in shown.output
    missing = runner.invoke(main, [*base, "show", "khong-co"])
    assert missing.exit_code != 0 and "not found" in missing.output


def test_the_readme_five_step_config_is_a_valid_harvest_config(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    steps = readme.split("### Publish your agency's data in five steps")[1]
    assert steps.split("```toml")[0].count("\n1. ") == 1 and "\n5. " in steps.split("```")[0]
    block = steps.split("```toml\n")[1].split("```")[0]
    (tmp_path / "harvest.d").mkdir()
    (tmp_path / "harvest.d" / "so-tnmt.toml").write_text(block, encoding="utf-8")
    [source], problems = read_sources(config_files(tmp_path), harvester_types())
    assert problems == [] and source.organization == "so-tnmt-binh-phuoc"
    assert source.declared_organization is not None

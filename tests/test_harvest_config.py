"""Harvest config checking, schedules, the per-source lock and crash recovery, and the CLI."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from catalogue.context import Catalogue
from catalogue.harvest.model import HarvestJob
from harvesters.config import config_files, read_sources
from harvesters.lock import SourceBusy, source_lock
from harvesters.registry import harvester_types
from harvesters.schedule import is_due, last_cron_time
from portal.cli import main
from tests.harvest_servers import datasets, harvest, make_source

BAD = """
[[source]]
name = "Bad Name"
type = "ckan"
organization = "so-tnmt-quang-ninh"
schedule = "every tuesday"
publish = "sometimes"
default_license = "no-such-licence"
rows = "many"
limits = { max_file_mb = -1, speed = 3 }

[[source]]
name = "no-location"
type = "files"
organization = "so-tnmt-quang-ninh"
filters = { include_tags = "giá đất" }

[[source]]
name = "mystery"
type = "ftp"
"""
GOOD = """
[[source]]
name = "share"
type = "files"
path = "{path}"
organization = "so-tnmt-quang-ninh"
schedule = "0 2 * * *"
default_groups = ["dat-dai"]
"""


def test_every_problem_is_reported_with_file_source_and_key(tmp_path: Path) -> None:
    (tmp_path / "harvest.toml").write_text(BAD, encoding="utf-8")
    (tmp_path / "harvest.d").mkdir()
    (tmp_path / "harvest.d" / "broken.toml").write_text("[[source]\nname = ", encoding="utf-8")
    sources, problems = read_sources(config_files(tmp_path), harvester_types())
    assert sources == []
    text = [str(p) for p in problems]
    keys = {(p.source.split(" ")[0], p.key) for p in problems}
    assert {("#1", "name"), ("#1", "schedule"), ("#1", "publish"), ("#1", "default_license"),
            ("#1", "url"), ("#1", "rows"), ("#1", "limits.max_file_mb"), ("#1", "limits.speed"),
            ("#2", "path | url"), ("#2", "filters.include_tags"), ("#3", "type"),
            ("#3", "organization")} <= keys
    assert any("broken.toml" in t and "not valid TOML" in t for t in text)
    assert all(str(tmp_path) in t for t in text)


def test_check_command_exits_non_zero_and_run_writes_nothing(app: Flask, home: Path) -> None:
    (home / "harvest.toml").write_text(BAD, encoding="utf-8")
    runner = CliRunner()
    check = runner.invoke(main, ["--home", str(home), "harvest", "check"])
    assert check.exit_code != 0
    assert "key 'schedule'" in check.output and "harvest.toml" in check.output
    run = runner.invoke(main, ["--home", str(home), "harvest", "run", "--all"])
    assert run.exit_code != 0 and "nothing was harvested" in run.output
    with app.app_context():
        from portal.catalogue_ext import catalogue_of

        with catalogue_of(app).unit("test") as uow:
            assert uow.session.query(HarvestJob).count() == 0


def test_cli_run_list_and_report(app: Flask, org: str, home: Path, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.csv").write_text("x\n1\n")
    (share / "a.csv.meta.toml").write_text('name = "bang-a"\ntitle = "Bảng A"\n')
    (home / "harvest.toml").write_text(GOOD.format(path=share), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["--home", str(home), "harvest", "check"]).exit_code == 0
    run = runner.invoke(main, ["--home", str(home), "harvest", "run", "share"])
    assert run.exit_code == 0, run.output
    assert "share: finished" in run.output and "new 1" in run.output
    listing = runner.invoke(main, ["--home", str(home), "harvest", "list"])
    job_id = listing.output.split()[0]
    report = runner.invoke(main, ["--home", str(home), "harvest", "report", job_id, "--json"])
    data = json.loads(report.output)
    assert data["counts"]["new"] == 1 and data["status"] == "finished"
    due = runner.invoke(main, ["--home", str(home), "harvest", "run", "--due"])
    assert "No source is due" in due.output  # ran moments ago (fixed clock), next at 02:00


def test_schedules() -> None:
    now = datetime(2026, 3, 2, 8, 30)  # a Monday
    assert is_due("daily", None, now) and not is_due("manual", None, now)
    assert not is_due("hourly", datetime(2026, 3, 2, 8, 0), now)
    assert is_due("weekly", datetime(2026, 2, 23, 8, 30), now)
    assert last_cron_time("0 2 * * *", now) == datetime(2026, 3, 2, 2, 0)
    assert last_cron_time("0 9 * * 1", now) == datetime(2026, 2, 23, 9, 0)
    assert is_due("*/15 * * * *", datetime(2026, 3, 2, 8, 14), now)
    assert not is_due("0 2 * * *", datetime(2026, 3, 2, 3, 0), now)


def test_two_runs_of_one_source_never_overlap(catalogue: Catalogue, org: str, home: Path,
                                              tmp_path: Path) -> None:
    source = make_source("files", path=str(tmp_path))
    with source_lock(home / "harvest-locks", source.name):
        with pytest.raises(SourceBusy):
            harvest(catalogue, source, home)
    assert harvest(catalogue, source, home).status == "finished"


def test_a_crashed_job_is_marked_aborted_and_its_datasets_reindexed(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    from catalogue.search.backend import SearchQuery

    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "a.csv.meta.toml").write_text('name = "bang-a"\ntitle = "Bảng A"\n')
    source = make_source("files", path=str(tmp_path))
    harvest(catalogue, source, home)
    [dataset] = datasets(catalogue, source.name).values()
    assert catalogue.search is not None
    # A crash between a dataset's commit and its batch's indexing looks like this:
    catalogue.search.delete_documents([dataset.id])
    with catalogue.unit("test") as uow:
        uow.session.add(HarvestJob(source=source.name, status="running",
                                   started=catalogue.clock.now(), counts={}))
        uow.commit()
    assert harvest(catalogue, source, home).counts["unchanged"] == 1
    with catalogue.unit("test") as uow:
        statuses = sorted(j.status for j in uow.session.query(HarvestJob))
    assert statuses == ["aborted", "finished", "finished"]
    found = catalogue.search.search(SearchQuery(q="", rows=10))  # type: ignore[attr-defined]
    assert dataset.id in found.ids

"""``harvest preview``: a dry run that says what would happen and writes nothing (issue 9)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from catalogue.context import Catalogue
from harvesters.preview import preview_source
from harvesters.registry import harvester_types
from portal.cli import main
from tests.harvest_servers import harvest, make_source, no_sleep, static_server

PEOPLE = ("ho_ten,so_cccd,xa\nNguyễn Văn An,001090123456,Xã Đồng Tiến\n"
          "Trần Thị Lan,079185001234,Phường 3\n")


def entry(name: str, files_url: str, *, access: str = "public",
          title: str = "") -> dict[str, Any]:
    return {"identifier": f"http://agency.test/dataset/{name}", "title": title or name,
            "description": f"Bộ dữ liệu {name}", "keyword": ["thử"], "modified": "2025-01-01",
            "accessLevel": access, "license": "https://creativecommons.org/licenses/by/4.0/",
            "publisher": {"name": "Sở"}, "distribution": [
                {"title": f"{name}.csv", "downloadURL": f"{files_url}{name}.csv",
                 "mediaType": "text/csv"}]}


def write_site(root: Path, files_url: str, names: list[str], *,
               changed_title: str = "") -> None:
    (root / "tram.csv").write_text("ma_tram,pm2_5\nQN-KK01,25.6\n", encoding="utf-8")
    (root / "nguoi-nop-ho-so.csv").write_text(PEOPLE, encoding="utf-8")
    (root / "noi-bo.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    datasets = [entry(n, files_url, title=changed_title if n == "tram" and changed_title
                      else "") for n in names if n != "noi-bo"]
    if "noi-bo" in names:
        datasets.append(entry("noi-bo", files_url, access="non-public"))
    (root / "data.json").write_text(json.dumps({"dataset": datasets}), encoding="utf-8")


def snapshot(home: Path) -> tuple[list[str], list[str]]:
    """Every row of the database and every stored file: what 'writes nothing' compares."""
    with closing(sqlite3.connect(home / "dulieumo.sqlite")) as db:
        rows = list(db.iterdump())
    files = sorted(str(p.relative_to(home)) for p in home.rglob("*")
                   if p.is_file() and "dulieumo.sqlite" not in p.name)
    return rows, files


@contextmanager
def site(tmp_path: Path, names: list[str]) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "site"
    root.mkdir()
    with static_server(root) as url:
        write_site(root, url, names)
        yield root, url


def test_preview_says_what_would_happen_and_writes_nothing(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    with site(tmp_path, ["tram", "nguoi-nop-ho-so", "noi-bo"]) as (_root, url):
        source = make_source("datajson", url=f"{url}data.json")
        before = snapshot(home)
        report = preview_source(catalogue, source, harvester_types(), sleep=no_sleep)
        assert snapshot(home) == before
    actions = {i.identifier.rsplit("/", 1)[-1]: i for i in report.items}
    assert report.offered == 3 and report.error == ""
    assert actions["tram"].action == "create"
    assert actions["tram"].resources[0]["validation_status"] == "valid"
    held = actions["nguoi-nop-ho-so"]
    assert held.action == "hold" and "cccd" in held.reason
    assert {(f["kind"], f["column"]) for f in held.personal_data} == {
        ("cccd", "so_cccd"), ("full_name", "ho_ten")}
    assert "001090123456" not in json.dumps(report.to_dict(), ensure_ascii=False)
    skipped = actions["noi-bo"]
    assert skipped.action == "skip" and "Law on Data 2024 Art. 13" in skipped.reason


def test_preview_after_a_harvest_shows_updates_and_withdrawals(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    with site(tmp_path, ["tram", "nguoi-nop-ho-so"]) as (root, url):
        source = make_source("datajson", url=f"{url}data.json")
        harvest(catalogue, source, home)
        write_site(root, url, ["tram"], changed_title="Trạm quan trắc (mới)")
        before = snapshot(home)
        report = preview_source(catalogue, source, harvester_types(), sleep=no_sleep)
        assert snapshot(home) == before
    assert report.counts["update"] == 1 and report.counts["withdraw"] == 1
    withdrawn = next(i for i in report.items if i.action == "withdraw")
    assert withdrawn.reason == "no longer offered by the source"


def test_cli_preview_limits_records_and_exits_cleanly(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    with site(tmp_path, ["tram", "nguoi-nop-ho-so", "noi-bo"]) as (_root, url):
        (home / "harvest.toml").write_text(
            f'[[source]]\nname = "so-thu"\ntype = "datajson"\nurl = "{url}data.json"\n'
            f'organization = "{org}"\ndefault_license = "CC-BY-4.0"\n', encoding="utf-8")
        before = snapshot(home)
        result = CliRunner().invoke(main, ["--home", str(home), "harvest", "preview",
                                           "so-thu", "--limit", "1"])
        assert snapshot(home) == before
    assert result.exit_code == 0, result.output
    assert "3 record(s) offered; first 1 checked; nothing was written." in result.output
    assert "would: create 1" in result.output

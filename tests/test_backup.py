"""Backups: a consistent snapshot with a manifest, verification, retention (issue 8)."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from ops_data import publish, revise

from catalogue.backup.manifest import MANIFEST, BackupError, Manifest, verify_backup
from catalogue.backup.retention import Retention, plan_prune
from catalogue.backup.schedule import daily_backup_due
from catalogue.backup.snapshot import BackupTarget, create_backup, list_backups
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from portal.cli import main


def _target(app: Flask) -> BackupTarget:
    return BackupTarget.of(app.config["DULIEUMO_HOME"], app.config["DULIEUMO"])


def test_backup_holds_database_files_config_and_a_manifest_of_every_part(
        app: Flask, catalogue: Catalogue, org: str, tmp_path: Path, clock: FixedClock) -> None:
    publish(catalogue, org, "khong-khi-ha-long")
    (app.config["DULIEUMO_HOME"].config_file).write_text('site_title = "Cổng thử"\n')
    backup = create_backup(_target(app), tmp_path / "backups", clock.now())
    manifest = json.loads((backup / MANIFEST).read_text())
    paths = {p["path"] for p in manifest["parts"]}
    assert manifest["counts"]["dataset"] == 1 and manifest["database_kind"] in {"sqlite",
                                                                                 "postgres"}
    assert manifest["database_part"] in paths
    assert "config/dulieumo.toml" in paths
    assert sum(p.startswith("files/") for p in paths) == 1
    assert all(len(p["sha256"]) == 64 for p in manifest["parts"])
    assert verify_backup(backup).ok


def test_cli_backup_to_dir_then_verify(app: Flask, catalogue: Catalogue, org: str,
                                       tmp_path: Path) -> None:
    publish(catalogue, org, "nuoc-mat")
    home = str(app.config["DULIEUMO_HOME"].root)
    runner = CliRunner()
    result = runner.invoke(main, ["--home", home, "backup", "--to", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    folder = next((tmp_path / "b").glob("dulieumo-*"))
    result = runner.invoke(main, ["--home", home, "backup", "--verify", str(folder)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_verify_names_a_corrupted_part(app: Flask, catalogue: Catalogue, org: str,
                                       tmp_path: Path, clock: FixedClock) -> None:
    publish(catalogue, org, "dat-dai")
    backup = create_backup(_target(app), tmp_path, clock.now())
    stored = next(backup.glob("files/*/*"))
    stored.write_bytes(stored.read_bytes().replace(b"tram", b"TRAM"))
    result = CliRunner().invoke(main, ["--home", str(app.config["DULIEUMO_HOME"].root),
                                       "backup", "--verify", str(backup)])
    assert result.exit_code != 0
    assert "NOT usable" in result.output and stored.name in result.output


@pytest.mark.parametrize("damage", ["no-manifest", "missing-part", "partial-folder"])
def test_incomplete_backup_is_refused(app: Flask, catalogue: Catalogue, org: str,
                                      tmp_path: Path, clock: FixedClock, damage: str) -> None:
    publish(catalogue, org, "rung")
    backup = create_backup(_target(app), tmp_path, clock.now())
    if damage == "no-manifest":
        (backup / MANIFEST).unlink()
        expected = "manifest.json is missing"
    elif damage == "missing-part":
        next(backup.glob("files/*/*")).unlink()
        expected = "missing part files/"
    else:
        backup = backup.rename(backup.with_name(".partial-" + backup.name))
        expected = "incomplete backup"
    report = verify_backup(backup)
    assert not report.ok and expected in report.problems[0]


def test_failed_backup_leaves_nothing_that_looks_complete(
        app: Flask, catalogue: Catalogue, org: str, tmp_path: Path, clock: FixedClock) -> None:
    publish(catalogue, org, "bien")
    stored = next(app.config["DULIEUMO_HOME"].files_dir.glob("??/*"))
    stored.write_bytes(b"bit rot")  # the live copy no longer matches its sha256
    with pytest.raises(BackupError, match="corrupt"):
        create_backup(_target(app), tmp_path / "b", clock.now())
    assert list((tmp_path / "b").iterdir()) == []


def test_second_backup_hard_links_unchanged_files(app: Flask, catalogue: Catalogue, org: str,
                                                  tmp_path: Path, clock: FixedClock) -> None:
    publish(catalogue, org, "khoang-san")
    first = create_backup(_target(app), tmp_path, clock.now())
    clock.advance(days=1)
    second = create_backup(_target(app), tmp_path, clock.now())
    a, b = next(first.glob("files/*/*")), next(second.glob("files/*/*"))
    assert a.stat().st_ino == b.stat().st_ino
    assert [p.name for p, _ in list_backups(tmp_path)] == [first.name, second.name]


def test_backup_during_concurrent_writes_is_consistent(
        app: Flask, catalogue: Catalogue, org: str, tmp_path: Path, clock: FixedClock) -> None:
    """Writers keep publishing and revising through the service layer while backups run;
    every backup verifies and each of its datasets has its file and a full history."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        n = 0
        try:
            while not stop.is_set() and n < 40:
                publish(catalogue, org, f"{prefix}-{n}")
                revise(catalogue, f"{prefix}-{n}", f"Bản sửa {n}")
                n += 1
        except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("harvest", "api")]
    for t in threads:
        t.start()
    backups = []
    try:
        for _ in range(3):
            backups.append(create_backup(_target(app), tmp_path, clock.now()))
            clock.advance(minutes=1)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    for backup in backups:
        report = verify_backup(backup)
        assert report.ok, report.problems
        assert report.manifest is not None
        if report.manifest.database_kind == "sqlite":
            _assert_sqlite_snapshot_consistent(backup / report.manifest.database_part)


def _assert_sqlite_snapshot_consistent(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        datasets = conn.execute("SELECT id FROM dataset").fetchall()
        for (dataset_id,) in datasets:
            actions = [r[0] for r in conn.execute(
                "SELECT action FROM revision WHERE dataset_id = ? ORDER BY number",
                (dataset_id,))]
            assert actions[:2] == ["dataset.create", "resource.create"]
            assert conn.execute("SELECT COUNT(*) FROM resource WHERE dataset_id = ?",
                                (dataset_id,)).fetchone()[0] == 1
    finally:
        conn.close()


def _manifest(created: datetime, label: str = "") -> tuple[Path, Manifest]:
    m = Manifest(created_at=created, database_kind="sqlite", database_part="database.sqlite",
                 schema_heads=[], counts={}, label=label)
    return Path(f"dulieumo-{created:%Y%m%dT%H%M%S}"), m


def test_retention_keeps_7_daily_4_weekly_12_monthly() -> None:
    start = datetime(2025, 1, 1, 2, 0)
    backups = [_manifest(start + timedelta(days=d)) for d in range(400)]
    backups += [_manifest(start + timedelta(days=399, hours=5))]  # a second one the last day
    plan = plan_prune(backups, Retention(daily=7, weekly=4, monthly=12))
    kept = sorted(p.name for p in plan.keep)
    days = {name[9:17] for name in kept}
    assert len(plan.keep) + len(plan.remove) == 401
    last = start + timedelta(days=399)  # 2026-02-04
    assert f"dulieumo-{last:%Y%m%d}T070000" in kept  # the newest of the newest day
    assert f"dulieumo-{last:%Y%m%d}T020000" not in kept  # an older one of the same day goes
    assert len(days) == len(kept)
    newest_days = [f"dulieumo-{last - timedelta(days=d):%Y%m%d}" for d in range(7)]
    assert all(any(k.startswith(day) for k in kept) for day in newest_days)
    # 7 days, then older weeks' and months' newest backups: at most 7 + 4 + 12
    assert 12 <= len(kept) <= 23
    assert min(kept) >= "dulieumo-20250201"  # nothing older than 12 months of backups


def test_cli_prune_applies_retention(app: Flask, catalogue: Catalogue, tmp_path: Path,
                                     clock: FixedClock) -> None:
    for _ in range(10):
        create_backup(_target(app), tmp_path, clock.now())
        clock.advance(days=1)
    home = str(app.config["DULIEUMO_HOME"].root)
    (app.config["DULIEUMO_HOME"].config_file).write_text("backup_keep_daily = 3\n"
                                                        "backup_keep_weekly = 1\n"
                                                        "backup_keep_monthly = 1\n")
    result = CliRunner().invoke(main, ["--home", home, "backup", "prune", "--to", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list_backups(tmp_path)) == 3


def test_daily_backup_due_after_the_hour_once_a_day() -> None:
    taken = _manifest(datetime(2026, 3, 2, 2, 5))[1]
    assert daily_backup_due([], datetime(2026, 3, 2, 0, 0), 2)
    assert not daily_backup_due([taken], datetime(2026, 3, 2, 23, 0), 2)
    assert not daily_backup_due([taken], datetime(2026, 3, 3, 1, 59), 2)
    assert daily_backup_due([taken], datetime(2026, 3, 3, 2, 0), 2)
    safety = _manifest(datetime(2026, 3, 3, 2, 30), "safety")[1]
    assert daily_backup_due([taken, safety], datetime(2026, 3, 3, 3, 0), 2)


def test_scheduler_round_takes_the_daily_backup(app: Flask, tmp_path: Path) -> None:
    from portal.cli.schedule import tick

    app.config["DULIEUMO"]["backup_dir"] = str(tmp_path / "daily")
    done = tick(app)
    assert any(line.startswith("backup: ") for line in done), done
    assert len(list_backups(tmp_path / "daily")) == 1
    assert not any(line.startswith("backup: ") for line in tick(app))

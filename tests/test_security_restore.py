"""A failed ``restore --force`` leaves the home exactly as it was, and is logged (issue 15).

Refused before anything is touched: a corrupt, truncated or newer-release backup. Failing
part-way (here: a backup whose database claims an older schema than its tables have, so the
upgrade after loading it fails): undone from the safety backup, the files it brought removed,
the index left alone, and the failure written to ``restore.log`` and the audit log.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from ops_data import catalogue_state, publish, revise
from sqlalchemy import select

from catalogue import audit
from catalogue.backup.manifest import MANIFEST, sha256_of
from catalogue.backup.snapshot import BackupTarget, create_backup
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli import main

# What a restore may add to a home even when it fails: its own trail, and the lock file it
# migrates under (SQLite's stand-in for PostgreSQL's advisory lock, issue 23).
TRAIL = ("restore.log", "dulieumo.sqlite", "backups/", "locks/")


def _target(app: Flask) -> BackupTarget:
    return BackupTarget.of(app.config["DULIEUMO_HOME"], app.config["DULIEUMO"])


def _home_files(app: Flask) -> dict[str, str]:
    """Every file in the home (stored files, config, the search index) with its sha256."""
    root = app.config["DULIEUMO_HOME"].root
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()
            and not str(p.relative_to(root)).startswith(TRAIL)}


def _restore(app: Flask, backup: Path) -> Result:
    result = CliRunner().invoke(main, ["--home", str(app.config["DULIEUMO_HOME"].root),
                                       "restore", "--force", "--actor", "admin:lan",
                                       str(backup)],
                                env={"DULIEUMO_DATABASE_URL":
                                     app.config["DULIEUMO"]["database_url"]})
    catalogue_of(app).sessions.kw["bind"].dispose()  # the database may have been replaced
    return result


def _rehash(backup: Path) -> None:
    """Make the manifest agree with the parts again, as a careful forger (or a bug) would."""
    manifest = json.loads((backup / MANIFEST).read_text())
    for part in manifest["parts"]:
        path = backup / part["path"]
        part["size"], part["sha256"] = path.stat().st_size, sha256_of(path)
    (backup / MANIFEST).write_text(json.dumps(manifest))


@pytest.fixture
def filled(app: Flask, catalogue: Catalogue, org: str, clock: FixedClock) -> Flask:
    for name in ("khong-khi-ha-long", "nuoc-mat-song-hong"):
        publish(catalogue, org, name)
        clock.advance(hours=1)
    revise(catalogue, "khong-khi-ha-long", "Quan trắc không khí Hạ Long 2026")
    return app


@pytest.fixture
def foreign_backup(tmp_path: Path, clock: FixedClock, database_config: dict[str, str],
                   migrated_sqlite_template: Path) -> Iterator[Path]:
    """A backup of another portal (SQLite), with a stored file the home does not have."""
    if database_config:
        pytest.skip("the backup is edited as a SQLite file")
    import shutil

    other_home = tmp_path / "other-home"
    other_home.mkdir()
    shutil.copyfile(migrated_sqlite_template, other_home / "dulieumo.sqlite")
    other = create_app({"site_url": "http://portal.test"}, home=other_home, clock=clock)
    catalogue = catalogue_of(other)
    from catalogue.organizations.service import create_organization

    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-gtvt-cao-bang", "title": "Sở GTVT Cao Bằng"})
        uow.commit()
    publish(catalogue, "so-gtvt-cao-bang", "tuyen-xe-buyt", data=b"tuyen,so\nCao Bang,7\n")
    yield create_backup(_target(other), tmp_path / "foreign", clock.now())
    catalogue.sessions.kw["bind"].dispose()


def test_a_restore_failing_part_way_is_undone_and_logged(filled: Flask, foreign_backup: Path,
                                                         tmp_path: Path) -> None:
    catalogue = catalogue_of(filled)
    before, files_before = catalogue_state(catalogue), _home_files(filled)
    part = foreign_backup / json.loads((foreign_backup / MANIFEST).read_text())["database_part"]
    with sqlite3.connect(part) as db:  # tables of today, but "0007" written as the schema
        db.execute("UPDATE alembic_version SET version_num = '0007_merge'")
    db.close()
    _rehash(foreign_backup)

    result = _restore(filled, foreign_backup)

    assert result.exit_code != 0
    assert "failed part-way and was undone" in result.output, result.output
    assert catalogue_state(catalogue) == before
    assert _home_files(filled) == files_before  # the foreign CSV is not left behind
    home = filled.config["DULIEUMO_HOME"].root
    last = json.loads((home / "restore.log").read_text().splitlines()[-1])
    assert last["outcome"] == "failed, undone" and last["actor"] == "admin:lan"
    assert last["safety_backup"]
    with catalogue.sessions() as session:
        entry = audit.recent(session, limit=1)[0]
        assert (entry.action, entry.actor) == ("backup.restore_failed", "admin:lan")
        from catalogue.backup.model import RestoreLog

        assert "failed and undone" in session.scalars(select(RestoreLog)).one().message


@pytest.mark.parametrize("damage", ["truncated", "corrupt", "newer-release"])
def test_a_refused_forced_restore_touches_nothing(filled: Flask, tmp_path: Path,
                                                  clock: FixedClock, damage: str) -> None:
    catalogue = catalogue_of(filled)
    backup = create_backup(_target(filled), tmp_path / "b", clock.now())
    revise(catalogue, "nuoc-mat-song-hong", "Sửa sau bản sao lưu")
    before, files_before = catalogue_state(catalogue), _home_files(filled)
    manifest = json.loads((backup / MANIFEST).read_text())
    part = backup / manifest["database_part"]
    if damage == "truncated":
        part.write_bytes(part.read_bytes()[: part.stat().st_size // 3])
    elif damage == "corrupt":
        data = bytearray(part.read_bytes())
        data[len(data) // 2] ^= 0xFF
        part.write_bytes(bytes(data))
    else:
        manifest["schema_heads"] = ["9999_from_the_future"]
        (backup / MANIFEST).write_text(json.dumps(manifest))

    result = _restore(filled, backup)

    assert result.exit_code != 0 and "refusing to restore" in result.output, result.output
    assert catalogue_state(catalogue) == before
    assert _home_files(filled) == files_before
    safety_dir = filled.config["DULIEUMO_HOME"].backups_dir
    assert not list(safety_dir.glob("*-safety"))  # refused before even that

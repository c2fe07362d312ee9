"""Restores: exact reproduction, refusal of bad backups, safety backups, the restore log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from ops_data import catalogue_state, publish, revise
from sqlalchemy import select

from catalogue.backup.manifest import MANIFEST, BackupError
from catalogue.backup.model import RestoreLog
from catalogue.backup.restore import restore_backup
from catalogue.backup.snapshot import BackupTarget, create_backup
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.indexing import rebuild_index
from catalogue.search.backend import SearchQuery
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli import main

QUERIES = ("quan trắc", "ha-long", "nuoc", "")


def _target(app: Flask) -> BackupTarget:
    return BackupTarget.of(app.config["DULIEUMO_HOME"], app.config["DULIEUMO"])


def _search_results(catalogue: Catalogue, index_dir: Path) -> dict[str, list[str]]:
    from catalogue.search.whoosh_backend import WhooshBackend

    backend = WhooshBackend(index_dir)
    catalogue.search = backend
    try:
        rebuild_index(catalogue)
        results = {}
        for q in QUERIES:
            found = backend.search(SearchQuery(q=q, rows=50, facet_fields=["organization"]))
            results[q] = found.ids
        return results
    finally:
        catalogue.search = None
        backend.close()


@pytest.fixture
def filled(app: Flask, catalogue: Catalogue, org: str, clock: FixedClock) -> Flask:
    for name in ("khong-khi-ha-long", "nuoc-mat-song-hong", "dat-dai-cam-pha"):
        publish(catalogue, org, name)
        clock.advance(hours=1)
    revise(catalogue, "khong-khi-ha-long", "Quan trắc không khí Hạ Long 2026")
    return app


@pytest.fixture
def other_app(tmp_path: Path, clock: FixedClock, database_config: dict[str, str],
              request: pytest.FixtureRequest,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """A second, empty home (and database) to restore into."""
    from contextlib import ExitStack

    other = tmp_path / "other-home"
    with ExitStack() as stack:
        config = {}
        if database_config:  # PostgreSQL: a second, empty database of its own
            from pg_databases import fresh_database

            url = stack.enter_context(fresh_database(request.getfixturevalue("pg_url"),
                                                     migrated=False))
            config = {"database_url": url}
        app = create_app({"site_url": "http://portal.test", **config}, home=other,
                         clock=clock)
        yield app
        catalogue_of(app).sessions.kw["bind"].dispose()


def test_restore_into_empty_home_reproduces_the_catalogue_exactly(
        filled: Flask, other_app: Flask, tmp_path: Path) -> None:
    before = catalogue_state(catalogue_of(filled))
    search_before = _search_results(catalogue_of(filled), tmp_path / "index-a")
    backup = create_backup(_target(filled), tmp_path / "b", catalogue_of(filled).clock.now())
    other_home = other_app.config["DULIEUMO_HOME"].root
    result = CliRunner().invoke(main, ["--home", str(other_home), "restore", str(backup)],
                                env={"DULIEUMO_DATABASE_URL":
                                     other_app.config["DULIEUMO"]["database_url"]})
    restored_engine = catalogue_of(other_app).sessions.kw["bind"]
    restored_engine.dispose()  # pg_restore replaced the tables under any pooled connection
    assert result.exit_code == 0, result.output
    restored = catalogue_of(other_app)
    assert catalogue_state(restored) == before
    assert _search_results(restored, tmp_path / "index-b") == search_before
    assert search_before["quan trắc"]  # the comparison is not vacuous


def _listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_restore_writes_nothing_into_the_backup_it_reads(
        filled: Flask, other_app: Flask, tmp_path: Path) -> None:
    """Restoring and verifying leave the backup folder byte for byte as it was: no -wal or
    -shm files beside its SQLite copy (issue 19 item 8)."""
    backup = create_backup(_target(filled), tmp_path / "b", catalogue_of(filled).clock.now())
    before = _listing(backup)
    other_home = other_app.config["DULIEUMO_HOME"].root
    for args in (["backup", "--verify", str(backup)], ["restore", str(backup)]):
        result = CliRunner().invoke(main, ["--home", str(other_home), *args],
                                    env={"DULIEUMO_DATABASE_URL":
                                         other_app.config["DULIEUMO"]["database_url"]})
        assert result.exit_code == 0, result.output
    catalogue_of(other_app).sessions.kw["bind"].dispose()
    assert _listing(backup) == before


def test_a_backup_copy_in_wal_mode_is_read_without_companion_files(tmp_path: Path) -> None:
    """Backups taken before the copy was switched out of WAL mode are read in place too."""
    import sqlite3

    from catalogue.backup.manifest import open_read_only

    folder = tmp_path / "old backup #1?"
    folder.mkdir()
    with sqlite3.connect(folder / "database.sqlite") as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    assert sorted(p.name for p in folder.iterdir()) == ["database.sqlite"]
    reader = open_read_only(folder / "database.sqlite")
    try:
        assert reader.execute("SELECT x FROM t").fetchall() == [(1,)]
    finally:
        reader.close()
    assert sorted(p.name for p in folder.iterdir()) == ["database.sqlite"]


def test_restore_refuses_a_home_with_a_catalogue_without_force(
        filled: Flask, tmp_path: Path) -> None:
    backup = create_backup(_target(filled), tmp_path / "b", catalogue_of(filled).clock.now())
    result = CliRunner().invoke(main, ["--home", str(filled.config["DULIEUMO_HOME"].root),
                                       "restore", str(backup)],
                                env={"DULIEUMO_DATABASE_URL":
                                     filled.config["DULIEUMO"]["database_url"]})
    assert result.exit_code != 0
    assert "already holds a catalogue" in result.output and "--force" in result.output


def test_force_restore_takes_a_safety_backup_and_logs_who_and_which(
        filled: Flask, tmp_path: Path, clock: FixedClock) -> None:
    catalogue = catalogue_of(filled)
    good = create_backup(_target(filled), tmp_path / "b", clock.now())
    before = catalogue_state(catalogue)
    clock.advance(days=1)
    revise(catalogue, "nuoc-mat-song-hong", "Đã sửa nhầm")  # the mistake to undo
    result = restore_backup(good, _target(filled), now=clock.now(), actor="admin:lan",
                            force=True, safety_dest=tmp_path / "b")
    assert result.safety_backup is not None and result.safety_backup.name.endswith("-safety")
    assert catalogue_state(catalogue) == before
    with catalogue.sessions() as session:
        log = session.scalars(select(RestoreLog)).one()
    assert (log.actor, log.backup_name) == ("admin:lan", good.name)
    assert log.safety_backup == str(result.safety_backup)
    lines = (filled.config["DULIEUMO_HOME"].root / "restore.log").read_text().splitlines()
    assert json.loads(lines[-1])["backup"] == str(good)
    # The safety backup holds the state that was replaced, mistake included.
    restore_backup(result.safety_backup, _target(filled), now=clock.now(), actor="admin:lan",
                   force=True, safety_dest=tmp_path / "b")
    with catalogue.sessions() as session:
        from catalogue.datasets.service import get_dataset

        assert get_dataset(session, "nuoc-mat-song-hong").title == "Đã sửa nhầm"


def test_restore_is_written_to_the_audit_log(filled: Flask, tmp_path: Path,
                                             clock: FixedClock) -> None:
    audit = pytest.importorskip("catalogue.audit")
    good = create_backup(_target(filled), tmp_path / "b", clock.now())
    restore_backup(good, _target(filled), now=clock.now(), actor="admin:lan", force=True,
                   safety_dest=tmp_path / "b")
    with catalogue_of(filled).sessions() as session:
        entries = [e for e in audit.recent(session) if e.action == "backup.restore"]
    assert entries and entries[0].actor == "admin:lan"
    assert entries[0].target == f"backup:{good.name}"


@pytest.mark.parametrize("damage", ["corrupt", "incomplete"])
def test_restore_refuses_a_damaged_backup_and_changes_nothing(
        filled: Flask, other_app: Flask, tmp_path: Path, damage: str) -> None:
    backup = create_backup(_target(filled), tmp_path / "b", catalogue_of(filled).clock.now())
    if damage == "corrupt":
        part = backup / json.loads((backup / MANIFEST).read_text())["database_part"]
        data = bytearray(part.read_bytes())
        data[len(data) // 2] ^= 0xFF
        part.write_bytes(bytes(data))
    else:
        (backup / MANIFEST).unlink()
    with pytest.raises(BackupError, match="refusing to restore") as caught:
        restore_backup(backup, _target(other_app), now=catalogue_of(filled).clock.now(),
                       actor="admin:lan")
    assert ("sha256 differs" if damage == "corrupt" else "manifest.json is missing") \
        in str(caught.value)
    assert not list(other_app.config["DULIEUMO_HOME"].files_dir.glob("??/*"))


def test_postgresql_backup_restores_exactly_into_another_database(
        request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> None:
    """pg_dump in, pg_restore out: the same catalogue in a second database and home."""
    from pg_databases import fresh_database

    from portal.cli.home_cmds import initialise

    server = request.getfixturevalue("pg_url")
    with fresh_database(server) as first_url, fresh_database(server, migrated=False) as second:
        source = create_app({"database_url": first_url, "log_json": False},
                            home=tmp_path / "a", clock=clock)
        initialise(source)
        catalogue = catalogue_of(source)
        from catalogue.organizations.service import create_organization

        with catalogue.unit("test") as uow:
            create_organization(uow, {"name": "so-xay-dung", "title": "Sở Xây dựng"})
            uow.commit()
        publish(catalogue, "so-xay-dung", "quy-hoach-do-thi")
        revise(catalogue, "quy-hoach-do-thi", "Quy hoạch đô thị 2030")
        backup = create_backup(_target(source), tmp_path / "b", clock.now())
        assert (backup / "database.pgdump").is_file()
        target = create_app({"database_url": second, "log_json": False}, home=tmp_path / "c",
                            clock=clock)
        restore_backup(backup, _target(target), now=clock.now(), actor="admin:lan")
        try:
            assert catalogue_state(catalogue_of(target)) == catalogue_state(catalogue)
        finally:
            for app in (source, target):
                catalogue_of(app).sessions.kw["bind"].dispose()

"""``restore_backup``: bring a verified backup back into an empty home, or over a live one.

Bình Phước draft 2023 Điều 19: restores within two days, every restore logged. A restore
refuses a corrupt or incomplete backup (or one from a newer release) before touching anything;
over a home that already holds a catalogue it needs ``force`` and first takes a safety backup
of what is there. A restore that fails part-way is undone from that safety backup and logged
as failed: the home's database and files are as they were (issue 15).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from catalogue.backup.dbdump import load_database
from catalogue.backup.manifest import BackupError, Manifest, read_manifest, verify_backup
from catalogue.backup.snapshot import BackupTarget, create_backup
from catalogue.clock import FixedClock
from catalogue.database import upgrade_database

RESTORE_LOG_FILE = "restore.log"


@dataclass
class RestoreResult:
    backup: Path
    manifest: Manifest
    safety_backup: Path | None
    config_restored: list[str]


def home_has_catalogue(target: BackupTarget) -> bool:
    """Whether the target database holds any dataset or organisation, or files are stored."""
    if next(iter(target.files.keys()), None) is not None:
        return True
    url = target.database_url
    if url.startswith("sqlite"):
        from catalogue.backup.dbdump import sqlite_path

        if not sqlite_path(url).exists():
            return False
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            for table in ("dataset", "organization"):
                if table in tables and conn.execute(
                        text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None:
                    return True
    finally:
        engine.dispose()
    return False


def _restore_files(backup: Path, manifest: Manifest, target: BackupTarget,
                   added: list[Path], added_keys: list[str]) -> list[str]:
    """Copy stored files into the store (content-addressed, so existing ones are kept);
    config only where the home has none, because the running home's config (its database
    URL) wins.

    Every file created is appended to ``added`` (config) or ``added_keys`` (the store) as it
    is made, so a failure part-way can remove exactly those.
    """
    restored_config: list[str] = []
    for part in manifest.parts:
        source = backup / part.path
        if part.path.startswith("files/"):
            key = part.path.rsplit("/", 1)[-1]
            if target.files.exists(key):
                continue
            added_keys.append(key)
            target.files.put_file(source, expect=key)  # checked against its name again
            continue
        if not part.path.startswith("config/"):
            continue
        relative = part.path.removeprefix("config/")
        dest = target.home.root / relative
        if dest.exists():
            continue
        restored_config.append(relative)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(".restoring-" + dest.name)
        added.append(tmp)
        shutil.copyfile(source, tmp)
        added.append(dest)
        tmp.replace(dest)
    return restored_config


def _check_schema_known(manifest: Manifest, url: str) -> None:
    """Refuse, before touching anything, a backup whose schema this release does not know
    (taken by a newer release): it could be loaded but never upgraded."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from catalogue.database import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(url))
    for head in manifest.schema_heads:
        try:
            scripts.get_revision(head)
        except CommandError:
            raise BackupError(f"refusing to restore: the backup's schema {head} is unknown to "
                              "this release (taken by a newer one?); upgrade dulieumo first"
                              ) from None


def _roll_back(target: BackupTarget, safety: Path | None, added: list[Path],
               added_keys: list[str], database_existed: bool) -> None:
    """Put the home back as it was: the database from the safety backup (or, when there was
    no catalogue, no database file if there was none), and no file the restore added."""
    for path in reversed(added):
        path.unlink(missing_ok=True)
    for key in reversed(added_keys):
        target.files.delete(key)
    if safety is not None:
        load_database(target.database_url, safety / read_manifest(safety).database_part)
    elif not database_existed and target.database_url.startswith("sqlite"):
        from catalogue.backup.dbdump import sqlite_path

        sqlite_path(target.database_url).unlink(missing_ok=True)


class RestoreFailed(BackupError):
    """A restore failed part-way and was undone: the home is as it was before.

    ``index_changed``: the database was put back from the safety backup, which holds no
    search rows (PostgreSQL's index is in it), so the caller rebuilds a database index.
    """

    def __init__(self, message: str, *, index_changed: bool) -> None:
        super().__init__(message)
        self.index_changed = index_changed


def _log_restore(target: BackupTarget, backup: Path, manifest: Manifest, actor: str,
                 now: datetime, safety: Path | None, message: str, origin: str,
                 *, failed: bool = False) -> None:
    """Write the restore (or the failed, undone one) into the database and into
    ``restore.log`` in the home, which keeps the trail even when a later restore replaces
    the database again."""
    from catalogue.backup.model import RestoreLog

    entry = RestoreLog(restored_at=now, actor=actor, backup_name=backup.name,
                       backup_path=origin or str(backup), backup_created_at=manifest.created_at,
                       safety_backup=str(safety or ""), message=message)
    line = {"restored_at": now.isoformat(), "actor": actor, "backup": origin or str(backup),
            "backup_created_at": manifest.created_at.isoformat(),
            "safety_backup": str(safety or ""), "message": message,
            "outcome": "failed, undone" if failed else "restored"}
    with (target.home.root / RESTORE_LOG_FILE).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    if failed and not _database_exists(target.database_url):
        return  # the home had no database: the file log is the trail, none is created
    try:
        _log_into_database(target, entry, now, actor, backup, line, failed=failed)
    except SQLAlchemyError:
        if not failed:
            raise
        # The home's own database refuses the entry: restore.log above still has it.


def _log_into_database(target: BackupTarget, entry: Any, now: datetime, actor: str,
                       backup: Path, line: dict[str, str], *, failed: bool) -> None:
    from catalogue.database import make_engine, make_sessionmaker

    engine = make_engine(target.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            if "restore_log" in inspect(session.connection()).get_table_names():
                session.add(entry)
            _audit(session, now, actor, backup, line,
                   "backup.restore_failed" if failed else "backup.restore")
            session.commit()
    finally:
        engine.dispose()


def _audit(session: Session, now: datetime, actor: str, backup: Path,
           details: dict[str, str], action: str) -> None:
    """Also append to the accounts engineer's hash-chained audit log when it is installed."""
    try:
        from catalogue.audit import record
    except ImportError:
        return
    if "audit_entry" not in inspect(session.connection()).get_table_names():
        return
    record(session, FixedClock(now), actor, action, f"backup:{backup.name}", details=details)


def _database_exists(url: str) -> bool:
    if not url.startswith("sqlite"):
        return True
    from catalogue.backup.dbdump import sqlite_path

    return sqlite_path(url).exists()


def restore_backup(backup: Path, target: BackupTarget, *, now: datetime, actor: str,
                   force: bool = False, safety_dest: Path | None = None,
                   origin: str = "") -> RestoreResult:
    """Verify ``backup``, then restore it into ``target``; raises BackupError on refusal.

    ``origin`` names where the backup came from in the logs when ``backup`` is a downloaded
    copy (an ``sftp://`` URL, which never holds a password).

    The caller rebuilds the search index afterwards (it needs the catalogue's search backend).
    A failure part-way raises :class:`RestoreFailed` once the home is back as it was; the
    caller rebuilds the index then only when ``index_changed`` and the index lives in the
    database (PostgreSQL search), whose safety backup leaves the derived rows out.
    """
    report = verify_backup(backup)
    if not report.ok or report.manifest is None:
        raise BackupError(f"refusing to restore {origin or backup}: "
                          + "; ".join(report.problems))
    manifest = report.manifest
    _check_schema_known(manifest, target.database_url)
    target.home.ensure()
    safety: Path | None = None
    if home_has_catalogue(target):
        if not force:
            raise BackupError(
                f"{target.home.root} already holds a catalogue; restore into an empty home, or "
                "pass --force to replace it (a safety backup of it is taken first)")
        safety = create_backup(target, safety_dest or target.home.backups_dir, now, "safety")
    database_existed = _database_exists(target.database_url)
    added: list[Path] = []
    added_keys: list[str] = []
    try:
        load_database(target.database_url, backup / manifest.database_part)
        config = _restore_files(backup, manifest, target, added, added_keys)
        # A backup from an older release: bring its schema up to this release's migrations.
        upgrade_database(target.database_url)
    except BaseException as exc:  # noqa: BLE001 - anything part-way (Ctrl-C too) is undone
        # Issue 15: a failed restore leaves the home exactly as it was, and says so.
        _roll_back(target, safety, added, added_keys, database_existed)
        reason = f"{type(exc).__name__}: {exc}".strip()[:2000]
        _log_restore(target, backup, manifest, actor, now, safety,
                     f"failed and undone: {reason}", origin, failed=True)
        if not isinstance(exc, Exception):
            raise
        raise RestoreFailed(
            f"restoring {origin or backup} failed part-way and was undone; the home is as it "
            f"was{f' (safety backup: {safety})' if safety else ''}: {reason}",
            index_changed=safety is not None) from exc
    message = f"restored {manifest.counts}" + (f"; config restored: {config}" if config else "")
    _log_restore(target, backup, manifest, actor, now, safety, message, origin)
    return RestoreResult(backup, manifest, safety, config)

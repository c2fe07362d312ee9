"""``restore_backup``: bring a verified backup back into an empty home, or over a live one.

Bình Phước draft 2023 Điều 19: restores within two days, every restore logged. A restore
refuses a corrupt or incomplete backup before touching anything; over a home that already
holds a catalogue it needs ``force`` and first takes a safety backup of what is there.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from catalogue.backup.dbdump import load_database
from catalogue.backup.manifest import BackupError, Manifest, verify_backup
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
    if any(target.home.files_dir.glob("??/*")):
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


def _restore_files(backup: Path, manifest: Manifest, target: BackupTarget) -> list[str]:
    """Copy stored files in (content-addressed, so existing ones are kept); config only
    where the home has none, because the running home's config (its database URL) wins."""
    restored_config: list[str] = []
    for part in manifest.parts:
        source = backup / part.path
        if part.path.startswith("files/"):
            dest = target.home.files_dir / part.path.removeprefix("files/")
            if dest.is_file():
                continue
        elif part.path.startswith("config/"):
            relative = part.path.removeprefix("config/")
            dest = target.home.root / relative
            if dest.exists():
                continue
            restored_config.append(relative)
        else:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(".restoring-" + dest.name)
        shutil.copyfile(source, tmp)
        tmp.replace(dest)
    return restored_config


def _log_restore(target: BackupTarget, backup: Path, manifest: Manifest, actor: str,
                 now: datetime, safety: Path | None, message: str, origin: str) -> None:
    """Write the restore into the restored database and into ``restore.log`` in the home,
    which keeps the trail even when a later restore replaces the database again."""
    from catalogue.backup.model import RestoreLog
    from catalogue.database import make_engine, make_sessionmaker

    entry = RestoreLog(restored_at=now, actor=actor, backup_name=backup.name,
                       backup_path=origin or str(backup), backup_created_at=manifest.created_at,
                       safety_backup=str(safety or ""), message=message)
    line = {"restored_at": now.isoformat(), "actor": actor, "backup": origin or str(backup),
            "backup_created_at": manifest.created_at.isoformat(),
            "safety_backup": str(safety or ""), "message": message}
    with (target.home.root / RESTORE_LOG_FILE).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    engine = make_engine(target.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            session.add(entry)
            _audit(session, now, actor, backup, line)
            session.commit()
    finally:
        engine.dispose()


def _audit(session: Session, now: datetime, actor: str, backup: Path,
           details: dict[str, str]) -> None:
    """Also append to the accounts engineer's hash-chained audit log when it is installed."""
    try:
        from catalogue.audit import record
    except ImportError:
        return
    if "audit_entry" not in inspect(session.connection()).get_table_names():
        return
    record(session, FixedClock(now), actor, "backup.restore", f"backup:{backup.name}",
           details=details)


def restore_backup(backup: Path, target: BackupTarget, *, now: datetime, actor: str,
                   force: bool = False, safety_dest: Path | None = None,
                   origin: str = "") -> RestoreResult:
    """Verify ``backup``, then restore it into ``target``; raises BackupError on refusal.

    ``origin`` names where the backup came from in the logs when ``backup`` is a downloaded
    copy (an ``sftp://`` URL, which never holds a password).

    The caller rebuilds the search index afterwards (it needs the catalogue's search backend).
    """
    report = verify_backup(backup)
    if not report.ok or report.manifest is None:
        raise BackupError(f"refusing to restore {origin or backup}: "
                          + "; ".join(report.problems))
    manifest = report.manifest
    target.home.ensure()
    safety: Path | None = None
    if home_has_catalogue(target):
        if not force:
            raise BackupError(
                f"{target.home.root} already holds a catalogue; restore into an empty home, or "
                "pass --force to replace it (a safety backup of it is taken first)")
        safety = create_backup(target, safety_dest or target.home.backups_dir, now, "safety")
    load_database(target.database_url, backup / manifest.database_part)
    config = _restore_files(backup, manifest, target)
    # A backup from an older release: bring its schema up to this release's migrations.
    upgrade_database(target.database_url)
    message = f"restored {manifest.counts}" + (f"; config restored: {config}" if config else "")
    _log_restore(target, backup, manifest, actor, now, safety, message, origin)
    return RestoreResult(backup, manifest, safety, config)

"""``create_backup``: one consistent snapshot of the database, the file store and the config.

Consistency: the database is copied first, in one snapshot; the file store is copied after.
Stored files are written before the database row naming them commits and are never deleted,
so every file the snapshot names is already in the store (a local disk, a shared mount or an
S3 bucket: issue 23) when the store is copied. Files that arrive later are extra, harmless
bytes. The manifest lists the sha256s the database named just before the dump, and the
backup is refused unless each is among the copied files. The search index is not copied: a
restore rebuilds it from the database, so it always matches.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from catalogue.backup.dbdump import database_kind, dump_database
from catalogue.backup.manifest import (
    MANIFEST,
    PARTIAL_PREFIX,
    PREFIX,
    BackupError,
    Manifest,
    Part,
    read_manifest,
    sha256_of,
)
from catalogue.files.location import open_file_store
from catalogue.files.store import FileStore, relative_name
from catalogue.home import Home

COUNTED_TABLES = ("dataset", "resource", "revision", "organization")


@dataclass(frozen=True)
class BackupTarget:
    """What to back up: the home (config), its file store and its database."""

    home: Home
    database_url: str
    files: FileStore

    @classmethod
    def of(cls, home: Home, settings: dict[str, Any]) -> BackupTarget:
        return cls(home, str(settings["database_url"] or home.default_database_url()),
                   open_file_store(settings, home))


def backup_dir_for(home: Home, settings: dict[str, object]) -> Path:
    """The configured local backup location (``backup_dir``), else the home's ``backups/``.

    When ``backup_dir`` is an ``sftp://`` URL this is the home's ``backups/`` (safety backups
    before a restore stay local); ``catalogue.backup.remote.configured_location`` gives the
    server.
    """
    configured = str(settings.get("backup_dir") or "")
    if not configured or configured.startswith("sftp://"):
        return home.backups_dir
    return Path(configured)


def _folder_name(now: datetime, dest: Path, label: str) -> str:
    base = PREFIX + now.strftime("%Y%m%dT%H%M%SZ") + (f"-{label}" if label else "")
    name, n = base, 1
    while (dest / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _engine(url: str) -> Engine:
    from catalogue.database import make_engine

    return make_engine(url) if url.startswith("sqlite") else create_engine(url)


def schema_and_counts(url: str) -> tuple[list[str], dict[str, int]]:
    """The Alembic heads the database is at, and row counts of the main tables."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            heads = sorted(r[0] for r in conn.execute(text("SELECT version_num FROM "
                                                           "alembic_version"))) \
                if "alembic_version" in tables else []
            counts = {t: int(conn.execute(select(func.count()).select_from(text(f'"{t}"')))
                             .scalar_one()) for t in COUNTED_TABLES if t in tables}
    finally:
        engine.dispose()
    return heads, counts


def _previous_backup(dest: Path) -> Path | None:
    """The newest complete backup in ``dest``: its files can be hard-linked, not copied."""
    found = sorted((p for p in dest.glob(PREFIX + "*") if (p / MANIFEST).is_file()),
                   key=lambda p: p.name)
    return found[-1] if found else None


def _copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _copy_stored(files: FileStore, key: str, target: Path, previous: Path | None) -> None:
    """One stored file into the backup: hard-linked from the last backup when it has it
    (content-addressed: the same name is the same bytes), else copied (streamed from an
    object store)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if previous is not None:
        earlier = previous / "files" / relative_name(key)
        if earlier.is_file():
            try:
                os.link(earlier, target)
                return
            except OSError:
                pass  # another filesystem or no hard links: copy instead
    local = files.local_path(key)
    if local is not None:
        shutil.copyfile(local, target)
        return
    with files.open(key) as source, target.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)


def referenced_files(url: str) -> list[str]:
    """The sha256s of uploaded files the database's resources name."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            if "resource" not in inspect(conn).get_table_names():
                return []
            rows = conn.execute(text("SELECT DISTINCT sha256 FROM resource WHERE url_type = "
                                     "'upload' AND sha256 != ''"))
            return sorted(str(r[0]) for r in rows)
    finally:
        engine.dispose()


def _config_files(home: Home) -> list[tuple[Path, str]]:
    found = [(home.config_file, "config/dulieumo.toml"),
             (home.harvest_config, "config/harvest.toml"),
             (home.root / "secret_key", "config/secret_key")]
    if home.harvest_config_dir.is_dir():
        found += [(p, f"config/harvest.d/{p.name}")
                  for p in sorted(home.harvest_config_dir.glob("*")) if p.is_file()]
    return [(p, rel) for p, rel in found if p.is_file()]


def create_backup(target: BackupTarget, dest: Path, now: datetime, label: str = "") -> Path:
    """Write a complete, verified-by-manifest backup into a new folder in ``dest``.

    Raises BackupError (leaving no folder that looks complete) when anything fails,
    including a full disk.
    """
    kind = database_kind(target.database_url)
    dest.mkdir(parents=True, exist_ok=True)
    name = _folder_name(now, dest, label)
    work = dest / (PARTIAL_PREFIX + name)
    previous = _previous_backup(dest)
    try:
        work.mkdir()
        heads, counts = schema_and_counts(target.database_url)
        referenced = referenced_files(target.database_url)
        db_part = dump_database(target.database_url, work)
        copied: list[str] = [db_part]
        for key in sorted(target.files.keys()):  # listed after the dump: a superset
            relative = f"files/{relative_name(key)}"
            _copy_stored(target.files, key, work / relative, previous)
            copied.append(relative)
        absent = sorted(set(referenced) - {rel.rsplit("/", 1)[-1] for rel in copied})
        if absent:
            raise BackupError(f"the file store ({target.files.describe()}) lacks "
                              f"{len(absent)} file(s) the database names: "
                              f"{', '.join(absent[:5])}; run `dulieumo backup check-files`")
        for source, relative in _config_files(target.home):
            _copy_file(source, work / relative)
            copied.append(relative)
        parts = [Part(rel, (work / rel).stat().st_size, sha256_of(work / rel)) for rel in copied]
        corrupt = [p.path for p in parts
                   if p.path.startswith("files/") and p.sha256 != p.path.rsplit("/", 1)[-1]]
        if corrupt:
            # Never file corrupt bytes as a good backup; the last good backup still has them.
            raise BackupError(f"the file store holds {len(corrupt)} corrupt file(s) (content no "
                              f"longer matches its sha256): {', '.join(corrupt[:5])}; run "
                              "`dulieumo backup check-files` and restore or re-upload them")
        manifest = Manifest(created_at=now, database_kind=kind, database_part=db_part,
                            schema_heads=heads, counts=counts, parts=parts, label=label,
                            referenced=referenced)
        with (work / MANIFEST).open("w", encoding="utf-8") as fh:
            fh.write(manifest.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        final = dest / name
        os.replace(work, final)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise BackupError(f"backup into {dest} failed: {exc.strerror or exc}") from None
    except SQLAlchemyError as exc:
        shutil.rmtree(work, ignore_errors=True)
        first = str(exc).splitlines()[0]
        raise BackupError(f"backup failed: the database could not be read: {first}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def list_backups(dest: Path) -> list[tuple[Path, Manifest]]:
    """Complete backups in ``dest``, oldest first (unreadable ones are skipped)."""
    found: list[tuple[Path, Manifest]] = []
    if not dest.is_dir():
        return found
    for path in dest.glob(PREFIX + "*"):
        try:
            found.append((path, read_manifest(path)))
        except BackupError:
            continue
    return sorted(found, key=lambda item: (item[1].created_at, item[0].name))

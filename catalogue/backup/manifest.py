"""The manifest every backup carries, and the check that a backup is whole and uncorrupted.

A backup is a folder ``dulieumo-<UTC time>`` holding ``manifest.json`` and its parts: the
database (``database.sqlite`` or ``database.pgdump``), ``files/`` (the content-addressed
file store) and ``config/``. The manifest lists every part with its size and sha256 and is
written last, after the folder was filled under a ``.partial-`` name and renamed, so a backup
that was cut short never looks complete.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from catalogue.errors import CatalogueError

MANIFEST = "manifest.json"
FORMAT = "dulieumo-backup/1"
PREFIX = "dulieumo-"
PARTIAL_PREFIX = ".partial-"
CHUNK = 1 << 20


class BackupError(CatalogueError):
    """A backup could not be made, or one offered for restore is corrupt or incomplete."""


@dataclass
class Part:
    path: str  # relative to the backup folder, with "/" separators
    size: int
    sha256: str


@dataclass
class Manifest:
    """What a backup holds: enough to verify it and to restore it elsewhere."""

    created_at: datetime
    database_kind: str  # "sqlite" | "postgres"
    database_part: str
    schema_heads: list[str]
    counts: dict[str, int]
    parts: list[Part] = field(default_factory=list)
    label: str = ""
    format: str = FORMAT
    # sha256s of the stored files the database named when the backup was taken: each must
    # be a ``files/`` part (checked by ``backup --verify`` whatever the database kind).
    referenced: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({
            "format": self.format, "created_at": self.created_at.isoformat(),
            "label": self.label, "database_kind": self.database_kind,
            "database_part": self.database_part, "schema_heads": self.schema_heads,
            "counts": self.counts,
            "parts": [{"path": p.path, "size": p.size, "sha256": p.sha256} for p in self.parts],
            "referenced": self.referenced,
        }, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw: dict[str, Any] = json.loads(text)
        if raw.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {raw.get('format')!r}; expected {FORMAT}")
        return cls(created_at=datetime.fromisoformat(raw["created_at"]),
                   database_kind=raw["database_kind"], database_part=raw["database_part"],
                   schema_heads=list(raw["schema_heads"]), counts=dict(raw["counts"]),
                   parts=[Part(**p) for p in raw["parts"]], label=raw.get("label", ""),
                   referenced=[str(sha) for sha in raw.get("referenced", [])])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(backup: Path) -> Manifest:
    """The backup's manifest, or BackupError saying why there is none to trust."""
    if not backup.is_dir():
        raise BackupError(f"{backup}: not a backup folder (it does not exist or is a file)")
    if backup.name.startswith(PARTIAL_PREFIX):
        raise BackupError(f"{backup}: incomplete backup (it was interrupted before it finished)")
    path = backup / MANIFEST
    if not path.is_file():
        raise BackupError(f"{backup}: incomplete backup: {MANIFEST} is missing")
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path}: unreadable manifest: {exc}") from None


@dataclass
class VerifyReport:
    """The outcome of checking a backup: problems make it unusable for a restore."""

    backup: Path
    manifest: Manifest | None
    problems: list[str] = field(default_factory=list)
    checked_parts: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_backup(backup: Path) -> VerifyReport:
    """Check every part against the manifest, the database's integrity and file references."""
    try:
        manifest = read_manifest(backup)
    except BackupError as exc:
        return VerifyReport(backup, None, [str(exc)])
    report = VerifyReport(backup, manifest)
    for part in manifest.parts:
        path = backup / part.path
        if not path.is_file():
            report.problems.append(f"missing part {part.path}")
            continue
        size = path.stat().st_size
        if size != part.size:
            report.problems.append(f"{part.path}: size {size}, manifest says {part.size}")
            continue
        if sha256_of(path) != part.sha256:
            report.problems.append(f"{part.path}: sha256 differs from the manifest (corrupt)")
            continue
        report.checked_parts += 1
    listed = {p.path for p in manifest.parts}
    if manifest.database_part not in listed:
        report.problems.append(f"the database part {manifest.database_part} is not listed")
    for sha in manifest.referenced:
        if f"files/{sha[:2]}/{sha}" not in listed:
            report.problems.append(f"stored file {sha} named by the database is not in the "
                                   "backup")
    for part in manifest.parts:
        name = part.path.rsplit("/", 1)[-1]
        if part.path.startswith("files/") and part.sha256 != name:
            report.problems.append(f"{part.path}: its bytes do not hash to its name (corrupt)")
    if manifest.database_kind == "sqlite" and not report.problems:
        report.problems.extend(_check_sqlite(backup / manifest.database_part, backup, listed))
    return report


def _check_sqlite(db: Path, backup: Path, listed: set[str]) -> list[str]:
    """SQLite's own integrity check, and every stored file the database names is present."""
    problems: list[str] = []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()
        if result is None or result[0] != "ok":
            problems.append(f"{db.name}: SQLite integrity check failed: {result}")
        rows = conn.execute(
            "SELECT DISTINCT sha256 FROM resource WHERE url_type = 'upload' AND sha256 != ''"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        return [f"{db.name}: not a readable SQLite database: {exc}"]
    finally:
        conn.close()
    for (sha,) in rows:
        if f"files/{sha[:2]}/{sha}" not in listed:
            problems.append(f"stored file {sha} named by a resource is not in the backup")
    return problems

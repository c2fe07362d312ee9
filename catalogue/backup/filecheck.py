"""Checking the live file store: every uploaded file a resource names exists and still
hashes to its sha256 (disk faults, manual edits), on a local disk or in an object store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.backup.manifest import sha256_of
from catalogue.datasets.model import Resource
from catalogue.files.store import FileStore, check_key, relative_name


@dataclass(frozen=True)
class FileProblem:
    sha256: str
    resource_ids: tuple[str, ...]
    problem: str  # "missing" | "corrupt"


def check_stored_files(session: Session, files: FileStore) -> list[FileProblem]:
    """Problems with the uploaded files resources name; empty when all are sound."""
    wanted: dict[str, list[str]] = {}
    for res_id, sha in session.execute(
            select(Resource.id, Resource.sha256).where(Resource.url_type == "upload",
                                                        Resource.sha256 != "")):
        wanted.setdefault(sha, []).append(res_id)
    problems: list[FileProblem] = []
    for sha, resources in sorted(wanted.items()):
        try:
            state = files.verify(check_key(sha))
        except ValueError:
            continue  # not a file-store key: a harvested source's own checksum
        if state != "ok":
            problems.append(FileProblem(sha, tuple(resources), state))
    return problems


def repair_from_backup(problems: list[FileProblem], backup: Path, files: FileStore) -> list[str]:
    """Put back the good bytes of missing or corrupt files from a backup; returns the sha256s
    repaired. A backup's copy is used only if it still hashes to its name."""
    repaired: list[str] = []
    for problem in problems:
        source = backup / "files" / relative_name(problem.sha256)
        if not source.is_file() or sha256_of(source) != problem.sha256:
            continue
        files.put_file(source, expect=problem.sha256, replace=True)
        repaired.append(problem.sha256)
    return repaired

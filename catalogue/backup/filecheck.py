"""Checking the live file store: every uploaded file a resource names exists and still
hashes to its sha256 (disk faults, manual edits)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.backup.manifest import sha256_of
from catalogue.datasets.model import Resource
from catalogue.files.store import FileStore


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
        path = files.path(sha)
        if not path.is_file():
            problems.append(FileProblem(sha, tuple(resources), "missing"))
        elif sha256_of(path) != sha:
            problems.append(FileProblem(sha, tuple(resources), "corrupt"))
    return problems


def repair_from_backup(problems: list[FileProblem], backup: Path, files: FileStore) -> list[str]:
    """Put back the good bytes of missing or corrupt files from a backup; returns the sha256s
    repaired. A backup's copy is used only if it still hashes to its name."""
    repaired: list[str] = []
    for problem in problems:
        source = backup / "files" / problem.sha256[:2] / problem.sha256
        if not source.is_file() or sha256_of(source) != problem.sha256:
            continue
        target = files.path(problem.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(".repair-" + target.name)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
        repaired.append(problem.sha256)
    return repaired

"""Recording and reading revisions; diffs between two versions of a dataset."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.context import UnitOfWork
from catalogue.errors import NotFound
from catalogue.history.model import Revision

# Keys that change on every write and say nothing about content.
VOLATILE_KEYS = frozenset({"metadata_modified", "num_resources", "num_tags", "validation"})


def diff_snapshots(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-level changes between two package dicts; resources are compared by id."""
    before = before or {}
    changes: list[dict[str, Any]] = []
    for key in sorted(set(before) | set(after)):
        if key in VOLATILE_KEYS or key == "resources":
            continue
        old, new = before.get(key), after.get(key)
        if old != new:
            changes.append({"field": key, "old": old, "new": new})
    old_res = {r["id"]: r for r in before.get("resources", [])}
    new_res = {r["id"]: r for r in after.get("resources", [])}
    for res_id in sorted(set(old_res) | set(new_res)):
        old_r, new_r = old_res.get(res_id), new_res.get(res_id)
        if old_r is None or new_r is None:
            changes.append({"field": f"resources[{res_id}]", "old": old_r, "new": new_r})
            continue
        for key in sorted(set(old_r) | set(new_r)):
            if key in ("metadata_modified", "last_modified"):
                continue
            if old_r.get(key) != new_r.get(key):
                changes.append({"field": f"resources[{res_id}].{key}",
                                "old": old_r.get(key), "new": new_r.get(key)})
    return changes


def latest_revision(session: Session, dataset_id: str) -> Revision | None:
    return session.scalars(
        select(Revision).where(Revision.dataset_id == dataset_id)
        .order_by(Revision.number.desc()).limit(1)
    ).first()


def record_revision(
    uow: UnitOfWork,
    dataset_id: str,
    action: str,
    object_id: str,
    snapshot: dict[str, Any],
    message: str = "",
) -> Revision | None:
    """Store the dataset as it now is; returns None when nothing but volatile keys changed."""
    previous = latest_revision(uow.session, dataset_id)
    changes = diff_snapshots(previous.snapshot if previous else None, snapshot)
    if previous is not None and not changes and action != "dataset.delete":
        return None
    number = (previous.number if previous else 0) + 1
    revision = Revision(
        dataset_id=dataset_id, number=number, action=action, object_id=object_id,
        actor=uow.actor, created_at=uow.clock.now(), message=message,
        snapshot=snapshot, changes=changes,
    )
    uow.session.add(revision)
    return revision


def list_revisions(session: Session, dataset_id: str, limit: int = 100,
                   offset: int = 0) -> list[Revision]:
    """Newest first, as CKAN's activity stream."""
    return list(session.scalars(
        select(Revision).where(Revision.dataset_id == dataset_id)
        .order_by(Revision.number.desc()).limit(limit).offset(offset)
    ))


def count_revisions(session: Session, dataset_id: str) -> int:
    return session.scalar(
        select(func.count()).select_from(Revision).where(Revision.dataset_id == dataset_id)
    ) or 0


def get_revision(session: Session, dataset_id: str, number: int) -> Revision:
    revision = session.scalars(
        select(Revision).where(Revision.dataset_id == dataset_id, Revision.number == number)
    ).first()
    if revision is None:
        raise NotFound(f"Version {number} not found")
    return revision

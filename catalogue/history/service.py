"""Recording and reading revisions; diffs between two versions of a dataset.

Two numberings: ``number`` counts every change (the agency's history, restores), while
``published_number`` counts the versions that were public. Public doors — version pages,
their downloads, the public history, citations, the API's activity list — read only the
published ones through :func:`published_versions` and :func:`get_published`, and see their
changes against the previous *published* version, never against a draft in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.classification import is_public
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
    *,
    first: bool = False,
) -> Revision | None:
    """Store the dataset as it now is; returns None when nothing but volatile keys changed.

    ``first``: the dataset was created in this transaction, so it has no revision yet
    (saves two queries per created dataset).
    """
    previous = None if first else latest_revision(uow.session, dataset_id)
    changes = diff_snapshots(previous.snapshot if previous else None, snapshot)
    if previous is not None and not changes and action != "dataset.delete":
        return None
    number = (previous.number if previous else 0) + 1
    revision = Revision(
        dataset_id=dataset_id, number=number, action=action, object_id=object_id,
        actor=uow.actor, created_at=uow.clock.now(), message=message,
        snapshot=snapshot, changes=changes,
        # Every write reaches here after the publishing gate let it through; what it left
        # public is a published version, anything else (a draft, a private period) is not.
        published_number=((0 if first else latest_published_number(uow.session, dataset_id))
                          + 1 if is_public(snapshot) else None),
    )
    uow.session.add(revision)
    return revision


def latest_published_number(session: Session, dataset_id: str) -> int:
    """The public version number of the dataset's newest published version (0: none yet)."""
    return session.scalar(select(func.max(Revision.published_number)).where(
        Revision.dataset_id == dataset_id)) or 0


@dataclass(frozen=True)
class PublishedVersion:
    """A version as the public sees it: its public number, and its changes against the
    previous published version (so nothing of an unpublished version in between shows)."""

    id: str
    number: int
    revision_number: int  # the internal number, for the agency's own pages only
    action: str
    actor: str
    created_at: datetime
    message: str
    snapshot: dict[str, Any]
    changes: list[dict[str, Any]]


def _published_query(dataset_id: str) -> Any:
    return select(Revision).where(Revision.dataset_id == dataset_id,
                                  Revision.published_number.is_not(None))


def published_versions(session: Session, dataset_id: str, limit: int = 100,
                       offset: int = 0) -> list[PublishedVersion]:
    """Published versions, newest first, each diffed against the one published before it."""
    rows = list(session.scalars(_published_query(dataset_id)
                                .order_by(Revision.published_number.desc())
                                .limit(limit + 1).offset(offset)))
    return [_published(rev, rows[index + 1] if index + 1 < len(rows) else None)
            for index, rev in enumerate(rows[:limit])]


def _published(rev: Revision, before: Revision | None) -> PublishedVersion:
    assert rev.published_number is not None
    if before is not None and before.number == rev.number - 1:
        changes = rev.changes  # nothing unpublished in between: the stored diff is the one
    else:
        changes = diff_snapshots(before.snapshot if before is not None else None, rev.snapshot)
    return PublishedVersion(id=rev.id, number=rev.published_number, revision_number=rev.number,
                            action=rev.action, actor=rev.actor, created_at=rev.created_at,
                            message=rev.message, snapshot=rev.snapshot, changes=changes)


def count_published(session: Session, dataset_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Revision).where(
        Revision.dataset_id == dataset_id, Revision.published_number.is_not(None))) or 0


def is_published(session: Session, dataset_id: str, number: int) -> bool:
    """Whether published version ``number`` exists, without loading its document (an
    embed's revalidation asks only this, issue 22)."""
    return session.scalar(select(Revision.id).where(
        Revision.dataset_id == dataset_id, Revision.published_number == number).limit(1)
    ) is not None


def get_published(session: Session, dataset_id: str, number: int) -> PublishedVersion:
    """Published version ``number`` (the public numbering), or NotFound."""
    revision = session.scalars(_published_query(dataset_id).where(
        Revision.published_number == number)).first()
    if revision is None:
        raise NotFound(f"Version {number} not found")
    before = session.scalars(_published_query(dataset_id).where(
        Revision.published_number == number - 1)).first() if number > 1 else None
    return _published(revision, before)


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

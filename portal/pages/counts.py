"""Counts the home and statistics pages show, cached until the catalogue changes.

At 100k datasets the GROUP BY queries cost tens of milliseconds, too much for every home
page view (issue 6: p95 ≤ 100 ms). The cache key (:func:`catalogue_stamp`) changes with
every dataset write and is read from indexes only, so any write shows at once; it also
rolls over every few minutes, for download counts and agency renames.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.collation import vietnamese_key
from catalogue.datasets.model import Dataset, Resource, dataset_group
from catalogue.groups.model import Group
from catalogue.history.model import Revision
from catalogue.organizations.model import Organization
from catalogue.usage.model import UsageDaily
from portal.pages.public import public_datasets

T = TypeVar("T")
_cache: dict[str, tuple[Any, Any]] = {}
_lock = threading.Lock()


STAMP_SECONDS = 300
MAX_ENTRIES = 1000


def catalogue_stamp(session: Session) -> tuple[Any, ...]:
    """Changes whenever a dataset is added, changed or withdrawn, cheaply.

    Every write sets the dataset's ``metadata_modified`` and records a revision, so the
    newest of each, with how many rows share that instant (several writes within one clock
    tick), identify the catalogue's state. Each is an index lookup: no COUNT(*) over the
    table, which costs O(n) in SQLite.
    """
    newest = session.scalar(select(func.max(Dataset.metadata_modified)))
    same_instant = session.scalar(select(func.count()).select_from(Dataset).where(
        Dataset.metadata_modified == newest)) if newest is not None else 0
    last_revision = session.scalar(select(func.max(Revision.created_at)))
    revisions_then = session.scalar(select(func.count()).select_from(Revision).where(
        Revision.created_at == last_revision)) if last_revision is not None else 0
    # The database too: the cache is per process, and a process may serve several
    # catalogues (tests, tools) whose stamps can coincide.
    return (str(session.get_bind().engine.url), newest, same_instant, last_revision, revisions_then,
            int(time.monotonic() // STAMP_SECONDS))


def cached(name: str, stamp: Any, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``stamp`` (and per process)."""
    with _lock:
        hit = _cache.get(name)
    if hit is not None and hit[0] == stamp:
        value: T = hit[1]
        return value
    value = compute()
    with _lock:
        _cache.pop(name, None)
        _cache[name] = (stamp, value)
        if len(_cache) > MAX_ENTRIES:  # facet sets per filter combination: forget the oldest
            for old in list(_cache)[:MAX_ENTRIES // 2]:
                del _cache[old]
    return value


def forget() -> None:
    """Drop every cached value (another process announced a change: issue 23)."""
    with _lock:
        _cache.clear()


def peek(name: str, stamp: Any) -> Any | None:
    """The cached value for ``stamp``, or None."""
    with _lock:
        hit = _cache.get(name)
    return hit[1] if hit is not None and hit[0] == stamp else None


def public_count(session: Session) -> int:
    return session.scalar(public_datasets(select(func.count(Dataset.id)))) or 0


def sector_counts(session: Session) -> list[tuple[Group, int]]:
    """Every sector (group) with its number of public datasets, in name order."""
    counts: dict[str, int] = dict(session.execute(public_datasets(
        select(dataset_group.c.group_id, func.count())
        .join(Dataset, Dataset.id == dataset_group.c.dataset_id)
        .group_by(dataset_group.c.group_id))).all())
    groups = session.scalars(select(Group).where(Group.state == "active"))
    return [(g, int(counts.get(g.id, 0)))
            for g in sorted(groups, key=lambda g: vietnamese_key(g.title or g.name))]


def agency_counts(session: Session) -> list[tuple[Organization, int]]:
    """Agencies with their number of public datasets, most first."""
    counts: dict[str | None, int] = dict(session.execute(public_datasets(
        select(Dataset.owner_org_id, func.count()).group_by(Dataset.owner_org_id)
    )).all())
    orgs = session.scalars(select(Organization).where(Organization.state == "active"))
    return sorted(((o, int(counts.get(o.id, 0))) for o in orgs),
                  key=lambda oc: (-oc[1], vietnamese_key(oc[0].title or oc[0].name)))


def format_counts(session: Session) -> list[tuple[str, int]]:
    """Public datasets per resource format (a dataset counts once per format)."""
    rows = session.execute(public_datasets(
        select(func.upper(Resource.format), func.count(func.distinct(Resource.dataset_id)))
        .join(Dataset, Dataset.id == Resource.dataset_id)
        .group_by(func.upper(Resource.format)))).all()
    return sorted(((fmt or "?", int(n)) for fmt, n in rows), key=lambda fc: (-fc[1], fc[0]))


def created_by_month(session: Session) -> list[tuple[str, int]]:
    """Public datasets first published per month, as (YYYY-MM, count), oldest first."""
    created = session.scalars(public_datasets(select(Dataset.metadata_created)))
    months: dict[str, int] = {}
    for moment in created:
        key = moment.strftime("%Y-%m")
        months[key] = months.get(key, 0) + 1
    return sorted(months.items())


def usage_by_month(session: Session, kind: str) -> list[tuple[str, int]]:
    """Downloads (``download``) or API calls (``api``) per month, oldest first."""
    rows = session.execute(select(UsageDaily.day, func.sum(UsageDaily.count))
                           .where(UsageDaily.kind == kind).group_by(UsageDaily.day))
    months: dict[str, int] = {}
    for day, count in rows:
        key = day.strftime("%Y-%m")
        months[key] = months.get(key, 0) + int(count or 0)
    return sorted(months.items())


def most_downloaded(session: Session, limit: int = 6) -> list[tuple[Dataset, int]]:
    """Public datasets whose resources were downloaded most, all time."""
    per_resource = (select(UsageDaily.subject.label("resource_id"),
                           func.sum(UsageDaily.count).label("hits"))
                    .where(UsageDaily.kind == "download").group_by(UsageDaily.subject)
                    .subquery())
    rows = session.execute(public_datasets(
        select(Dataset.id, func.sum(per_resource.c.hits).label("total"))
        .join(Resource, Resource.dataset_id == Dataset.id)
        .join(per_resource, per_resource.c.resource_id == Resource.id)
        .group_by(Dataset.id).order_by(func.sum(per_resource.c.hits).desc()).limit(limit)
    )).all()
    found = {d.id: d for d in session.scalars(
        select(Dataset).where(Dataset.id.in_([r[0] for r in rows])))}
    return [(found[i], int(n or 0)) for i, n in rows if i in found]

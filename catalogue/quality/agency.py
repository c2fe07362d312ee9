"""Quality per agency and per sector: average score, bands, the datasets to fix first and the
overdue ones (issue 9: "on agency dashboards and in reports, with what to fix").

Scores are computed as ``package_show`` explains them (:func:`score_dataset` with the link
checker's stored results, at the catalogue's clock), over published datasets: the agency's
workspace and the reports count every access class, the public agency page only open data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.classification import public_conditions
from catalogue.datasets.model import Dataset
from catalogue.datasets.package_cache import cached_packages
from catalogue.quality.linkcheck import latest_results
from catalogue.quality.score import score_dataset
from catalogue.search.documents import QUALITY_BANDS, quality_band

BELOW = 50  # the reports' "needs work" line: the low band of the search facet
LOWEST = 5  # datasets listed as "fix these first" on a dashboard


@dataclass(frozen=True)
class Fix:
    """A failed criterion and what to do about it, in both languages."""

    key: str
    title: str
    title_en: str
    fix: str
    fix_en: str


@dataclass(frozen=True)
class Scored:
    """One dataset's score, as much of it as dashboards and reports show."""

    dataset_id: str
    name: str
    title: str
    title_en: str
    organization: str  # agency name ("" for none)
    groups: tuple[str, ...]  # sector names
    score: int
    overdue: bool
    due: datetime | None
    fixes: tuple[Fix, ...]

    @property
    def band(self) -> str:
        return quality_band(self.score)


@dataclass
class QualityBlock:
    """The quality of a set of datasets (an agency's, a sector's, everyone's)."""

    datasets: int = 0
    average: float | None = None
    bands: dict[str, int] = field(default_factory=lambda: {b: 0 for b, _ in QUALITY_BANDS})
    below: int = 0  # datasets scoring under BELOW
    overdue: list[Scored] = field(default_factory=list)
    lowest: list[Scored] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return len(self.overdue)


def score_published(session: Session, site_url: str, now: datetime, *,
                    org_ids: Iterable[str] | None = None,
                    public_only: bool = False) -> list[Scored]:
    """Scores of the active datasets (of ``org_ids`` when given; only public ones when
    ``public_only``), with one query for the datasets and one for the link results."""
    query = select(Dataset.id).where(Dataset.state == "active")
    if org_ids is not None:
        query = query.where(Dataset.owner_org_id.in_(list(org_ids)))
    if public_only:
        query = query.where(*public_conditions())
    ids = list(session.scalars(query))
    # The stored package documents (serialised on the spot for any without one).
    packages = list(cached_packages(session, ids, site_url).values())
    links = latest_results(session, [str(r["url"]) for p in packages
                                     for r in p.get("resources") or [] if r.get("url")])
    return [_scored(p, score_dataset(p, now=now, link_results=links).to_dict())
            for p in packages]


def _scored(package: dict[str, Any], quality: dict[str, Any]) -> Scored:
    fixes = tuple(Fix(c["key"], c["title"], c["title_en"], c["fix"], c["fix_en"])
                  for c in quality["criteria"] if c["passed"] is False)
    due = datetime.fromisoformat(quality["due"]) if quality.get("due") else None
    return Scored(package["id"], package["name"], package.get("title") or package["name"],
                  package.get("title_en") or "",
                  str((package.get("organization") or {}).get("name") or ""),
                  tuple(str(g["name"]) for g in package.get("groups") or []),
                  int(quality["score"]), bool(quality["overdue"]), due, fixes)


def summarise(scored: Iterable[Scored], *, lowest: int = LOWEST) -> QualityBlock:
    """Average, bands, how many below 50, overdue ones (soonest due first) and the
    ``lowest`` lowest-scoring datasets (the ones to fix first)."""
    items = list(scored)
    block = QualityBlock(datasets=len(items))
    if not items:
        return block
    block.average = round(sum(s.score for s in items) / len(items), 1)
    for item in items:
        block.bands[item.band] += 1
    block.below = sum(1 for s in items if s.score < BELOW)
    block.overdue = sorted((s for s in items if s.overdue),
                           key=lambda s: (s.due or datetime.min, s.name))
    block.lowest = sorted(items, key=lambda s: (s.score, s.name))[:lowest]
    return block


def summarise_by(scored: Iterable[Scored], keys: Callable[[Scored], Iterable[str]], *,
                 lowest: int = LOWEST) -> dict[str, QualityBlock]:
    """One block per key (an agency's name, each of a dataset's sectors)."""
    grouped: dict[str, list[Scored]] = defaultdict(list)
    for item in scored:
        for key in keys(item):
            grouped[key].append(item)
    return {key: summarise(items, lowest=lowest) for key, items in grouped.items()}

"""Quality columns of the activity reports: per agency and per sector, the average quality
score, how many datasets score below 50 and how many are overdue for an update (issue 9).

Unlike the activity counts, quality is a state, not an event: it is judged on the datasets
published at the report's date (the period's end, or now for a period still running), from
their current metadata and the link checker's latest results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from catalogue.quality.agency import BELOW, QualityBlock, score_published, summarise, summarise_by

# Column order, Vietnamese header and English one, as ``compute.MEASURES``.
QUALITY_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("quality_average", "Điểm chất lượng trung bình", "average quality score"),
    ("quality_below_50", f"Bộ dữ liệu dưới {BELOW} điểm", f"datasets scoring below {BELOW}"),
    ("overdue", "Bộ dữ liệu quá hạn cập nhật", "datasets overdue for an update"),
)
QUALITY_KEYS = tuple(m[0] for m in QUALITY_MEASURES)


def empty_quality() -> dict[str, Any]:
    """The quality cells of a row with no published dataset."""
    return {"quality_average": None, "quality_below_50": 0, "overdue": 0}


def _cells(block: QualityBlock) -> dict[str, Any]:
    return {"quality_average": block.average, "quality_below_50": block.below,
            "overdue": block.overdue_count}


@dataclass
class QualityTally:
    """Quality cells per agency name, per sector name and for the whole catalogue."""

    as_of: datetime
    agency: dict[str, dict[str, Any]] = field(default_factory=dict)
    sector: dict[str, dict[str, Any]] = field(default_factory=dict)
    total: dict[str, Any] = field(default_factory=empty_quality)


def report_date(period_end: datetime, now: datetime | None) -> datetime:
    """When quality is judged: the last moment of the period, or ``now`` if that is earlier."""
    last = period_end - timedelta(seconds=1)
    return min(last, now) if now is not None else last


def tally_quality(session: Session, as_of: datetime, site_url: str = "") -> QualityTally:
    """Score every published dataset at ``as_of`` and sum up per agency and per sector."""
    scored = score_published(session, site_url, as_of)
    tally = QualityTally(as_of)
    tally.agency = {k: _cells(b) for k, b in
                    summarise_by(scored, lambda s: [s.organization], lowest=0).items()}
    tally.sector = {k: _cells(b) for k, b in
                    summarise_by(scored, lambda s: s.groups, lowest=0).items()}
    tally.total = _cells(summarise(scored, lowest=0))
    return tally

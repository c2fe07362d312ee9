"""The quality explanation of a stored dataset: score + latest link checks (issue 9).

The API's ``package_show`` adds this as its ``quality`` key; the dataset page, agency
dashboards and reports read the same dict.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from catalogue.datasets.serialize import package_dict
from catalogue.datasets.service import get_dataset
from catalogue.quality.linkcheck import latest_results
from catalogue.quality.score import score_dataset


def quality_for_package(session: Session, package: dict[str, Any],
                        now: datetime) -> dict[str, Any]:
    """The ``quality`` dict of a package dict, with the link checker's stored results."""
    urls = [str(r.get("url")) for r in package.get("resources") or [] if r.get("url")]
    report = score_dataset(package, now=now, link_results=latest_results(session, urls))
    return report.to_dict()


def quality_of(session: Session, name_or_id: str, site_url: str,
               now: datetime) -> dict[str, Any]:
    """The ``quality`` dict of a dataset by name or id (NotFound if there is none)."""
    package = package_dict(get_dataset(session, name_or_id), site_url)
    return quality_for_package(session, package, now)

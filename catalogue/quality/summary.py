"""Quality across many datasets: per agency averages, what to fix most, overdue lists.

For agency dashboards and the yearly/monthly reports the provincial regulations ask for
(Sơn La 20/2023 Điều 17.10, Bình Phước draft 2023 Điều 11.8); pure over package dicts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from catalogue.quality.score import score_dataset


def quality_summary(packages: Iterable[Mapping[str, Any]], *, now: datetime,
                    link_results: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``{"datasets", "average", "to_fix": {criterion: count}, "overdue": [...],
    "by_organization": {name: {...same keys...}}}``, lowest averages first."""
    scores: dict[str, list[int]] = defaultdict(list)
    fixes: dict[str, Counter[str]] = defaultdict(Counter)
    overdue: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for package in packages:
        org = (package.get("organization") or {}).get("name") or package.get("owner_org") or ""
        report = score_dataset(package, now=now, link_results=link_results)
        explained = report.to_dict()
        for key in (org, "*"):
            scores[key].append(report.score)
            fixes[key].update(explained["to_fix"])
            if report.overdue:
                overdue[key].append({"name": package.get("name"),
                                     "title": package.get("title"), "due": explained["due"]})

    def block(key: str) -> dict[str, Any]:
        values = scores.get(key, [])
        return {"datasets": len(values),
                "average": round(sum(values) / len(values), 1) if values else None,
                "to_fix": dict(fixes[key].most_common()),
                "overdue": sorted(overdue[key], key=lambda o: str(o["due"]))}

    organizations = sorted((k for k in scores if k != "*"),
                           key=lambda k: (block(k)["average"] or 0, k))
    return {**block("*"), "by_organization": {k: block(k) for k in organizations}}

"""Retention: keep the newest backup of each of the last N days, weeks and months.

The usual grandfather-father-son scheme (e.g. 7 daily, 4 weekly, 12 monthly); Quảng Ninh
26/2022 Điều 7.3 asks for weekly and monthly backups, Bình Phước for daily ones.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from catalogue.backup.manifest import Manifest
from catalogue.backup.snapshot import list_backups


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


@dataclass
class PrunePlan:
    keep: list[Path] = field(default_factory=list)
    remove: list[Path] = field(default_factory=list)


def _periods(created: datetime) -> dict[str, str]:
    year, week, _ = created.isocalendar()
    return {"daily": created.strftime("%Y-%m-%d"), "weekly": f"{year}-W{week:02d}",
            "monthly": created.strftime("%Y-%m")}


def plan_prune(backups: list[tuple[Path, Manifest]], retention: Retention) -> PrunePlan:
    """Which backups to keep: newest first, a backup stays if it is the newest of a period
    that is still among the last N of its kind. Safety backups (label "safety") count too."""
    limits: dict[str, int] = {"daily": retention.daily, "weekly": retention.weekly,
                              "monthly": retention.monthly}
    seen: dict[str, set[str]] = {kind: set() for kind in limits}
    plan = PrunePlan()
    newest_first = sorted(backups, key=lambda b: (b[1].created_at, b[0].name), reverse=True)
    for path, manifest in newest_first:
        keep = False
        for kind, period in _periods(manifest.created_at).items():
            if period not in seen[kind] and len(seen[kind]) < limits[kind]:
                seen[kind].add(period)
                keep = True
        (plan.keep if keep else plan.remove).append(path)
    return plan


def prune_backups(dest: Path, retention: Retention,
                  on_remove: Callable[[Path], None] | None = None) -> PrunePlan:
    """Delete the backups in ``dest`` the retention does not keep; returns the plan."""
    plan = plan_prune(list_backups(dest), retention)
    for path in plan.remove:
        shutil.rmtree(path)
        if on_remove is not None:
            on_remove(path)
    return plan

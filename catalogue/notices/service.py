"""Announce, list, end and withdraw notices; which ones are showing right now.

Sơn La 20/2023 Điều 13.4: public notice at least 7 working days before planned downtime
(Cao Bằng 34/2024 Điều 10 asks 24 hours); Bình Phước draft 2023 Điều 19: incident notices.
A notice shows from the moment it is announced until its window ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from catalogue.context import Catalogue, UnitOfWork
from catalogue.database import to_iso
from catalogue.errors import NotFound, ValidationError
from catalogue.notices.model import KINDS, Notice

DEFAULT_MIN_WORKING_DAYS = 7


@dataclass
class Announcement:
    notice: Notice
    warnings: list[str] = field(default_factory=list)


def working_days_between(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Working days (Monday to Friday, not a holiday) after ``start`` up to and including
    ``end``; 0 when ``end`` is not after ``start``."""
    days, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            days += 1
    return days


def announce_notice(uow: UnitOfWork, *, kind: str, reason: str, starts_at: datetime,
                    ends_at: datetime | None = None, details: str = "",
                    min_working_days: int = DEFAULT_MIN_WORKING_DAYS,
                    holidays: frozenset[date] = frozenset()) -> Announcement:
    """Post a maintenance window or incident notice, showing from now.

    A maintenance window announced fewer than ``min_working_days`` working days before it
    starts is still posted (an urgent fix cannot wait) but comes back with a warning.
    """
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [f"must be one of {', '.join(KINDS)}"]
    if not reason.strip():
        errors["reason"] = ["Missing value"]
    if kind == "maintenance" and ends_at is None:
        errors["ends_at"] = ["A maintenance window needs an end"]
    if ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = ["must be after the start"]
    if errors:
        raise ValidationError(errors)
    now = uow.clock.now()
    notice = Notice(kind=kind, reason=reason.strip(), details=details, starts_at=starts_at,
                    ends_at=ends_at, announced_at=now, announced_by=uow.actor)
    uow.session.add(notice)
    uow.session.flush()
    warnings: list[str] = []
    if kind == "maintenance":
        ahead = working_days_between(now.date(), starts_at.date(), holidays)
        if ahead < min_working_days:
            warnings.append(
                f"announced {ahead} working day(s) before it starts; the regulations ask for "
                f"at least {min_working_days} (Sơn La 20/2023/QĐ-UBND Điều 13.4)")
    return Announcement(notice, warnings)


def active_notices(session: Session, now: datetime) -> list[Notice]:
    """Notices showing at ``now``: announced, not withdrawn, not yet ended; soonest first."""
    query = (select(Notice)
             .where(Notice.announced_at <= now, Notice.withdrawn_at.is_(None),
                    or_(Notice.ends_at.is_(None), Notice.ends_at > now))
             .order_by(Notice.starts_at, Notice.id))
    return list(session.scalars(query))


def list_notices(session: Session, limit: int = 100) -> list[Notice]:
    """Every notice, newest announcement first."""
    return list(session.scalars(select(Notice).order_by(Notice.announced_at.desc(),
                                                        Notice.id).limit(limit)))


def get_notice(session: Session, notice_id: str) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(f"Notice not found: {notice_id}")
    return notice


def end_notice(uow: UnitOfWork, notice_id: str) -> Notice:
    """Close a notice now (an incident resolved, maintenance finished early)."""
    notice = get_notice(uow.session, notice_id)
    now = uow.clock.now()
    if now < notice.starts_at:
        notice.withdrawn_at = now  # ended before it began: it simply stops showing
    elif notice.ends_at is None or notice.ends_at > now:
        notice.ends_at = now
    return notice


def withdraw_notice(uow: UnitOfWork, notice_id: str) -> Notice:
    """Cancel a notice posted by mistake or a window called off; it stops showing."""
    notice = get_notice(uow.session, notice_id)
    notice.withdrawn_at = uow.clock.now()
    return notice


def notice_dict(notice: Notice, now: datetime | None = None) -> dict[str, Any]:
    """A notice as the API (``status_show``) and templates show it."""
    result: dict[str, Any] = {
        "id": notice.id, "kind": notice.kind, "reason": notice.reason,
        "details": notice.details, "starts_at": to_iso(notice.starts_at),
        "ends_at": to_iso(notice.ends_at), "announced_at": to_iso(notice.announced_at),
    }
    if now is not None:
        result["in_progress"] = notice.starts_at <= now
    return result


def notices_for_status(catalogue: Catalogue) -> list[dict[str, Any]]:
    """What ``status_show`` (and any page) shows: the notices active now, as dicts."""
    now = catalogue.clock.now()
    with catalogue.sessions() as session:
        return [notice_dict(n, now) for n in active_notices(session, now)]

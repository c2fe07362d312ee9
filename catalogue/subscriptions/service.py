"""Follows with double opt-in, one-click unsubscribe, and the events that feed digests.

Events come from the history, not from hooks in the dataset service: every change already
leaves a Revision (with the package as it became), so :func:`collect_revision_events` turns
new revisions into "new version" / "withdrawn" notifications, and :func:`collect_overdue`
adds "overdue" ones from the quality rules. Only open data is ever announced (Law on Data
Art. 13): a shared or private dataset's changes are not mailed to anyone.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from catalogue.classification import access_class_of, is_public
from catalogue.context import UnitOfWork
from catalogue.datasets.model import Dataset
from catalogue.datasets.serialize import package_dict
from catalogue.errors import NotFound, ValidationError
from catalogue.groups.model import Group
from catalogue.history.model import Revision
from catalogue.organizations.model import Organization
from catalogue.quality.score import due_date, is_overdue
from catalogue.subscriptions.model import Notification, Subscription

TARGET_TYPES = ("dataset", "organization", "group")
FREQUENCIES = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
CONFIRM_RESEND = timedelta(hours=1)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Target:
    type: str
    id: str
    name: str
    title: str


def find_target(session: Session, target_type: str, name_or_id: str) -> Target:
    """The dataset, agency or sector to follow; only public datasets can be followed."""
    if target_type == "dataset":
        ds = session.scalars(select(Dataset).where(
            or_(Dataset.name == name_or_id, Dataset.id == name_or_id))).first()
        if ds is None or not is_public(ds):
            raise NotFound(f"Dataset not found: {name_or_id}")
        return Target("dataset", ds.id, ds.name, ds.title or ds.name)
    row: Organization | Group | None
    if target_type == "organization":
        row = session.scalars(select(Organization).where(
            or_(Organization.name == name_or_id, Organization.id == name_or_id))).first()
    elif target_type == "group":
        row = session.scalars(select(Group).where(
            or_(Group.name == name_or_id, Group.id == name_or_id))).first()
    else:
        raise ValidationError({"target_type": [f"Must be one of {', '.join(TARGET_TYPES)}"]})
    if row is None:
        raise NotFound(f"{target_type.capitalize()} not found: {name_or_id}")
    return Target(target_type, row.id, row.name, row.title or row.name)


def target_of(session: Session, sub: Subscription) -> Target:
    """What a subscription follows (its title as it is now)."""
    if sub.target_type == "dataset":
        ds = session.get(Dataset, sub.target_id)
        return Target("dataset", sub.target_id, ds.name if ds else sub.target_id,
                      (ds.title or ds.name) if ds else sub.target_id)
    row: Organization | Group | None = (
        session.get(Organization, sub.target_id) if sub.target_type == "organization"
        else session.get(Group, sub.target_id))
    return Target(sub.target_type, sub.target_id, row.name if row else sub.target_id,
                  (row.title or row.name) if row else sub.target_id)


def subscribe(uow: UnitOfWork, email: str, target_type: str, target: str, *,
              frequency: str = "daily", locale: str = "vi") -> tuple[Subscription, bool]:
    """Ask to follow; returns the subscription and whether a confirmation must be mailed.

    A new or lapsed follow becomes ``pending`` with a fresh token (double opt-in); an active
    one is left alone, so asking twice never mails someone who already confirmed.
    """
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not EMAIL_RE.match(email) or len(email) > 300:
        errors["email"] = ["Must be an e-mail address"]
    if frequency not in FREQUENCIES:
        errors["frequency"] = [f"Must be one of {', '.join(FREQUENCIES)}"]
    if locale not in ("vi", "en"):
        errors["locale"] = ["Must be vi or en"]
    if errors:
        raise ValidationError(errors)
    found = find_target(uow.session, target_type, target)
    sub = uow.session.scalars(select(Subscription).where(
        Subscription.email == email, Subscription.target_type == found.type,
        Subscription.target_id == found.id)).first()
    now = uow.clock.now()
    if sub is not None and sub.state == "active":
        sub.frequency, sub.locale = frequency, locale
        return sub, False
    if sub is not None and sub.state == "pending" and now - sub.created < CONFIRM_RESEND:
        return sub, False  # one confirmation per hour: the form cannot be used to spam
    if sub is None:
        sub = Subscription(email=email, target_type=found.type, target_id=found.id,
                           created=now, token="")
        uow.session.add(sub)
    sub.state, sub.frequency, sub.locale, sub.created = "pending", frequency, locale, now
    sub.token = secrets.token_urlsafe(32)
    sub.unsubscribed_at = None
    uow.session.flush()
    return sub, True


def _by_token(session: Session, token: str) -> Subscription:
    sub = session.scalars(select(Subscription).where(Subscription.token == token)).first() \
        if token else None
    if sub is None:
        raise NotFound("Unknown or expired link")
    return sub


def confirm(uow: UnitOfWork, token: str) -> Subscription:
    """The confirmation link: a pending follow becomes active (idempotent)."""
    sub = _by_token(uow.session, token)
    if sub.state == "unsubscribed":
        raise NotFound("This subscription was cancelled; subscribe again")
    if sub.state == "pending":
        sub.state, sub.confirmed_at = "active", uow.clock.now()
    return sub


def unsubscribe(uow: UnitOfWork, token: str) -> Subscription:
    """The one-click unsubscribe: no log-in, no questions (idempotent)."""
    sub = _by_token(uow.session, token)
    if sub.state != "unsubscribed":
        sub.state, sub.unsubscribed_at = "unsubscribed", uow.clock.now()
    return sub


def _followers(session: Session, dataset_id: str,
               snapshot: Mapping[str, Any]) -> list[Subscription]:
    groups = [g.get("id") for g in snapshot.get("groups") or [] if g.get("id")]
    clauses = [(Subscription.target_type == "dataset") & (Subscription.target_id == dataset_id)]
    if snapshot.get("owner_org"):
        clauses.append((Subscription.target_type == "organization")
                       & (Subscription.target_id == snapshot["owner_org"]))
    if groups:
        clauses.append((Subscription.target_type == "group")
                       & Subscription.target_id.in_(groups))
    query = select(Subscription).where(Subscription.state == "active", or_(*clauses))
    return list(session.scalars(query))


def _announce(session: Session, sub: Subscription, event: str, snapshot: Mapping[str, Any],
              dataset_id: str, now: datetime, revision: int | None, detail: str = "") -> bool:
    """Queue one notification; an unsent one for the same dataset and event is refreshed."""
    pending = session.scalars(select(Notification).where(
        Notification.subscription_id == sub.id, Notification.dataset_id == dataset_id,
        Notification.event == event, Notification.sent_at.is_(None))).first()
    if pending is not None:
        if revision is not None and (pending.revision or 0) >= revision:
            return False
        pending.revision, pending.detail = revision, detail
        pending.dataset_title = str(snapshot.get("title") or snapshot.get("name") or "")
        return False
    session.add(Notification(subscription_id=sub.id, event=event, dataset_id=dataset_id,
                             dataset_name=str(snapshot.get("name") or dataset_id),
                             dataset_title=str(snapshot.get("title") or snapshot.get("name")
                                               or ""),
                             detail=detail, created=now, revision=revision))
    return True


def collect_revision_events(uow: UnitOfWork, since: datetime) -> int:
    """Queue "new_version" and "withdrawn" notifications for revisions made after ``since``.

    Safe to run over overlapping windows: a follower is told about a version once, and only
    about versions made after they confirmed.
    """
    session = uow.session
    now = uow.clock.now()
    queued = 0
    revisions = session.scalars(select(Revision).where(Revision.created_at > since)
                                .order_by(Revision.created_at, Revision.number))
    for rev in revisions:
        snapshot = rev.snapshot or {}
        withdrawn = rev.action == "dataset.delete"
        # Withdrawn data was public until now; anything else must be public to be announced.
        visible = (access_class_of(snapshot) == "open" and not snapshot.get("private")) \
            if withdrawn else is_public(snapshot)
        if not visible:
            continue
        event = "withdrawn" if withdrawn else "new_version"
        for sub in _followers(session, rev.dataset_id, snapshot):
            if sub.confirmed_at is None or sub.confirmed_at > rev.created_at:
                continue
            already = session.scalars(select(Notification.id).where(
                Notification.subscription_id == sub.id,
                Notification.dataset_id == rev.dataset_id, Notification.event == event,
                Notification.revision >= rev.number)).first()
            if already is None:
                queued += _announce(session, sub, event, snapshot, rev.dataset_id, now,
                                    rev.number, rev.message)
    return queued


def collect_overdue(uow: UnitOfWork) -> int:
    """Queue "overdue" notifications for followed open datasets past their update date.

    Once per missed date: after the agency updates, the next miss is announced again.
    """
    session = uow.session
    now = uow.clock.now()
    queued = 0
    followed = session.scalars(select(Dataset).where(
        Dataset.state == "active", Dataset.private.is_(False), Dataset.access_class == "open",
        Dataset.update_frequency.notin_(["", "irregular", "never"])))
    for ds in followed:
        package = package_dict(ds, uow.catalogue.site_url)
        if not is_overdue(package, now):
            continue
        due = due_date(package)
        for sub in _followers(session, ds.id, package):
            told = session.scalars(select(Notification.id).where(
                Notification.subscription_id == sub.id, Notification.dataset_id == ds.id,
                Notification.event == "overdue", Notification.created >= due)).first()
            if told is None:
                detail = due.strftime("%Y-%m-%d") if due else ""
                queued += _announce(session, sub, "overdue", package, ds.id, now, None, detail)
    return queued


def due_digests(session: Session, now: datetime) -> list[tuple[Subscription, list[Notification]]]:
    """Active subscriptions whose digest is due and that have something to say."""
    out: list[tuple[Subscription, list[Notification]]] = []
    for sub in session.scalars(select(Subscription).where(Subscription.state == "active")):
        period = FREQUENCIES.get(sub.frequency, FREQUENCIES["daily"])
        if sub.last_digest_at is not None and now - sub.last_digest_at < period:
            continue
        waiting = list(session.scalars(select(Notification).where(
            Notification.subscription_id == sub.id, Notification.sent_at.is_(None))
            .order_by(Notification.created, Notification.id)))
        if waiting:
            out.append((sub, waiting))
    return out

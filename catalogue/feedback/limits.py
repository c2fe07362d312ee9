"""How many public forms one address may send: counted in the database every worker shares."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from catalogue.feedback.model import FormSubmission


def allow_submission(session: Session, key: str, now: datetime, *, limit: int,
                     window: timedelta) -> bool:
    """Count a submission from ``key``; False (and nothing counted) when ``limit`` were
    already sent within ``window``. Commits: a refused attempt must not wait for the form."""
    # Every address's expired rows go: the table only ever holds the last window's forms.
    session.execute(delete(FormSubmission).where(FormSubmission.at <= now - window))
    sent = session.scalar(select(func.count()).select_from(FormSubmission)
                          .where(FormSubmission.key == key[:100])) or 0
    allowed = sent < limit
    if allowed:
        session.add(FormSubmission(key=key[:100], at=now))
    session.commit()
    return allowed

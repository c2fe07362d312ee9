"""Log-in sessions kept in the database, so that log-out really ends one (issue 15).

The portal's cookie is signed, not stored: without a row to end, a copy of the cookie taken
before log-out (a shared computer, a proxy log) would keep working until it expired. Each
log-in opens a row whose id goes into the cookie; log-out, a lock or a password change end
rows, and a cookie whose row is ended or missing is anonymous.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from catalogue.accounts.model import LoginSession, User
from catalogue.context import UnitOfWork


def open_session(uow: UnitOfWork, user: User, *, ip: str | None, hours: int) -> str:
    """Start a session for ``user``; returns its id (256 random bits) for the cookie.

    The user's sessions that ended, or that are older than ``hours``, are removed on the way.
    """
    now = uow.clock.now()
    expired = now - timedelta(hours=hours)
    uow.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user.id,
        or_(LoginSession.ended_at.is_not(None), LoginSession.created < expired)))
    session_id = secrets.token_urlsafe(32)
    uow.session.add(LoginSession(id=session_id, user_id=user.id, created=now, ip=ip or ""))
    uow.session.flush()
    return session_id


def is_open(session: Session, session_id: object, user_id: str) -> bool:
    """Whether the session ``session_id`` of ``user_id`` has not been ended."""
    if not isinstance(session_id, str) or not session_id:
        return False
    found = session.get(LoginSession, session_id)
    return found is not None and found.user_id == user_id and found.ended_at is None


def end_session(uow: UnitOfWork, session_id: object) -> None:
    """Log-out: this session ends (the user's other sessions carry on)."""
    if isinstance(session_id, str) and session_id:
        uow.session.execute(update(LoginSession).where(
            LoginSession.id == session_id, LoginSession.ended_at.is_(None))
            .values(ended_at=uow.clock.now()))


def end_all(uow: UnitOfWork, user: User) -> None:
    """Every session of ``user`` ends (log-out everywhere, a lock, a new password)."""
    uow.session.execute(update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=uow.clock.now()))


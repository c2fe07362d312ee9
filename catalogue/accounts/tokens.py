"""API tokens: made per user, shown once, kept as a hash, with a scope and an expiry."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalogue import audit
from catalogue.accounts.model import TOKEN_SCOPES, ApiToken, User
from catalogue.accounts.policy import DEFAULT_POLICY, AccountPolicy
from catalogue.accounts.principal import Principal
from catalogue.accounts.roles import principal_for_user
from catalogue.clock import Clock
from catalogue.context import UnitOfWork
from catalogue.errors import NotFound, ValidationError

TOKEN_PREFIX = "dlm_"
SCOPES = {
    "read_private": frozenset({"read", "read_private"}),
    "write": frozenset({"read", "read_private", "write"}),
}
# Token use is written back at most this often, so API reads do not write on every request.
USE_GRANULARITY = timedelta(hours=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(uow: UnitOfWork, user: User, *, scope: str = "write", days: int | None = None,
                 name: str = "", policy: AccountPolicy = DEFAULT_POLICY) -> tuple[ApiToken, str]:
    """Make a token; returns the row and the token itself, which is never stored or shown again."""
    if scope not in TOKEN_SCOPES:
        raise ValidationError({"scope": [f"Must be one of {', '.join(TOKEN_SCOPES)}"]})
    days = policy.token_default_days if days is None else days
    if not 1 <= days <= policy.token_max_days:
        raise ValidationError({"days": [f"Must be between 1 and {policy.token_max_days}"]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = uow.clock.now()
    token = ApiToken(user_id=user.id, name=name.strip()[:200], token_hash=token_digest(raw),
                     prefix=raw[:12], scope=scope, created=now,
                     expires_at=now + timedelta(days=days))
    uow.session.add(token)
    uow.session.flush()
    audit.record_unit(uow, "token.create", f"user:{user.name}",
                      {"token": token.id, "scope": scope, "days": days})
    return token, raw


def get_token(session: Session, token_id: str) -> ApiToken:
    """A token by id or by the prefix shown in lists."""
    found = session.get(ApiToken, token_id) or session.scalars(
        select(ApiToken).where(ApiToken.prefix == token_id)).first()
    if found is None:
        raise NotFound(f"Token not found: {token_id}")
    return found


def revoke_token(uow: UnitOfWork, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = uow.clock.now()
        audit.record_unit(uow, "token.revoke", f"user:{token.user.name}", {"token": token.id})


def token_state(token: ApiToken, now: datetime) -> str:
    """``active``, ``expired`` or ``revoked``, as listed on the user's page."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def lookup_token(session: Session, token: str, clock: Clock,
                 policy: AccountPolicy = DEFAULT_POLICY) -> Principal | None:
    """The principal behind ``token``; None if unknown, revoked, expired or the account locked.

    The date rules are applied here too, so an account that became due for a lock stops
    working the moment it is due, not when the nightly sweep runs. Writes (lock, last use)
    are committed on ``session``, which the caller opened for this lookup.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalars(select(ApiToken).where(
        ApiToken.token_hash == token_digest(token))).first()
    now = clock.now()
    if row is None or token_state(row, now) != "active":
        return None
    user = row.user
    if user.state == "locked" and not (user.locked_until and user.locked_until <= now):
        return None
    from catalogue.accounts.service import due_lock, refresh_lock

    if user.state == "locked" or due_lock(user, now, policy) is not None:
        uow = _SessionUnit(session, clock, "system")
        usable = refresh_lock(uow, user, policy)  # type: ignore[arg-type]
        session.commit()
        if not usable:
            return None
    if row.last_used_at is None or now - row.last_used_at >= USE_GRANULARITY:
        session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        session.execute(update(User).where(User.id == user.id).values(last_active_at=now))
        session.commit()
    return principal_for_user(session, user, SCOPES[row.scope])


class _SessionUnit:
    """Just enough of a UnitOfWork for the lock rules and the audit log on a bare session."""

    def __init__(self, session: Session, clock: Clock, actor: str) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor
        self.ip: str | None = None

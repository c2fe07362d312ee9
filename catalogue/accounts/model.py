"""Tables for accounts, their roles per organization, and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.database import Base, new_id

ROLES = ("viewer", "editor", "admin")
TOKEN_SCOPES = ("read_private", "write")


class User(Base):
    """One account, identified to one person (Sơn La 20/2023 Điều 13.1: one account per person).

    ``locked_until`` set means a temporary lock (failed log-ins) that ends by itself;
    ``state == "locked"`` with no ``locked_until`` stays until an admin unlocks.
    ``session_epoch`` is written into every session cookie: raising it ends every session
    of the account at once (log-out everywhere, lock, password change).
    """

    __tablename__ = "account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    email: Mapped[str] = mapped_column(String(300), unique=True)  # stored lower-case
    full_name: Mapped[str] = mapped_column(String(300))
    # The person's own agency (where they work), apart from the roles they hold.
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organization.id"), default=None)
    password_hash: Mapped[str] = mapped_column(String(300))
    sysadmin: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(20), default="active")  # active | locked
    locked_reason: Mapped[str] = mapped_column(String(500), default="")
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    failed_logins: Mapped[int] = mapped_column(default=0)
    # Until the person chooses their own password, the initial one expires (Điều 13.1).
    must_change_password: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    created: Mapped[datetime]
    last_active_at: Mapped[datetime | None] = mapped_column(default=None)
    session_epoch: Mapped[int] = mapped_column(default=0)
    totp_secret: Mapped[str] = mapped_column(String(64), default="")
    # The last time step whose one-time code was accepted: a code works once (issue 15).
    totp_last_step: Mapped[int] = mapped_column(default=0)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan")
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="ApiToken.created")


class Membership(Base):
    """A role (viewer, editor, admin) held by an account in one organization."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="memberships")


class ApiToken(Base):
    """An API token; only its SHA-256 is kept, the token itself is shown once."""

    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_user", "user_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), default="")
    # Tokens carry 256 random bits, so a fast hash suffices (argon2 is for guessable secrets)
    # and lets every API request find its token by an indexed lookup.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists to tell tokens apart
    scope: Mapped[str] = mapped_column(String(20))  # read_private | write
    created: Mapped[datetime]
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(back_populates="tokens")


class LoginSession(Base):
    """One log-in: its id is in the session cookie, and log-out ends it here (issue 15).

    A signed cookie alone cannot be taken back: a copy kept after log-out would still work
    until it expires. With the row ended, that copy is anonymous.
    """

    __tablename__ = "login_session"
    __table_args__ = (Index("ix_login_session_user", "user_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    created: Mapped[datetime]
    ip: Mapped[str] = mapped_column(String(64), default="")
    ended_at: Mapped[datetime | None] = mapped_column(default=None)

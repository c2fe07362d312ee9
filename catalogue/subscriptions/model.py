"""Tables for follows (e-mail subscriptions) and the notifications waiting for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base, new_id


class Subscription(Base):
    """One address following one dataset, agency or sector.

    ``state`` moves pending -> active (double opt-in: the address confirmed) -> unsubscribed.
    ``token`` is the secret in the confirm and unsubscribe links; it is never shown elsewhere.
    """

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("email", "target_type", "target_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(300), index=True)
    target_type: Mapped[str] = mapped_column(String(20))  # dataset | organization | group
    target_id: Mapped[str] = mapped_column(String(36))
    frequency: Mapped[str] = mapped_column(String(10), default="daily")  # daily | weekly
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    state: Mapped[str] = mapped_column(String(20), default="pending")
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[datetime]
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_digest_at: Mapped[datetime | None] = mapped_column(default=None)


class Notification(Base):
    """An event waiting to go out in a subscription's next digest."""

    __tablename__ = "subscription_notification"
    __table_args__ = (Index("ix_subscription_notification_pending", "subscription_id",
                            "sent_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("subscription.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(20))  # new_version | withdrawn | overdue
    dataset_id: Mapped[str] = mapped_column(String(36), index=True)
    dataset_name: Mapped[str] = mapped_column(String(100))
    dataset_title: Mapped[str] = mapped_column(String(500), default="")
    detail: Mapped[str] = mapped_column(String(1000), default="")
    revision: Mapped[int | None] = mapped_column(default=None)  # the dataset version announced
    created: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class OverdueReminder(Base):
    """An agency was told that a dataset missed the update due on ``due`` (once per date)."""

    __tablename__ = "overdue_reminder"
    __table_args__ = (UniqueConstraint("dataset_id", "due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    dataset_id: Mapped[str] = mapped_column(String(36))
    due: Mapped[datetime]
    sent_at: Mapped[datetime]

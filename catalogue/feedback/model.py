"""Tables for problem reports (seen by reporter and agency) and data requests (public)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.database import Base, new_id

STATUSES = ("new", "in_progress", "resolved", "rejected")
PROBLEM_CATEGORIES = ("wrong_data", "outdated", "broken_link", "personal_data", "other")


class ProblemReport(Base):
    """A report that a dataset is wrong, queued for the agency that owns it.

    ``token`` is the reporter's secret link to follow the status: reports may carry an
    e-mail address, so they are not listed publicly.
    """

    __tablename__ = "problem_report"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    dataset_id: Mapped[str] = mapped_column(String(36), index=True)
    dataset_name: Mapped[str] = mapped_column(String(100))
    resource_id: Mapped[str] = mapped_column(String(36), default="")
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organization.id"), default=None, index=True)
    category: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    response: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]


class DataRequest(Base):
    """A public request for data not yet published; listed with its status."""

    __tablename__ = "data_request"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organization.id"), default=None, index=True)
    requester: Mapped[str] = mapped_column(String(200), default="")  # shown publicly if given
    email: Mapped[str] = mapped_column(String(300), default="")  # never shown
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    response: Mapped[str] = mapped_column(Text, default="")
    dataset_name: Mapped[str] = mapped_column(String(100), default="")  # the answer, if published
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]


class FormSubmission(Base):
    """One submission of a public form from one address, kept for the rate limit's window.

    In the database, not a worker's memory: with four workers on two machines an in-memory
    limit of five allowed forty (STYLE: counters that must hold across machines; issue 15).
    """

    __tablename__ = "form_submission"
    __table_args__ = (Index("ix_form_submission_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(100))  # the client's address
    at: Mapped[datetime]

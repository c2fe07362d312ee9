"""Creating, reading and answering problem reports and data requests."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.context import UnitOfWork
from catalogue.datasets.service import get_dataset
from catalogue.errors import NotFound, ValidationError
from catalogue.feedback.model import PROBLEM_CATEGORIES, STATUSES, DataRequest, ProblemReport
from catalogue.organizations.service import get_organization

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MESSAGE_MIN, MESSAGE_MAX = 10, 5000


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key) or ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def _check_email(email: str, errors: dict[str, list[str]]) -> None:
    if email and (len(email) > 300 or not _EMAIL.match(email)):
        errors.setdefault("email", []).append("invalid_email")


def _check_length(value: str, key: str, low: int, high: int,
                  errors: dict[str, list[str]]) -> None:
    if len(value) < low:
        errors.setdefault(key, []).append("too_short")
    elif len(value) > high:
        errors.setdefault(key, []).append("too_long")


def create_problem_report(uow: UnitOfWork, dataset: str, data: Mapping[str, Any]) -> ProblemReport:
    """Queue a report on ``dataset`` for its agency. Errors are codes the portal translates."""
    ds = get_dataset(uow.session, dataset)
    category = _text(data, "category")
    message = _text(data, "message")
    email = _text(data, "email")
    errors: dict[str, list[str]] = {}
    if category not in PROBLEM_CATEGORIES:
        errors["category"] = ["invalid_choice"]
    _check_length(message, "message", MESSAGE_MIN, MESSAGE_MAX, errors)
    _check_email(email, errors)
    resource_id = _text(data, "resource_id")
    if resource_id and resource_id not in {r.id for r in ds.resources}:
        errors["resource_id"] = ["invalid_choice"]
    if errors:
        raise ValidationError(errors)
    now = uow.clock.now()
    report = ProblemReport(
        token=secrets.token_urlsafe(24), dataset_id=ds.id, dataset_name=ds.name,
        resource_id=resource_id, organization_id=ds.owner_org_id, category=category,
        message=message, email=email, status="new", created_at=now, updated_at=now)
    uow.session.add(report)
    uow.session.flush()
    return report


def get_report_by_token(session: Session, token: str) -> ProblemReport:
    report = session.scalars(select(ProblemReport).where(ProblemReport.token == token)).first()
    if report is None or not secrets.compare_digest(report.token, token):
        raise NotFound("Report not found")
    return report


def agency_queue(session: Session, organization_id: str, status: str | None = None,
                 limit: int = 100) -> list[ProblemReport]:
    """An agency's reports, newest first (for its editors' dashboard)."""
    query = select(ProblemReport).where(ProblemReport.organization_id == organization_id)
    if status:
        query = query.where(ProblemReport.status == status)
    return list(session.scalars(query.order_by(ProblemReport.created_at.desc()).limit(limit)))


def _set_status(obj: ProblemReport | DataRequest, status: str, response: str | None,
                uow: UnitOfWork) -> None:
    if status not in STATUSES:
        raise ValidationError({"status": [f"Must be one of {', '.join(STATUSES)}"]})
    obj.status = status
    if response is not None:
        obj.response = response.strip()
    obj.updated_at = uow.clock.now()


def update_report_status(uow: UnitOfWork, report_id: str, status: str,
                         response: str | None = None) -> ProblemReport:
    """The agency's answer: a new status and, optionally, a reply the reporter sees."""
    report = uow.session.get(ProblemReport, report_id)
    if report is None:
        raise NotFound(f"Report not found: {report_id}")
    _set_status(report, status, response, uow)
    return report


def create_data_request(uow: UnitOfWork, data: Mapping[str, Any]) -> DataRequest:
    """Record a public request for data, optionally addressed to one agency."""
    title, description = _text(data, "title"), _text(data, "description")
    requester, email = _text(data, "requester"), _text(data, "email")
    errors: dict[str, list[str]] = {}
    _check_length(title, "title", 5, 300, errors)
    _check_length(description, "description", MESSAGE_MIN, MESSAGE_MAX, errors)
    _check_email(email, errors)
    if len(requester) > 200:
        errors["requester"] = ["too_long"]
    org_id = None
    if organization := _text(data, "organization"):
        try:
            org_id = get_organization(uow.session, organization).id
        except NotFound:
            errors["organization"] = ["invalid_choice"]
    if errors:
        raise ValidationError(errors)
    now = uow.clock.now()
    request = DataRequest(title=title, description=description, organization_id=org_id,
                          requester=requester, email=email, status="new", created_at=now,
                          updated_at=now)
    uow.session.add(request)
    uow.session.flush()
    return request


def get_data_request(session: Session, request_id: str) -> DataRequest:
    request = session.get(DataRequest, request_id)
    if request is None:
        raise NotFound(f"Data request not found: {request_id}")
    return request


def list_data_requests(session: Session, *, status: str | None = None, limit: int = 50,
                       offset: int = 0) -> tuple[int, list[DataRequest]]:
    """(total, page) of public data requests, newest first."""
    query = select(DataRequest)
    count_query = select(func.count()).select_from(DataRequest)
    if status:
        query = query.where(DataRequest.status == status)
        count_query = count_query.where(DataRequest.status == status)
    total = session.scalar(count_query) or 0
    page = session.scalars(query.order_by(DataRequest.created_at.desc())
                           .limit(limit).offset(offset))
    return total, list(page)


def update_request_status(uow: UnitOfWork, request_id: str, status: str,
                          response: str | None = None,
                          dataset_name: str | None = None) -> DataRequest:
    """The agency's answer to a request; ``dataset_name`` links the published data."""
    request = get_data_request(uow.session, request_id)
    _set_status(request, status, response, uow)
    if dataset_name is not None:
        request.dataset_name = dataset_name
    return request

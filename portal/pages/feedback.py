"""Report a problem on a dataset (to the owning agency's queue) and request data (public).

Both forms carry a CSRF token, a honeypot field and a per-address rate limit.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from catalogue.collation import vietnamese_key
from catalogue.errors import NotFound, ValidationError
from catalogue.feedback import service
from catalogue.feedback.model import PROBLEM_CATEGORIES, STATUSES
from catalogue.organizations.model import Organization
from portal.csrf import protect
from portal.pages.public import catalogue, reading, visible_dataset
from portal.pages.spam import HONEYPOT_FIELD, is_robot, limiter_of

bp = protect(Blueprint("feedback", __name__))
REQUESTS_PAGE = 20

CATEGORY_LABELS = {
    "wrong_data": _l("Dữ liệu sai"),
    "outdated": _l("Dữ liệu cũ, chưa cập nhật"),
    "broken_link": _l("Liên kết hỏng, không tải được"),
    "personal_data": _l("Lộ thông tin cá nhân"),
    "other": _l("Vấn đề khác"),
}
STATUS_LABELS = {
    "new": _l("Mới tiếp nhận"),
    "in_progress": _l("Đang xử lý"),
    "resolved": _l("Đã xử lý"),
    "rejected": _l("Không chấp nhận"),
}
ERROR_MESSAGES = {
    "too_short": _l("Nội dung quá ngắn."),
    "too_long": _l("Nội dung quá dài."),
    "invalid_email": _l("Địa chỉ thư điện tử không hợp lệ."),
    "invalid_choice": _l("Hãy chọn một giá trị trong danh sách."),
}
assert set(CATEGORY_LABELS) == set(PROBLEM_CATEGORIES) and set(STATUS_LABELS) == set(STATUSES)


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [str(ERROR_MESSAGES.get(code, code)) for code in codes]
            for field, codes in exc.errors.items()}


def _limited() -> bool:
    return not limiter_of(current_app).allow(request.remote_addr or "unknown")


@bp.route("/dataset/<name>/report", methods=["GET", "POST"])
def report(name: str) -> BaseResponse | tuple[str, int] | str:
    """The report form; a report goes to the queue of the agency that owns the dataset."""
    errors: dict[str, list[str]] = {}
    with reading() as session:
        ds = visible_dataset(session, name)
        context: dict[str, Any] = {"ds": ds, "categories": CATEGORY_LABELS,
                                   "honeypot": HONEYPOT_FIELD, "form": request.form,
                                   "resource_id": request.args.get("resource", "")}
        if request.method == "GET":
            return render_template("report.html", errors=errors, **context)
        if is_robot():  # pretend success; robots learn nothing
            return redirect(url_for("dataset.show", name=ds.name), code=303)
        if _limited():
            return render_template("report.html", errors={}, limited=True, **context), 429
        dataset_id = ds.id
    try:
        with catalogue().unit("public") as uow:
            created = service.create_problem_report(uow, dataset_id, request.form)
            token = created.token
            uow.commit()
    except ValidationError as exc:
        with reading() as session:
            context["ds"] = visible_dataset(session, name)
            return render_template("report.html", errors=_messages(exc), **context), 400
    return redirect(url_for("feedback.report_status", token=token), code=303)


@bp.get("/report/<token>")
def report_status(token: str) -> str:
    """The reporter's page to follow a report (the link is the only key)."""
    with reading() as session:
        try:
            found = service.get_report_by_token(session, token)
        except NotFound:
            abort(404)
        return render_template("report_status.html", report=found,
                               categories=CATEGORY_LABELS, statuses=STATUS_LABELS)


def _organizations() -> list[tuple[str, str, str]]:
    """Active agencies for the request form's list, in Vietnamese alphabetical order (Đ after
    D; the database's ORDER BY put "Đài …" after "Y tế")."""
    with reading() as session:
        rows = [(str(name), str(title or ""), str(title_en or ""))
                for name, title, title_en in session.execute(
                    select(Organization.name, Organization.title, Organization.title_en)
                    .where(Organization.state == "active"))]
    return sorted(rows, key=lambda r: vietnamese_key(r[1] or r[0]))


@bp.get("/request")
def requests() -> str:
    """Every data request with its status, newest first."""
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    with reading() as session:
        total, items = service.list_data_requests(
            session, status=status or None, limit=REQUESTS_PAGE,
            offset=(page - 1) * REQUESTS_PAGE)
        orgs = {o.id: o for o in session.scalars(select(Organization))}
        return render_template("requests.html", items=items, total=total, page=page,
                               pages=max(1, -(-total // REQUESTS_PAGE)), status=status,
                               statuses=STATUS_LABELS, orgs=orgs)


@bp.route("/request/new", methods=["GET", "POST"])
def request_new() -> BaseResponse | tuple[str, int] | str:
    context: dict[str, Any] = {"organizations": _organizations(), "form": request.form,
                               "honeypot": HONEYPOT_FIELD}
    if request.method == "GET":
        return render_template("request_new.html", errors={}, **context)
    if is_robot():
        return redirect(url_for("feedback.requests"), code=303)
    if _limited():
        return render_template("request_new.html", errors={}, limited=True, **context), 429
    try:
        with catalogue().unit("public") as uow:
            created = service.create_data_request(uow, request.form)
            request_id = created.id
            uow.commit()
    except ValidationError as exc:
        return render_template("request_new.html", errors=_messages(exc), **context), 400
    return redirect(url_for("feedback.request_detail", request_id=request_id, sent=1), code=303)


@bp.get("/request/<request_id>")
def request_detail(request_id: str) -> str:
    with reading() as session:
        try:
            item = service.get_data_request(session, request_id)
        except NotFound:
            abort(404)
        org = session.get(Organization, item.organization_id) if item.organization_id else None
        return render_template("request_detail.html", item=item, org=org,
                               statuses=STATUS_LABELS, sent=request.args.get("sent") == "1")

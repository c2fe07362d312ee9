"""Sysadmin pages: post and end notices, read and export the activity reports."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from catalogue.errors import NotFound, ValidationError
from catalogue.notices.service import announce_notice, end_notice, list_notices, withdraw_notice
from catalogue.reports.compute import MEASURES, build_report
from catalogue.reports.export import report_csv, report_xlsx
from catalogue.reports.period import parse_period
from catalogue.reports.quality import QUALITY_MEASURES
from portal import csrf
from portal.auth import current_principal, login_required
from portal.catalogue_ext import catalogue_of
from portal.error_words import error_words
from portal.report_words import report_note

bp = csrf.protect(Blueprint("ops_admin", __name__, url_prefix="/workspace/operations"))
FORM_TIME = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">


def _sysadmin() -> str:
    principal = current_principal()
    if not principal.sysadmin:
        abort(403)
    return principal.name


def _when(field: str) -> datetime | None:
    raw = request.form.get(field, "").strip()
    if not raw:
        return None
    try:
        return datetime.strptime(raw, FORM_TIME)
    except ValueError:
        raise ValidationError({field: ["Expected a date and time (YYYY-MM-DDTHH:MM)"]}) from None


@bp.get("/notices")
@login_required
def notices() -> str:
    _sysadmin()
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        return render_template("operations/notices.html", notices=list_notices(session),
                               now=catalogue.clock.now())


@bp.post("/notices")
@login_required
def add_notice() -> BaseResponse | tuple[str, int]:
    actor = _sysadmin()
    catalogue = catalogue_of()
    settings = catalogue.settings
    try:
        with catalogue.unit(f"user:{actor}") as uow:
            announced = announce_notice(
                uow, kind=request.form.get("kind", "maintenance"),
                reason=request.form.get("reason", ""), details=request.form.get("details", ""),
                starts_at=_when("starts_at") or uow.clock.now(), ends_at=_when("ends_at"),
                min_working_days=settings.get("notice_min_working_days", 7))
            uow.commit()
    except ValidationError as exc:
        with catalogue.sessions() as session:
            return render_template("operations/notices.html", notices=list_notices(session),
                                   now=catalogue.clock.now(), errors=exc.errors,
                                   form=request.form), 400
    flash(_("Đã đăng thông báo; thông báo hiển thị trên mọi trang từ bây giờ."))
    for warning in announced.warnings:
        flash(_("Cảnh báo: %(warning)s", warning=error_words(warning)))
    return redirect(url_for("ops_admin.notices"))


@bp.post("/notices/<notice_id>/<verb>")
@login_required
def change_notice(notice_id: str, verb: str) -> BaseResponse:
    actor = _sysadmin()
    if verb not in ("end", "withdraw"):
        abort(404)
    catalogue = catalogue_of()
    with catalogue.unit(f"user:{actor}") as uow:
        try:
            (end_notice if verb == "end" else withdraw_notice)(uow, notice_id)
        except NotFound:
            abort(404)
        uow.commit()
    return redirect(url_for("ops_admin.notices"))


@bp.get("/reports")
@login_required
def reports() -> tuple[str, int] | str:
    _sysadmin()
    catalogue = catalogue_of()
    label = request.args.get("period") or catalogue.clock.now().strftime("%Y-%m")
    try:
        period = parse_period(label)
    except ValidationError as exc:
        return render_template("operations/reports.html", report=None, period=label,
                               error=report_note(exc.errors["period"][0]), measures=MEASURES,
                               quality_measures=QUALITY_MEASURES), 400
    with catalogue.sessions() as session:
        report = build_report(session, period, now=catalogue.clock.now(),
                              site_url=catalogue.site_url)
    return render_template("operations/reports.html", report=report, period=period.label,
                           error=None, measures=MEASURES, quality_measures=QUALITY_MEASURES,
                           notes=[report_note(n) for n in report.notes])


@bp.get("/reports/<period>.<fmt>")
@login_required
def export_report(period: str, fmt: str) -> Response:
    _sysadmin()
    if fmt not in ("csv", "xlsx"):
        abort(404)
    try:
        chosen = parse_period(period)
    except ValidationError:
        abort(404)
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        report = build_report(session, chosen, now=catalogue.clock.now(),
                              site_url=catalogue.site_url)
    if fmt == "csv":
        return Response(report_csv(report), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=bao-cao-{chosen.label}.csv"})
    return Response(report_xlsx(report), headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f"attachment; filename=bao-cao-{chosen.label}.xlsx"})

"""The audit log for sysadmins: recent entries, chain check, CSV export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from catalogue import audit
from catalogue.audit.log import export_csv_text
from portal import csrf
from portal.auth import current_principal, login_required
from portal.catalogue_ext import catalogue_of

bp = csrf.protect(Blueprint("workspace_audit", __name__, url_prefix="/workspace/audit"))


def _sysadmin() -> None:
    if not current_principal().sysadmin:
        abort(403)


@bp.route("/")
@login_required
def index() -> str:
    _sysadmin()
    with catalogue_of().sessions() as session:
        target = request.args.get("target") or None
        return render_template("workspace/audit.html", entries=audit.recent(
            session, limit=200, target=target), check=audit.verify(session), target=target)


@bp.route("/export.csv")
@login_required
def export() -> Response:
    _sysadmin()
    with catalogue_of().sessions() as session:
        body = export_csv_text(session)
    # A byte order mark: Excel then reads the UTF-8 (Vietnamese names, details) as UTF-8.
    return Response("\ufeff" + body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=audit.csv"})

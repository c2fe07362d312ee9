"""Members of an agency: its admins add staff, change roles, lock and unlock accounts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalogue import audit
from catalogue.accounts import service as accounts
from catalogue.accounts.model import ROLES, User
from catalogue.errors import NotAuthorized, NotFound, ValidationError
from catalogue.organizations.service import get_organization
from portal import csrf
from portal.auth import current_principal, login_required, unit
from portal.catalogue_ext import catalogue_of

bp = csrf.protect(Blueprint("workspace_members", __name__, url_prefix="/workspace/org"))


def _manage(org_name: str) -> str:
    """The organization's id, if the current person may manage its members (else 403)."""
    with catalogue_of().sessions() as session:
        org = get_organization(session, org_name)
        if not current_principal().can("organization.manage", org.id):
            abort(403)
        return org.id


def _managed_user(uow: Any, org_id: str, name: str) -> User:
    """A member of ``org_id`` (admins act on their own agency's people only)."""
    user = accounts.get_user(uow.session, name)
    if not current_principal().sysadmin and org_id not in {
            m.organization_id for m in user.memberships} and user.organization_id != org_id:
        raise NotAuthorized("Access denied: not a member of this organization")
    return user


@bp.route("/<org_name>/members", methods=["GET"])
@login_required
def members(org_name: str, errors: dict[str, list[str]] | None = None,
            values: dict[str, str] | None = None) -> Any:
    org_id = _manage(org_name)
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        org = get_organization(session, org_id)
        people = accounts.list_users(session, org_id)
        rows = [{"user": u, "role": next((m.role for m in u.memberships
                                          if m.organization_id == org_id), "")}
                for u in people]
        history = audit.recent(session, limit=50, targets=[f"user:{u.name}" for u in people])
        return render_template("workspace/members.html", org=org, rows=rows, roles=ROLES,
                               errors=errors or {}, values=values or {},
                               history=history), 400 if errors else 200


@bp.route("/<org_name>/members", methods=["POST"])
@login_required
def add_member(org_name: str) -> Any:
    """Create an account for a new member with an initial password they must change."""
    org_id = _manage(org_name)
    form = {k: request.form.get(k, "") for k in ("name", "email", "full_name", "role")}
    try:
        with unit() as uow:
            accounts.create_user(uow, name=form["name"], email=form["email"],
                                 full_name=form["full_name"],
                                 password=request.form.get("password", ""),
                                 organization=org_id, role=form["role"] or None,
                                 by=current_principal())
            uow.commit()
    except ValidationError as exc:
        return members(org_name, errors=exc.errors, values=form)
    flash(_("Đã tạo tài khoản %(name)s; mật khẩu ban đầu phải được đổi khi đăng nhập.",
            name=form["name"]))
    return redirect(url_for("workspace_members.members", org_name=org_name))


@bp.route("/<org_name>/members/existing", methods=["POST"])
@login_required
def add_existing(org_name: str) -> Any:
    """Give an existing account a role here (a person moving agencies, or serving two)."""
    org_id = _manage(org_name)
    role = request.form.get("role") or "viewer"
    try:
        with unit() as uow:
            user = accounts.get_user(uow.session, request.form.get("login", ""))
            accounts.set_role(uow, user, org_id, role, by=current_principal())
            uow.commit()
            flash(_("Đã thêm %(name)s vào cơ quan.", name=user.name))
    except NotFound:
        return members(org_name, errors={"login": [_("Không có tài khoản này")]},
                       values={"login": request.form.get("login", "")})
    except ValidationError as exc:
        return members(org_name, errors=exc.errors)
    return redirect(url_for("workspace_members.members", org_name=org_name))


@bp.route("/<org_name>/members/<name>/role", methods=["POST"])
@login_required
def set_role(org_name: str, name: str) -> Response:
    org_id = _manage(org_name)
    role = request.form.get("role") or None
    with unit() as uow:
        user = _managed_user(uow, org_id, name)
        if user.id == current_principal().user_id and role != "admin":
            flash(_("Bạn không thể tự hạ quyền của mình."))
        else:
            accounts.set_role(uow, user, org_id, role, by=current_principal())
            uow.commit()
    return redirect(url_for("workspace_members.members", org_name=org_name))


@bp.route("/<org_name>/members/<name>/lock", methods=["POST"])
@login_required
def lock(org_name: str, name: str) -> Response:
    org_id = _manage(org_name)
    reason = request.form.get("reason", "")
    try:
        with unit() as uow:
            user = _managed_user(uow, org_id, name)
            if request.form.get("action") == "unlock":
                accounts.unlock_user(uow, user, reason)
            else:
                accounts.lock_user(uow, user, reason)
            uow.commit()
    except ValidationError:
        flash(_("Hãy ghi lý do."))
    return redirect(url_for("workspace_members.members", org_name=org_name))

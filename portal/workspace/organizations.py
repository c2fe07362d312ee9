"""Agencies on the web (issue 19): a sysadmin creates one at ``/organization/new``, its admins
edit it, and its logo is served from the file store.

Members are added on the agency's members page (``members``), where the new agency's
creator is sent next.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from catalogue.collation import vietnamese_key
from catalogue.errors import NotFound, ValidationError
from catalogue.files.store import check_key
from catalogue.organizations.model import Organization
from catalogue.organizations.service import (
    create_organization,
    get_organization,
    update_organization,
)
from portal import csrf
from portal.auth import current_principal, login_required, unit
from portal.catalogue_ext import catalogue_of

bp = csrf.protect(Blueprint("workspace_orgs", __name__))

FIELDS = ("name", "title", "title_en", "description", "email", "website", "parent")
LOGO_MAX_BYTES = 1 << 20
# Raster images only: an SVG logo could carry script into the portal's own origin.
LOGO_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg",
              b"GIF87a": "image/gif", b"GIF89a": "image/gif"}
LOGO_PATH = "/organization/{name}/logo/{key}"


def field_labels() -> dict[str, str]:
    return {"name": _("Tên đường dẫn"), "title": _("Tên cơ quan"),
            "title_en": _("Tên tiếng Anh"), "description": _("Giới thiệu"),
            "email": _("E-mail liên hệ"), "website": _("Trang web"),
            "parent": _("Cơ quan cấp trên"), "logo": _("Biểu trưng")}


def _messages(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The service's messages (English, as CKAN's API gives them) in the page's words."""
    known = {
        "Must be 2–100 characters: lowercase a-z, 0-9, - and _":
            _("Gồm 2–100 ký tự: chữ thường a-z, số 0-9, - và _"),
        "Missing value": _("Chưa điền"),
        "Group name already exists in database": _("Tên này đã có cơ quan khác dùng"),
        "Must be an e-mail address": _("Không phải địa chỉ e-mail"),
        "An organization cannot be its own parent": _("Cơ quan không thể là cấp trên của chính nó"),
    }
    return {f: [known.get(m, m) for m in msgs] for f, msgs in errors.items()}


def logo_type(data: bytes) -> str | None:
    """The image type of an uploaded logo, or None when it is not a PNG, JPEG or GIF."""
    return next((kind for magic, kind in LOGO_MAGIC.items() if data.startswith(magic)), None)


def _stored_logo(name: str) -> str | None:
    """Store the uploaded logo (if any) and return its URL path; ValidationError if unfit."""
    upload = request.files.get("logo")
    if upload is None or not upload.filename:
        return None
    data = upload.stream.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError({"logo": [_("Tệp lớn hơn 1 MB")]})
    if logo_type(data) is None:
        raise ValidationError({"logo": [_("Chỉ nhận ảnh PNG, JPEG hoặc GIF")]})
    stored = catalogue_of().files.put_bytes(data)
    return LOGO_PATH.format(name=name, key=stored.key)


def _form(org: Organization | None, values: dict[str, str],
          errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    with catalogue_of().sessions() as session:
        parents = [o for o in sorted(session.scalars(select(Organization).where(
            Organization.state == "active")), key=lambda o: vietnamese_key(o.title or o.name))
            if org is None or o.id != org.id]
        return render_template("workspace/organization_form.html", org=org, values=values,
                               errors=errors, labels=field_labels(), parents=parents), status


@bp.route("/organization/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    """A sysadmin creates an agency; then adds its members."""
    if not current_principal().sysadmin:
        abort(403)
    if request.method == "GET":
        return _form(None, {}, {})
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    try:
        data: dict[str, Any] = dict(values)
        logo = _stored_logo(values["name"])
        if logo:
            data["image_url"] = logo
        with unit() as uow:
            org = create_organization(uow, data)
            uow.commit()
            name = org.name
    except ValidationError as exc:
        return _form(None, values, _messages(exc.errors), 400)
    flash(_("Đã tạo cơ quan %(title)s. Thêm thành viên cho cơ quan.", title=values["title"]))
    return redirect(url_for("workspace_members.members", org_name=name))


@bp.route("/organization/<name>/edit", methods=["GET", "POST"])
@login_required
def edit(name: str) -> Any:
    """The agency's admins (and sysadmins) change its names, description and logo."""
    with catalogue_of().sessions() as session:
        try:
            org = get_organization(session, name)
        except NotFound:
            abort(404)
        parent = org.parent.name if org.parent else ""
    if not current_principal().can("organization.manage", org.id):
        abort(403)
    if request.method == "GET":
        values = {k: getattr(org, k, "") or "" for k in FIELDS if k != "parent"}
        return _form(org, {**values, "parent": parent}, {})
    values = {k: request.form.get(k, "").strip() for k in FIELDS if k != "name"}
    data: dict[str, Any] = dict(values)
    if not current_principal().sysadmin:
        data.pop("parent")  # moving an agency in the tree changes who administers it
    try:
        logo = _stored_logo(org.name)
        if logo:
            data["image_url"] = logo
        with unit() as uow:
            update_organization(uow, org.id, data)
            uow.commit()
    except ValidationError as exc:
        return _form(org, {**values, "name": org.name}, _messages(exc.errors), 400)
    flash(_("Đã lưu thông tin cơ quan."))
    return redirect(url_for("organizations.organization", name=org.name))


@bp.get("/organization/<name>/logo/<key>")
def logo(name: str, key: str) -> Response:
    """The agency's current logo (only the file its record names, never another stored file)."""
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        try:
            org = get_organization(session, name)
        except NotFound:
            abort(404)
    if org.image_url != LOGO_PATH.format(name=org.name, key=key):
        abort(404)
    try:
        with catalogue.files.open(check_key(key)) as fh:
            data = fh.read(LOGO_MAX_BYTES + 1)  # logos are refused above this on upload
    except (ValueError, FileNotFoundError):
        abort(404)
    response = Response(data, mimetype=logo_type(data) or "application/octet-stream")
    response.cache_control.public = True
    response.cache_control.max_age = 365 * 24 * 3600  # the URL names the content
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

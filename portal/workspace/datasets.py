"""Workspace dataset pages: create, edit, upload, submit for review, history and restore."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalogue.accounts.principal import Principal
from catalogue.datasets import service as datasets
from catalogue.datasets.model import Dataset
from catalogue.errors import NotAuthorized, NotFound, ValidationError
from catalogue.history.service import list_revisions
from catalogue.privacy.gate import is_hold
from catalogue.review import service as review
from catalogue.review.model import ReviewItem
from catalogue.review.restore import restore_version
from licenses import registry
from portal import csrf
from portal.auth import current_principal, login_required, unit
from portal.catalogue_ext import catalogue_of
from portal.error_words import errors_text
from portal.workspace import my_organizations
from portal.workspace.uploads import check_upload

bp = csrf.protect(Blueprint("workspace_datasets", __name__, url_prefix="/workspace/dataset"))
FORM_FIELDS = ("name", "title", "title_en", "notes", "notes_en", "owner_org", "license_id",
               "update_frequency", "spatial", "version", "maintainer", "maintainer_email")


def _form_data() -> dict[str, Any]:
    data: dict[str, Any] = {k: request.form[k] for k in FORM_FIELDS if k in request.form}
    if "tags" in request.form:
        data["tags"] = [t.strip() for t in request.form["tags"].split(",") if t.strip()]
    data["private"] = request.form.get("private") == "on"
    return data


def _readable(principal: Principal, ds: Dataset) -> None:
    """Workspace pages show a dataset only to members of its agency (404 otherwise)."""
    if not principal.can("dataset.read_private", ds.owner_org_id):
        raise NotFound(f"Dataset not found: {ds.name}")


def _form(template: str, *, ds: Dataset | None, values: dict[str, Any],
          errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    principal = current_principal()
    with catalogue_of().sessions() as session:
        orgs = my_organizations(session, principal, "dataset.create")
    return render_template(template, ds=ds, values=values, errors=errors, orgs=orgs,
                           licenses=registry()), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    if request.method == "GET":
        return _form("workspace/dataset_form.html", ds=None, values={}, errors={})
    data = _form_data()
    try:
        with unit() as uow:
            ds = review.create_draft(uow, current_principal(), data)
            uow.commit()
            name = ds.name
    except ValidationError as exc:
        return _form("workspace/dataset_form.html", ds=None, values=data, errors=exc.errors,
                     status=400)
    flash(_("Đã tạo bản nháp. Thêm tài nguyên rồi gửi duyệt."))
    return redirect(url_for("workspace_datasets.show", name=name))


@bp.route("/<name>")
@login_required
def show(name: str) -> str:
    principal = current_principal()
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        ds = datasets.get_dataset(session, name)
        _readable(principal, ds)
        items = review.pending_changes(session, ds.id)
        last_decision = session.query(ReviewItem).filter(
            ReviewItem.dataset_id == ds.id, ReviewItem.status == "rejected").order_by(
            ReviewItem.decided_at.desc()).first()
        admin = principal.can("dataset.publish", ds.owner_org_id)
        # The complete history (every field, every actor) is for the agency's admins.
        revisions = list_revisions(session, ds.id) if admin else []
        return render_template(
            "workspace/dataset.html", ds=ds, status=review.dataset_status(session, ds),
            labels=review.STATUS_LABELS, items=items, rejected=last_decision, admin=admin,
            editor=principal.can("dataset.update", ds.owner_org_id), revisions=revisions)


@bp.route("/<name>/edit", methods=["GET", "POST"])
@login_required
def edit(name: str) -> Any:
    principal = current_principal()
    with catalogue_of().sessions() as session:
        ds = datasets.get_dataset(session, name)
        _readable(principal, ds)
        if not principal.can("dataset.update", ds.owner_org_id):
            abort(403)
        values = {k: getattr(ds, k, "") for k in FORM_FIELDS if hasattr(ds, k)}
        values.update(owner_org=ds.owner_org_id, tags=", ".join(t.name for t in ds.tags),
                      private=ds.private)
    if request.method == "GET":
        return _form("workspace/dataset_form.html", ds=ds, values=values, errors={})
    data = _form_data()
    data.pop("name", None)
    try:
        with unit() as uow:
            result = review.edit_dataset(uow, principal, ds.id, data,
                                         message=request.form.get("message", ""))
            uow.commit()
    except ValidationError as exc:
        return _form("workspace/dataset_form.html", ds=ds, values={**values, **data},
                     errors=exc.errors, status=400)
    if isinstance(result, ReviewItem) and is_hold(result.message):
        flash(_("Chưa lưu: thay đổi sẽ công khai dữ liệu cá nhân; thay đổi chờ duyệt.") + "\n"
              + result.message)
    elif isinstance(result, ReviewItem):
        flash(_("Thay đổi đã được gửi duyệt; công chúng vẫn thấy phiên bản đã công bố."))
    else:
        flash(_("Đã lưu."))
    return redirect(url_for("workspace_datasets.show", name=name))


@bp.route("/<name>/resource", methods=["POST"])
@login_required
def upload(name: str) -> Response:
    """Upload a file: straight onto drafts (and for admins), as a pending change otherwise,
    held when it would publish personal data (the publishing gate decides, issue 15)."""
    principal = current_principal()
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        ds = datasets.get_dataset(session, name)
        _readable(principal, ds)
        if not principal.can("dataset.update", ds.owner_org_id):
            abort(403)
    try:
        checked = check_upload(catalogue, request.files.get("file"))
        report = dict(checked.validation_report)
        schema = report.pop("schema", None)
        fields = {"name": request.form.get("name", "") or checked.upload.filename,
                  "description": request.form.get("description", ""),
                  "format": checked.format, "validation_status": checked.validation_status,
                  "validation_report": report}
        if isinstance(schema, dict) and schema.get("fields"):
            # The inferred Table Schema on the resource, as the API stores it: the data
            # dictionary is written on its fields (issue 21).
            fields["schema"] = schema
        with unit() as uow:
            result = review.add_upload(uow, principal, datasets.get_dataset(uow.session, ds.id),
                                       fields, checked.upload, checked.personal_data)
            uow.commit()
        direct = not isinstance(result, ReviewItem)
    except ValidationError as exc:
        for message in errors_text(exc.errors):
            flash(message)
        return redirect(url_for("workspace_datasets.show", name=name))
    status = checked.validation_status
    checked_words = {"valid": _("hợp lệ"), "invalid": _("có lỗi"), "error": _("không đọc được")}
    flash(" ".join([_("Đã tải lên."),
                    _("Kiểm tra dữ liệu: %(result)s.", result=checked_words.get(status, status))
                    if status else "",
                    "" if direct else _("Chờ duyệt trước khi công bố.")]).strip())
    return redirect(url_for("workspace_datasets.show", name=name))


@bp.route("/<name>/submit", methods=["POST"])
@login_required
def submit(name: str) -> Response:
    with unit() as uow:
        review.submit(uow, current_principal(), name, message=request.form.get("message", ""))
        uow.commit()
    flash(_("Đã gửi duyệt."))
    return redirect(url_for("workspace_datasets.show", name=name))


@bp.route("/<name>/publish", methods=["POST"])
@login_required
def publish(name: str) -> Response:
    """An admin publishes a draft of their own agency at once (submit and approve)."""
    principal = current_principal()
    with unit() as uow:
        ds = datasets.get_dataset(uow.session, name)
        if not principal.can("dataset.publish", ds.owner_org_id):
            raise NotAuthorized("Access denied: only the agency's admins publish")
        bad = [r.name for r in ds.resources if r.validation_status in ("invalid", "error")]
        if bad and not request.form.get("confirm_invalid"):
            # As in the review queue: publishing failed checks is a decision (issue 19).
            flash(_("Chưa công bố: tệp %(files)s có lỗi. Xem lỗi, rồi đánh dấu “Tôi đã xem "
                    "các lỗi và vẫn công bố” nếu vẫn muốn công bố.", files=", ".join(bad)))
            return redirect(url_for("workspace_datasets.show", name=name))
        # Screened again: what a draft holds was never public (issue 9).
        result = review.publish_now(uow, principal, name)
        uow.commit()
        held = result.message if isinstance(result, ReviewItem) else ""
    flash(_("Chưa công bố: phát hiện dữ liệu cá nhân; bản nháp chờ duyệt.") + "\n" + held
          if held else _("Đã công bố."))
    return redirect(url_for("workspace_datasets.show", name=name))


@bp.route("/<name>/delete", methods=["POST"])
@login_required
def delete(name: str) -> Response:
    principal = current_principal()
    with unit() as uow:
        ds = datasets.get_dataset(uow.session, name)
        if not principal.can("dataset.delete", ds.owner_org_id):
            raise NotAuthorized("Access denied: only the agency's admins withdraw datasets")
        datasets.delete_dataset(uow, ds.id, message=request.form.get("message", ""))
        uow.commit()
    flash(_("Đã rút bộ dữ liệu."))
    return redirect(url_for("workspace.dashboard"))


@bp.route("/<name>/restore/<int:number>", methods=["POST"])
@login_required
def restore(name: str, number: int) -> Response:
    with unit() as uow:
        result = restore_version(uow, current_principal(), name, number)
        uow.commit()
        held = result.message if isinstance(result, ReviewItem) else ""
    if held:
        flash(_("Chưa khôi phục phiên bản %(number)s: phát hiện dữ liệu cá nhân; thay đổi chờ "
                "duyệt.", number=number) + "\n" + held)
    else:
        flash(_("Đã khôi phục phiên bản %(number)s (thành một phiên bản mới).", number=number))
    return redirect(url_for("workspace_datasets.show", name=name))

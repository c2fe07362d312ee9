"""The review queue: pending items of the admin's agencies, each with its diff."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalogue.datasets.service import get_dataset
from catalogue.errors import ValidationError
from catalogue.privacy.gate import is_hold
from catalogue.privacy.hold import release as release_hold
from catalogue.review import service as review
from catalogue.review.model import ReviewItem
from harvesters.rights import HELD_PREFIX
from portal import csrf
from portal.auth import current_principal, login_required, unit
from portal.catalogue_ext import catalogue_of

bp = csrf.protect(Blueprint("workspace_review", __name__, url_prefix="/workspace/review"))


@bp.route("/")
@login_required
def queue() -> str:
    principal = current_principal()
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        entries = []
        for item in review.queue(session, principal):
            ds = get_dataset(session, item.dataset_id)
            entries.append({"item": item, "dataset": ds, "held": is_hold(item.message),
                            # licence or access rights unclear (issue 16)
                            "harvest_hold": (item.message or "").startswith(HELD_PREFIX),
                            "diff": review.item_diff(catalogue, item)})
        return render_template("workspace/review.html", entries=entries)


@bp.route("/<item_id>/approve", methods=["POST"])
@login_required
def approve(item_id: str) -> Response:
    with unit() as uow:
        # Screened as it stands: personal data keeps it in the queue, held (issue 9).
        result = review.approve_or_hold(uow, current_principal(), item_id,
                                        comment=request.form.get("comment", ""))
        uow.commit()
        if isinstance(result, ReviewItem):
            flash(_("Chưa công bố: phát hiện dữ liệu cá nhân. Trả lại để sửa, hoặc công bố "
                    "kèm lý do hợp pháp.") + "\n" + result.message)
        else:
            flash(f"Đã duyệt: {result.title or result.name}.")
    return redirect(url_for("workspace_review.queue"))


@bp.route("/<item_id>/release", methods=["POST"])
@login_required
def release(item_id: str) -> Response:
    """Publish held personal data anyway, with the justification the audit log keeps."""
    try:
        with unit() as uow:
            ds = release_hold(uow, current_principal(), item_id,
                              justification=request.form.get("justification", ""))
            uow.commit()
        flash(_("Đã công bố kèm lý do: %(title)s.", title=ds.title or ds.name))
    except ValidationError:
        flash(_("Hãy nêu lý do công bố dữ liệu cá nhân là hợp pháp (ít nhất 20 ký tự)."))
    return redirect(url_for("workspace_review.queue"))


@bp.route("/<item_id>/reject", methods=["POST"])
@login_required
def reject(item_id: str) -> Response:
    try:
        with unit() as uow:
            review.reject(uow, current_principal(), item_id,
                          comment=request.form.get("comment", ""))
            uow.commit()
        flash("Đã trả lại kèm nhận xét.")
    except ValidationError:
        flash("Hãy ghi nhận xét: cần sửa gì.")
    return redirect(url_for("workspace_review.queue"))


@bp.route("/<item_id>/withdraw", methods=["POST"])
@login_required
def withdraw(item_id: str) -> Response:
    with unit() as uow:
        item = review.withdraw(uow, current_principal(), item_id)
        uow.commit()
        name = get_dataset(uow.session, item.dataset_id).name
    flash("Đã rút yêu cầu duyệt.")
    return redirect(url_for("workspace_datasets.show", name=name))

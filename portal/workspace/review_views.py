"""The review queue: pending items of the admin's agencies, each with its diff."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalogue.datasets.model import Dataset
from catalogue.datasets.service import get_dataset
from catalogue.errors import ValidationError
from catalogue.privacy.gate import is_hold
from catalogue.privacy.hold import release as release_hold
from catalogue.publishing.gate import SOURCE_HOLD_PREFIX
from catalogue.review import service as review
from catalogue.review.model import ReviewItem
from portal import csrf
from portal.auth import current_principal, login_required, unit
from portal.catalogue_ext import catalogue_of
from portal.change_words import describe

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
            diff = review.item_diff(catalogue, item)
            entries.append({"item": item, "dataset": ds, "held": is_hold(item.message),
                            # licence or access rights unclear (issue 16)
                            "harvest_hold": "\n" + SOURCE_HOLD_PREFIX in "\n" + (item.message
                                                                               or ""),
                            "diff": diff, "rows": describe(diff, _snapshot(ds, item)),
                            "invalid": invalid_files(ds, item),
                            "doubtful": doubtful_files(ds, item)})
        return render_template("workspace/review.html", entries=entries)


def _snapshot(ds: Dataset, item: ReviewItem) -> dict[str, Any]:
    """Enough of the package to name the files a diff mentions."""
    proposed = (item.proposed or {}).get("resources") or []
    return {"resources": [{"id": r.id, "name": r.name} for r in ds.resources]
            + [r for r in proposed if isinstance(r, dict)]}


def _files(ds: Dataset, item: ReviewItem) -> list[dict[str, Any]]:
    """The files the dataset would have once the item is approved, as dicts."""
    proposed = dict(item.proposed or {})
    files: list[dict[str, Any]] = (
        [r for r in proposed["resources"] if isinstance(r, dict)] if "resources" in proposed
        else [{"name": r.name, "validation_status": r.validation_status,
               "validation_report": r.validation_report} for r in ds.resources])
    return files + [r for r in proposed.get("resources_add", []) if isinstance(r, dict)]


def invalid_files(ds: Dataset, item: ReviewItem) -> list[str]:
    """Names of the files that failed validation: publishing them needs a confirmation."""
    return [str(r.get("name") or r.get("url") or "?") for r in _files(ds, item)
            if r.get("validation_status") in ("invalid", "error")]


def doubtful_files(ds: Dataset, item: ReviewItem) -> list[str]:
    """Names of the files with cells that look wrong (column warnings, issue 19)."""
    return [str(r.get("name") or r.get("url") or "?") for r in _files(ds, item)
            if (r.get("validation_report") or {}).get("column_warnings")]


@bp.route("/<item_id>/approve", methods=["POST"])
@login_required
def approve(item_id: str) -> Response:
    if not request.form.get("confirm_invalid"):
        with catalogue_of().sessions() as session:
            item = session.get(ReviewItem, item_id)
            bad = invalid_files(get_dataset(session, item.dataset_id), item) if item else []
        if bad:
            # Publishing data that failed its checks is a decision, not a slip (issue 19).
            flash(_("Chưa công bố: tệp %(files)s có lỗi. Xem lỗi, rồi đánh dấu “Tôi đã xem "
                    "các lỗi và vẫn công bố” nếu vẫn muốn công bố.", files=", ".join(bad)))
            return redirect(url_for("workspace_review.queue", _anchor=f"item-{item_id}"))
    with unit() as uow:
        # Screened as it stands: personal data keeps it in the queue, held (issue 9).
        result = review.approve_or_hold(uow, current_principal(), item_id,
                                        comment=request.form.get("comment", ""))
        uow.commit()
        if isinstance(result, ReviewItem):
            flash(_("Chưa công bố: phát hiện dữ liệu cá nhân. Trả lại để sửa, hoặc công bố "
                    "kèm lý do hợp pháp.") + "\n" + result.message)
        else:
            flash(_("Đã duyệt: %(title)s.", title=result.title or result.name))
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
        flash(_("Đã trả lại kèm nhận xét."))
    except ValidationError:
        flash(_("Hãy ghi nhận xét: cần sửa gì."))
    return redirect(url_for("workspace_review.queue"))


@bp.route("/<item_id>/withdraw", methods=["POST"])
@login_required
def withdraw(item_id: str) -> Response:
    with unit() as uow:
        item = review.withdraw(uow, current_principal(), item_id)
        uow.commit()
        name = get_dataset(uow.session, item.dataset_id).name
    flash(_("Đã rút yêu cầu duyệt."))
    return redirect(url_for("workspace_datasets.show", name=name))

"""Workspace page where agency officers describe a table's columns (issue 21 item 5).

One form per resource: for each column its label in Vietnamese and English, a description
and a unit. Saving goes through :func:`catalogue.dictionary.service.edit_dictionary`, so the
publishing gate decides whether it applies now or waits for review.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.datasets import service as datasets
from catalogue.dictionary import DICTIONARY_KEYS, ColumnEntry, entries_of
from catalogue.dictionary.service import edit_dictionary
from catalogue.errors import NotFound, ValidationError
from catalogue.privacy.gate import is_hold
from catalogue.review.model import ReviewItem
from portal import csrf
from portal.auth import current_principal, login_required, unit
from portal.catalogue_ext import catalogue_of

bp = csrf.protect(Blueprint("workspace_dictionary", __name__,
                            url_prefix="/workspace/dataset"))


def _columns_from_form(entries: list[ColumnEntry]) -> dict[str, dict[str, str]]:
    """What the form changes, by column name. Its fields are ``<key>-<n>`` (a column's name
    may hold any character, a form field's name should not) with ``column-<n>`` naming the
    column, so a form opened before a new file reordered the columns still describes the
    columns it showed; a key the form did not send is left as it is."""
    by_name = {entry.name: entry for entry in entries}
    columns: dict[str, dict[str, str]] = {}
    index = 0
    while f"column-{index}" in request.form:
        entry = by_name.get(request.form[f"column-{index}"])
        if entry is not None:
            texts = {key: request.form[f"{key}-{index}"] for key in DICTIONARY_KEYS
                     if f"{key}-{index}" in request.form}
            changed = {key: text for key, text in texts.items()
                       if text.strip() != str(getattr(entry, key))}
            if changed:
                columns[entry.name] = changed
        index += 1
    return columns


@bp.route("/<name>/resource/<resource_id>/dictionary", methods=["GET", "POST"])
@login_required
def edit(name: str, resource_id: str) -> Any:
    """The dictionary form of one resource; saving applies or queues the change."""
    principal = current_principal()
    with catalogue_of().sessions() as session:
        ds = datasets.get_dataset(session, name)
        if not principal.can("dataset.read_private", ds.owner_org_id):
            raise NotFound(f"Dataset not found: {name}")
        if not principal.can("dataset.update", ds.owner_org_id):
            abort(403)
        res = next((r for r in ds.resources if r.id == resource_id), None)
        if res is None:
            abort(404)
        entries = entries_of(res.schema)
        context = {"ds": ds, "res": res, "entries": entries, "errors": {}}
        if request.method == "GET":
            return render_template("workspace/dictionary.html", **context)
        columns = _columns_from_form(entries)
        if not columns:
            flash(_("Không có gì thay đổi."))
            return redirect(url_for("workspace_datasets.show", name=ds.name))
        dataset_id = ds.id
        try:
            with unit() as uow:
                result = edit_dictionary(uow, principal, dataset_id, resource_id, columns,
                                         message=request.form.get("message", ""))
                uow.commit()
        except ValidationError as exc:
            return render_template("workspace/dictionary.html",
                                   **{**context, "errors": exc.errors}), 400
    if isinstance(result, ReviewItem) and is_hold(result.message):
        flash(_("Chưa lưu: thay đổi sẽ công khai dữ liệu cá nhân; thay đổi chờ duyệt.") + "\n"
              + result.message)
    elif isinstance(result, ReviewItem):
        flash(_("Thay đổi đã được gửi duyệt; công chúng vẫn thấy phiên bản đã công bố."))
    else:
        flash(_("Đã lưu từ điển dữ liệu."))
    return redirect(url_for("workspace_datasets.show", name=name))

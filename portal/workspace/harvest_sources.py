"""Harvest sources on the web (issue 19): an agency's admins add, test, edit, schedule and
remove the systems its data is harvested from.

Sources are kept in the database and checked by the same code as ``harvest.toml`` (which keeps
working: its sources are listed read-only). "Kiểm tra" checks the form and previews the first
records without writing anything; "Lưu" stores the source, and the scheduler (``dulieumo
schedule``) runs it by its schedule from then on.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalogue.errors import NotFound, ValidationError
from catalogue.harvest.sources import delete_source, get_source, save_source, source_tables
from catalogue.home import Home
from catalogue.organizations.model import Organization
from harvesters.config import DATABASE, SourceConfig, source_from_table
from harvesters.jobs import catalogue_problems, load_setup
from harvesters.preview import PreviewReport, preview_source
from harvesters.registry import harvester_types
from licenses import registry as license_registry
from portal import csrf
from portal.auth import current_principal, login_required, unit
from portal.catalogue_ext import catalogue_of
from portal.workspace import source_form
from portal.workspace.agency import agency_or_403

bp = csrf.protect(Blueprint("workspace_sources", __name__, url_prefix="/workspace/org"))
PREVIEW_RECORDS = 5


def _file_source_names() -> frozenset[str]:
    home: Home = current_app.config["DULIEUMO_HOME"]
    return frozenset(s.name for s in load_setup(home.root).sources)


def _check(table: dict[str, Any], errors: dict[str, list[str]]
           ) -> SourceConfig | None:
    """The source the table describes, checked as a config file's would be; problems go to
    ``errors`` under the form's fields."""
    label = f"'{table.get('name', '?')}'"
    source, problems = source_from_table(table, DATABASE, harvester_types(), label)
    if source is not None:
        problems += catalogue_problems(catalogue_of(), [source])
    for problem in problems:
        errors.setdefault(source_form.problem_field(problem.key), []).append(problem.message)
    return source if not errors else None


def _render(org: Organization, values: dict[str, str], errors: dict[str, list[str]], *,
            editing: str | None = None, preview: PreviewReport | None = None,
            status: int = 200) -> tuple[str, int]:
    types = harvester_types()
    return render_template(
        "workspace/harvest_source_form.html", org=org, values=values, errors=errors,
        labels=source_form.labels(), types=sorted(types), editing=editing, preview=preview,
        schedules=source_form.SCHEDULES, licenses=license_registry(),
        sysadmin=current_principal().sysadmin), status


def _submitted(org: Organization, editing: str | None) -> Any:
    """Check (and with "Kiểm tra", preview) or save the posted form."""
    form = {k: request.form.get(k, "") for k in (*source_form.FIELDS, *source_form.CHECKBOXES)}
    if editing:
        form["name"] = editing  # the name is the harvested datasets' link to their source
    harvester = harvester_types().get(form["type"])
    table, errors = source_form.to_table(form, org.name,
                                         harvester.locations if harvester else ())
    location = form["location"].strip()
    if harvester and location and not current_principal().sysadmin and \
            source_form.server_side(source_form.location_key(harvester.locations, location),
                                    location):
        # A folder, file:// or DSN would let an agency read what the server can read.
        errors.setdefault("location", []).append(_(
            "Chỉ quản trị hệ thống được dùng thư mục trên máy chủ, địa chỉ file:// hay kết nối "
            "cơ sở dữ liệu; hãy dùng một địa chỉ http(s)://"))
    taken = _file_source_names()
    if table["name"] in taken and table["name"] != editing:
        errors.setdefault("name", []).append(_("Tên này đã có trong tệp cấu hình harvest.toml"))
    source = _check(table, errors) if not errors else None
    if source is None:
        return _render(org, form, errors, editing=editing, status=400)
    if request.form.get("action") == "test":
        report = preview_source(catalogue_of(), source, harvester_types(),
                                limit=PREVIEW_RECORDS)
        return _render(org, form, {}, editing=editing, preview=report)
    try:
        with unit() as uow:
            save_source(uow, table, by=current_principal().name, replacing=editing,
                        taken=taken)
            uow.commit()
    except ValidationError as exc:
        return _render(org, form, {"name": [_("Tên này đã được một nguồn khác dùng")]}
                       if "name" in exc.errors else exc.errors, editing=editing, status=400)
    flash(_("Đã lưu nguồn %(name)s.", name=table["name"]))
    return redirect(url_for("workspace_agency.harvest", org_name=org.name,
                            _anchor=f"source-{table['name']}"))


@bp.route("/<org_name>/harvest/new", methods=["GET", "POST"])
@login_required
def new(org_name: str) -> Any:
    org = agency_or_403(org_name, "harvest.manage")
    if request.method == "POST":
        return _submitted(org, None)
    return _render(org, {"schedule": "daily", "publish": "review"}, {})


def _stored(org: Organization, source_name: str) -> dict[str, Any]:
    """A stored source of ``org`` as its table (404 for another agency's or a file's)."""
    with catalogue_of().sessions() as session:
        try:
            found = get_source(session, source_name)
        except NotFound:
            abort(404)
        if found.organization_id != org.id:
            abort(404)
        return next(t for t in source_tables(session) if t["name"] == source_name)


@bp.route("/<org_name>/harvest/<source_name>/edit", methods=["GET", "POST"])
@login_required
def edit(org_name: str, source_name: str) -> Any:
    org = agency_or_403(org_name, "harvest.manage")
    table = _stored(org, source_name)
    if request.method == "POST":
        return _submitted(org, source_name)
    return _render(org, source_form.to_form(table), {}, editing=source_name)


@bp.route("/<org_name>/harvest/<source_name>/delete", methods=["POST"])
@login_required
def delete(org_name: str, source_name: str) -> Response:
    """Stop harvesting a stored source; what it published stays."""
    org = agency_or_403(org_name, "harvest.manage")
    _stored(org, source_name)
    with unit() as uow:
        delete_source(uow, source_name)
        uow.commit()
    flash(_("Đã xóa nguồn %(name)s; các bộ dữ liệu đã thu thập vẫn giữ nguyên.",
            name=source_name))
    return redirect(url_for("workspace_agency.harvest", org_name=org.name))

"""An agency's harvest sources (config, run now, job reports) and its public queues
(problem reports and data requests, answered with replies the public sees)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from catalogue import audit
from catalogue.datastore.jobs import failures_for_job
from catalogue.errors import NotFound, ValidationError
from catalogue.feedback import service as feedback
from catalogue.feedback.model import STATUSES, DataRequest, ProblemReport
from catalogue.harvest.service import (
    files_with_problems,
    get_job,
    job_dict,
    list_jobs,
    waiting_review,
)
from catalogue.home import Home
from catalogue.organizations.model import Organization
from catalogue.organizations.service import get_organization
from catalogue.quality.agency import score_published, summarise
from harvesters.config import DATABASE
from portal import csrf
from portal.auth import current_principal, login_required, unit
from portal.catalogue_ext import catalogue_of, datastore_of
from portal.error_words import errors_text
from portal.quality_bands import quality_band_labels

bp = csrf.protect(Blueprint("workspace_agency", __name__, url_prefix="/workspace/org"))
# user:password@ in a DSN or URL is never shown, even to the agency's admins.
CREDENTIALS = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def agency_or_403(org_name: str, permission: str) -> Organization:
    """The agency named, if the current person holds ``permission`` there (else 403)."""
    with catalogue_of().sessions() as session:
        org = get_organization(session, org_name)
    if not current_principal().can(permission, org.id):
        abort(403)
    return org


def _sources(org: Organization) -> tuple[Any, list[Any]]:
    from harvesters.jobs import load_setup

    home: Home = current_app.config["DULIEUMO_HOME"]
    setup = load_setup(home.root, catalogue_of())  # the config files' and the web's sources
    return setup, [s for s in setup.sources if s.organization == org.name]


def masked(location: str) -> str:
    return CREDENTIALS.sub(r"\1***@", location)


@bp.route("/<org_name>/quality")
@login_required
def quality(org_name: str) -> str:
    """Every published dataset of the agency by score, lowest first, with what to fix;
    overdue ones flagged (issue 9)."""
    org = agency_or_403(org_name, "dataset.read_private")
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        scored = score_published(session, catalogue.site_url, catalogue.clock.now(),
                                 org_ids=[org.id])
    summary = summarise(scored, lowest=len(scored))
    return render_template("workspace/quality.html", org=org, q=summary,
                           band_labels=quality_band_labels())


@bp.route("/<org_name>/harvest")
@login_required
def harvest(org_name: str) -> str:
    org = agency_or_403(org_name, "harvest.manage")
    _, sources = _sources(org)
    with catalogue_of().sessions() as session:
        jobs = {s.name: list_jobs(session, s.name, 10) for s in sources}
        return render_template("workspace/harvest.html", org=org, sources=sources, jobs=jobs,
                               masked=masked, database=DATABASE)


@bp.route("/<org_name>/harvest/<source_name>/run", methods=["POST"])
@login_required
def harvest_run(org_name: str, source_name: str) -> Response:
    """Run a source now, in this request (sources are per agency and bounded by limits)."""
    from harvesters.lock import SourceBusy
    from harvesters.runner import run_source

    org = agency_or_403(org_name, "harvest.manage")
    setup, sources = _sources(org)
    source = next((s for s in sources if s.name == source_name), None)
    if source is None:
        abort(404)
    home: Home = current_app.config["DULIEUMO_HOME"]
    with unit() as uow:
        audit.record_unit(uow, "harvest.run", f"harvest:{source.name}", {"by": "workspace"})
        uow.commit()
    try:
        summary = run_source(catalogue_of(), source, setup.types, home.root / "harvest-locks")
    except SourceBusy:
        flash(_("%(name)s đang chạy; thử lại sau.", name=source.name))
        return redirect(url_for("workspace_agency.harvest", org_name=org_name))
    # The job's report says what happened: what waits for review, which files have errors.
    return redirect(url_for("workspace_agency.harvest_job", org_name=org_name,
                            job_id=summary.job_id))


@bp.route("/<org_name>/harvest/job/<job_id>")
@login_required
def harvest_job(org_name: str, job_id: str) -> str:
    org = agency_or_403(org_name, "harvest.manage")
    _, sources = _sources(org)
    with catalogue_of().sessions() as session:
        job = get_job(session, job_id)
        if job.source not in {s.name for s in sources}:
            raise NotFound(f"Job not found: {job_id}")
        return render_template("workspace/harvest_job.html", org=org,
                               job=job_dict(job, with_objects=True),
                               waiting=waiting_review(session, job),
                               problems=files_with_problems(session, job),
                               not_loaded=failures_for_job(datastore_of().store, session,
                                                           job.id))


@bp.route("/<org_name>/feedback")
@login_required
def queues(org_name: str) -> str:
    org = agency_or_403(org_name, "dataset.update")
    with catalogue_of().sessions() as session:
        reports = feedback.agency_queue(session, org.id)
        requests = list(session.scalars(select(DataRequest).where(
            DataRequest.organization_id == org.id).order_by(DataRequest.created_at.desc())
            .limit(100)))
        return render_template("workspace/feedback.html", org=org, reports=reports,
                               requests=requests, statuses=STATUSES)


@bp.route("/<org_name>/feedback/<kind>/<item_id>", methods=["POST"])
@login_required
def reply(org_name: str, kind: str, item_id: str) -> Response:
    """Set the status and the public reply of a problem report or a data request."""
    org = agency_or_403(org_name, "dataset.update")
    status, response = request.form.get("status", ""), request.form.get("response", "")
    try:
        with unit() as uow:
            if kind == "report":
                report = uow.session.get(ProblemReport, item_id)
                if report is None or report.organization_id != org.id:
                    abort(404)
                feedback.update_report_status(uow, item_id, status, response)
            elif kind == "request":
                found = uow.session.get(DataRequest, item_id)
                if found is None or found.organization_id != org.id:
                    abort(404)
                feedback.update_request_status(uow, item_id, status, response,
                                               request.form.get("dataset_name") or None)
            else:
                abort(404)
            audit.record_unit(uow, f"feedback.{kind}_reply", f"{kind}:{item_id}",
                              {"status": status})
            uow.commit()
        flash(_("Đã cập nhật; người dân thấy câu trả lời."))
    except ValidationError as exc:
        for message in errors_text(exc.errors):
            flash(message)
    return redirect(url_for("workspace_agency.queues", org_name=org_name))

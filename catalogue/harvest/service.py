"""Reading harvest jobs: the list, the last run of a source, a job's full report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from catalogue.database import to_iso
from catalogue.errors import NotFound
from catalogue.harvest.model import HarvestJob, HarvestObject


def list_jobs(session: Session, source: str | None = None, limit: int = 50) -> list[HarvestJob]:
    """Newest first."""
    query = select(HarvestJob).order_by(HarvestJob.started.desc(), HarvestJob.id).limit(limit)
    if source:
        query = query.where(HarvestJob.source == source)
    return list(session.scalars(query))


def last_started(session: Session) -> dict[str, datetime]:
    """When each source's latest job started (for the scheduler)."""
    rows = session.execute(select(HarvestJob.source, func.max(HarvestJob.started)).group_by(
        HarvestJob.source))
    return {source: started for source, started in rows}


def get_job(session: Session, job_id: str) -> HarvestJob:
    """A job by id or unique id prefix."""
    job = session.get(HarvestJob, job_id)
    if job is None and len(job_id) >= 4:
        matches = list(session.scalars(select(HarvestJob).where(
            HarvestJob.id.startswith(job_id)).limit(2)))
        job = matches[0] if len(matches) == 1 else None
    if job is None:
        raise NotFound(f"Harvest job not found: {job_id}")
    return job


def job_dict(job: HarvestJob, *, with_objects: bool = False) -> dict[str, Any]:
    """A job as JSON: counts, attention, and every failed, held, skipped and withdrawn record
    with its stage and reason."""
    data: dict[str, Any] = {
        "id": job.id, "source": job.source, "source_type": job.source_type,
        "status": job.status, "started": to_iso(job.started), "finished": to_iso(job.finished),
        "counts": job.counts, "attention": job.attention, "message": job.message,
        "stats": job.stats,
    }
    session = Session.object_session(job)
    if session is not None:
        failures = list(session.scalars(select(HarvestObject).where(
            HarvestObject.job_id == job.id,
            or_(HarvestObject.outcome.in_(("failed", "held", "skipped", "withdrawn")),
                HarvestObject.stage == "validate")).order_by(HarvestObject.position)))
        data["failures"] = [_object_dict(o) for o in failures if o.outcome == "failed"]
        # Waiting in the review queue, with why (issue 16): never counted as unchanged.
        data["held"] = [_object_dict(o) for o in failures if o.outcome == "held"]
        # Published with data failing validation: which checks, in Vietnamese.
        data["invalid"] = [_object_dict(o) for o in failures if o.stage == "validate"
                           and o.outcome in ("new", "updated")]
        data["skipped"] = [_object_dict(o) for o in failures if o.outcome == "skipped"]
        data["withdrawn"] = [_object_dict(o) for o in failures if o.outcome == "withdrawn"]
    if with_objects:
        data["objects"] = [_object_dict(o) for o in job.objects]
    return data


def _object_dict(obj: HarvestObject) -> dict[str, Any]:
    return {"identifier": obj.identifier, "dataset_id": obj.dataset_id, "outcome": obj.outcome,
            "stage": obj.stage, "reason": obj.reason, "log": obj.log}


def waiting_review(session: Session, job: HarvestJob) -> list[dict[str, str]]:
    """The datasets this job sent for review that still wait, so the officer who ran it is
    told where to go next (issue 19): items it submitted, and earlier items of the source
    whose draft it updated (a re-run updates a waiting draft in place)."""
    from catalogue.datasets.model import Dataset
    from catalogue.review.model import ReviewItem

    written = select(HarvestObject.dataset_id).where(
        HarvestObject.job_id == job.id, HarvestObject.outcome.in_(("new", "updated")))
    during = ReviewItem.submitted_at >= job.started
    if job.finished is not None:
        during = during & (ReviewItem.submitted_at <= job.finished)
    query = (select(ReviewItem.id, Dataset.name, Dataset.title)
             .join(Dataset, Dataset.id == ReviewItem.dataset_id)
             .where(ReviewItem.source == f"harvest:{job.source}",
                    ReviewItem.status == "submitted",
                    during | ReviewItem.dataset_id.in_(written))
             .order_by(Dataset.title))
    return [{"item_id": item_id, "name": name, "title": title}
            for item_id, name, title in session.execute(query)]


def files_with_problems(session: Session, job: HarvestJob) -> list[dict[str, Any]]:
    """Each file the job wrote that failed validation or drew warnings, with its report."""
    from catalogue.datasets.model import Dataset, Resource

    ids = session.scalars(select(HarvestObject.dataset_id).where(
        HarvestObject.job_id == job.id, HarvestObject.outcome.in_(("new", "updated")),
        HarvestObject.dataset_id.is_not(None)))
    rows = session.execute(select(Dataset.name, Dataset.title, Resource).join(
        Resource, Resource.dataset_id == Dataset.id).where(Dataset.id.in_(list(ids)))
        .order_by(Dataset.title, Resource.position))
    found = []
    for name, title, resource in rows:
        report = resource.validation_report or {}
        if resource.validation_status in ("invalid", "error") or report.get("column_warnings"):
            found.append({"dataset": name, "title": title, "resource": resource.name,
                          "resource_id": resource.id, "status": resource.validation_status,
                          "report": report, "schema": resource.schema or {}})
    return found

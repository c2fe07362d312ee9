"""Agencies (organizations) and sectors (groups): lists, and a page each with its datasets."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.datasets.model import Dataset, dataset_group
from catalogue.errors import NotFound
from catalogue.groups.service import get_group
from catalogue.organizations.model import Organization
from catalogue.organizations.service import get_organization
from catalogue.quality.agency import QualityBlock, score_published, summarise
from portal.pages import counts
from portal.pages.public import catalogue, public_datasets, reading

bp = Blueprint("organizations", __name__)
PAGE_SIZE = 20


def _page() -> int:
    try:
        return max(1, min(1000, int(request.args.get("page", "1"))))
    except ValueError:
        return 1


def _datasets(session: Session, query: Any, page: int) -> tuple[int, list[Dataset]]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Dataset.metadata_modified.desc())
                           .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return total, list(rows)


@bp.get("/organization")
def organizations() -> str:
    with reading() as session:
        # A new agency shows at once, before it has any dataset (issue 19).
        stamp = (counts.catalogue_stamp(session), session.execute(
            select(func.count(), func.max(Organization.created))).one())
        agencies = counts.cached("agencies_all", stamp, lambda: [
            (o.name, o.title, o.title_en, o.description, n)
            for o, n in counts.agency_counts(session)])
        return render_template("organizations.html", agencies=agencies)


@bp.get("/organization/<name>")
def organization(name: str) -> str:
    page = _page()
    with reading() as session:
        try:
            org = get_organization(session, name)
        except NotFound:
            abort(404)
        if org.state != "active":
            abort(404)
        total, datasets = _datasets(
            session, public_datasets(select(Dataset).where(Dataset.owner_org_id == org.id)), page)
        return render_template("organization.html", org=org, total=total, datasets=datasets,
                               page=page, pages=max(1, -(-total // PAGE_SIZE)),
                               quality=_public_quality(session, org.id))


def _public_quality(session: Session, org_id: str) -> QualityBlock:
    """The agency's average quality over its open data (issue 9), cached until the catalogue
    changes or the day turns (overdue datasets lose points as time passes)."""
    now = catalogue().clock.now()
    stamp = (counts.catalogue_stamp(session), now.date())
    return counts.cached(f"quality:{org_id}", stamp, lambda: summarise(score_published(
        session, catalogue().site_url, now, org_ids=[org_id], public_only=True)))


@bp.get("/group")
def groups() -> str:
    with reading() as session:
        stamp = counts.catalogue_stamp(session)
        sectors = counts.cached("sectors_all", stamp, lambda: [
            (g.name, g.title, g.title_en, g.description, n)
            for g, n in counts.sector_counts(session) if n])  # empty sectors hidden (issue 19)
        return render_template("groups.html", sectors=sectors)


@bp.get("/group/<name>")
def group(name: str) -> str:
    page = _page()
    with reading() as session:
        try:
            grp = get_group(session, name)
        except NotFound:
            abort(404)
        if grp.state != "active":
            abort(404)
        query = public_datasets(select(Dataset).join(
            dataset_group, dataset_group.c.dataset_id == Dataset.id).where(
            dataset_group.c.group_id == grp.id))
        total, datasets = _datasets(session, query, page)
        return render_template("group.html", group=grp, total=total, datasets=datasets,
                               page=page, pages=max(1, -(-total // PAGE_SIZE)))

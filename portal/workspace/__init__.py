"""The agency workspace: pages behind log-in where staff manage their agency's data.

Dashboard, dataset forms and uploads (``datasets``), the review queue (``review_views``),
members (``members``), harvest sources and public queues (``agency``) and the audit log
(``audit_views``). Every form is CSRF-protected and every
change goes through the catalogue's services, as the principal's roles allow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, render_template, send_from_directory
from sqlalchemy import func, select

from catalogue.accounts.principal import Principal
from catalogue.collation import vietnamese_key
from catalogue.datasets.model import Dataset
from catalogue.organizations.model import Organization
from catalogue.quality.agency import score_published, summarise_by
from catalogue.review import service as review
from catalogue.review.model import ReviewItem
from portal import csrf
from portal.auth import current_principal, login_required
from portal.catalogue_ext import catalogue_of
from portal.quality_bands import quality_band_labels

bp = csrf.protect(Blueprint("workspace", __name__, url_prefix="/workspace"))


def my_organizations(session: Any, principal: Principal,
                     permission: str = "dataset.read_private") -> list[Organization]:
    """The agencies whose workspace ``principal`` may open (every one for a sysadmin)."""
    query = select(Organization).where(Organization.state == "active")
    if not principal.sysadmin:
        query = query.where(Organization.id.in_(
            [o for o in principal.roles if principal.can(permission, o)]))
    return sorted(session.scalars(query), key=lambda o: vietnamese_key(o.title or o.name))


@bp.route("/")
@login_required
def dashboard() -> str:
    """The agency's datasets with their review state, validation and pending changes."""
    principal = current_principal()
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        orgs = my_organizations(session, principal)
        org_ids = [o.id for o in orgs]
        datasets = list(session.scalars(select(Dataset).where(Dataset.owner_org_id.in_(org_ids))
                                        .order_by(Dataset.metadata_modified.desc())))
        pending = dict(session.execute(
            select(ReviewItem.dataset_id, func.count()).where(
                ReviewItem.status == "submitted", ReviewItem.organization_id.in_(org_ids))
            .group_by(ReviewItem.dataset_id)).all())
        rows = [{"dataset": ds, "status": review.dataset_status(session, ds),
                 "pending": pending.get(ds.id, 0),
                 "invalid": sum(1 for r in ds.resources if r.validation_status == "invalid")}
                for ds in datasets]
        queue_size = len(review.queue(session, principal))
        # Each agency's quality, overdue datasets flagged (issue 9: "agencies reminded"): for
        # the agencies the person works for, not every agency a sysadmin may open (that is
        # the whole catalogue; the reports and each agency's quality page cover it).
        member_of = [o.id for o in orgs if o.id in principal.roles]
        quality = summarise_by(
            score_published(session, catalogue.site_url, catalogue.clock.now(),
                            org_ids=member_of), lambda s: [s.organization])
        return render_template("workspace/dashboard.html", orgs=orgs, rows=rows,
                               labels=review.STATUS_LABELS, queue_size=queue_size,
                               principal=principal, quality=quality,
                               band_labels=quality_band_labels())


@bp.route("/workspace.css")
def stylesheet() -> Response:
    return send_from_directory(Path(__file__).parent, "workspace.css", max_age=3600)


def init_app(app: Flask) -> None:
    """Register the workspace's blueprints (one per page family)."""
    from portal import change_words, error_words, harvest_words, validation_words
    from portal.workspace import (
        agency,
        audit_views,
        datasets,
        dictionary,
        harvest_sources,
        members,
        organizations,
        review_views,
    )

    validation_words.init_app(app)
    error_words.init_app(app)
    harvest_words.init_app(app)
    change_words.init_app(app)  # the public history page uses it too
    for blueprint in (bp, datasets.bp, review_views.bp, members.bp, agency.bp, audit_views.bp,
                      organizations.bp, harvest_sources.bp, dictionary.bp):
        app.register_blueprint(blueprint)

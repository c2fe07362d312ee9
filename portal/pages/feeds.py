"""Atom feeds of new and updated datasets (site, agency, sector), sitemap.xml, robots.txt,
and /favicon.ico (the address browsers ask for on pages without an icon link: JSON, files)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from catalogue.datasets.model import Dataset, dataset_group
from catalogue.dcat.terms import clean_text
from catalogue.errors import NotFound
from catalogue.groups.model import Group
from catalogue.groups.service import get_group
from catalogue.organizations.model import Organization
from catalogue.organizations.service import get_organization
from portal.pages.dataset import absolute, site_title
from portal.pages.public import catalogue, public_datasets, reading

bp = Blueprint("feeds", __name__)
FEED_ENTRIES = 50
SITEMAP_MAX = 50000  # the sitemap protocol's limit per file


def rfc3339(moment: datetime | None) -> str:
    return (moment or datetime(1970, 1, 1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _feed(session: Session, query: object, title: str, self_path: str) -> Response:
    datasets = list(session.scalars(
        query.order_by(Dataset.metadata_modified.desc()).limit(FEED_ENTRIES)))  # type: ignore[attr-defined]
    body = render_template(
        "feed.xml", title=title, datasets=datasets, self_url=absolute(self_path),
        site_url=absolute("/"), absolute=absolute, rfc3339=rfc3339,
        # XML 1.0 cannot carry most control characters a title may hold (issue 15).
        text=clean_text,
        updated=rfc3339(datasets[0].metadata_modified if datasets else catalogue().clock.now()))
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.get("/feeds/dataset.atom")
def site() -> Response:
    with reading() as session:
        return _feed(session, public_datasets(select(Dataset)), site_title(),
                     url_for("feeds.site"))


@bp.get("/feeds/organization/<name>.atom")
def organization(name: str) -> Response:
    with reading() as session:
        try:
            org: Organization = get_organization(session, name)
        except NotFound:
            abort(404)
        query = public_datasets(select(Dataset).where(Dataset.owner_org_id == org.id))
        return _feed(session, query, f"{org.title} · {site_title()}",
                     url_for("feeds.organization", name=org.name))


@bp.get("/feeds/group/<name>.atom")
def group(name: str) -> Response:
    with reading() as session:
        try:
            grp: Group = get_group(session, name)
        except NotFound:
            abort(404)
        query = public_datasets(select(Dataset).join(
            dataset_group, dataset_group.c.dataset_id == Dataset.id).where(
            dataset_group.c.group_id == grp.id))
        return _feed(session, query, f"{grp.title} · {site_title()}",
                     url_for("feeds.group", name=grp.name))


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Public pages and every public dataset with its last modification."""
    with reading() as session:
        rows = session.execute(public_datasets(
            select(Dataset.name, Dataset.metadata_modified))
            .order_by(Dataset.metadata_modified.desc()).limit(SITEMAP_MAX)).all()
        orgs = session.scalars(select(Organization.name).where(
            Organization.state == "active")).all()
        groups = session.scalars(select(Group.name).where(Group.state == "active")).all()
    static = [url_for(e) for e in ("home.index", "search.search", "organizations.organizations",
                                   "organizations.groups", "stats.index", "about.about",
                                   "about.terms", "api.docs", "feedback.requests")]
    urls: list[tuple[str, str | None]] = [(absolute(p), None) for p in static]
    urls += [(absolute(url_for("organizations.organization", name=n)), None) for n in orgs]
    urls += [(absolute(url_for("organizations.group", name=n)), None) for n in groups]
    urls += [(absolute(url_for("dataset.show", name=n)), rfc3339(m)) for n, m in rows]
    body = render_template("sitemap.xml", urls=urls)
    response = Response(body, mimetype="application/xml")
    response.headers["Content-Type"] = "application/xml; charset=utf-8"
    return response


@bp.get("/robots.txt")
def robots() -> Response:
    lines = ["User-agent: *",
             "Disallow: /api/",
             "Disallow: /*/download/",
             "Disallow: /autocomplete",
             "Disallow: /report/",
             f"Sitemap: {absolute(url_for('feeds.sitemap'))}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.get("/favicon.ico")
def favicon() -> BaseResponse:
    """The portal's icon: browsers showing /oembed or an API answer asked for it, and each
    visit logged a 404."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)

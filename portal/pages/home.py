"""The home page (search box, sectors, newest and most downloaded, agencies) and autocomplete."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request
from sqlalchemy import select

from catalogue.datasets.model import Dataset
from portal.pages import counts
from portal.pages.public import (
    catalogue,
    datasets_by_ids,
    newest_datasets,
    public_datasets,
    reading,
)

bp = Blueprint("home", __name__)
AUTOCOMPLETE_LIMIT = 8


@bp.get("/")
def index() -> str:
    with reading() as session:
        stamp = counts.catalogue_stamp(session)
        total = counts.cached("public_count", stamp, lambda: counts.public_count(session))
        sectors = counts.cached("sectors", stamp, lambda: [
            (g.name, g.title, g.title_en, n) for g, n in counts.sector_counts(session)
            if n])  # a sector with no public dataset leads nowhere (issue 19)
        agencies = counts.cached("agencies", stamp, lambda: [
            (o.name, o.title, o.title_en, n) for o, n in counts.agency_counts(session) if n])
        newest = counts.cached("newest", stamp, lambda: [
            d.id for d in newest_datasets(session)])
        popular = counts.cached("popular", stamp, lambda: [
            (d.id, n) for d, n in counts.most_downloaded(session)])
        popular_rows = {d.id: d for d in datasets_by_ids(session, [i for i, _ in popular])}
        return render_template(
            "home.html", total=total, sectors=sectors, agencies=agencies[:12],
            agency_total=len(agencies), newest=datasets_by_ids(session, newest),
            popular=[(popular_rows[i], n) for i, n in popular if i in popular_rows])


@bp.get("/autocomplete")
def autocomplete() -> Response:
    """Dataset titles for the search box (JSON list of {name, title})."""
    prefix = request.args.get("q", "").strip()[:100]
    if len(prefix) < 2:
        return jsonify([])
    backend = catalogue().search
    if backend is not None and hasattr(backend, "autocomplete"):
        items = backend.autocomplete(prefix, limit=AUTOCOMPLETE_LIMIT)
    else:
        with reading() as session:
            rows = session.execute(public_datasets(
                select(Dataset.name, Dataset.title).where(Dataset.title.ilike(f"{prefix}%"))
            ).limit(AUTOCOMPLETE_LIMIT)).all()
        items = [{"name": n, "title": t} for n, t in rows]
    response = jsonify(items)
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response

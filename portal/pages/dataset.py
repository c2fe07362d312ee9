"""Dataset pages: the current dataset, each permanent version ``/v/<n>``, history and citations.

Both the current page and a version page render the package dict (``package_dict`` now, or
the revision's snapshot), so a version page shows exactly what was published then.

Version numbers here are public ones (:func:`catalogue.history.service.published_versions`):
only versions that were public are numbered, reachable, listed and cited, so a harvested draft
or an edit awaiting review never becomes public when a later version is approved (issue 15).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue import citations
from catalogue.datasets.model import Dataset
from catalogue.datasets.package_cache import cached_packages
from catalogue.errors import NotFound
from catalogue.history.service import (
    PublishedVersion,
    count_published,
    get_published,
    latest_published_number,
    published_versions,
)
from catalogue.places.gazetteer import gazetteer
from catalogue.places.recognise import document_units
from catalogue.quality.service import quality_for_package
from licenses import get_license
from portal.i18n import is_english
from portal.pages.links import safe_href
from portal.pages.markdown import render_markdown
from portal.pages.public import catalogue, reading, visible_dataset

bp = Blueprint("dataset", __name__)
HISTORY_PAGE = 20
FREQUENCIES = {
    "daily": _l("Hằng ngày"), "weekly": _l("Hằng tuần"), "monthly": _l("Hằng tháng"),
    "quarterly": _l("Hằng quý"), "semiannual": _l("Sáu tháng một lần"),
    "annual": _l("Hằng năm"), "irregular": _l("Không định kỳ"), "realtime": _l("Liên tục"),
    "never": _l("Không cập nhật"),
}
JOB_STATUSES = {"running": _l("Đang chạy"), "finished": _l("Hoàn tất"),
                "failed": _l("Thất bại"), "aborted": _l("Bị ngắt")}


def site_title() -> str:
    settings = catalogue().settings
    english = is_english() and settings.get("site_title_en")
    return str(settings["site_title_en"] if english else settings["site_title"])


def absolute(path: str) -> str:
    return catalogue().site_url.rstrip("/") + path


def version_url(name: str, number: int | None) -> str:
    """The permanent URL of published version ``number`` (the dataset's page before any)."""
    if number is None:
        return absolute(url_for("dataset.show", name=name))
    return absolute(url_for("dataset.version", name=name, number=number))


def current_version(session: Session, ds: Dataset) -> int | None:
    """The public number of the newest published version; None while nothing was public
    (a draft or a private dataset, seen by its agency)."""
    return latest_published_number(session, ds.id) or None


def citation_of(pkg: dict[str, Any], number: int | None, english: bool | None = None
                ) -> citations.Citation:
    """The citation of published version ``number``, accessed today (the catalogue's clock)."""
    english = is_english() if english is None else english
    settings = catalogue().settings
    publisher = str(settings["site_title_en"] if english and settings.get("site_title_en")
                    else settings["site_title"])
    return citations.citation_for(
        pkg, version=number, version_url=version_url(pkg["name"], number),
        accessed=catalogue().clock.now().date(), publisher=publisher, english=english)


def json_ld(pkg: dict[str, Any], number: int | None) -> Markup:
    """schema.org ``Dataset`` for search engines and Google Dataset Search."""
    org = pkg.get("organization") or {}
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": pkg.get("title"),
        "description": (pkg.get("notes") or pkg.get("title") or "")[:5000],
        "url": absolute(url_for("dataset.show", name=pkg["name"])),
        "identifier": version_url(pkg["name"], number),
        **({"version": str(number)} if number is not None else {}),
        "keywords": [t["name"] for t in pkg.get("tags", [])],
        "dateCreated": pkg.get("metadata_created"),
        "dateModified": pkg.get("metadata_modified"),
        "inLanguage": "vi",
        "isAccessibleForFree": True,
        "includedInDataCatalog": {"@type": "DataCatalog", "name": site_title(),
                                  "url": absolute("/")},
        "distribution": [{"@type": "DataDownload", "name": r.get("name"),
                          "encodingFormat": r.get("mimetype") or r.get("format"),
                          "contentUrl": r.get("url"),
                          **({"sha256": r["sha256"]} if r.get("sha256") else {})}
                         for r in pkg.get("resources", [])],
    }
    if pkg.get("license_url"):
        doc["license"] = pkg["license_url"]
    if org:
        doc["creator"] = doc["publisher"] = {"@type": "GovernmentOrganization",
                                             "name": org.get("title")}
    if pkg.get("temporal_start") or pkg.get("temporal_end"):
        doc["temporalCoverage"] = f"{pkg.get('temporal_start') or '..'}/" \
                                  f"{pkg.get('temporal_end') or '..'}"
    if pkg.get("spatial"):
        doc["spatialCoverage"] = pkg["spatial"]
    units = document_units(pkg)
    if units:
        # schema.org Place with a GeoShape box ("south west north east").
        doc["spatialCoverage"] = [
            {"@type": "Place", "name": u.name, "identifier": u.code,
             "geo": {"@type": "GeoShape", "box": f"{u.bbox[1]} {u.bbox[0]} {u.bbox[3]} "
                                                 f"{u.bbox[2]}"}} for u in units]
    text = json.dumps(doc, ensure_ascii=False)
    # Inside <script>, "</script>" or "<!--" in a description would break out of the element.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - JSON with <, > and & escaped


def harvest_job(session: Session, ds: Dataset) -> Any | None:
    """The harvest job that last retrieved this dataset, for the provenance panel.

    Found through the job table's (source, started) index: the source's latest job started
    no later than the dataset's ``retrieved_at`` (harvest objects have no dataset index, and
    there are millions of them on a busy portal).
    """
    from catalogue.harvest.model import HarvestJob

    if not ds.harvest_source or ds.retrieved_at is None:
        return None
    return session.scalars(
        select(HarvestJob).where(HarvestJob.source == ds.harvest_source,
                                 HarvestJob.started <= ds.retrieved_at)
        .order_by(HarvestJob.started.desc()).limit(1)).first()


def download_href(name: str, res: dict[str, Any], number: int | None) -> str:
    """A site-relative download link: the version's own bytes when ``number`` is given."""
    if res.get("url_type") != "upload":
        return safe_href(res.get("url"))  # never a javascript: or data: link
    filename = unquote((res.get("url") or "").rsplit("/", 1)[-1]) or "data"
    if number is None:
        return url_for("resource.download", name=name, resource_id=res["id"], filename=filename)
    return url_for("resource.download_version", name=name, number=number,
                   resource_id=res["id"], filename=filename)


def render_dataset(session: Session, ds: Dataset, pkg: dict[str, Any], number: int | None, *,
                   latest: int | None, revision: PublishedVersion | None = None) -> str:
    lic = get_license(pkg.get("license_id") or "")
    cite = citation_of(pkg, number)
    english = is_english()
    notes = (pkg.get("notes_en") if english else "") or pkg.get("notes") or ""
    return render_template(
        "dataset.html", pkg=pkg, ds=ds, number=number, latest=latest, revision=revision,
        download_href=download_href, frequencies=FREQUENCIES, job_statuses=JOB_STATUSES,
        licence=lic, notes_html=render_markdown(notes),
        citation_text=citations.english_text(cite) if english else
        citations.vietnamese_text(cite),
        citation_vi=citations.vietnamese_text(citation_of(pkg, number, english=False)),
        citation_apa=citations.apa(cite),
        json_ld=json_ld(pkg, number), harvest_job=harvest_job(session, ds),
        history=published_versions(session, ds.id, limit=5) if revision is None else [],
        quality=quality_for_package(session, pkg, catalogue().clock.now())
        if revision is None else None,
        canonical=absolute(url_for("dataset.show", name=ds.name)) if revision is None else
        version_url(ds.name, number), places=dataset_places(pkg))


def dataset_places(pkg: dict[str, Any]) -> list[dict[str, str]]:
    """The units a dataset covers (issue 22): name, code (the page links the search for
    its data, old and new) and what it belongs to now, when that is another unit."""
    g = gazetteer()
    shown = []
    for unit in document_units(pkg, g):
        now = [u for u in g.current(unit) if (u.code, u.name) != (unit.code, unit.name)]
        shown.append({"name": unit.name, "code": unit.code,
                      "now": ", ".join(u.name[:1].lower() + u.name[1:] for u in now)})
    return shown


@bp.get("/dataset/<name>")
def show(name: str) -> str:
    with reading() as session:
        ds = visible_dataset(session, name)
        pkg = cached_packages(session, [ds.id], catalogue().site_url)[ds.id]
        latest = current_version(session, ds)
        return render_dataset(session, ds, pkg, latest, latest=latest)


def _revision(session: Session, ds: Dataset, number: int) -> PublishedVersion:
    """Published version ``number``; any other (never public) version is not found."""
    try:
        return get_published(session, ds.id, number)
    except NotFound:
        abort(404)


@bp.get("/dataset/<name>/v/<int:number>")
def version(name: str, number: int) -> str:
    """A permanent published version: the metadata as it was, with its files by sha256."""
    with reading() as session:
        ds = visible_dataset(session, name)
        revision = _revision(session, ds, number)
        return render_dataset(session, ds, revision.snapshot, number,
                              latest=current_version(session, ds), revision=revision)


@bp.get("/dataset/<name>/history")
def history(name: str) -> str:
    """Every published version, newest first, with field-level diffs between them."""
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    with reading() as session:
        ds = visible_dataset(session, name)
        total = count_published(session, ds.id)
        revisions = published_versions(session, ds.id, limit=HISTORY_PAGE,
                                       offset=(page - 1) * HISTORY_PAGE)
        return render_template("history.html", ds=ds, revisions=revisions, total=total,
                               page=page, pages=max(1, -(-total // HISTORY_PAGE)),
                               shown=shown_change)


def shown_change(value: Any) -> str:
    """A changed value as short text for the diff table."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def _citation_download(pkg: dict[str, Any], number: int | None, fmt: str) -> Response:
    if fmt not in citations.FORMATS:
        abort(404)
    render, mimetype, ext = citations.FORMATS[fmt]
    cite = citation_of(pkg, number)
    response = Response(render(cite), mimetype=mimetype.split(";")[0])
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{citations.citation_key(cite)}.{ext}"')
    return response


@bp.get("/dataset/<name>/cite.<fmt>")
def cite(name: str, fmt: str) -> Response:
    """BibTeX (``bibtex``), RIS (``ris``) or CSL-JSON (``csl``) of the current version."""
    with reading() as session:
        ds = visible_dataset(session, name)
        return _citation_download(cached_packages(session, [ds.id], catalogue().site_url)[ds.id],
                                  current_version(session, ds), fmt)


@bp.get("/dataset/<name>/v/<int:number>/cite.<fmt>")
def cite_version(name: str, number: int, fmt: str) -> Response:
    with reading() as session:
        ds = visible_dataset(session, name)
        return _citation_download(_revision(session, ds, number).snapshot, number, fmt)

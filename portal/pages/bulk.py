"""Bulk downloads (issue 21 item 6): a published version as one zip data package, and the
nightly catalogue dump at stable addresses.

- ``/dataset/<name>/v/<n>.zip``: ``datapackage.json`` and the version's stored files, streamed,
  saved as ``<name>-v<n>.zip``. Published versions only, of datasets the visitor may see (the
  same rule as the version's page and its file downloads).
- ``/dataset/<name>/datapackage.zip``: the newest published version's zip (a redirect, so
  the saved file names its version).
- ``/catalogue/dump.jsonl`` and ``/catalogue/dump.csv``: the newest dump written by the
  scheduler or ``dulieumo dump``, from the file store, with its sha256 as ETag. A new portal
  writes its first on the first request (one process does; the others say in words that it
  is being prepared), instead of a 404 until the first night.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from catalogue.bulk.dump import MEDIA_TYPES, latest_dump, write_first_dump
from catalogue.bulk.package_zip import stream_zip, version_package
from catalogue.errors import NotFound
from catalogue.history.service import get_published, latest_published_number
from portal.pages.file_response import send_stored
from portal.pages.public import catalogue, reading, visible_dataset

bp = Blueprint("bulk", __name__)
DUMP_MAX_AGE = 3600
DUMP_PENDING_RETRY = 60  # seconds: a first dump of a new portal takes a moment


@bp.get("/dataset/<name>/v/<int:number>.zip")
def version_zip(name: str, number: int) -> Response:
    """Published version ``number`` with its files, as one zip data package."""
    cat = catalogue()
    with reading() as session:
        ds = visible_dataset(session, name)
        try:
            version = get_published(session, ds.id, number)
        except NotFound:
            abort(404)
        homepage = f"{cat.site_url.rstrip('/')}/dataset/{ds.name}/v/{number}"
        package = version_package(version.snapshot, number, version.created_at, cat.files,
                                  homepage)
    response = Response(stream_zip(package), mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{quote(package.filename)}\"; "
        f"filename*=UTF-8''{quote(package.filename)}")
    # A published version never changes: its zip is the same bytes every time.
    response.headers["ETag"] = f'"{ds.id}-v{number}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/dataset/<name>/datapackage.zip")
def latest_zip(name: str) -> BaseResponse:
    """The newest published version's zip."""
    with reading() as session:
        ds = visible_dataset(session, name)
        number = latest_published_number(session, ds.id)
        if not number:
            abort(404)
        return redirect(url_for("bulk.version_zip", name=ds.name, number=number), code=302)


@bp.get("/catalogue/dump.<any(jsonl, csv):kind>")
def dump(kind: str) -> BaseResponse:
    """The newest catalogue dump of this kind; the first is written on the first request."""
    with reading() as session:
        row = latest_dump(session, kind)
    if row is None or row.datasets == 0:  # none yet, or written before the first harvest
        written = write_first_dump(catalogue())
        if not written and row is None:
            return _dump_pending(kind)
        with reading() as session:
            row = latest_dump(session, kind)
        if row is None:  # pragma: no cover  (both kinds are written in one transaction)
            abort(404)
    sha256, created = row.sha256, row.created_at
    stamp = created.strftime("%Y%m%d")
    # An empty dump is replaced by the first harvest's: not to be kept in caches for an hour.
    response = send_stored(sha256, mimetype=MEDIA_TYPES[kind],
                           filename=f"catalogue-{stamp}.{kind}",
                           max_age=DUMP_MAX_AGE if row.datasets else 0, last_modified=created)
    response.headers["Content-Type"] = f"{MEDIA_TYPES[kind]}; charset=utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _dump_pending(kind: str) -> Response:
    """503 with a page saying the first dump is being written, and when to come back."""
    response = Response(render_template("dump_pending.html", kind=kind,
                                        retry=DUMP_PENDING_RETRY), status=503)
    response.headers["Retry-After"] = str(DUMP_PENDING_RETRY)
    response.headers["Cache-Control"] = "no-store"
    return response

"""Resource pages: table preview, field list, chart, map outline; downloads and conversions.

Uploaded files are served from the content-addressed file store: the ETag is the sha256,
so a cited version's link gives the exact bytes that were cited. Links redirect.
"""

from __future__ import annotations

import itertools
import mimetypes
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, render_template, request
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from catalogue.datasets.model import Dataset
from catalogue.datasets.serialize import resource_dict
from catalogue.errors import NotFound
from catalogue.files.limits import ReadLimits
from catalogue.files.store import FileStore, check_key
from catalogue.history.service import get_published
from catalogue.preview import charts, geo, tables
from catalogue.preview.series import find_series
from portal.i18n import format_axis_number, format_day
from portal.pages.file_response import send_stored
from portal.pages.links import safe_href
from portal.pages.public import catalogue, reading, visible_dataset

bp = Blueprint("resource", __name__)
GEOJSON_MAX_BYTES = 20 * 1024 * 1024
DOWNLOAD_MAX_AGE = 3600  # the bytes behind a sha256 never change; the mapping may


def _resource(ds: Dataset, resource_id: str) -> dict[str, Any]:
    for res in ds.resources:
        if res.id == resource_id:
            return resource_dict(res, ds.name, catalogue().site_url) | {
                "filename": res.url.rsplit("/", 1)[-1] if res.url_type == "upload" else "",
                "validation_report": res.validation_report or {},
                "link": res.url}
    abort(404)


def _version_resource(session: Session, ds: Dataset, number: int,
                      resource_id: str) -> dict[str, Any]:
    try:  # published versions only: a draft's files were never public (issue 15)
        snapshot = get_published(session, ds.id, number).snapshot
    except NotFound:
        abort(404)
    resources: list[dict[str, Any]] = snapshot.get("resources", [])
    for res in resources:
        if res["id"] == resource_id:
            url = res.get("url") or ""
            uploaded = res.get("url_type") == "upload"
            return res | {"filename": url.rsplit("/", 1)[-1] if uploaded else "",
                          "link": url}
    abort(404)


def stored_key(res: dict[str, Any]) -> str | None:
    """The file-store key (sha256) of an uploaded resource, or None for links.

    Whether the bytes are there is found out on reading (one request less to an object
    store): readers turn FileNotFoundError into a 404 or an empty preview.
    """
    sha = res.get("sha256") or ""
    if res.get("url_type") != "upload" or not sha:
        return None
    try:
        return check_key(sha)
    except ValueError:
        return None


def _is_geojson(res: dict[str, Any]) -> bool:
    fmt = (res.get("format") or "").upper()
    return fmt == "GEOJSON" or res.get("filename", "").lower().endswith(".geojson")


def _header_row(res: dict[str, Any]) -> int | list[int] | None:
    """The header row(s) the agency declared (resource extra ``header_row``), if any."""
    value = (res.get("extras") or {}).get("header_row")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, list) and value and all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
        return list(value)
    return None


def preview_context(res: dict[str, Any]) -> dict[str, Any]:
    """Table page, sort, chart and map for a resource page."""
    sha = stored_key(res)
    context: dict[str, Any] = {"table": None, "rows": [], "chart": None, "map": None,
                               "preview_page": 1, "preview_pages": 1, "sort_col": None,
                               "sort_desc": False, "preview_error": False,
                               "preview_too_large": False}
    if sha is None:
        return context
    cat = catalogue()
    if tables.is_tabular(res.get("format") or "", res.get("filename", "")):
        # Computed once per file (and per way of reading it), not per view (issue 15).
        try:
            preview = tables.cached_preview(
                cat.files, sha, res.get("format") or "", res.get("filename", ""),
                limits=ReadLimits.from_settings(cat.settings), header_row=_header_row(res))
        except FileNotFoundError:
            return context
        except OSError:
            preview = tables.Preview(unreadable="OSError")
        if preview.too_large:
            context["preview_too_large"] = True
            return context
        table = preview.table
        if table is None:
            context["preview_error"] = True
            return context
        per_page = int(cat.settings.get("preview_rows", 100))
        try:
            sort_col: int | None = int(request.args.get("sort", ""))
        except ValueError:
            sort_col = None
        if sort_col is not None and not 0 <= sort_col < len(table.headers):
            sort_col = None
        desc = request.args.get("desc") == "1"
        rows = tables.sort_rows(table, sort_col, desc) if sort_col is not None else table.rows
        pages = max(1, -(-len(rows) // per_page))
        try:
            page = max(1, min(pages, int(request.args.get("page", "1"))))
        except ValueError:
            page = 1
        # Lines named by the fields' titles, not their machine names (issue 19).
        titles = {str(f.get("name")): str(f["title"]) for f in schema_fields(res)
                  if f.get("title")}
        series = find_series(table, titles=titles)
        context.update(
            table=table, rows=rows[(page - 1) * per_page: page * per_page], preview_page=page,
            preview_pages=pages, sort_col=sort_col, sort_desc=desc, series=series,
            chart=Markup(charts.line_chart_svg(  # noqa: S704 - built with html.escape
                series, title=res.get("name") or "", format_time=format_day,
                format_value=format_axis_number))
            if series else None)
    elif _is_geojson(res):
        try:
            drawn = geo.cached_map(cat.files, sha, title=res.get("name") or "",
                                   max_bytes=GEOJSON_MAX_BYTES)
        except FileNotFoundError:
            return context
        svg = drawn.get("svg")
        context["map"] = Markup(svg) if svg else None  # noqa: S704 - built with html.escape
        context["feature_count"] = int(drawn.get("feature_count") or 0)
        context["preview_error"] = bool(drawn.get("unreadable"))
        context["preview_too_large"] = bool(drawn.get("too_large"))
    return context


def schema_fields(res: dict[str, Any]) -> list[dict[str, Any]]:
    schema = res.get("schema") or {}
    fields = schema.get("fields") if isinstance(schema, dict) else None
    return [f for f in fields or [] if isinstance(f, dict)]


@bp.get("/dataset/<name>/resource/<resource_id>")
def show(name: str, resource_id: str) -> str:
    with reading() as session:
        ds = visible_dataset(session, name)
        res = _resource(ds, resource_id)
        return render_template("resource.html", ds=ds, res=res, fields=schema_fields(res),
                               **preview_context(res))


@bp.get("/dataset/<name>/resource/<resource_id>/validation")
def validation(name: str, resource_id: str) -> str:
    """The full validation report of a resource."""
    with reading() as session:
        ds = visible_dataset(session, name)
        res = _resource(ds, resource_id)
        return render_template("validation.html", ds=ds, res=res,
                               report=res["validation_report"])


def serve_stored(res: dict[str, Any]) -> BaseResponse:
    """The stored bytes with mimetype, ETag (the sha256) and a download filename; or a
    redirect for links."""
    if res.get("url_type") != "upload":
        link = safe_href(res.get("link"))
        if not link or link.lower().startswith("mailto:"):
            abort(404)
        return redirect(link, code=302)
    sha = stored_key(res)
    if sha is None:
        abort(404)
    filename = res.get("filename") or "data"
    mimetype = res.get("mimetype") or mimetypes.guess_type(filename)[0] or \
        "application/octet-stream"
    return send_stored(sha, filename=filename, mimetype=mimetype, max_age=DOWNLOAD_MAX_AGE)


@bp.get("/dataset/<name>/resource/<resource_id>/download/<path:filename>")
@bp.get("/dataset/<name>/resource/<resource_id>/download", defaults={"filename": ""})
def download(name: str, resource_id: str, filename: str) -> BaseResponse:
    with reading() as session:
        ds = visible_dataset(session, name)
        res = _resource(ds, resource_id)
    return serve_stored(res)


@bp.get("/dataset/<name>/v/<int:number>/resource/<resource_id>/download/<path:filename>")
@bp.get("/dataset/<name>/v/<int:number>/resource/<resource_id>/download",
        defaults={"filename": ""})
def download_version(name: str, number: int, resource_id: str, filename: str) -> BaseResponse:
    """The file as it was in version ``number`` (kept in the store by its sha256)."""
    with reading() as session:
        ds = visible_dataset(session, name)
        res = _version_resource(session, ds, number, resource_id)
    return serve_stored(res)


@bp.get("/dataset/<name>/resource/<resource_id>/convert.<fmt>")
def convert(name: str, resource_id: str, fmt: str) -> Response:
    """A tabular resource as UTF-8 CSV or as JSON records, streamed."""
    if fmt not in ("csv", "json"):
        abort(404)
    with reading() as session:
        ds = visible_dataset(session, name)
        res = _resource(ds, resource_id)
    sha = stored_key(res)
    if sha is None or not tables.is_tabular(res.get("format") or "", res["filename"]):
        abort(404)
    rows = _stored_rows(catalogue().files, sha, res.get("format") or "", res["filename"],
                        limits=ReadLimits.from_settings(catalogue().settings),
                        header_row=_header_row(res))
    try:  # fail before the response starts, not half-way through the stream
        first = next(rows, None)
    except FileNotFoundError:
        abort(404)
    except (tables.TooLarge, *tables.UNREADABLE):
        abort(422)
    rows = itertools.chain([first] if first is not None else [], rows)
    body = tables.to_csv(rows) if fmt == "csv" else tables.to_json(rows)
    stem = (res["filename"].rsplit(".", 1)[0] or "data")
    mimetype = "text/csv" if fmt == "csv" else "application/json"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=data.{fmt}; filename*=UTF-8''{quote(stem)}.{fmt}")
    response.headers["ETag"] = f'"{res["sha256"]}-{fmt}"'
    return response


def _stored_rows(files: FileStore, sha: str, fmt: str, filename: str, *, limits: ReadLimits,
                 header_row: int | list[int] | None) -> Iterator[list[str]]:
    """The table's rows, read from (a local copy of) the stored file, which is kept for as
    long as the response streams and removed when it ends."""
    with files.local_copy(sha) as path:
        yield from tables.iter_rows(path, fmt, filename, limits=limits, header_row=header_row)

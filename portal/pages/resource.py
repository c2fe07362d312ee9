"""Resource pages: table preview, field list, chart, map; downloads and conversions.

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
from werkzeug.wrappers import Response as BaseResponse

from catalogue.files.limits import ReadLimits
from catalogue.files.store import FileStore
from catalogue.preview import charts, tables
from catalogue.preview.fields import field_titles
from catalogue.preview.series import Series, find_series
from portal.i18n import format_axis_number, format_day
from portal.pages import embed, map_view
from portal.pages.explorer import explorer_context
from portal.pages.file_response import send_stored
from portal.pages.links import safe_href
from portal.pages.public import catalogue, reading, visible_dataset
from portal.pages.stored import (
    current_resource,
    header_row,
    stored_key,
    version_resource,
)

bp = Blueprint("resource", __name__)
DOWNLOAD_MAX_AGE = 3600  # the bytes behind a sha256 never change; the mapping may


def table_preview(res: dict[str, Any]) -> tables.Preview | None:
    """The first rows of a tabular resource, computed once per file and way of reading it
    (issue 15), not per view; None when its bytes are not in the store."""
    cat = catalogue()
    try:
        return tables.cached_preview(
            cat.files, res["sha256"], res.get("format") or "", res.get("filename", ""),
            limits=ReadLimits.from_settings(cat.settings), header_row=header_row(res))
    except FileNotFoundError:
        return None
    except OSError:
        return tables.Preview(unreadable="OSError")


def chart_of(res: dict[str, Any], table: tables.Table) -> tuple[Series | None, Markup | None]:
    """The time series found in a table's first rows, and its line chart."""
    # Lines named by the fields' titles, not their machine names (issue 19).
    series = find_series(table, titles=field_titles(table.headers, schema_fields(res)))
    if series is None:
        return None, None
    return series, Markup(charts.line_chart_svg(  # noqa: S704 - built with html.escape
        series, title=res.get("name") or "",
        format_time=(lambda t: str(t.year)) if series.yearly else format_day,
        format_value=format_axis_number))


def preview_context(res: dict[str, Any]) -> dict[str, Any]:
    """Table page, sort, chart and map for a resource page."""
    sha = stored_key(res)
    context: dict[str, Any] = {"table": None, "rows": [], "chart": None, "map": None,
                               "map_summary": None, "preview_page": 1, "preview_pages": 1,
                               "sort_col": None, "sort_desc": False, "preview_error": False,
                               "preview_too_large": False}
    if sha is None:
        return context
    cat = catalogue()
    if tables.is_tabular(res.get("format") or "", res.get("filename", "")):
        preview = table_preview(res)
        if preview is None:
            return context
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
        series, chart = chart_of(res, table)
        context.update(
            table=table, rows=rows[(page - 1) * per_page: page * per_page], preview_page=page,
            preview_pages=pages, sort_col=sort_col, sort_desc=desc, series=series,
            chart=chart)
        context.update(map_view.context(map_view.summary_for(res, table)))
    else:
        drawn = map_view.summary_for(res)
        context.update(map_view.context(drawn))
        if drawn is not None:
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
        res = current_resource(ds, resource_id)
        context = preview_context(res)
        views = [view for view, shown in (("map", context["map"]), ("chart", context["chart"]),
                                          ("table", context["table"] is not None)) if shown]
        embeds = embed.snippets(session, ds, res, views) if views else []
        return render_template("resource.html", ds=ds, res=res, fields=schema_fields(res),
                               map_data_url=map_view.data_url(ds.name, res["id"], None),
                               embeds=embeds, oembed_url=embed.oembed_link(ds.name, res["id"])
                               if embeds else "", **context,
                               **explorer_context(session, ds, res))


@bp.get("/dataset/<name>/resource/<resource_id>/validation")
def validation(name: str, resource_id: str) -> str:
    """The full validation report of a resource."""
    with reading() as session:
        ds = visible_dataset(session, name)
        res = current_resource(ds, resource_id)
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
        res = current_resource(ds, resource_id)
    return serve_stored(res)


@bp.get("/dataset/<name>/v/<int:number>/resource/<resource_id>/download/<path:filename>")
@bp.get("/dataset/<name>/v/<int:number>/resource/<resource_id>/download",
        defaults={"filename": ""})
def download_version(name: str, number: int, resource_id: str, filename: str) -> BaseResponse:
    """The file as it was in version ``number`` (kept in the store by its sha256)."""
    with reading() as session:
        ds = visible_dataset(session, name)
        res = version_resource(session, ds, number, resource_id)
    return serve_stored(res)


@bp.get("/dataset/<name>/resource/<resource_id>/convert.<fmt>")
def convert(name: str, resource_id: str, fmt: str) -> Response:
    """A tabular resource as UTF-8 CSV or as JSON records, streamed."""
    if fmt not in ("csv", "json"):
        abort(404)
    with reading() as session:
        ds = visible_dataset(session, name)
        res = current_resource(ds, resource_id)
    sha = stored_key(res)
    if sha is None or not tables.is_tabular(res.get("format") or "", res["filename"]):
        abort(404)
    rows = _stored_rows(catalogue().files, sha, res.get("format") or "", res["filename"],
                        limits=ReadLimits.from_settings(catalogue().settings),
                        header_row=header_row(res))
    try:  # fail before the response starts, not half-way through the stream
        first = next(rows, None)
    except FileNotFoundError:
        abort(404)
    except (tables.TooLarge, *tables.UNREADABLE):
        abort(422)
    rows = itertools.chain([first] if first is not None else [], rows)
    body: Iterator[str]
    if fmt == "csv":
        # A byte order mark, so Excel opens our UTF-8 as UTF-8 and Vietnamese stays readable
        # (the agency's original download keeps its own bytes; issue 19).
        body = itertools.chain(["\ufeff"], tables.to_csv(rows))
    else:  # numbers and true/false as the schema types them, not as text
        body = tables.to_json(rows, fields=schema_fields(res))
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

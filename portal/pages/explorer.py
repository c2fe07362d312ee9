"""The table explorer on the resource page (issue 21 item 4), over the datastore.

Every row of a loaded table, not the first thousand: filter by column (values with counts
where a column has few, ranges for numbers and dates), search with or without diacritics,
sort, choose columns, page. Plain GET forms and links, so it works without JavaScript and the
URL holds the view (:mod:`catalogue.explorer.view`); the citation names the view and pins the
published version; ``view.csv`` (``.tsv``, ``.json``, ``.xlsx``) downloads exactly the rows
and columns shown, streamed. Numbers and dates are written the reader's way (``1.234,5``
and ``31/12/2024`` in Vietnamese).

A resource with no table (a link, a file not loaded yet or that failed to load) keeps the
preview of the first rows, and says why it has no explorer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, request, stream_with_context, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from catalogue import citations
from catalogue.datasets.model import Dataset
from catalogue.datastore.dump import FORMATS as DUMP_FORMATS
from catalogue.datastore.dump import dump
from catalogue.datastore.errors import QueryError, QueryTimeout
from catalogue.datastore.jobs import LoadStatus, status_of
from catalogue.datastore.query import ColumnSummary, View, column_summary, iter_rows, search_rows
from catalogue.datastore.store import Datastore, TableInfo
from catalogue.dictionary import ColumnEntry, entries_of
from catalogue.errors import NotFound
from catalogue.explorer.view import RANGED_TYPES, ExplorerView, conditions, parse_view
from catalogue.files.preview_cache import PreviewCache
from catalogue.history.service import get_published, latest_published_number
from portal.i18n import format_day, format_moment, format_number, is_english
from portal.pages.public import catalogue, reading, visible_dataset

bp = Blueprint("explorer", __name__)
MAX_FACETS = 20  # columns given a filter control (wide tables: the first twenty)
FACET_VALUES = 12  # a column with at most this many values gets checkboxes with counts


def _store() -> Datastore | None:
    service = catalogue().datastore
    store = getattr(service, "store", None)
    return store if isinstance(store, Datastore) else None


def format_cell(value: Any, kind: str) -> str:
    """A stored value as a reader expects it: numbers with Vietnamese (or English)
    separators, dates as dd/mm/yyyy, booleans as words."""
    if value is None or value == "":
        return ""
    if kind == "year" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value))  # 2023, not "2.023": a year is a name, not an amount
    if kind in ("int", "numeric") and isinstance(value, int | float) and not isinstance(
            value, bool):
        return format_number(value)
    if kind == "date":
        return format_day(str(value))
    if kind == "timestamp":
        return format_moment(str(value))
    if kind == "bool":
        return str(_("Có") if value else _("Không"))
    return str(value)


@dataclasses.dataclass(frozen=True)
class Located:
    """The table a view reads: the current one, or that of the version a link pins."""

    table: TableInfo
    sha256: str  # "" for the current table
    version: int | None  # the published version cited
    gone: int | None = None  # a version asked for whose table is no longer kept


def _locate(session: Session, store: Datastore, ds: Dataset, resource_id: str,
            version: int | None) -> Located | None:
    """The table of ``version`` (when given and still kept) or the current one; None when
    the resource has none."""
    if version is not None:
        try:
            snapshot = get_published(session, ds.id, version).snapshot
        except NotFound:
            abort(404)
        found = next((r for r in snapshot.get("resources", []) if r.get("id") == resource_id),
                     None)
        if found is None:
            abort(404)
        sha = str(found.get("sha256") or "")
        try:
            return Located(store.table(resource_id, sha256=sha), sha, version)
        except NotFound:  # not loaded then, or dropped since: show today's, and say so
            current = _locate(session, store, ds, resource_id, None)
            return dataclasses.replace(current, gone=version) if current else None
    try:
        table = store.table(resource_id)
    except NotFound:
        return None
    return Located(table, "", latest_published_number(session, ds.id) or None)


def _entries(res: dict[str, Any], table: TableInfo) -> dict[str, ColumnEntry]:
    """The dictionary entry of every column (a bare one where the schema says nothing)."""
    known = {e.name: e for e in entries_of(res.get("schema"))}
    return {c.id: dataclasses.replace(known[c.id], type=_shown_type(known[c.id].type, c.type))
            if c.id in known else ColumnEntry(name=c.id, type=c.type) for c in table.columns}


def _shown_type(schema_type: str, stored_type: str) -> str:
    """How a column's values are shown: the datastore keeps a Table Schema ``year`` as an
    integer, but a reader must see 2023, not the amount "2.023"."""
    return "year" if schema_type == "year" and stored_type == "int" else stored_type


def _without(view: ExplorerView, column: str) -> View:
    """The datastore view minus ``column``'s own filter and range: a filter control counts
    the values the *other* choices leave (checking one value must not hide the rest)."""
    narrowed = dataclasses.replace(
        view, filters={k: v for k, v in view.filters.items() if k != column},
        ranges={k: v for k, v in view.ranges.items() if k != column}, columns=(), sort="")
    return narrowed.datastore_view()


def _form_value(value: Any) -> str:
    """A stored value as a filter's form value (what ``f.<column>`` sends back)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _day(value: Any) -> str:
    """A timestamp's day, as a date input's ``min``/``max`` wants it."""
    return str(value)[:10]


def _range_input(kind: str) -> str:
    """The HTML input type of a range bound: a date picker for dates, a number input for
    numbers (the browser shows it the reader's way, ``12,5`` in Vietnamese, and sends
    ``12.5``: the URL means the same in every language)."""
    return {"date": "date", "timestamp": "date"}.get(kind, "number")


def _facet(summary: ColumnSummary, view: ExplorerView, shown: str = "") -> dict[str, Any]:
    """One column's filter control: checkboxes with counts, a range, or an exact value;
    ``shown`` is how values are written (the entry's type; the stored type when empty)."""
    column = summary.column
    shown = shown or column.type
    chosen = view.filters.get(column.id, ())
    ranged = column.type in RANGED_TYPES
    # Numbers and dates with a handful of values (years, ratings) read better as choices.
    if summary.complete and summary.values and (not ranged or len(summary.values) <= 5):
        options = [{"value": _form_value(v), "label": format_cell(v, shown),
                    "count": n, "checked": _form_value(v) in chosen}
                   for v, n in summary.values if v is not None and v != ""]
        if options:
            return {"kind": "values", "options": options}
    if ranged:
        low, high = view.ranges.get(column.id, ("", ""))
        bound: Callable[[Any], str] = _day if column.type == "timestamp" else _form_value
        return {"kind": "range", "input": _range_input(column.type), "low": low,
                "high": high,
                "minimum": "" if summary.minimum is None else bound(summary.minimum),
                "maximum": "" if summary.maximum is None else bound(summary.maximum),
                "shown_min": format_cell(summary.minimum, shown),
                "shown_max": format_cell(summary.maximum, shown)}
    return {"kind": "text", "value": chosen[0] if chosen else ""}


def _whole_table(store: Datastore, resource_id: str,
                 located: Located) -> dict[str, ColumnSummary]:
    """The summaries of the whole table, computed once per table and kept beside the file
    store like the previews: a table never changes once loaded (a new file is a new table),
    and counting every column of a million rows on each visit cost seconds."""
    table = located.table
    columns = table.columns[:MAX_FACETS]
    beside = PreviewCache.beside(catalogue().files)
    cache: PreviewCache | None = beside
    variant = PreviewCache.variant("explorer-facets", table.table_name, FACET_VALUES,
                                   [c.id for c in columns])
    try:
        stored = beside.get(table.sha256, variant)
    except ValueError:  # a table whose file is not named by a sha256: nothing to key on
        stored, cache = None, None
    if stored is not None:
        return {c.id: ColumnSummary(c, [(v, n) for v, n in stored[c.id]["values"]],
                                    stored[c.id]["complete"], stored[c.id]["minimum"],
                                    stored[c.id]["maximum"])
                for c in columns if c.id in stored}
    summaries = {c.id: column_summary(store, resource_id, c.id, View(), max_values=FACET_VALUES,
                                      sha256=located.sha256) for c in columns}
    if cache is not None:
        cache.put(table.sha256, variant, {
            name: {"values": [list(pair) for pair in s.values], "complete": s.complete,
                   "minimum": s.minimum, "maximum": s.maximum}
            for name, s in summaries.items()})
    return summaries


def _facets(store: Datastore, resource_id: str, located: Located, view: ExplorerView,
            entries: dict[str, ColumnEntry]) -> dict[str, dict[str, Any]]:
    """Filter controls for the first :data:`MAX_FACETS` columns.

    A column with few values in the whole table gets its values counted over the rows the
    view's *other* choices leave; a column with many (names, measures) keeps the whole
    table's range and an input, without a query: its counts would not be shown anyway, and
    on a large table each count is a scan.
    """
    whole = _whole_table(store, resource_id, located)
    facets = {}
    for column in located.table.columns[:MAX_FACETS]:
        summary = whole.get(column.id)
        others = _without(view, column.id)
        if summary is None or (summary.complete and (others.filters or others.q
                                                     or others.ranges)):
            summary = column_summary(store, resource_id, column.id, others,
                                     max_values=FACET_VALUES, sha256=located.sha256)
        facets[column.id] = _facet(summary, view, entries[column.id].type)
    return facets


def view_url(ds_name: str, resource_id: str, view: ExplorerView, *, external: bool = False,
             **changes: object) -> str:
    """The resource page showing ``view`` (with ``changes``), anchored at the explorer."""
    base = url_for("resource.show", name=ds_name, resource_id=resource_id)
    if external:
        base = catalogue().site_url.rstrip("/") + base
    query = urlencode(view.args(**changes))
    return f"{base}?{query}#explorer-h" if query else f"{base}#explorer-h"


def describe_view(view: ExplorerView, entries: dict[str, ColumnEntry]) -> str:
    """The view in words, for the citation and above the table ("" for the whole table)."""
    english = is_english()

    def label(name: str) -> str:
        entry = entries.get(name)
        return entry.label(english) if entry else name

    def bound(name: str, text: str) -> str:
        """A range's bound as the reader writes it (``1.100``, ``31/12/2024``)."""
        kind = entries[name].type if name in entries else "text"
        if kind in ("int", "numeric"):
            try:
                number = float(text)
            except ValueError:
                return text
            return format_cell(int(number) if number.is_integer() else number, kind)
        return format_cell(text, kind) if kind in ("date", "timestamp") else text

    parts = []
    for part in conditions(view):
        if part.kind == "q":
            parts.append(_("có “%(words)s”", words=part.values[0]))
        elif part.kind == "filter":
            parts.append(_("%(column)s là %(value)s", column=label(part.column),
                           value=part.values[0]) if len(part.values) == 1
                         else _("%(column)s là một trong: %(values)s",
                                column=label(part.column), values=", ".join(part.values)))
        elif part.kind == "range":
            low, high = (bound(part.column, text) if text else "" for text in part.values)
            if low and high:
                parts.append(_("%(column)s từ %(low)s đến %(high)s", column=label(part.column),
                               low=low, high=high))
            elif low:
                parts.append(_("%(column)s từ %(low)s", column=label(part.column), low=low))
            else:
                parts.append(_("%(column)s đến %(high)s", column=label(part.column),
                               high=high))
        elif part.kind == "columns":
            parts.append(_("cột %(columns)s", columns=", ".join(label(c) for c in part.values)))
        elif part.kind == "sort":
            parts.append(_("sắp xếp theo %(column)s giảm dần", column=label(part.column))
                         if part.values[0] == "desc"
                         else _("sắp xếp theo %(column)s", column=label(part.column)))
    return "; ".join(parts)


def _citation(session: Session, ds: Dataset, res: dict[str, Any], view: ExplorerView,
              version: int | None, description: str) -> str:
    """The citation of this view: the dataset version, the table and the view's URL."""
    from catalogue.datasets.package_cache import cached_packages
    from portal.pages.dataset import citation_of

    if version is None:
        return ""
    package = get_published(session, ds.id, version).snapshot if view.version else \
        cached_packages(session, [ds.id], catalogue().site_url)[ds.id]
    cite = citation_of(package, version)
    table = res.get("name") or _("bảng")
    title = f"{cite.title}, {table}" + (f" ({description})" if description else "")
    pinned = dataclasses.replace(view, page=1, version=version)
    cite = dataclasses.replace(cite, title=title,
                               url=view_url(ds.name, str(res["id"]), pinned, external=True,
                                            page=1).removesuffix("#explorer-h"))
    return citations.english_text(cite) if is_english() else citations.vietnamese_text(cite)


def explorer_context(session: Session, ds: Dataset, res: dict[str, Any]) -> dict[str, Any]:
    """What the resource page needs for the explorer: ``explorer`` (None without a table)
    and, then, why (``datastore_status``)."""
    store = _store()
    if store is None:
        return {"explorer": None, "datastore_status": None}
    version_arg = request.args.get("v", "")
    located = _locate(session, store, ds, str(res["id"]),
                      int(version_arg) if version_arg.isdigit() and int(version_arg) > 0
                      else None)
    if located is None:
        status: LoadStatus = status_of(store, str(res["id"]))
        return {"explorer": None, "datastore_status": status}
    table = located.table
    entries = _entries(res, table)
    view = parse_view(request.args, {c.id: c.type for c in table.columns})
    size = int(catalogue().settings.get("preview_rows", 100))
    error = ""
    try:
        page = search_rows(store, str(res["id"]), view.datastore_view(), limit=size,
                           offset=(view.page - 1) * size, sha256=located.sha256)
        total = page.total or 0
        pages = max(1, -(-total // size))
        if view.page > pages:  # past the end (a link from a longer table): the last page
            view = dataclasses.replace(view, page=pages)
            page = search_rows(store, str(res["id"]), view.datastore_view(), limit=size,
                               offset=(pages - 1) * size, sha256=located.sha256)
        facets = _facets(store, str(res["id"]), located, view, entries)
    except (QueryError, QueryTimeout) as exc:
        error = _("Không thực hiện được truy vấn này: %(reason)s", reason=str(exc))
        view = ExplorerView(version=view.version)
        page = search_rows(store, str(res["id"]), View(), limit=size, sha256=located.sha256)
        total, pages, facets = page.total or 0, max(1, -(-(page.total or 0) // size)), {}
    shown = [c for c in page.columns if c.id != "_id"]
    description = describe_view(view, entries)
    return {"explorer": {
        "view": view, "table": table, "entries": entries, "shown": shown,
        "rows": page.records, "total": total, "page": view.page, "pages": pages,
        "size": size, "facets": facets, "error": error,
        "description": description, "version": located.version,
        "pinned": located.sha256 != "", "gone": located.gone,
        "citation": _citation(session, ds, res, view, located.version, description),
        "url": lambda **changes: view_url(ds.name, str(res["id"]), view, **changes),
        "file_url": lambda fmt: url_for("explorer.view_file", name=ds.name,
                                        resource_id=res["id"], fmt=fmt)
        + (f"?{urlencode(view.args(page=1))}" if view.args(page=1) else ""),
    }, "datastore_status": None}


@bp.get("/dataset/<name>/resource/<resource_id>/view.<fmt>")
def view_file(name: str, resource_id: str, fmt: str) -> Response:
    """Exactly the rows and columns of the view the URL holds (its ranges and pinned version
    too, which CKAN's ``/datastore/dump`` has no words for), streamed as CSV (UTF-8, with a
    BOM so that Excel reads the Vietnamese right), TSV, JSON or XLSX by the datastore's one
    writer of dumps."""
    if fmt not in DUMP_FORMATS:
        abort(404)
    store = _store()
    if store is None:
        abort(404)
    with reading() as session:
        ds = visible_dataset(session, name)
        if resource_id not in {r.id for r in ds.resources}:
            abort(404)
        version = request.args.get("v", "")
        located = _locate(session, store, ds, resource_id,
                          int(version) if version.isdigit() and int(version) > 0 else None)
        if located is None:
            abort(404)
        filename = next((r.url.rsplit("/", 1)[-1] for r in ds.resources if r.id == resource_id),
                        "data").rsplit(".", 1)[0] or "data"
    view = parse_view(request.args, {c.id: c.type for c in located.table.columns})
    fields = view.columns or tuple(c.id for c in located.table.columns)
    chosen = dataclasses.replace(view.datastore_view(), fields=fields)
    try:  # a bad view fails here, before the response starts
        columns, rows = iter_rows(store, resource_id, chosen, sha256=located.sha256)
    except QueryError as exc:
        return Response(f"{exc}\n", status=400, mimetype="text/plain")
    response = Response(stream_with_context(dump(fmt, columns, rows, bom=fmt == "csv")),
                        mimetype=DUMP_FORMATS[fmt].split(";")[0])
    response.headers["Content-Type"] = DUMP_FORMATS[fmt]
    stem = f"{filename}-{'loc' if view.narrowed else 'day-du'}"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{quote(stem)}.{fmt}\"; filename*=UTF-8''{quote(stem)}.{fmt}")
    return response

"""Statistics: datasets by agency, sector, format and over time; downloads and API use."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from catalogue.preview import charts
from portal.i18n import format_number, localized
from portal.pages import counts
from portal.pages.public import reading

bp = Blueprint("stats", __name__)
TOP = 15


def _svg(markup: str) -> Markup:
    return Markup(markup)  # noqa: S704 - charts escape every label


@bp.get("/stats")
def index() -> str:
    with reading() as session:
        stamp = counts.catalogue_stamp(session)
        agencies = counts.cached("stats_agencies", stamp, lambda: [
            (localized(o, "title"), n) for o, n in counts.agency_counts(session) if n])
        # Sectors without public data say nothing in a chart (issue 19).
        sectors = [(localized(g, "title"), n) for g, n in counts.sector_counts(session) if n]
        formats = counts.cached("stats_formats", stamp, lambda: counts.format_counts(session))
        created = counts.cached("stats_created", stamp, lambda: counts.created_by_month(session))
        downloads = counts.usage_by_month(session, "download")
        api_calls = counts.usage_by_month(session, "api")
        total = counts.public_count(session)
    tables = {
        "agencies": agencies[:TOP], "sectors": sectors, "formats": formats[:TOP],
        "created": created[-24:], "downloads": downloads[-24:], "api": api_calls[-24:],
    }
    fmt = format_number
    return render_template(
        "stats.html", total=total, tables=tables,
        agency_chart=_svg(charts.bar_chart_svg(tables["agencies"], format_value=fmt,
                                               title=_("Bộ dữ liệu theo cơ quan"))),
        sector_chart=_svg(charts.bar_chart_svg(tables["sectors"], format_value=fmt,
                                               title=_("Bộ dữ liệu theo lĩnh vực"))),
        format_chart=_svg(charts.bar_chart_svg(tables["formats"], format_value=fmt,
                                               title=_("Bộ dữ liệu theo định dạng"))),
        created_chart=_svg(charts.column_chart_svg(tables["created"], format_value=fmt,
                                                   title=_("Bộ dữ liệu mới theo tháng"))),
        download_chart=_svg(charts.column_chart_svg(tables["downloads"], format_value=fmt,
                                                    title=_("Lượt tải theo tháng"))),
        api_chart=_svg(charts.column_chart_svg(tables["api"], format_value=fmt,
                                               title=_("Lượt gọi API theo tháng"))))

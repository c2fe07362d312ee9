"""The quality score's bands as people read them (issue 9): shared by the search page's facet
and the agency dashboards, in a module of its own so neither imports the other."""

from __future__ import annotations

from flask_babel import gettext as _


def quality_band_labels() -> dict[str, str]:
    """The quality facet's bands, as ``catalogue.search.documents.QUALITY_BANDS`` cuts the
    score, in the page's language (plain strings: "<" is escaped when shown)."""
    return {"high": _("Tốt (≥ 80)"), "medium": _("Khá (50–79)"),
            "low": _("Cần cải thiện (< 50)")}

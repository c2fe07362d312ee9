"""About, terms of use and the API documentation page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from licenses import registry

bp = Blueprint("about", __name__)


@bp.get("/about")
def about() -> str:
    return render_template("about.html")


@bp.get("/terms")
def terms() -> str:
    return render_template("terms.html", licences=list(registry().values()))


@bp.get("/api-docs")
def api_docs() -> Response:
    """The older address of the API documentation: one page, at /api, with the actions and
    the rate limits (two renderings had drifted apart)."""
    return redirect(url_for("api.docs"), code=301)

"""About, terms of use and the API documentation page."""

from __future__ import annotations

from flask import Blueprint, render_template

from licenses import registry
from portal.pages.dataset import absolute

bp = Blueprint("about", __name__)


@bp.get("/about")
def about() -> str:
    return render_template("about.html")


@bp.get("/terms")
def terms() -> str:
    return render_template("terms.html", licences=list(registry().values()))


@bp.get("/api-docs")
def api_docs() -> str:
    return render_template("api_docs.html", api_base=absolute("/api/3/action/"))

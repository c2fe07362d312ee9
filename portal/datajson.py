"""``/data.json``: the public catalogue as Project Open Data / DCAT-US 1.1 (issue 9).

Only public datasets (open, active, not private: Law on Data 2024 Art. 13) are listed; the
``datajson`` harvester reads this document back. Harvesters poll it, so it answers
conditional requests: ``Last-Modified`` is the newest change to any dataset (a withdrawal or
reclassification changes it too), and an unchanged catalogue costs one small query.
"""

from __future__ import annotations

import json
from datetime import UTC

from flask import Blueprint, Flask, Response, request
from sqlalchemy import func, select

from catalogue.classification import public_conditions
from catalogue.datajson import build_data_json
from catalogue.datasets.model import Dataset
from catalogue.datasets.package_cache import ordered_packages
from portal.catalogue_ext import catalogue_of

blueprint = Blueprint("datajson", __name__)


@blueprint.get("/data.json")
def data_json() -> Response:
    """Every public dataset, newest change first."""
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        # Any dataset's change (even one that hid it) may change the document.
        newest = session.scalar(select(func.max(Dataset.metadata_modified)))
        since = request.if_modified_since
        if newest is not None and since is not None and \
                newest.replace(microsecond=0, tzinfo=UTC) <= since:
            return Response(status=304)
        packages = ordered_packages(
            session, select(Dataset.id).where(*public_conditions())
            .order_by(Dataset.metadata_modified.desc(), Dataset.name), catalogue.site_url)
    document = build_data_json(packages, catalogue.site_url)
    response = Response(json.dumps(document, ensure_ascii=False, indent=1),
                        mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    if newest is not None:
        response.last_modified = newest.replace(tzinfo=UTC)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

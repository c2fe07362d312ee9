"""``/dataset/<name>/datapackage.json``: each public dataset as a Frictionless data package.

Valid under the Data Package v2 and v1 profiles (issue 17); its resources point at the files
this portal serves, with the ``bytes`` and ``hash`` a download returns.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, json

from catalogue.dcat import public_package
from catalogue.errors import NotFound
from catalogue.validation import build_datapackage
from portal.catalogue_ext import catalogue_of

blueprint = Blueprint("datapackage", __name__)


@blueprint.get("/dataset/<name>/datapackage.json")
def descriptor(name: str) -> Response:
    """The data package descriptor of one public dataset."""
    catalogue = catalogue_of()
    with catalogue.sessions() as session:
        try:
            package = public_package(session, catalogue.site_url, name)
        except NotFound:
            response = Response(f"Dataset not found: {name}\n", status=404,
                                mimetype="text/plain")
            response.headers["Access-Control-Allow-Origin"] = "*"
            return response
    homepage = f"{catalogue.site_url.rstrip('/')}/dataset/{package['name']}"
    body = json.dumps(build_datapackage(package, homepage), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

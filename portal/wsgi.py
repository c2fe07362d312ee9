"""WSGI entry point for gunicorn: ``gunicorn portal.wsgi:app`` (home from $DULIEUMO_HOME).

Each worker imports this after gunicorn forks it and before it takes a request, so the search
backend's per-process caches (column tables, facets, lexicon) are built here: otherwise the
first searches each new worker answers wait seconds for them (issue 8's p99).
"""

from flask import Flask

from catalogue.search.backend import SearchQuery
from portal import create_app
from portal.catalogue_ext import catalogue_of, start_listening

WARM_FACETS = ["organization", "groups", "tags", "res_format", "license_id"]


def warm_search(flask_app: Flask) -> None:
    """Run one faceted text search so the backend has loaded what every query needs."""
    run = getattr(catalogue_of(flask_app).search, "search", None)
    if run is not None:
        run(SearchQuery(q="dữ liệu", facet_fields=WARM_FACETS))


app = create_app()
start_listening(app)  # after the fork: told of other machines' writes, rebuilds, restores
warm_search(app)

"""The key that signs sessions and CSRF tokens: the same on every machine (issue 23).

A configured ``secret_key`` wins. Otherwise the catalogue database keeps one key (the first
process stores its candidate, all read it back), so a log-in or a form made on one machine is
valid on the others. Before ``dulieumo init`` has made the table, the home's key file serves
and the shared key is fetched at the first request after it exists.
"""

from __future__ import annotations

from flask import Flask

from catalogue.coordination.shared import shared_signing_key
from catalogue.home import Home
from portal.catalogue_ext import catalogue_of

PENDING = "DULIEUMO_SIGNING_KEY_PENDING"


def _load_shared_key(app: Flask) -> bool:
    home: Home = app.config["DULIEUMO_HOME"]
    catalogue = catalogue_of(app)
    key = shared_signing_key(catalogue.engine, home.secret_key(), catalogue.clock.now())
    if key is None:
        return False
    app.config["SECRET_KEY"] = key
    return True


def init_app(app: Flask) -> None:
    """Set ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` from the settings or the database."""
    settings = app.config["DULIEUMO"]
    app.config["SECRET_KEY_FALLBACKS"] = [
        key.strip() for key in settings["secret_key_fallbacks"].split(",") if key.strip()]
    if settings["secret_key"]:
        app.config["SECRET_KEY"] = settings["secret_key"]
        return
    if _load_shared_key(app):
        return
    app.config["SECRET_KEY"] = app.config["DULIEUMO_HOME"].secret_key()
    app.config[PENDING] = True

    @app.before_request
    def _shared_key_once_initialised() -> None:
        if app.config.get(PENDING) and _load_shared_key(app):
            app.config[PENDING] = False

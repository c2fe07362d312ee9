"""The portal shows and serves the catalogue: pages, the CKAN API, DCAT, the CLI wiring."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from catalogue.clock import Clock, SystemClock
from catalogue.home import Home
from catalogue.settings import load_settings


def create_app(
    config: Mapping[str, Any] | None = None,
    *,
    home: Path | None = None,
    clock: Clock | None = None,
) -> Flask:
    """Build the app: defaults, the home's ``dulieumo.toml``, ``DULIEUMO_*``, then ``config``.

    Raises ``catalogue.errors.ConfigError`` on bad configuration, naming file and key.
    """
    chosen_home = Home(home.resolve()) if home is not None else Home.from_env()
    settings = load_settings(chosen_home.config_file, overrides=config)
    app = Flask(__name__)
    app.config["DULIEUMO"] = settings
    app.config["DULIEUMO_HOME"] = chosen_home
    app.config["SECRET_KEY"] = settings["secret_key"] or chosen_home.secret_key()
    app.config["MAX_CONTENT_LENGTH"] = settings["max_upload_mb"] * 1024 * 1024
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from portal import catalogue_ext, errors
    from portal.api import blueprint as api_blueprint

    catalogue_ext.init_app(app, chosen_home, clock or SystemClock())
    errors.init_app(app)
    app.register_blueprint(api_blueprint)
    from portal import dcat  # DCAT-AP feeds (issue 5)

    dcat.init_app(app)

    from portal import operations

    operations.init_app(app)

    from portal import pages  # the public portal (issue 6)

    pages.init_app(app, catalogue_ext.catalogue_of(app).clock)

    from portal import datajson  # /data.json, DCAT-US 1.1 (issue 9)

    datajson.init_app(app)
    from portal import subscriptions  # follow, confirm, one-click unsubscribe (issue 9)

    subscriptions.init_app(app)
    return app

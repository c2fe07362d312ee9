"""The portal shows and serves the catalogue: pages, the CKAN API, DCAT, the CLI wiring."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from catalogue.clock import Clock, SystemClock
from catalogue.home import Home
from catalogue.settings import load_settings
from portal.json_provider import use_orjson


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
    use_orjson(app)  # UTF-8 JSON, encoded in C (issue 8)

    from portal import (
        auth,  # accounts and sessions (issue 7)
        catalogue_ext,
        datajson,  # /data.json, DCAT-US 1.1 (issue 9)
        datapackage,  # /dataset/<name>/datapackage.json (issue 17)
        dcat,  # DCAT-AP feeds (issue 5)
        errors,
        operations,  # health, metrics, logs, usage, notices (issue 8)
        pages,  # the public portal (issue 6)
        subscriptions,  # follow, confirm, one-click unsubscribe (issue 9)
        workspace,  # the agency workspace (issue 7)
    )
    from portal.api import blueprint as api_blueprint

    catalogue_ext.init_app(app, chosen_home, clock or SystemClock())
    errors.init_app(app)
    app.register_blueprint(api_blueprint)
    auth.init_app(app)
    workspace.init_app(app)
    dcat.init_app(app)
    datapackage.init_app(app)
    operations.init_app(app)
    pages.init_app(app, catalogue_ext.catalogue_of(app).clock)
    datajson.init_app(app)
    subscriptions.init_app(app)
    return app

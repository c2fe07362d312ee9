"""The portal shows and serves the catalogue: pages, the CKAN API, DCAT, the CLI wiring."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from catalogue.clock import Clock, SystemClock
from catalogue.errors import ConfigError
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
    app.config["MAX_CONTENT_LENGTH"] = settings["max_upload_mb"] * 1024 * 1024
    use_orjson(app)  # UTF-8 JSON, encoded in C (issue 8)
    _trust_proxies(app, settings["proxy_trusted_hops"])

    from portal import (
        auth,  # accounts and sessions (issue 7)
        catalogue_ext,
        datajson,  # /data.json, DCAT-US 1.1 (issue 9)
        datapackage,  # /dataset/<name>/datapackage.json (issue 17)
        dcat,  # DCAT-AP feeds (issue 5)
        errors,
        input_checks,
        operations,  # health, metrics, logs, usage, notices (issue 8)
        pages,  # the public portal (issue 6)
        signing,  # one signing key for every machine (issue 23)
        subscriptions,  # follow, confirm, one-click unsubscribe (issue 9)
        workspace,  # the agency workspace (issue 7)
    )
    from portal.api import blueprint as api_blueprint

    catalogue_ext.init_app(app, chosen_home, clock or SystemClock())
    signing.init_app(app)
    errors.init_app(app)
    app.register_blueprint(api_blueprint)
    auth.init_app(app)
    workspace.init_app(app)
    dcat.init_app(app)
    datapackage.init_app(app)
    operations.init_app(app)
    input_checks.init_app(app)  # NUL, lone surrogates, CR/LF: a 400, never a 500 (issue 15)
    pages.init_app(app, catalogue_ext.catalogue_of(app).clock)
    datajson.init_app(app)
    subscriptions.init_app(app)
    return app


def _trust_proxies(app: Flask, hops: int) -> None:
    """Believe ``X-Forwarded-For``/``-Proto`` from exactly ``hops`` proxies (issue 15).

    Behind nginx without this, every visitor has nginx's address, so the per-address log-in
    throttle would refuse everyone once it refused anyone. With more hops trusted than there
    are proxies, a client could write its own address into the header: the number is declared.
    """
    if hops < 0:
        raise ConfigError(f"setting 'proxy_trusted_hops': expected 0 or more, got {hops}")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

"""``dulieumo serve``: run the portal (development server, or gunicorn with --production)."""

from __future__ import annotations

import os
import signal
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--production", is_flag=True, help="Run gunicorn with several workers.")
@click.option("--workers", default=4, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int, production: bool, workers: int) -> None:
    """Serve the portal on HOST:PORT."""
    if production:
        home = current_app.config["DULIEUMO_HOME"].root
        os.environ.update({"DULIEUMO_HOME": str(home), "DULIEUMO_BIND": f"{host}:{port}",
                           "DULIEUMO_WORKERS": str(workers)})
        # The production settings (portal/gunicorn_config.py), as deploy/README.md documents.
        os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "-c",
                                   "python:portal.gunicorn_config", "portal.wsgi:app"])
    serve_app(current_app._get_current_object(), host, port)  # type: ignore[attr-defined]


def serve_app(app: Flask, host: str, port: int) -> None:
    """Werkzeug's threaded server. ``app.run`` cannot be used: Flask ignores it when called
    from its own CLI (FLASK_RUN_FROM_CLI), which ``dulieumo`` is built on."""
    from werkzeug.serving import run_simple

    from portal.catalogue_ext import start_listening

    # SIGTERM (systemd, docker, kill) ends the server through SystemExit, so the exit
    # handlers run and the usage counts still held are written (issue 23).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    start_listening(app)  # other processes' writes, rebuilds and restores empty our caches
    run_simple(host, port, app, threaded=True, use_reloader=False)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def register(group: click.Group) -> None:
    group.add_command(serve_command)

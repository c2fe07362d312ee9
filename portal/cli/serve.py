"""``dulieumo serve``: run the portal (development server, or gunicorn with --production)."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
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
        os.environ["DULIEUMO_HOME"] = str(home)
        os.execvp(sys.executable, [
            sys.executable, "-m", "gunicorn", "--workers", str(workers),
            "--bind", f"{host}:{port}", "--access-logfile", "-", "portal.wsgi:app",
        ])
    current_app.run(host=host, port=port, threaded=True, use_reloader=False)


def register(group: click.Group) -> None:
    group.add_command(serve_command)

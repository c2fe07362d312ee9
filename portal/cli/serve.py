"""``dulieumo serve``: run the portal (development server, or gunicorn with --production)."""

from __future__ import annotations

import os
import signal
import socket
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from werkzeug.serving import BaseWSGIServer, make_server


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
    from portal.catalogue_ext import start_listening

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    start_listening(app)  # other processes' writes, rebuilds and restores empty our caches
    serve(bind(app, host, port))


def bind(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """Werkzeug's threaded server, listening on ``host:port`` already; a port in use stops
    here with a message naming it, before anything says the portal is served (issue 19).

    ``app.run`` cannot be used: Flask ignores it when called from its own CLI
    (FLASK_RUN_FROM_CLI), which ``dulieumo`` is built on.
    """
    # Bound here rather than by Werkzeug, which prints its own message and exits the
    # process on a busy port.
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        return make_server(host, port, app, threaded=True, fd=sock.fileno())
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; is another program "
            f"(another portal?) using the port? Choose another with --port "
            f"(make run PORT=8080)") from None
    finally:
        sock.close()  # the server listens on its own duplicate of the socket


def serve(server: BaseWSGIServer) -> None:
    """Say where the portal is and serve it until Ctrl+C or SIGTERM."""
    # SIGTERM (systemd, docker, kill) ends the server through SystemExit, so the exit
    # handlers run and the usage counts still held are written (issue 23).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    click.echo(f"Serving on http://{server.host}:{server.port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def register(group: click.Group) -> None:
    group.add_command(serve_command)

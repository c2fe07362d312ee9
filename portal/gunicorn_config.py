"""gunicorn settings for dulieumo in production: ``gunicorn -c python:portal.gunicorn_config
portal.wsgi:app`` (what ``dulieumo serve --production`` runs; ``DULIEUMO_HOME`` names the
home, ``DULIEUMO_BIND`` and ``DULIEUMO_WORKERS`` the address and worker count; see
deploy/README.md). A module of the package, so an installed dulieumo has it."""

import multiprocessing
import os
from typing import Any

bind = os.environ.get("DULIEUMO_BIND", "127.0.0.1:8000")
# Sync workers: requests are short and CPU-bound (templates, JSON); 2 per core plus one.
workers = int(os.environ.get("DULIEUMO_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60  # a worker stuck longer is killed and replaced; large downloads go via nginx
graceful_timeout = 30
max_requests = 5000  # recycle workers now and then (bounded memory); jitter avoids a herd
max_requests_jitter = 500
# JSON request lines come from the app (with request ids); gunicorn's own access log is off.
accesslog = None
errorlog = "-"
# Trust X-Forwarded-* from the local nginx only, or from the addresses in
# FORWARDED_ALLOW_IPS (comma-separated) where nginx runs on other machines (deploy/README.md).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips


def worker_exit(server: Any, worker: Any) -> None:  # noqa: ARG001  (gunicorn's hook)
    """Write the worker's pending usage counts before it goes (recycling, shutdown)."""
    from portal.operations import EXTENSION

    app = getattr(worker, "wsgi", None)
    ops = getattr(app, "extensions", {}).get(EXTENSION) if app is not None else None
    if ops is not None:
        ops.usage.flush()
        ops.metrics.write_spool()

"""Operations wiring: health, readiness, metrics, request logs, usage counting, notices.

``init_app(app)`` registers ``/healthz``, ``/readyz`` and ``/metrics``, the request hooks
(request id, JSON log line, metrics, usage counters) and a context processor giving every
template ``active_notices`` (the banner partial is ``_notices.html``). State lives in
``app.extensions["dulieumo.ops"]``.
"""

from __future__ import annotations

import atexit
import re
import time
import weakref
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from catalogue.context import Catalogue
from catalogue.notices.service import notices_for_status
from catalogue.usage.counter import UsageCounter
from portal.catalogue_ext import catalogue_of
from portal.operations.gauges import collect_gauges
from portal.operations.health import readiness
from portal.operations.metrics import Metrics, render
from portal.operations.request_log import configure_json_logging, request_id_from
from portal.operations.timed_search import TimedSearch

EXTENSION = "dulieumo.ops"
DOWNLOAD_PATH = re.compile(r"^/dataset/[^/]+/resource/(?P<resource>[^/]+)/download(?:/|$)")
QUIET_PATHS = ("/healthz", "/readyz", "/metrics")


@dataclass
class Operations:
    metrics: Metrics
    usage: UsageCounter
    log_json: bool


def operations_of(app: Flask) -> Operations:
    ops: Operations = app.extensions[EXTENSION]
    return ops


def record_download(app: Flask, resource_id: str) -> None:
    """Count a download the path pattern does not catch (e.g. a redirect to a link)."""
    operations_of(app).usage.record("download", "resource", resource_id)


def _endpoint_label() -> str:
    if request.blueprint == "api" and request.view_args and "name" in request.view_args:
        return f"api:{request.view_args['name']}"
    return request.endpoint or "unmatched"


def _count_usage(ops: Operations, status: int) -> None:
    if status >= 400:
        return
    if request.blueprint == "api" and request.view_args and "name" in request.view_args:
        subject = request.args.get("id", "")
        if not subject and request.is_json:
            body = request.get_json(silent=True)
            subject = str(body.get("id", "")) if isinstance(body, dict) else ""
        ops.usage.record("api", str(request.view_args["name"]), subject)
        return
    match = DOWNLOAD_PATH.match(request.path)
    if match is not None:
        ops.usage.record("download", "resource", match["resource"])


def init_app(app: Flask) -> None:
    """Wire operations into ``app`` (after the catalogue extension)."""
    catalogue = catalogue_of(app)
    settings = app.config["DULIEUMO"]
    home = app.config["DULIEUMO_HOME"]
    engine = catalogue.sessions.kw["bind"]
    metrics = Metrics(spool=home.root / "run" / "metrics")
    usage = UsageCounter(engine, catalogue.clock, flush_every=settings["usage_flush_every"],
                         flush_seconds=settings["usage_flush_seconds"])
    ops = Operations(metrics, usage, settings["log_json"])
    app.extensions[EXTENSION] = ops
    if catalogue.search is not None and not isinstance(catalogue.search, TimedSearch):
        # Composition, not patching: every search the app runs is timed for /metrics.
        catalogue.search = TimedSearch(catalogue.search, metrics)
    atexit.register(_flush_at_exit, weakref.ref(usage))
    logger = configure_json_logging() if ops.log_json else None

    @app.before_request
    def _start() -> None:
        g.request_id = request_id_from(request.headers.get("X-Request-ID"))
        g.ops_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        started = g.get("ops_started")
        elapsed = time.perf_counter() - started if started is not None else 0.0
        endpoint = _endpoint_label()
        metrics.inc("dulieumo_http_requests_total", {
            "endpoint": endpoint, "method": request.method, "status": str(response.status_code)})
        metrics.observe("dulieumo_http_request_duration_seconds", {"endpoint": endpoint}, elapsed)
        _count_usage(ops, response.status_code)
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if logger is not None and request.path not in QUIET_PATHS:
            logger.info("request", extra={
                "request_id": g.get("request_id"), "method": request.method,
                "path": request.path, "endpoint": endpoint, "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 2), "remote": request.remote_addr,
                "bytes": response.content_length})
        metrics.maybe_spool()
        return response

    @app.context_processor
    def _notices() -> dict[str, Any]:
        try:
            return {"active_notices": notices_for_status(catalogue_of(app))}
        except SQLAlchemyError:
            # The database is down: error pages must still render (without the banner).
            return {"active_notices": []}

    if "auth" in app.blueprints:  # the admin pages need the accounts' log-in (issue 7)
        from portal.operations.admin import bp as admin_bp

        app.register_blueprint(admin_bp)
    app.add_url_rule("/healthz", "ops_healthz", _healthz)
    app.add_url_rule("/readyz", "ops_readyz", _readyz)
    app.add_url_rule("/metrics", "ops_metrics", _metrics)


def _flush_at_exit(usage_ref: weakref.ref[UsageCounter]) -> None:
    """Write what a stopping worker still holds (a weak reference: apps may come and go)."""
    usage = usage_ref()
    if usage is not None:
        usage.flush()


def _healthz() -> Response:
    return jsonify({"status": "ok"})


def _readyz() -> tuple[Response, int]:
    checks = readiness(catalogue_of())
    ok = all(c.ok for c in checks)
    body = {"status": "ok" if ok else "unavailable",
            "checks": {c.name: {"ok": c.ok, "detail": c.detail,
                                "ms": round(c.seconds * 1000, 1)} for c in checks}}
    return jsonify(body), 200 if ok else 503


def _metrics() -> Response:
    from flask import current_app

    ops = operations_of(current_app)
    catalogue: Catalogue = catalogue_of()
    gauges = collect_gauges(catalogue, current_app.config["DULIEUMO_HOME"],
                            current_app.config["DULIEUMO"])
    return Response(render(ops.metrics.merged(), gauges),
                    mimetype="text/plain", content_type="text/plain; version=0.0.4; charset=utf-8")

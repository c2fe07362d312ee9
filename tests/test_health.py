"""Liveness, readiness, Prometheus metrics, request ids and JSON logs (issue 8)."""

from __future__ import annotations

import json
import logging
import re
import shutil

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.backup.snapshot import BackupTarget, create_backup
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from portal.operations import operations_of
from portal.operations.metrics import Metrics, render
from portal.operations.request_log import JsonFormatter


def test_healthz_is_ok_without_touching_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_checks_database_index_and_file_store(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert set(response.json["checks"]) == {"database", "index", "files"}


def test_readyz_fails_when_the_file_store_is_gone(app: Flask, client: FlaskClient) -> None:
    shutil.rmtree(app.config["DULIEUMO_HOME"].files_dir)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["files"]["ok"] is False
    assert "does not exist" in response.json["checks"]["files"]["detail"]
    app.config["DULIEUMO_HOME"].files_dir.mkdir()
    assert client.get("/readyz").json["checks"]["files"]["ok"] is True


def test_metrics_count_requests_by_endpoint_and_expose_backup_age(
        app: Flask, client: FlaskClient, clock: FixedClock) -> None:
    client.get("/api/3/action/site_read")
    client.get("/api/3/action/site_read")
    client.get("/no-such-page")
    target = BackupTarget.of(app.config["DULIEUMO_HOME"], app.config["DULIEUMO"])
    create_backup(target, app.config["DULIEUMO_HOME"].backups_dir, clock.now())
    clock.advance(hours=2)
    text = client.get("/metrics").get_data(as_text=True)
    assert '# TYPE dulieumo_http_requests_total counter' in text
    assert ('dulieumo_http_requests_total{endpoint="api:site_read",method="GET",status="200"} 2'
            in text)
    assert 'endpoint="unmatched",method="GET",status="404"' in text
    assert re.search(r'dulieumo_http_request_duration_seconds_bucket\{endpoint="api:site_read",'
                     r'le="\+Inf"\} 2', text)
    assert "dulieumo_backup_age_seconds 7200" in text
    assert "dulieumo_database_up 1" in text


def test_metrics_add_up_every_workers_spool(tmp_path: object) -> None:
    from pathlib import Path

    spool = Path(str(tmp_path)) / "spool"
    one, two = Metrics(spool=spool), Metrics(spool=spool)
    one.inc("dulieumo_http_requests_total", {"endpoint": "x"})
    two.inc("dulieumo_http_requests_total", {"endpoint": "x"}, 2)
    two.observe("dulieumo_search_duration_seconds", {"outcome": "ok"}, 0.02)
    two.write_spool()
    text = render(one.merged(), [])
    assert 'dulieumo_http_requests_total{endpoint="x"} 3' in text
    assert 'dulieumo_search_duration_seconds_bucket{outcome="ok",le="0.025"} 1' in text


def test_request_id_is_echoed_or_made(client: FlaskClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers[
        "X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"}).headers[
        "X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)


def test_request_log_is_one_json_line_with_the_request_id(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="dulieumo.requests"):
        client.get("/api/3/action/site_read", headers={"X-Request-ID": "req-42"})
    record = next(r for r in caplog.records if r.name == "dulieumo.requests")
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "req-42" and entry["status"] == 200
    assert entry["endpoint"] == "api:site_read" and entry["duration_ms"] >= 0


def test_api_calls_and_downloads_are_counted_in_memory_then_flushed(
        app: Flask, client: FlaskClient, catalogue: Catalogue) -> None:
    from sqlalchemy import func, select

    from catalogue.usage.model import UsageDaily

    client.get("/api/3/action/package_show?id=khong-co")  # 404: not counted
    client.get("/api/3/action/site_read")
    usage = operations_of(app).usage
    assert usage.pending() == 1
    with catalogue.sessions() as session:
        assert session.scalar(select(func.count()).select_from(UsageDaily)) == 0
    usage.flush()
    with catalogue.sessions() as session:
        row = session.scalars(select(UsageDaily)).one()
    assert (row.kind, row.name, row.count) == ("api", "site_read", 1)


def test_exited_workers_metrics_are_folded_not_lost(tmp_path: object) -> None:
    import json as json_module
    from pathlib import Path

    spool = Path(str(tmp_path)) / "spool"
    spool.mkdir()
    gone = {"counters": {"dulieumo_http_requests_total": {'{endpoint="x"}': 5.0}},
            "histograms": {}}
    (spool / "999999999-dead.json").write_text(json_module.dumps(gone))  # no such pid
    live = Metrics(spool=spool)
    live.inc("dulieumo_http_requests_total", {"endpoint": "x"})
    assert 'dulieumo_http_requests_total{endpoint="x"} 6' in render(live.merged(), [])
    assert not (spool / "999999999-dead.json").exists()
    assert 'dulieumo_http_requests_total{endpoint="x"} 6' in render(live.merged(), [])

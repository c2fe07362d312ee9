"""Usage counts are never lost (issue 23): written on a timer without a later request, and
when ``dulieumo serve`` is stopped with SIGTERM."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from catalogue.clock import FixedClock
from catalogue.database import make_engine
from catalogue.usage.counter import UsageCounter
from catalogue.usage.model import UsageDaily
from portal.cli import main


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _api_calls_counted(home: Path) -> int:
    engine = make_engine(f"sqlite:///{home / 'dulieumo.sqlite'}")
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.coalesce(func.sum(UsageDaily.count), 0))
                                          .where(UsageDaily.kind == "api")).scalar_one())
    finally:
        engine.dispose()


def test_a_stopped_serve_writes_every_counted_api_call(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert CliRunner().invoke(main, ["--home", str(home), "init"]).exit_code == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from portal.cli import main; main()", "--home", str(home),
         "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api/3/action/package_list"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                time.sleep(0.2)  # polling a starting server
        for _ in range(49):
            urllib.request.urlopen(url, timeout=5).close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if server.stderr:
            server.stderr.close()
    assert _api_calls_counted(home) == 50


def test_counts_reach_the_database_on_a_timer_without_a_later_request(tmp_path: Path) -> None:
    from catalogue.database import upgrade_database

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade_database(url)
    engine = make_engine(url)
    counter = UsageCounter(engine, FixedClock(datetime(2026, 12, 7, 9, 0)), flush_every=1000,
                           flush_seconds=0.05)
    try:
        for _ in range(3):
            counter.record("api", "package_show")
        def written() -> int | None:
            with engine.connect() as connection:
                total = connection.execute(select(func.sum(UsageDaily.count))).scalar_one()
                return int(total) if total is not None else None

        deadline = time.monotonic() + 30
        while written() != 3 and time.monotonic() < deadline:
            time.sleep(0.05)  # the timer thread's own period, not a clock in the code
        assert written() == 3 and counter.pending() == 0
    finally:
        counter.stop_timer()
        engine.dispose()

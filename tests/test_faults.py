"""Faults end with a clear error, a consistent catalogue, nothing lost, and recovery once the
fault clears (issue 8): a worker killed mid-request, a full disk during a backup, the
database gone for a while, a corrupted stored file. Each is bounded to a few seconds."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from ops_data import publish

from catalogue.backup.manifest import BackupError, verify_backup
from catalogue.backup.snapshot import BackupTarget, create_backup
from catalogue.clock import FixedClock, SystemClock
from catalogue.context import Catalogue
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli import main
from portal.cli.home_cmds import initialise

ROOT = Path(__file__).parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(check: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)  # polling a real process, not standing in for a clock
    raise AssertionError("gave up waiting")


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _answers(port: int) -> bool:
    try:
        return _get(port, "/healthz")[0] == 200
    except OSError:
        return False


@pytest.fixture
def gunicorn(app: Flask) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = _free_port()
    env = {**os.environ, "DULIEUMO_HOME": str(app.config["DULIEUMO_HOME"].root),
           "DULIEUMO_SITE_URL": "http://portal.test", "DULIEUMO_LOG_JSON": "false",
           **({"DULIEUMO_DATABASE_URL": app.config["DULIEUMO"]["database_url"]}
              if app.config["DULIEUMO"]["database_url"] else {})}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--graceful-timeout", "2", "portal.wsgi:app"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_until(lambda: _answers(port))
        yield port, server
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _owner_of_connection(server_port: int, client_port: int, pids: list[int]) -> int:
    """The worker holding the accepted socket of our connection (from /proc)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if (int(local.split(":")[1], 16) == server_port
                and int(remote.split(":")[1], 16) == client_port):
            inode = fields[9]
    assert inode is not None, "connection not found in /proc/net/tcp"
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    raise AssertionError("no worker holds the connection")


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def test_killing_a_worker_mid_request_loses_nothing_and_the_pool_recovers(
        gunicorn: tuple[int, subprocess.Popen[bytes]], catalogue: Catalogue, org: str,
        api_token: Callable[..., str], clock: FixedClock) -> None:
    port, server = gunicorn
    # gunicorn runs on the real clock: the token must be valid now, not on the test's date.
    clock.advance(seconds=(SystemClock().now() - clock.now()).total_seconds())
    token = api_token("lan", org=org, role="editor")
    body = json.dumps({"name": "bi-ngat-giua-chung", "title": "Bị ngắt giữa chừng",
                       "owner_org": org}).encode()
    # Half a package_create: the worker is now blocked reading the rest of the body.
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"POST /api/3/action/package_create HTTP/1.1\r\nHost: portal.test\r\n"
                 b"Content-Type: application/json\r\nAuthorization: " + token.encode()
                 + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
                 + body[:20])
    _wait_until(lambda: len(_workers(server.pid)) == 2)
    victim = None

    def found() -> bool:
        nonlocal victim
        try:
            victim = _owner_of_connection(port, sock.getsockname()[1], _workers(server.pid))
            return True
        except AssertionError:
            return False

    _wait_until(found, 5)
    assert victim is not None
    os.kill(victim, signal.SIGKILL)
    assert sock.recv(1024) == b""  # a clear end: the connection closes, no false success
    sock.close()
    _wait_until(lambda: victim not in _workers(server.pid) and len(_workers(server.pid)) == 2)
    status, raw = _get(port, "/api/3/action/package_show?id=bi-ngat-giua-chung")
    assert status == 404  # the interrupted write left nothing half-done
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/api/3/action/package_create", body=body,
                 headers={"Content-Type": "application/json", "Authorization": token})
    created = conn.getresponse()
    assert created.status == 200, created.read()  # retried in full: accepted
    conn.close()
    assert _get(port, "/readyz")[0] == 200


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, check=False)
    return done.returncode == 0


def test_full_disk_during_backup_fails_clearly_and_leaves_no_half_backup(
        app: Flask, catalogue: Catalogue, org: str, tmp_path: Path, clock: FixedClock) -> None:
    big = os.urandom(3 * 1024 * 1024)  # incompressible, bigger than the backup disk
    publish(catalogue, org, "anh-ve-tinh", data=big)
    disk = tmp_path / "small-disk"
    if not _mount_tmpfs(disk, "2m"):
        pytest.skip("cannot mount a size-limited tmpfs here (needs root)")
    target = BackupTarget.of(app.config["DULIEUMO_HOME"], app.config["DULIEUMO"])
    try:
        with pytest.raises(BackupError, match="No space left on device|disk is full"):
            create_backup(target, disk, clock.now())
        assert list(disk.iterdir()) == []  # nothing that could pass for a backup
        subprocess.run(["mount", "-o", "remount,size=16m", str(disk)], check=True)
        backup = create_backup(target, disk, clock.now())  # the fault cleared
        assert verify_backup(backup).ok
    finally:
        subprocess.run(["umount", str(disk)], check=False)
    assert catalogue.files.path(__import__("hashlib").sha256(big).hexdigest()).is_file()


def test_database_outage_fails_readiness_then_recovers(
        tmp_path: Path, clock: FixedClock) -> None:
    from pg_databases import PrivateCluster

    cluster = PrivateCluster(_free_port())
    try:
        cluster.start()
        app = create_app({"database_url": cluster.url, "site_url": "http://portal.test"},
                         home=tmp_path / "pg-home", clock=clock)
        initialise(app)
        client = app.test_client()
        assert client.get("/readyz").json["checks"]["database"]["ok"] is True
        cluster.stop()
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.json["checks"]["database"]["ok"] is False
        assert client.get("/healthz").status_code == 200  # alive: do not restart the worker
        shown = client.get("/api/3/action/package_list")
        assert shown.status_code >= 500  # an error, never an empty catalogue
        with pytest.raises(BackupError, match="pg_dump failed|could not|connection"):
            create_backup(BackupTarget.of(app.config["DULIEUMO_HOME"], app.config["DULIEUMO"]),
                          tmp_path / "b", clock.now())
        cluster.start()
        ready = client.get("/readyz").json
        assert ready["checks"]["database"]["ok"] is True, ready
        assert client.get("/api/3/action/package_list").status_code == 200
        catalogue_of(app).sessions.kw["bind"].dispose()
    finally:
        cluster.remove()


def test_corrupted_stored_file_is_found_and_repaired_from_the_last_backup(
        app: Flask, catalogue: Catalogue, org: str, tmp_path: Path, clock: FixedClock) -> None:
    publish(catalogue, org, "ban-do-dia-chinh")
    backup = create_backup(BackupTarget.of(app.config["DULIEUMO_HOME"],
                                           app.config["DULIEUMO"]), tmp_path, clock.now())
    stored = next(app.config["DULIEUMO_HOME"].files_dir.glob("??/*"))
    good = stored.read_bytes()
    stored.write_bytes(good[:-3] + b"???")
    home = str(app.config["DULIEUMO_HOME"].root)
    runner = CliRunner()
    result = runner.invoke(main, ["--home", home, "backup", "check-files"])
    assert result.exit_code != 0 and f"corrupt: {stored.name}" in result.output
    result = runner.invoke(main, ["--home", home, "backup", "--to", str(tmp_path / "new")])
    assert result.exit_code != 0 and "corrupt" in result.output  # not filed as good
    result = runner.invoke(main, ["--home", home, "backup", "check-files",
                                  "--repair-from", str(backup)])
    assert result.exit_code == 0, result.output
    assert stored.read_bytes() == good


HARVEST = """
[[source]]
name = "share"
type = "files"
path = "{path}"
organization = "{org}"
schedule = "0 2 * * *"
default_groups = ["dat-dai"]
"""


def test_killed_harvest_is_marked_aborted_and_the_next_run_completes_it(
        app: Flask, catalogue: Catalogue, org: str, tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from catalogue.datasets.model import Dataset
    from catalogue.harvest.model import HarvestJob, HarvestObject
    from catalogue.history.model import Revision
    from harvesters.writing import WRITE_BATCH

    share = tmp_path / "share"
    share.mkdir()
    files = 2 * WRITE_BATCH + 20  # batches commit whole: the kill falls after the first
    for i in range(files):
        (share / f"bang-{i:03d}.csv").write_text(f"huyen,gia\nĐồng Xoài,{i}\n", encoding="utf-8")
        (share / f"bang-{i:03d}.csv.meta.toml").write_text(
            f'name = "bang-gia-{i:03d}"\ntitle = "Bảng giá đất {i}"\n', encoding="utf-8")
    home = app.config["DULIEUMO_HOME"].root
    (home / "harvest.toml").write_text(HARVEST.format(path=share, org=org), encoding="utf-8")
    env = {**os.environ, "DULIEUMO_HOME": str(home), "DULIEUMO_LOG_JSON": "false",
           **({"DULIEUMO_DATABASE_URL": app.config["DULIEUMO"]["database_url"]}
              if app.config["DULIEUMO"]["database_url"] else {})}
    dulieumo = str(Path(sys.executable).with_name("dulieumo"))
    job = subprocess.Popen([dulieumo, "harvest", "run", "share"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def imported() -> int:
        with catalogue.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(HarvestObject)) or 0)

    try:
        _wait_until(lambda: imported() >= 3 or job.poll() is not None, 30)
        job.send_signal(signal.SIGKILL)
    finally:
        job.wait(10)
    assert imported() < files, "the harvest finished before it could be killed"
    result = CliRunner().invoke(main, ["--home", str(home), "harvest", "run", "share"])
    assert result.exit_code == 0, result.output
    with catalogue.sessions() as session:
        statuses = [j.status for j in session.scalars(select(HarvestJob)
                                                      .order_by(HarvestJob.started))]
        names = list(session.scalars(select(Dataset.name).where(Dataset.harvest_source
                                                                 == "share")))
        first_actions = {ds_id: action for ds_id, action in session.execute(
            select(Revision.dataset_id, Revision.action).where(Revision.number == 1)).all()}
    assert statuses == ["aborted", "finished"]
    assert sorted(names) == [f"bang-gia-{i:03d}" for i in range(files)]  # none lost, none twice
    assert set(first_actions.values()) == {"dataset.create"}

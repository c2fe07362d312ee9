"""Backups on an SFTP server (issue 8: "kept apart from the live system").

A real SFTP server (asyncssh's) on 127.0.0.1 serves a temporary folder, with generated host
and client keys; faults (full disk, permission denied, a dropped connection) are the
server's own answers, struck after a number of bytes written.
"""

from __future__ import annotations

import asyncio
import errno
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from ops_data import catalogue_state, publish, revise
from test_restore import _search_results

from catalogue.backup.manifest import MANIFEST, PARTIAL_PREFIX, BackupError, verify_backup
from catalogue.backup.remote import backup_to_sftp, list_remote_backups, staging_dir
from catalogue.backup.sftp import SftpAuth, SftpLocation, parse_sftp_url
from catalogue.backup.snapshot import BackupTarget, list_backups
from catalogue.backup.ssh_library import asyncssh
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli import main
from portal.cli.backup import daily_backup


@dataclass
class Faults:
    """What the server does wrong: "" (nothing), "full", "denied" or "drop", once
    ``after`` bytes were written."""

    mode: str = ""
    after: int = 0
    written: int = 0


class FaultySFTPServer(asyncssh.SFTPServer):
    """asyncssh's SFTP server on a folder, with the faults a real server shows."""

    def __init__(self, chan: asyncssh.SSHServerChannel, root: Path, faults: Faults) -> None:
        super().__init__(chan, chroot=str(root).encode())
        self._faults = faults

    def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        if self._faults.mode == "denied":
            raise PermissionError(errno.EACCES, "Permission denied")
        super().mkdir(path, attrs)

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        faults = self._faults
        if faults.mode in ("full", "drop") and faults.written + len(data) > faults.after:
            if faults.mode == "drop":
                self.connection.abort()
                return 0
            raise OSError(errno.ENOSPC, "No space left on device")
        faults.written += len(data)
        return super().write(file_obj, offset, data)  # type: ignore[return-value]


class SftpServer:
    """The server in a thread with its own event loop, listening on 127.0.0.1."""

    def __init__(self, root: Path, host_key: asyncssh.SSHKey, client: asyncssh.SSHKey) -> None:
        self.root = root
        self.faults = Faults()
        self.loop = asyncio.new_event_loop()
        authorized = asyncssh.import_authorized_keys(client.export_public_key().decode())
        self.acceptor = self.loop.run_until_complete(asyncssh.listen(
            "127.0.0.1", 0, server_host_keys=[host_key], authorized_client_keys=authorized,
            sftp_factory=lambda chan: FaultySFTPServer(chan, root, self.faults)))
        self.port = self.acceptor.sockets[0].getsockname()[1]
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/offsite") -> str:
        return f"sftp://backup@127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        async def stop() -> None:
            self.acceptor.close()
            await self.acceptor.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@dataclass
class Keys:
    host: asyncssh.SSHKey
    client: asyncssh.SSHKey
    stranger: asyncssh.SSHKey  # neither the server's nor an authorised client's


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys(*(asyncssh.generate_private_key("ssh-ed25519") for _ in range(3)))


@pytest.fixture
def server(tmp_path: Path, keys: Keys) -> Iterator[SftpServer]:
    root = tmp_path / "server-disk"
    root.mkdir()
    running = SftpServer(root, keys.host, keys.client)
    yield running
    running.close()


def _write_key(path: Path, key: asyncssh.SSHKey) -> Path:
    path.write_bytes(key.export_private_key())
    path.chmod(0o600)
    return path


@pytest.fixture
def auth(tmp_path: Path, keys: Keys, server: SftpServer) -> SftpAuth:
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{server.port} "
                     f"{keys.host.export_public_key().decode().strip()}\n")
    return SftpAuth(_write_key(tmp_path / "id_backup", keys.client), known, timeout=5)


def _env(auth: SftpAuth, app: Flask | None = None) -> dict[str, str]:
    env = {"DULIEUMO_BACKUP_SFTP_KEY": str(auth.key),
           "DULIEUMO_BACKUP_SFTP_KNOWN_HOSTS": str(auth.known_hosts)}
    if app is not None and app.config["DULIEUMO"]["database_url"]:
        env["DULIEUMO_DATABASE_URL"] = app.config["DULIEUMO"]["database_url"]
    return env


def _cli(app: Flask, auth: SftpAuth, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--home", str(app.config["DULIEUMO_HOME"].root), *args],
                                env=_env(auth, app))
    return result.exit_code, result.output


def _target(app: Flask) -> BackupTarget:
    return BackupTarget.of(app.config["DULIEUMO_HOME"], app.config["DULIEUMO"])


def _complete(server: SftpServer, folder: str = "offsite") -> list[str]:
    return sorted(p.name for p in (server.root / folder).glob("dulieumo-*")
                  if (p / MANIFEST).is_file())


def _partial(server: SftpServer, folder: str = "offsite") -> list[str]:
    return sorted(p.name for p in (server.root / folder).glob(PARTIAL_PREFIX + "*"))


@pytest.fixture
def filled(app: Flask, catalogue: Catalogue, org: str, clock: FixedClock) -> Flask:
    for name in ("khong-khi-ha-long", "nuoc-mat-song-hong", "dat-dai-cam-pha"):
        publish(catalogue, org, name)
        clock.advance(hours=1)
    revise(catalogue, "khong-khi-ha-long", "Quan trắc không khí Hạ Long 2026")
    return app


@pytest.fixture
def other_app(tmp_path: Path, clock: FixedClock, database_config: dict[str, str],
              request: pytest.FixtureRequest) -> Iterator[Flask]:
    """A second, empty home (and database) to restore into: the replacement server."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        config = {}
        if database_config:
            from pg_databases import fresh_database

            config = {"database_url": stack.enter_context(
                fresh_database(request.getfixturevalue("pg_url"), migrated=False))}
        app = create_app({"site_url": "http://portal.test", **config},
                         home=tmp_path / "other-home", clock=clock)
        yield app
        catalogue_of(app).sessions.kw["bind"].dispose()


def test_backup_to_sftp_then_restore_from_sftp_reproduces_the_catalogue(
        filled: Flask, other_app: Flask, server: SftpServer, auth: SftpAuth,
        tmp_path: Path) -> None:
    before = catalogue_state(catalogue_of(filled))
    search_before = _search_results(catalogue_of(filled), tmp_path / "index-a")
    code, output = _cli(filled, auth, "backup", "--to", server.url())
    assert code == 0, output
    [name] = _complete(server)
    assert f"Backup written to {server.url()}/{name}" in output
    assert not _partial(server)
    assert not list_backups(staging_dir(filled.config["DULIEUMO_HOME"]))  # uploaded: removed
    code, output = _cli(other_app, auth, "restore", f"{server.url()}/{name}")
    catalogue_of(other_app).sessions.kw["bind"].dispose()  # the restore replaced the tables
    assert code == 0, output
    restored = catalogue_of(other_app)
    assert catalogue_state(restored) == before
    assert _search_results(restored, tmp_path / "index-b") == search_before
    assert search_before["quan trắc"]  # the comparison is not vacuous
    log = (other_app.config["DULIEUMO_HOME"].root / "restore.log").read_text().splitlines()
    assert json.loads(log[-1])["backup"] == f"{server.url()}/{name}"
    assert not list(staging_dir(other_app.config["DULIEUMO_HOME"]).iterdir())  # download gone


def test_upload_verifies_every_part_and_links_unchanged_files_to_the_last_backup(
        filled: Flask, server: SftpServer, auth: SftpAuth, clock: FixedClock) -> None:
    location = parse_sftp_url(server.url())
    first = backup_to_sftp(_target(filled), location, auth, clock.now())
    clock.advance(days=1)
    second = backup_to_sftp(_target(filled), location, auth, clock.now())
    for landed in (first, second):
        report = verify_backup(server.root / landed.path.lstrip("/"))
        assert report.ok and report.checked_parts >= 5, report.problems
    a, b = (sorted((server.root / x.path.lstrip("/")).glob("files/*/*"))
            for x in (first, second))
    assert [p.stat().st_ino for p in a] == [p.stat().st_ino for p in b]
    assert [p.name for p, _ in list_remote_backups(location, auth)] == [
        first.path.rsplit("/", 1)[1], second.path.rsplit("/", 1)[1]]


def test_verify_checks_a_backup_on_the_server(filled: Flask, server: SftpServer,
                                              auth: SftpAuth, clock: FixedClock) -> None:
    landed = backup_to_sftp(_target(filled), parse_sftp_url(server.url()), auth, clock.now())
    code, output = _cli(filled, auth, "backup", "--verify", server.url("/offsite/latest"))
    assert code == 0, output
    assert f"{landed.display()}: OK" in output
    stored = next((server.root / landed.path.lstrip("/")).glob("files/*/*"))
    stored.write_bytes(stored.read_bytes().replace(b"tram", b"TRAM"))  # rot on the server
    code, output = _cli(filled, auth, "backup", "--verify", landed.display())
    assert code != 0
    assert "NOT usable" in output and stored.name in output and "sha256 differs" in output


def test_restore_from_sftp_refuses_an_incomplete_backup(
        filled: Flask, other_app: Flask, server: SftpServer, auth: SftpAuth,
        clock: FixedClock) -> None:
    landed = backup_to_sftp(_target(filled), parse_sftp_url(server.url()), auth, clock.now())
    (server.root / landed.path.lstrip("/") / MANIFEST).unlink()
    code, output = _cli(other_app, auth, "restore", landed.display())
    assert code != 0
    assert "refusing to restore" in output and "manifest.json is missing" in output
    assert not list(other_app.config["DULIEUMO_HOME"].files_dir.glob("??/*"))


def test_retention_prunes_the_server_folder(app: Flask, server: SftpServer, auth: SftpAuth,
                                            clock: FixedClock) -> None:
    location = parse_sftp_url(server.url())
    for _ in range(6):
        backup_to_sftp(_target(app), location, auth, clock.now())
        clock.advance(days=1)
    stale = server.root / "offsite" / (PARTIAL_PREFIX + "dulieumo-20260101T000000Z")
    stale.mkdir()  # an upload whose connection died long ago
    (app.config["DULIEUMO_HOME"].config_file).write_text(
        "backup_keep_daily = 2\nbackup_keep_weekly = 1\nbackup_keep_monthly = 1\n")
    code, output = _cli(app, auth, "backup", "prune", "--to", server.url())
    assert code == 0, output
    assert "Kept 2 backup(s), removed 4" in output
    assert len(_complete(server)) == 2 and not stale.exists()


def test_configured_sftp_location_is_the_default_and_the_daily_backup_goes_there(
        app: Flask, server: SftpServer, auth: SftpAuth, clock: FixedClock) -> None:
    app.config["DULIEUMO"].update(backup_dir=server.url(), backup_sftp_key=str(auth.key),
                                  backup_sftp_known_hosts=str(auth.known_hosts))
    done = daily_backup(app)
    assert done[0].startswith(f"backup: {server.url()}/dulieumo-") and done[1] == "pruned: 0"
    assert daily_backup(app) == []  # one was taken today already
    # /metrics knows the server's newest backup without asking the server on each scrape.
    metrics = app.test_client().get("/metrics").get_data(as_text=True)
    assert "dulieumo_backups 1" in metrics and "dulieumo_backup_age_seconds 0" in metrics
    clock.advance(days=1)
    assert daily_backup(app)[0].startswith("backup: sftp://")
    assert len(_complete(server)) == 2
    (app.config["DULIEUMO_HOME"].config_file).write_text(f'backup_dir = "{server.url()}"\n')
    code, output = _cli(app, auth, "backup")
    assert code == 0, output
    assert len(_complete(server)) == 3
    assert not (app.config["DULIEUMO_HOME"].backups_dir).exists()  # nothing kept locally


@pytest.mark.parametrize("fault", ["server-down", "wrong-key", "unknown-host-key",
                                   "no-known-hosts"])
def test_connection_refusals_are_clear_and_keep_the_snapshot(
        app: Flask, server: SftpServer, auth: SftpAuth, keys: Keys, tmp_path: Path,
        fault: str) -> None:
    url = server.url()
    if fault == "server-down":
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            url = f"sftp://backup@127.0.0.1:{probe.getsockname()[1]}/offsite"
        expected = "connection refused (is the SSH server down"
    elif fault == "wrong-key":
        auth = SftpAuth(_write_key(tmp_path / "id_other", keys.stranger), auth.known_hosts)
        expected = "the server refused the key"
    elif fault == "unknown-host-key":
        auth.known_hosts.write_text(f"[127.0.0.1]:{server.port} "
                                    f"{keys.stranger.export_public_key().decode()}")
        expected = "refusing to connect: the host key of 127.0.0.1"
    else:
        auth = SftpAuth(auth.key, tmp_path / "nowhere" / "known_hosts")
        expected = "does not exist, so the server's host key cannot be checked"
    code, output = _cli(app, auth, "backup", "--to", url)
    assert code != 0
    assert expected in output, output
    assert "the local snapshot is kept at" in output
    assert len(list_backups(staging_dir(app.config["DULIEUMO_HOME"]))) == 1
    assert not (server.root / "offsite").exists() or not _complete(server)


@pytest.mark.parametrize("fault,expected", [
    ("full", "the server's disk is full"),
    ("denied", "permission denied on the server"),
    ("drop", "the connection to 127.0.0.1:"),
])
def test_a_failed_upload_never_looks_complete_and_the_next_backup_sends_it(
        app: Flask, catalogue: Catalogue, org: str, server: SftpServer, auth: SftpAuth,
        clock: FixedClock, fault: str, expected: str) -> None:
    publish(catalogue, org, "rung-phong-ho", data=b"tram,do-che-phu\n" * 40_000)  # 640 kB
    server.faults.mode, server.faults.after = fault, 200_000
    code, output = _cli(app, auth, "backup", "--to", server.url())
    assert code != 0
    assert expected in output, output
    assert not _complete(server)  # at most a .partial- folder is left
    staged = list_backups(staging_dir(app.config["DULIEUMO_HOME"]))
    assert len(staged) == 1 and verify_backup(staged[0][0]).ok
    server.faults.mode = ""  # the fault clears
    clock.advance(hours=1)
    code, output = _cli(app, auth, "backup", "--to", server.url())
    assert code == 0, output
    assert len(_complete(server)) == 2  # the kept snapshot went up first
    assert not list_backups(staging_dir(app.config["DULIEUMO_HOME"]))
    for name in _complete(server):
        assert verify_backup(server.root / "offsite" / name).ok


def test_a_password_in_the_url_is_refused_and_never_repeated(app: Flask, server: SftpServer,
                                                             auth: SftpAuth) -> None:
    code, output = _cli(app, auth, "backup", "--to",
                        f"sftp://backup:hunter2@127.0.0.1:{server.port}/offsite")
    assert code != 0
    assert "a password in the backup URL is refused" in output
    assert "hunter2" not in output
    with pytest.raises(BackupError, match="refused"):
        parse_sftp_url("sftp://u:p@host/x")


def test_url_forms() -> None:
    assert parse_sftp_url("sftp://lan@backup.tinh.gov.vn/srv/b") == SftpLocation(
        "backup.tinh.gov.vn", 22, "lan", "/srv/b")
    relative = parse_sftp_url("sftp://lan@h:2222/~/backups")
    assert relative.path == "backups" and relative.display() == "sftp://lan@h:2222/~/backups"
    assert relative.parent() == (SftpLocation("h", 2222, "lan", "."), "backups")

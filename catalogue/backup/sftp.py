"""SFTP backup locations: the ``sftp://user@host:port/path`` URL, key-based login with the
host key checked against a known_hosts file, and SSH/SFTP failures said in plain words.

Bình Phước draft 2023 Điều 8.5 wants backups kept on another server. Only keys are accepted:
a password in the URL would end up in shell history, logs and the audit log, so it is refused.
An unknown or changed host key is refused too (never trust on first use for backups: a
man in the middle would receive the whole catalogue).
"""

from __future__ import annotations

import asyncio
import getpass
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from catalogue.backup.manifest import BackupError
from catalogue.backup.ssh_library import asyncssh

SCHEME = "sftp://"
log = logging.getLogger("dulieumo.backup")
T = TypeVar("T")


def is_remote(location: str | Path) -> bool:
    """Whether a backup location names an SFTP server rather than a local folder."""
    return isinstance(location, str) and location.startswith(SCHEME)


@dataclass(frozen=True)
class SftpLocation:
    """A folder on an SFTP server. ``path`` is absolute, or relative to the login folder
    when the URL's path starts with ``/~/`` (as curl and OpenSSH's sftp read it)."""

    host: str
    port: int
    user: str
    path: str

    def display(self) -> str:
        """The URL for messages and logs (there is never a password to hide: none is kept)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        path = self.path if self.path.startswith("/") else "/~/" + self.path.removeprefix(".")
        return f"{SCHEME}{self.user}@{host}:{self.port}{path.rstrip('/') or '/'}"

    def join(self, *names: str) -> str:
        """A remote path inside this folder."""
        return "/".join([self.path.rstrip("/") or "/", *names]).replace("//", "/")

    def child(self, name: str) -> SftpLocation:
        return SftpLocation(self.host, self.port, self.user, self.join(name))

    def parent(self) -> tuple[SftpLocation, str]:
        """The folder holding this one, and this one's name."""
        head, _, name = self.path.rstrip("/").rpartition("/")
        parent = head or ("/" if self.path.startswith("/") else ".")
        return SftpLocation(self.host, self.port, self.user, parent), name


def parse_sftp_url(url: str) -> SftpLocation:
    """``sftp://user@host:port/path`` as a location; BackupError on anything else."""
    parts = urlsplit(url)
    if parts.scheme != "sftp" or not parts.hostname:
        raise BackupError(f"{url!r}: expected sftp://user@host[:port]/path")
    if parts.password is not None:
        # Say so without repeating the password back into the terminal or a log.
        raise BackupError(f"sftp://{parts.username}@{parts.hostname}: a password in the backup "
                          "URL is refused (it would be kept in shell history and logs); log in "
                          "with a key: the backup_sftp_key setting")
    try:
        port = parts.port or 22
    except ValueError:
        raise BackupError(f"{url!r}: the port is not a number from 1 to 65535") from None
    path = unquote(parts.path)
    if path.startswith("/~/") or path in ("", "/~"):
        path = path[3:] or "."
    return SftpLocation(parts.hostname, port, unquote(parts.username or getpass.getuser()), path)


@dataclass(frozen=True)
class SftpAuth:
    """How to log in: a private key (None: the system user's ~/.ssh/id_* keys) and the
    known_hosts file the server's host key must be in."""

    key: Path | None
    known_hosts: Path
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, root: Path, settings: dict[str, object]) -> SftpAuth:
        """``backup_sftp_key`` and ``backup_sftp_known_hosts``; relative paths are read from
        the home, ``~`` is the system user's home."""
        def path(value: object) -> Path:
            chosen = Path(str(value)).expanduser()
            return chosen if chosen.is_absolute() else root / chosen

        key = settings.get("backup_sftp_key") or ""
        known = settings.get("backup_sftp_known_hosts") or "~/.ssh/known_hosts"
        return cls(path(key) if key else None, path(known))


def _client_keys(auth: SftpAuth) -> list[asyncssh.SSHKey] | tuple[()]:
    if auth.key is None:
        return ()  # asyncssh's defaults: ~/.ssh/id_ed25519, id_ecdsa, id_rsa
    try:
        return [asyncssh.read_private_key(auth.key)]
    except OSError as exc:
        raise BackupError(f"cannot read the SFTP private key {auth.key} (backup_sftp_key): "
                          f"{exc.strerror or exc}") from None
    except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError) as exc:
        raise BackupError(f"the SFTP private key {auth.key} (backup_sftp_key) cannot be used: "
                          f"{exc} (keys protected by a passphrase are not supported)") from None


@asynccontextmanager
async def sftp_client(location: SftpLocation,
                      auth: SftpAuth) -> AsyncIterator[asyncssh.SFTPClient]:
    """An SFTP session on ``location``'s server, logged in with the key, host key checked."""
    if not auth.known_hosts.is_file():
        raise BackupError(f"{location.display()}: the known_hosts file {auth.known_hosts} "
                          "(backup_sftp_known_hosts) does not exist, so the server's host key "
                          "cannot be checked; add the server's key to it first")
    keys = _client_keys(auth)
    async with asyncssh.connect(
            location.host, location.port, username=location.user, client_keys=keys,
            known_hosts=str(auth.known_hosts), config=None, agent_path=None,
            password_auth=False, kbdint_auth=False, connect_timeout=auth.timeout,
            login_timeout=auth.timeout, keepalive_interval=auth.timeout) as conn:
        async with conn.start_sftp_client() as client:
            yield client


def explain(exc: BaseException, location: SftpLocation, auth: SftpAuth) -> BackupError:
    """A failure of the SSH connection or of an SFTP request, said for the operator."""
    where = location.display()
    server = f"{location.host}:{location.port}"
    if isinstance(exc, asyncssh.HostKeyNotVerifiable):
        return BackupError(
            f"{where}: refusing to connect: the host key of {server} is not in "
            f"{auth.known_hosts} (backup_sftp_known_hosts), or it changed. Check its "
            "fingerprint with the server's administrator, then add it (e.g. `ssh-keyscan -p "
            f"{location.port} {location.host}`)")
    if isinstance(exc, asyncssh.PermissionDenied):
        key = str(auth.key) if auth.key else "the default keys in ~/.ssh"
        return BackupError(f"{where}: the server refused the key {key} for user "
                           f"{location.user} (is its public key in the server's "
                           "authorized_keys?)")
    # SFTP version 3 (OpenSSH) has no "disk full" code: servers say it in the reason, if at all.
    if isinstance(exc, asyncssh.SFTPNoSpaceOnFilesystem | asyncssh.SFTPQuotaExceeded) or (
            isinstance(exc, asyncssh.SFTPError)
            and any(word in exc.reason.lower() for word in ("no space", "quota"))):
        return BackupError(f"{where}: the server's disk is full or the quota is used up: "
                           f"{exc.reason}")
    if isinstance(exc, asyncssh.SFTPPermissionDenied):
        return BackupError(f"{where}: permission denied on the server: {exc.reason}")
    if isinstance(exc, asyncssh.SFTPConnectionLost | asyncssh.ConnectionLost
                  | asyncssh.DisconnectError):
        return BackupError(f"{where}: the connection to {server} was lost: {exc.reason}")
    if isinstance(exc, BrokenPipeError | ConnectionResetError | ConnectionAbortedError):
        return BackupError(f"{where}: the connection to {server} was lost: "
                           f"{exc.strerror or exc}")
    if isinstance(exc, asyncssh.SFTPError):
        return BackupError(f"{where}: the SFTP server answered: {exc.reason} (when writing, "
                           "a bare \"Failure\" often means its disk is full)")
    if isinstance(exc, TimeoutError):
        return BackupError(f"{where}: {server} did not answer within {auth.timeout:g} s")
    if isinstance(exc, ConnectionRefusedError):
        return BackupError(f"{where}: cannot connect to {server}: connection refused (is the "
                           "SSH server down, or the port wrong?)")
    if isinstance(exc, OSError):
        return BackupError(f"{where}: cannot reach {server}: {exc.strerror or exc}")
    return BackupError(f"{where}: {exc}")


def run_sftp(location: SftpLocation, auth: SftpAuth,
             operation: Callable[[asyncssh.SFTPClient], Awaitable[T]]) -> T:
    """Run ``operation`` in one SFTP session; every SSH or SFTP failure becomes a BackupError."""
    async def session() -> T:
        async with sftp_client(location, auth) as client:
            return await operation(client)

    quiet = _QuietAfterLoss()
    asyncio_log = logging.getLogger("asyncio")
    asyncio_log.addFilter(quiet)
    try:
        with asyncio.Runner() as runner:
            runner.get_loop().set_exception_handler(quiet.unretrieved)
            return runner.run(session())
    except BackupError:
        raise
    except (asyncssh.Error, OSError) as exc:
        raise explain(exc, location, auth) from None
    except BaseExceptionGroup as group:  # from a TaskGroup of parallel transfers
        first = _first_leaf(group)
        if isinstance(first, BackupError):
            raise first from None
        if isinstance(first, asyncssh.Error | OSError):
            raise explain(first, location, auth) from None
        raise
    finally:
        asyncio_log.removeFilter(quiet)


class _QuietAfterLoss(logging.Filter):
    """When the server goes away mid-transfer, asyncssh's parallel writers fail one by one:
    asyncio would print each one's traceback and "socket.send() raised exception". The
    failure is reported once, as a BackupError; these echoes only go to the debug log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("socket.send() raised exception")

    def unretrieved(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        log.debug("after the SFTP failure: %s", context.get("message"),
                  exc_info=context.get("exception"))


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first

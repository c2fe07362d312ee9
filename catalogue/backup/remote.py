"""Backups kept on an SFTP server: upload, list, prune, download.

A backup goes to the server the same way it is built locally: every part under
``.partial-<name>/``, each one read back and its sha256 compared with the manifest, then
``manifest.json``, then one rename to ``<name>``. A dropped connection or a full disk leaves
at most a ``.partial-`` folder, which is never listed as a backup (and pruned later).

Restores and ``--verify`` download a backup into a temporary folder inside the home and use
the local checks, so a remote backup is judged exactly like a local one.
"""

from __future__ import annotations

import asyncio
import hashlib
import posixpath
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import cast

from catalogue.backup.manifest import (
    CHUNK,
    MANIFEST,
    PARTIAL_PREFIX,
    PREFIX,
    BackupError,
    Manifest,
    Part,
    read_manifest,
    sha256_of,
)
from catalogue.backup.retention import PrunePlan, Retention, plan_prune
from catalogue.backup.sftp import SftpAuth, SftpLocation, is_remote, parse_sftp_url, run_sftp
from catalogue.backup.snapshot import BackupTarget, backup_dir_for, create_backup, list_backups
from catalogue.backup.ssh_library import asyncssh
from catalogue.home import Home

STAGING = "backup-staging"  # in the home: snapshots waiting for their upload, downloads
PARALLEL = 8  # transfers in flight at once: round trips, not bandwidth, bound small files


def staging_dir(home: Home) -> Path:
    """Where a snapshot for the server is made and kept until its upload succeeded."""
    return home.root / STAGING


async def _remote_sha256(sftp: asyncssh.SFTPClient, path: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    async with sftp.open(path, "rb") as fh:
        while chunk := cast(bytes, await fh.read(CHUNK)):  # "rb": bytes
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


async def _matches(sftp: asyncssh.SFTPClient, path: str, part: Part) -> bool:
    """Whether the server's copy at ``path`` has the part's size and sha256 (read back)."""
    try:
        if (await sftp.stat(path)).size != part.size:
            return False
    except asyncssh.SFTPNoSuchFile:
        return False
    return await _remote_sha256(sftp, path) == (part.size, part.sha256)


async def _read_manifest(sftp: asyncssh.SFTPClient, folder: str) -> Manifest:
    async with sftp.open(posixpath.join(folder, MANIFEST), "rb") as fh:
        raw = cast(bytes, await fh.read())
    try:
        return Manifest.from_json(raw.decode("utf-8"))
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{folder}/{MANIFEST}: unreadable manifest: {exc}") from None


async def _list(sftp: asyncssh.SFTPClient,
                location: SftpLocation) -> tuple[list[tuple[Path, Manifest]], list[str]]:
    """Complete backups (oldest first) and every name in the folder."""
    if not await sftp.isdir(location.path):
        return [], []
    names = sorted(str(n) for n in await sftp.listdir(location.path))
    found: list[tuple[Path, Manifest]] = []
    for name in names:
        if not name.startswith(PREFIX):
            continue
        try:
            found.append((Path(name), await _read_manifest(sftp, location.join(name))))
        except (asyncssh.SFTPError, BackupError):
            continue  # no manifest (yet): not a backup
    found.sort(key=lambda item: (item[1].created_at, item[0].name))
    return found, names


async def _upload(sftp: asyncssh.SFTPClient, local: Path, location: SftpLocation) -> str:
    manifest = read_manifest(local)
    await sftp.makedirs(location.path, exist_ok=True)
    backups, names = await _list(sftp, location)
    name, n = local.name, 1
    while name in names:
        n += 1
        name = f"{local.name}-{n}"
    previous = location.join(backups[-1][0].name) if backups else None
    work = location.join(PARTIAL_PREFIX + name)
    if PARTIAL_PREFIX + name in names:  # this snapshot's earlier upload, cut short
        await sftp.rmtree(work)
    try:
        await sftp.mkdir(work)
        folders = sorted({posixpath.dirname(p.path) for p in manifest.parts} - {""})
        for folder in folders:
            await sftp.makedirs(posixpath.join(work, folder), exist_ok=True)
        limit = asyncio.Semaphore(PARALLEL)

        async def send(part: Part) -> None:
            async with limit:
                target = posixpath.join(work, part.path)
                if previous and part.path.startswith("files/"):
                    # Content-addressed: link the last backup's copy once it reads back right.
                    earlier = posixpath.join(previous, part.path)
                    if await _matches(sftp, earlier, part):
                        with suppress(asyncssh.SFTPError):
                            await sftp.link(earlier, target)
                            return
                await sftp.put(str(local / part.path), target)
                if not await _matches(sftp, target, part):
                    raise BackupError(f"{location.display()}: {part.path} read back from the "
                                      "server differs from the manifest (size or sha256)")

        async with asyncio.TaskGroup() as group:
            for part in manifest.parts:
                group.create_task(send(part))
        await sftp.put(str(local / MANIFEST), posixpath.join(work, MANIFEST))
        own = Part(MANIFEST, (local / MANIFEST).stat().st_size, sha256_of(local / MANIFEST))
        if not await _matches(sftp, posixpath.join(work, MANIFEST), own):
            raise BackupError(f"{location.display()}: {MANIFEST} read back differs")
        await sftp.rename(work, location.join(name))
    except BaseException:
        # Best effort: with the connection gone the folder stays, under its .partial- name.
        with suppress(Exception):
            await sftp.rmtree(work)
        raise
    return name


def upload_backup(local: Path, location: SftpLocation, auth: SftpAuth) -> SftpLocation:
    """Copy the complete local backup ``local`` into ``location``; returns where it landed."""
    name = run_sftp(location, auth, lambda sftp: _upload(sftp, local, location))
    return location.child(name)


def list_remote_backups(location: SftpLocation,
                        auth: SftpAuth) -> list[tuple[Path, Manifest]]:
    """Complete backups in the server folder, oldest first (paths are the folder names)."""
    async def listing(sftp: asyncssh.SFTPClient) -> list[tuple[Path, Manifest]]:
        return (await _list(sftp, location))[0]

    return run_sftp(location, auth, listing)


def prune_remote(location: SftpLocation, auth: SftpAuth, retention: Retention,
                 on_remove: Callable[[Path], None] | None = None) -> PrunePlan:
    """Retention on the server folder, and ``.partial-`` leftovers of uploads that died
    before the newest complete backup was made."""
    async def prune(sftp: asyncssh.SFTPClient) -> PrunePlan:
        backups, names = await _list(sftp, location)
        plan = plan_prune(backups, retention)
        newest = backups[-1][0].name if backups else ""
        stale = [Path(n) for n in names
                 if n.startswith(PARTIAL_PREFIX) and n.removeprefix(PARTIAL_PREFIX) < newest]
        for path in plan.remove + stale:
            await sftp.rmtree(location.join(path.name))
            if on_remove is not None:
                on_remove(path)
        return plan

    return run_sftp(location, auth, prune)


async def _download(sftp: asyncssh.SFTPClient, backup: SftpLocation, into: Path) -> Path:
    folder, name = backup.parent()
    if name == "latest":
        backups, _ = await _list(sftp, folder)
        if not backups:
            raise BackupError(f"{folder.display()}: no complete backup there")
        backup, name = folder.child(backups[-1][0].name), backups[-1][0].name
    if name.startswith(PARTIAL_PREFIX):
        raise BackupError(f"{backup.display()}: incomplete backup (it was interrupted before "
                          "it finished)")
    if not await sftp.isdir(backup.path):
        raise BackupError(f"{backup.display()}: not a backup folder (it does not exist)")
    local = into / name
    local.mkdir()
    try:
        manifest = await _read_manifest(sftp, backup.path)
    except asyncssh.SFTPNoSuchFile:
        return local  # verify_backup says "manifest.json is missing"
    for folder_name in sorted({posixpath.dirname(p.path) for p in manifest.parts} - {""}):
        (local / folder_name).mkdir(parents=True, exist_ok=True)
    limit = asyncio.Semaphore(PARALLEL)

    async def fetch(part: Part) -> None:
        async with limit:
            with suppress(asyncssh.SFTPNoSuchFile):  # verify_backup names the missing part
                await sftp.get(backup.join(part.path), str(local / part.path))

    async with asyncio.TaskGroup() as group:
        for part in manifest.parts:
            group.create_task(fetch(part))
    await sftp.get(backup.join(MANIFEST), str(local / MANIFEST))
    return local


@contextmanager
def fetched_backup(backup: SftpLocation, auth: SftpAuth, home: Home) -> Iterator[Path]:
    """The server's backup downloaded into a temporary folder inside the home (named like the
    backup; ``…/latest`` picks the newest), removed afterwards. Not verified: the caller's
    ``verify_backup``/``restore_backup`` judge it exactly as a local one."""
    staging_dir(home).mkdir(parents=True, exist_ok=True)
    into = Path(tempfile.mkdtemp(prefix=".download-", dir=staging_dir(home)))
    try:
        yield run_sftp(backup, auth, lambda sftp: _download(sftp, backup, into))
    finally:
        shutil.rmtree(into, ignore_errors=True)


def backup_to_sftp(target: BackupTarget, location: SftpLocation, auth: SftpAuth,
                   now: datetime, label: str = "",
                   on_upload: Callable[[SftpLocation], None] | None = None) -> SftpLocation:
    """Snapshot locally (in the home's staging folder), upload, then delete the local copy.

    A failed upload keeps the snapshot in the staging folder and raises BackupError; the next
    backup to the server uploads such leftovers first, oldest first, so none is lost.
    """
    staging = staging_dir(target.home)
    snapshot = create_backup(target, staging, now, label)
    landed: SftpLocation | None = None
    for local, manifest in list_backups(staging):  # leftovers of failed uploads, then this one
        try:
            uploaded = upload_backup(local, location, auth)
        except BackupError as exc:
            raise BackupError(f"{exc}; the local snapshot is kept at {snapshot} and uploaded "
                              "with the next backup to this server") from None
        _record_upload(target.home, manifest.created_at)
        shutil.rmtree(local)
        if on_upload is not None:
            on_upload(uploaded)
        if local == snapshot:
            landed = uploaded
    assert landed is not None  # the new snapshot is complete, so list_backups lists it
    return landed


def _upload_stamp(home: Home) -> Path:
    return home.root / "run" / "last-remote-backup"


def _record_upload(home: Home, created_at: datetime) -> None:
    """Remember the newest backup that landed on the server, for /metrics: asking the
    server on every scrape would be a network call per scrape."""
    stamp = _upload_stamp(home)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    previous = last_remote_backup(home)
    if previous is None or created_at > previous:
        stamp.write_text(created_at.isoformat(), encoding="utf-8")


def last_remote_backup(home: Home) -> datetime | None:
    """When the newest backup this home uploaded to a server was taken, if any."""
    try:
        return datetime.fromisoformat(_upload_stamp(home).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def configured_location(home: Home, settings: dict[str, object]) -> Path | SftpLocation:
    """The ``backup_dir`` setting: a server for an ``sftp://`` URL, else a local folder."""
    configured = str(settings.get("backup_dir") or "")
    if is_remote(configured):
        return parse_sftp_url(configured)
    return backup_dir_for(home, settings)


def location_from(text: str | Path | None, home: Home,
                  settings: dict[str, object]) -> Path | SftpLocation:
    """A location given on the command line (a folder or an ``sftp://`` URL), else the
    configured one."""
    if text is None or text == "":
        return configured_location(home, settings)
    if isinstance(text, str) and is_remote(text):
        return parse_sftp_url(text)
    return Path(text)

"""``dulieumo backup`` / ``backup prune`` / ``restore``: snapshots, retention and restores,
into and out of a local folder or an ``sftp://`` server."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from catalogue.backup.manifest import BackupError, verify_backup
from catalogue.backup.remote import (
    backup_to_sftp,
    configured_location,
    fetched_backup,
    list_remote_backups,
    location_from,
    prune_remote,
)
from catalogue.backup.restore import RestoreFailed, restore_backup
from catalogue.backup.retention import PrunePlan, Retention, prune_backups
from catalogue.backup.schedule import daily_backup_due
from catalogue.backup.sftp import SftpAuth, SftpLocation
from catalogue.backup.snapshot import BackupTarget, backup_dir_for, create_backup, list_backups
from catalogue.coordination.shared import claim, release
from catalogue.indexing import rebuild_index
from portal.catalogue_ext import catalogue_of


def retention_of(app: Flask) -> Retention:
    settings = app.config["DULIEUMO"]
    return Retention(settings["backup_keep_daily"], settings["backup_keep_weekly"],
                     settings["backup_keep_monthly"])


def sftp_auth(app: Flask) -> SftpAuth:
    """The key and known_hosts file from the settings (``backup_sftp_*``)."""
    return SftpAuth.from_settings(app.config["DULIEUMO_HOME"].root, app.config["DULIEUMO"])


def take_backup(app: Flask, dest: Path | str | None = None, label: str = "") -> Path | str:
    """Back up the app's home into ``dest``, a folder or an ``sftp://`` URL (default: the
    configured backup location); returns the backup's folder or URL."""
    settings = app.config["DULIEUMO"]
    home = app.config["DULIEUMO_HOME"]
    target = BackupTarget.of(home, settings)
    where = location_from(dest, home, settings)
    now = catalogue_of(app).clock.now()
    if isinstance(where, SftpLocation):
        return backup_to_sftp(target, where, sftp_auth(app), now, label).display()
    return create_backup(target, where, now, label)


def prune_location(app: Flask, dest: Path | str | None = None,
                   on_remove: Callable[[Path], None] | None = None) -> PrunePlan:
    """Apply the retention to a folder or server (default: the configured location)."""
    where = location_from(dest, app.config["DULIEUMO_HOME"], app.config["DULIEUMO"])
    if isinstance(where, SftpLocation):
        return prune_remote(where, sftp_auth(app), retention_of(app), on_remove)
    return prune_backups(where, retention_of(app), on_remove=on_remove)


def daily_backup(app: Flask) -> list[str]:
    """The scheduler's backup round for the configured location, local or SFTP: take the
    daily backup when it is due, then prune; returns what it did (failures included)."""
    settings = app.config["DULIEUMO"]
    where = configured_location(app.config["DULIEUMO_HOME"], settings)
    try:
        listed = (list_remote_backups(where, sftp_auth(app)) if isinstance(where, SftpLocation)
                  else list_backups(where))
        now = catalogue_of(app).clock.now()
        if not daily_backup_due([m for _, m in listed], now, settings["backup_hour"]):
            return []
    except BackupError as exc:
        return [f"backup failed: {exc}"]
    # Any number of schedulers: the day's backup is claimed in the database first (issue 23).
    engine, day = catalogue_of(app).engine, now.date().isoformat()
    if not claim(engine, "daily-backup", day, now):
        return []
    try:
        done = [f"backup: {take_backup(app)}"]
        done.append(f"pruned: {len(prune_location(app).remove)}")
    except BackupError as exc:
        release(engine, "daily-backup", day)  # the next round tries again
        return [f"backup failed: {exc}"]
    return done


@contextmanager
def _local_copy(app: Flask, path: str) -> Iterator[tuple[Path, str]]:
    """A backup given as a folder or an ``sftp://`` URL, as a local folder (a server's is
    downloaded into the home for the while) and, for a server's, its URL."""
    where = location_from(path, app.config["DULIEUMO_HOME"], app.config["DULIEUMO"])
    if isinstance(where, SftpLocation):
        with fetched_backup(where, sftp_auth(app), app.config["DULIEUMO_HOME"]) as local:
            yield local, where.parent()[0].child(local.name).display()
    else:
        yield where.resolve(), ""


def _verify(path: Path, origin: str = "") -> None:
    report = verify_backup(path)
    shown = origin or str(path)
    if not report.ok:
        raise click.ClickException(f"{shown}: backup is NOT usable:\n  - "
                                   + "\n  - ".join(report.problems))
    manifest = report.manifest
    assert manifest is not None
    click.echo(f"{shown}: OK ({report.checked_parts} parts checked, taken "
               f"{manifest.created_at.isoformat()}, {manifest.database_kind}, "
               f"counts {manifest.counts})")


@click.group("backup", invoke_without_command=True)
@click.option("--to", "dest", metavar="DIR|sftp://user@host:port/path",
              help="Backup location (default: the `backup_dir` setting, else <home>/backups).")
@click.option("--verify", "verify_path", metavar="PATH|sftp://…/dulieumo-…",
              help="Check an existing backup against its manifest instead of making one "
                   "(a server's is downloaded into the home first; …/latest: the newest).")
@click.pass_context
@with_appcontext
def backup_group(ctx: click.Context, dest: str | None, verify_path: str | None) -> None:
    """Make a consistent backup (database, file store, config, manifest), or check one."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        if verify_path is not None:
            with _local_copy(current_app, verify_path) as (local, origin):
                _verify(local, origin)
            return
        path = take_backup(current_app, dest)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {path}")


@backup_group.command("prune")
@click.option("--to", "dest", metavar="DIR|sftp://user@host:port/path",
              help="Backup location to prune (default: the configured one).")
@with_appcontext
def prune_command(dest: str | None) -> None:
    """Delete backups the retention (daily/weekly/monthly) no longer keeps."""
    try:
        plan = prune_location(current_app, dest,
                              on_remove=lambda p: click.echo(f"removed {p.name}"))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Kept {len(plan.keep)} backup(s), removed {len(plan.remove)}")


@backup_group.command("check-files")
@click.option("--repair-from", "repair_from", metavar="PATH|sftp://…",
              help="A backup to copy good bytes from (it is verified first).")
@with_appcontext
def check_files_command(repair_from: str | None) -> None:
    """Check every uploaded file in the live file store against its sha256."""
    from catalogue.backup.filecheck import check_stored_files, repair_from_backup

    catalogue = catalogue_of(current_app)
    with catalogue.sessions() as session:
        problems = check_stored_files(session, catalogue.files)
    if problems and repair_from is not None:
        try:
            with _local_copy(current_app, repair_from) as (local, origin):
                _verify(local, origin)
                repaired = set(repair_from_backup(problems, local, catalogue.files))
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        for sha in sorted(repaired):
            click.echo(f"repaired: {sha} from {local.name}")
        problems = [p for p in problems if p.sha256 not in repaired]
    for problem in problems:
        click.echo(f"{problem.problem}: {problem.sha256} (resources "
                   f"{', '.join(problem.resource_ids)})", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} stored file(s) missing or corrupt; restore "
                                   "them from the newest backup that verifies")
    click.echo("All stored files match their sha256.")


@click.command("restore")
@click.argument("path", metavar="PATH|sftp://user@host:port/path/dulieumo-…")
@click.option("--force", is_flag=True,
              help="Replace the catalogue in this home (a safety backup is taken first).")
@click.option("--actor", default=lambda: f"cli:{getpass.getuser()}",
              help="Who is restoring, for the restore log (default: cli:<system user>).")
@with_appcontext
def restore_command(path: str, force: bool, actor: str) -> None:
    """Restore the backup at PATH into this home; refuses corrupt or incomplete backups.

    A server's backup (``sftp://…/dulieumo-…``, or ``…/latest``) is downloaded into the home
    first and checked like a local one; the safety backup stays local."""
    settings = current_app.config["DULIEUMO"]
    home = current_app.config["DULIEUMO_HOME"]
    catalogue = catalogue_of(current_app)
    try:
        with _local_copy(current_app, path) as (local, origin):
            result = restore_backup(local, BackupTarget.of(home, settings),
                                    now=catalogue.clock.now(), actor=actor, force=force,
                                    safety_dest=backup_dir_for(home, settings),
                                    origin=origin)
    except RestoreFailed as exc:
        # Undone and logged; an index kept in the database went back with it, without rows.
        if exc.index_changed and settings.get("search_backend") == "postgres":
            rebuild_index(catalogue)
        raise click.ClickException(str(exc)) from None
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if result.safety_backup is not None:
        click.echo(f"Safety backup of the replaced catalogue: {result.safety_backup}")
    count = rebuild_index(catalogue)
    click.echo(f"Restored {result.backup.name} (taken {result.manifest.created_at.isoformat()}): "
               f"{result.manifest.counts}; search index rebuilt ({count} datasets)")


def register(group: click.Group) -> None:
    group.add_command(backup_group)
    group.add_command(restore_command)

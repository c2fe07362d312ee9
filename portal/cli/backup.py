"""``dulieumo backup`` / ``backup prune`` / ``restore``: snapshots, retention and restores."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from catalogue.backup.manifest import BackupError, verify_backup
from catalogue.backup.restore import restore_backup
from catalogue.backup.retention import Retention, prune_backups
from catalogue.backup.snapshot import BackupTarget, backup_dir_for, create_backup
from catalogue.indexing import rebuild_index
from portal.catalogue_ext import catalogue_of


def retention_of(app: Flask) -> Retention:
    settings = app.config["DULIEUMO"]
    return Retention(settings["backup_keep_daily"], settings["backup_keep_weekly"],
                     settings["backup_keep_monthly"])


def take_backup(app: Flask, dest: Path | None = None, label: str = "") -> Path:
    """Back up the app's home into ``dest`` (default: the configured backup location)."""
    settings = app.config["DULIEUMO"]
    home = app.config["DULIEUMO_HOME"]
    target = BackupTarget.of(home, settings)
    return create_backup(target, dest or backup_dir_for(home, settings),
                         catalogue_of(app).clock.now(), label)


def _verify(path: Path) -> None:
    report = verify_backup(path)
    if not report.ok:
        raise click.ClickException(f"{path}: backup is NOT usable:\n  - "
                                   + "\n  - ".join(report.problems))
    manifest = report.manifest
    assert manifest is not None
    click.echo(f"{path}: OK ({report.checked_parts} parts checked, taken "
               f"{manifest.created_at.isoformat()}, {manifest.database_kind}, "
               f"counts {manifest.counts})")


@click.group("backup", invoke_without_command=True)
@click.option("--to", "dest", type=click.Path(file_okay=False, path_type=Path),
              help="Backup location (default: the `backup_dir` setting, else <home>/backups).")
@click.option("--verify", "verify_path", type=click.Path(path_type=Path),
              help="Check an existing backup against its manifest instead of making one.")
@click.pass_context
@with_appcontext
def backup_group(ctx: click.Context, dest: Path | None, verify_path: Path | None) -> None:
    """Make a consistent backup (database, file store, config, manifest), or check one."""
    if ctx.invoked_subcommand is not None:
        return
    if verify_path is not None:
        _verify(verify_path)
        return
    try:
        path = take_backup(current_app, dest)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {path}")


@backup_group.command("prune")
@click.option("--to", "dest", type=click.Path(file_okay=False, path_type=Path),
              help="Backup location to prune (default: the configured one).")
@with_appcontext
def prune_command(dest: Path | None) -> None:
    """Delete backups the retention (daily/weekly/monthly) no longer keeps."""
    settings = current_app.config["DULIEUMO"]
    where = dest or backup_dir_for(current_app.config["DULIEUMO_HOME"], settings)
    plan = prune_backups(where, retention_of(current_app),
                         on_remove=lambda p: click.echo(f"removed {p.name}"))
    click.echo(f"Kept {len(plan.keep)} backup(s), removed {len(plan.remove)}")


@backup_group.command("check-files")
@click.option("--repair-from", "repair_from", type=click.Path(path_type=Path),
              help="A backup to copy good bytes from (it is verified first).")
@with_appcontext
def check_files_command(repair_from: Path | None) -> None:
    """Check every uploaded file in the live file store against its sha256."""
    from catalogue.backup.filecheck import check_stored_files, repair_from_backup

    catalogue = catalogue_of(current_app)
    with catalogue.sessions() as session:
        problems = check_stored_files(session, catalogue.files)
    if problems and repair_from is not None:
        _verify(repair_from)
        repaired = set(repair_from_backup(problems, repair_from, catalogue.files))
        for sha in sorted(repaired):
            click.echo(f"repaired: {sha} from {repair_from.name}")
        problems = [p for p in problems if p.sha256 not in repaired]
    for problem in problems:
        click.echo(f"{problem.problem}: {problem.sha256} (resources "
                   f"{', '.join(problem.resource_ids)})", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} stored file(s) missing or corrupt; restore "
                                   "them from the newest backup that verifies")
    click.echo("All stored files match their sha256.")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace the catalogue in this home (a safety backup is taken first).")
@click.option("--actor", default=lambda: f"cli:{getpass.getuser()}",
              help="Who is restoring, for the restore log (default: cli:<system user>).")
@with_appcontext
def restore_command(path: Path, force: bool, actor: str) -> None:
    """Restore the backup at PATH into this home; refuses corrupt or incomplete backups."""
    settings = current_app.config["DULIEUMO"]
    home = current_app.config["DULIEUMO_HOME"]
    catalogue = catalogue_of(current_app)
    try:
        result = restore_backup(path.resolve(), BackupTarget.of(home, settings),
                                now=catalogue.clock.now(), actor=actor, force=force,
                                safety_dest=backup_dir_for(home, settings))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if result.safety_backup is not None:
        click.echo(f"Safety backup of the replaced catalogue: {result.safety_backup}")
    count = rebuild_index(catalogue)
    click.echo(f"Restored {path.name} (taken {result.manifest.created_at.isoformat()}): "
               f"{result.manifest.counts}; search index rebuilt ({count} datasets)")


def register(group: click.Group) -> None:
    group.add_command(backup_group)
    group.add_command(restore_command)

"""``dulieumo files``: the file store: where it is, and copying files into it (issue 23)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from catalogue.errors import ConfigError
from catalogue.files.location import open_file_store
from catalogue.files.transfer import copy_store
from portal.catalogue_ext import catalogue_of

NO_LIMIT_MB = 1 << 20  # copying existing files: the upload limit of the day does not apply


@click.group("files")
def files_group() -> None:
    """The file store (`file_store` setting): a local disk, a shared mount or S3."""


@files_group.command("copy-from")
@click.argument("source", metavar="PATH|s3://bucket/prefix")
@with_appcontext
def copy_from_command(source: str) -> None:
    """Copy every stored file from SOURCE into the configured file store.

    SOURCE is an earlier store: a home's `files/` folder, a mount, or a bucket reached with
    the `file_store_endpoint`/credential settings. Files already there are skipped; run it
    again after an interruption. Run it once when `file_store` changes (local to S3, or to
    gather the files of machines that each kept their own)."""
    settings = current_app.config["DULIEUMO"]
    home = current_app.config["DULIEUMO_HOME"]
    target = catalogue_of(current_app).files
    try:
        origin = open_file_store({**settings, "file_store": source,
                                  "max_upload_mb": NO_LIMIT_MB}, home)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if origin.describe() == target.describe():
        raise click.ClickException(f"{source} is the configured file store itself")
    report = copy_store(origin, target, on_copy=lambda key: click.echo(f"copied {key}"))
    for key in report.damaged:
        click.echo(f"damaged, not copied: {key} (its bytes no longer hash to its name)",
                   err=True)
    click.echo(f"{len(report.copied)} file(s) copied into {target.describe()}, "
               f"{report.present} already there")
    if report.damaged:
        raise click.ClickException(f"{len(report.damaged)} damaged file(s) not copied; "
                                   "restore them from a backup (`dulieumo backup check-files "
                                   "--repair-from`)")


def register(group: click.Group) -> None:
    group.add_command(files_group)

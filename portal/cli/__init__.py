"""The ``dulieumo`` command: one module per command group, registered here explicitly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo

from catalogue.errors import ConfigError
from catalogue.home import HOME_ENV


def _create_app() -> Flask:
    from portal import create_app

    info = click.get_current_context().find_object(ScriptInfo)
    home = info.data.get("home") if info is not None else None
    try:
        return create_app(home=home)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


class DulieumoGroup(FlaskGroup):
    """FlaskGroup (an app context for every command) without Flask's ``--app``, ``--debug``
    and ``--env-file`` options: the app is always ``portal.create_app`` on ``--home``, so
    those options only confused users in ``dulieumo --help``."""

    def __init__(self, **extra: Any) -> None:
        super().__init__(**extra)
        flask_options = {"app", "debug", "env_file"}
        self.params = [p for p in self.params if p.name not in flask_options]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # FlaskGroup.parse_args reads --env-file and --app from the environment before
        # showing help; with those options gone there is nothing to read.
        return click.Group.parse_args(self, ctx, args)


@click.group(cls=DulieumoGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False, set_debug_flag=False)
@click.option("--home", envvar=HOME_ENV, type=click.Path(file_okay=False, path_type=Path),
              help="Data directory (config, database, index, files, backups). "
                   "Default: $DULIEUMO_HOME or ./dulieumo-home.")
@click.pass_context
def main(ctx: click.Context, home: Path | None) -> None:
    """dulieumo: the Vietnamese open-data catalogue and portal."""
    ctx.ensure_object(ScriptInfo).data["home"] = home


def _register() -> None:
    from portal.cli import (
        accounts,  # users, tokens, audit (issue 7)
        backup,  # backup, restore (issue 8)
        datastore,  # load queue, status (issue 21)
        demo,
        dump,  # the catalogue dump, JSON Lines and CSV (issue 21)
        files,  # the file store: copy-from (issue 23)
        harvest,
        home_cmds,
        index,
        notice,  # maintenance and incident notices (issue 8)
        organization,  # agencies: add, list, show (issue 16)
        report,  # usage reports (issue 8)
        schedule,  # the long-running scheduler (issues 3, 8)
        search_eval,  # search quality on a judged set (issue 4)
        serve,
        trust,  # link checks, digests, screening, quality (issue 9)
    )

    for module in (home_cmds, serve, demo, harvest, index, search_eval, accounts, backup,
                   report, notice, schedule, trust, organization, dump, datastore, files):
        module.register(main)


_register()

"""``dulieumo notice add|list|end|withdraw``: maintenance windows and incident notices."""

from __future__ import annotations

import getpass
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from catalogue.errors import NotFound, ValidationError
from catalogue.notices.service import (
    active_notices,
    announce_notice,
    end_notice,
    list_notices,
    withdraw_notice,
)
from portal.catalogue_ext import catalogue_of

TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


@click.group("notice")
def notice_group() -> None:
    """Maintenance windows and incident notices (banner on every page, status_show)."""


@notice_group.command("add")
@click.option("--kind", type=click.Choice(["maintenance", "incident"]), default="maintenance",
              show_default=True)
@click.option("--start", "starts_at", type=click.DateTime(TIME_FORMATS),
              help="Start, UTC (default: now, for incidents).")
@click.option("--end", "ends_at", type=click.DateTime(TIME_FORMATS),
              help="End, UTC (required for maintenance).")
@click.option("--reason", required=True, help="What happens and why, as users will read it.")
@click.option("--details", default="", help="More text shown under the reason.")
@click.option("--actor", default=lambda: f"cli:{getpass.getuser()}")
@with_appcontext
def add_command(kind: str, starts_at: datetime | None, ends_at: datetime | None, reason: str,
                details: str, actor: str) -> None:
    """Announce a notice; it shows from now until it ends."""
    catalogue = catalogue_of(current_app)
    settings = current_app.config["DULIEUMO"]
    with catalogue.unit(actor) as uow:
        try:
            announced = announce_notice(
                uow, kind=kind, reason=reason, details=details,
                starts_at=starts_at or uow.clock.now(), ends_at=ends_at,
                min_working_days=settings["notice_min_working_days"])
        except ValidationError as exc:
            raise click.ClickException(str(exc)) from None
        uow.commit()
    for warning in announced.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"Announced {kind} notice {announced.notice.id}")


@notice_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include ended and withdrawn notices.")
@with_appcontext
def list_command(show_all: bool) -> None:
    """Notices showing now (or all of them)."""
    catalogue = catalogue_of(current_app)
    with catalogue.sessions() as session:
        notices = (list_notices(session) if show_all
                   else active_notices(session, catalogue.clock.now()))
        for n in notices:
            state = "withdrawn" if n.withdrawn_at else ""
            click.echo(f"{n.id}  {n.kind:<11} {n.starts_at:%Y-%m-%d %H:%M} → "
                       f"{n.ends_at:%Y-%m-%d %H:%M}  {n.reason} {state}".rstrip()
                       if n.ends_at else
                       f"{n.id}  {n.kind:<11} {n.starts_at:%Y-%m-%d %H:%M} → (open)  "
                       f"{n.reason} {state}".rstrip())
    if not notices:
        click.echo("No notices.")


def _change(notice_id: str, verb: str) -> None:
    catalogue = catalogue_of(current_app)
    with catalogue.unit(f"cli:{getpass.getuser()}") as uow:
        try:
            (end_notice if verb == "end" else withdraw_notice)(uow, notice_id)
        except NotFound as exc:
            raise click.ClickException(str(exc)) from None
        uow.commit()
    click.echo(f"Notice {notice_id}: {verb}ed" if verb == "end" else
               f"Notice {notice_id}: withdrawn")


@notice_group.command("end")
@click.argument("notice_id")
@with_appcontext
def end_command(notice_id: str) -> None:
    """End a notice now (incident resolved, maintenance done)."""
    _change(notice_id, "end")


@notice_group.command("withdraw")
@click.argument("notice_id")
@with_appcontext
def withdraw_command(notice_id: str) -> None:
    """Withdraw a notice posted by mistake."""
    _change(notice_id, "withdraw")


def register(group: click.Group) -> None:
    group.add_command(notice_group)

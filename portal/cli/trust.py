"""``dulieumo trust ...``: link checks, subscription digests, personal-data screens and quality
scores from the command line (issue 9). ``linkcheck`` and ``notify`` are meant for cron or the
scheduler; ``screen`` and ``quality`` help an agency before and after publishing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from catalogue.context import Catalogue
from portal.catalogue_ext import catalogue_of

# Revisions looked at by ``notify``: longer than the weekly digest, so a missed run loses
# nothing; notifications are deduplicated, so overlapping windows are harmless.
NOTIFY_WINDOW = timedelta(days=8)


@click.group("trust")
def trust_group() -> None:
    """Quality, personal-data screening and subscriptions."""


def check_links(catalogue: Catalogue, limit: int = 500) -> list[Any]:
    """Check the resource links that are due; returns the results (the scheduler's job too)."""
    from catalogue.addresses import internal_hosts_allowed
    from catalogue.quality.linkcheck import LinkChecker, run_link_check

    checker = LinkChecker(clock=catalogue.clock,
                          allowed_hosts=internal_hosts_allowed(catalogue.settings))
    return list(run_link_check(catalogue, checker, limit=limit))


def send_notifications(catalogue: Catalogue) -> str:
    """Queue notifications (new versions, withdrawals, overdue), send the due digests and
    remind agencies of their overdue datasets; returns what was done, in a line."""
    from catalogue.subscriptions.mail import SmtpMailer, send_digests
    from catalogue.subscriptions.service import collect_overdue, collect_revision_events

    with catalogue.unit("notify") as uow:
        queued = collect_revision_events(uow, uow.clock.now() - NOTIFY_WINDOW)
        queued += collect_overdue(uow)
        uow.commit()
    mailer = SmtpMailer.from_settings(catalogue.settings)
    if mailer is None:
        return f"queued {queued} notification(s); smtp_host is not set, nothing sent"
    from catalogue.subscriptions.reminders import send_agency_reminders

    return (f"queued {queued} notification(s); sent {send_digests(catalogue, mailer)} "
            f"digest(s) and {send_agency_reminders(catalogue, mailer)} agency reminder(s)")


@trust_group.command("linkcheck")
@click.option("--limit", default=500, show_default=True, help="Most URLs checked this run.")
@with_appcontext
def linkcheck_command(limit: int) -> None:
    """Check the resource links that are due (failing links back off: 1 h, 2 h, 4 h…)."""
    results = check_links(catalogue_of(current_app), limit)
    broken = [r for r in results if not r.ok]
    click.echo(f"checked {len(results)} link(s); {len(broken)} broken")
    for result in broken:
        click.echo(f"  {result.url}: {result.error}")


@trust_group.command("notify")
@with_appcontext
def notify_command() -> None:
    """Queue notifications (new versions, withdrawals, overdue), send the due digests and
    remind agencies of their overdue datasets."""
    click.echo(send_notifications(catalogue_of(current_app)))


@trust_group.command("screen")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", default="", help="csv, tsv, xlsx, json, geojson "
                                                  "(default: from the file name).")
def screen_command(path: Path, fmt: str) -> None:
    """Screen a file for personal data; prints where, never the values. Exit 1 on a hit."""
    from catalogue.privacy import screen_file

    result = screen_file(path, fmt or path.suffix.lstrip("."))
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    if result.held:
        raise SystemExit(1)


@trust_group.command("quality")
@click.argument("name")
@with_appcontext
def quality_command(name: str) -> None:
    """A dataset's quality score and what to fix, as the API explains it."""
    from catalogue.quality.service import quality_of

    catalogue = catalogue_of(current_app)
    with catalogue.sessions() as session:
        explained = quality_of(session, name, catalogue.site_url, catalogue.clock.now())
    click.echo(json.dumps(explained, ensure_ascii=False, indent=1))


def register(group: click.Group) -> None:
    group.add_command(trust_group)

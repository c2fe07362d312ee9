"""``dulieumo harvest preview SOURCE``: what a harvest would do, writing nothing (issue 9)."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from harvesters.preview import preview_source
from harvesters.runner import empty_reason
from portal.catalogue_ext import catalogue_of


@click.command("preview")
@click.argument("name")
@click.option("--limit", default=20, show_default=True, help="Records to fetch and check.")
@click.option("--json", "as_json", is_flag=True, help="Print the preview as JSON.")
@with_appcontext
def preview_command(name: str, limit: int, as_json: bool) -> None:
    """Dry-run source NAME over its first records: create, update, withdraw, skip, hold."""
    from portal.cli.harvest import checked_setup

    setup = checked_setup()
    by_name = {s.name: s for s in setup.sources}
    if name not in by_name:
        raise click.ClickException(f"unknown source: {name}; configured: "
                                   f"{', '.join(by_name) or 'none'}")
    report = preview_source(catalogue_of(current_app), by_name[name], setup.types, limit=limit)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(f"{report.source}: {report.offered} record(s) offered; first "
                   f"{min(limit, report.offered)} checked; nothing was written.")
        if not report.offered and not report.error:
            click.echo(f"  {empty_reason(report.ignored)}")
        for item in report.items:
            label = item.dataset or item.title or item.identifier
            click.echo(f"  {item.action:<9} {label}" + (f" — {item.reason}" if item.reason
                                                        else ""))
            for resource in item.resources:
                if resource.get("validation_status"):
                    click.echo(f"            {resource['name']}: "
                               f"{resource['validation_status']}")
            for finding in item.personal_data:
                where = finding.get("column") or finding.get("field")
                click.echo(f"            personal data: {finding['kind']} in {where} "
                           f"({finding['count']}×, rows {finding['positions']})")
        counts = ", ".join(f"{k} {v}" for k, v in report.counts.items() if v)
        click.echo(f"would: {counts or 'do nothing'}")
    if report.error:
        raise click.ClickException(report.error)

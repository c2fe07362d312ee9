"""``dulieumo report --period 2026-10|2026-Q3|2026``: activity per agency and sector."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from catalogue.errors import ValidationError
from catalogue.reports.compute import build_report
from catalogue.reports.export import report_csv, report_xlsx
from catalogue.reports.period import parse_period
from portal.catalogue_ext import catalogue_of


@click.command("report")
@click.option("--period", required=True, help="A month 2026-10, a quarter 2026-Q3 or a year 2026.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output for CSV, "
                   "bao-cao-<period>.xlsx for XLSX).")
@with_appcontext
def report_command(period: str, fmt: str, out: Path | None) -> None:
    """Datasets published/updated/withdrawn, usage, harvests and requests for a period."""
    try:
        chosen = parse_period(period)
    except ValidationError as exc:
        raise click.BadParameter(exc.errors["period"][0], param_hint="--period") from None
    catalogue = catalogue_of(current_app)
    with catalogue.sessions() as session:
        report = build_report(session, chosen, now=catalogue.clock.now(),
                              site_url=catalogue.site_url)
    data = report_csv(report) if fmt == "csv" else report_xlsx(report)
    if out is None and fmt == "csv":
        click.echo(data.decode("utf-8"), nl=False)
        return
    target = out or Path(f"bao-cao-{chosen.label}.xlsx")
    target.write_bytes(data)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"Report {chosen.label} written to {target}")


def register(group: click.Group) -> None:
    group.add_command(report_command)

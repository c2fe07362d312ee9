"""``dulieumo harvest check|run|list|report|schedule``: the harvest jobs from the command line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from catalogue.datastore.jobs import failures_for_job
from catalogue.errors import NotFound
from catalogue.harvest.service import get_job, job_dict, list_jobs
from catalogue.home import Home
from harvesters.config import DATABASE
from harvesters.jobs import (
    HarvestSetup,
    catalogue_problems,
    due_sources,
    ensure_organizations,
    load_setup,
    run_many,
)
from harvesters.lock import SourceBusy
from harvesters.runner import JobSummary
from portal.catalogue_ext import catalogue_of, datastore_of


def _home() -> Home:
    home: Home = current_app.config["DULIEUMO_HOME"]
    return home


def lock_dir(home: Home) -> Path:
    return home.root / "harvest-locks"


def checked_setup(*, with_catalogue: bool = True) -> HarvestSetup:
    """The home's harvest config (files and the sources added on the web), or exit non-zero
    listing every problem (nothing written)."""
    setup = load_setup(_home().root, catalogue_of(current_app) if with_catalogue else None)
    problems = list(setup.problems)
    if with_catalogue:
        problems += catalogue_problems(catalogue_of(current_app), setup.sources)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"harvest config has {len(problems)} problem(s); "
                                   f"nothing was harvested")
    return setup


def summary_line(summary: JobSummary) -> str:
    counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items())
    line = f"{summary.source}: {summary.status} (job {summary.job_id[:8]}): {counts}"
    if summary.message:
        line += f"\n  {summary.message}"
    if summary.attention:
        line += f"\n  ATTENTION: {summary.attention}"
    return line


RUN_SHOWN = 20  # records per outcome listed after `harvest run`; the rest are in the report


def outcome_lines(job_id: str) -> list[str]:
    """What an officer must act on after a run: held, failed, refused and invalid records,
    one line each with the first line of the reason (issue 16)."""
    with catalogue_of(current_app).unit("cli") as uow:
        report = job_dict(get_job(uow.session, job_id))
    lines = []
    for label, key in (("held", "held"), ("failed", "failures"), ("skipped", "skipped"),
                       ("invalid", "invalid")):
        items = report.get(key) or []
        for item in items[:RUN_SHOWN]:
            lines.append(f"  {label} {item['identifier']}: {_reasons(str(item['reason']))}")
        if len(items) > RUN_SHOWN:
            lines.append(f"  … {len(items) - RUN_SHOWN} more {label}: "
                         f"dulieumo harvest report {job_id[:8]}")
    return lines


def _reasons(text: str) -> str:
    """A report reason on one line: the reasons themselves, without the "held for review:"
    header and the review item id."""
    lines = [line.strip().removeprefix("- ") for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        lines = lines[1:]
    return "; ".join(line for line in lines if not line.startswith("review item "))


@click.group("harvest")
def harvest_group() -> None:
    """Harvest datasets from agency systems (config: harvest.toml, harvest.d/*.toml)."""


@harvest_group.command("check")
@with_appcontext
def check_command() -> None:
    """Check the harvest config; print every problem with file, source and key."""
    setup = load_setup(_home().root)
    problems = list(setup.problems)
    try:
        catalogue = catalogue_of(current_app)
        setup = load_setup(_home().root, catalogue)  # with the sources added on the web
        problems = list(setup.problems) + catalogue_problems(catalogue, setup.sources)
    except Exception as exc:  # noqa: BLE001 - an uninitialised home: config checks still count
        click.echo(f"(organizations and groups not checked: {type(exc).__name__})", err=True)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in "
                                   f"{', '.join(map(str, setup.files)) or 'no config files'}")
    if not setup.files and not setup.sources:
        click.echo(f"No harvest config in {_home().root} (harvest.toml or harvest.d/*.toml).")
        return
    stored = sum(1 for s in setup.sources if s.file == DATABASE)
    click.echo(f"OK: {len(setup.sources)} source(s) in {len(setup.files)} file(s)"
               f"{f' and {stored} added on the web' if stored else ''}: "
               f"{', '.join(s.name for s in setup.sources)}")


@harvest_group.command("run")
@click.argument("names", nargs=-1)
@click.option("--all", "run_all", is_flag=True, help="Run every configured source.")
@click.option("--due", is_flag=True, help="Run the sources due by their schedule (for cron).")
@with_appcontext
def run_command(names: tuple[str, ...], run_all: bool, due: bool) -> None:
    """Harvest SOURCE... now (or --all, or --due)."""
    if bool(names) + run_all + due != 1:
        raise click.UsageError("give source names, or --all, or --due")
    setup = checked_setup()
    catalogue = catalogue_of(current_app)
    by_name = {s.name: s for s in setup.sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise click.ClickException(f"unknown source(s): {', '.join(unknown)}; configured: "
                                   f"{', '.join(by_name) or 'none'}")
    chosen = [by_name[n] for n in names] if names else setup.sources
    if due:
        chosen = due_sources(catalogue, chosen)
        if not chosen:
            click.echo("No source is due.")
            return
    for name in ensure_organizations(catalogue, chosen):
        click.echo(f"created organization {name} (declared in the harvest config)")

    def done(summary: JobSummary) -> None:
        click.echo(summary_line(summary))
        for line in outcome_lines(summary.job_id):
            click.echo(line)

    try:
        summaries = run_many(catalogue, setup, chosen, lock_dir(_home()), on_done=done)
    except SourceBusy as exc:
        raise click.ClickException(str(exc)) from None
    # The harvested tables into the datastore now, so `harvest report` can tell which could
    # not be loaded and why (issue 21); the web worker would otherwise do it later.
    loaded = datastore_of(current_app).run_queued()
    if loaded:
        failed = [s for s in loaded if s.status == "failed"]
        click.echo(f"datastore: {len(loaded) - len(failed)} table(s) loaded, {len(failed)} "
                   "not loaded (see harvest report)")
    if any(s.status == "failed" for s in summaries):
        raise click.ClickException("some sources could not be harvested (see above)")


@harvest_group.command("list")
@click.option("--source", default=None, help="Only this source's jobs.")
@click.option("--limit", default=30, show_default=True)
@with_appcontext
def list_command(source: str | None, limit: int) -> None:
    """Recent harvest jobs, newest first."""
    with catalogue_of(current_app).unit("cli") as uow:
        jobs = list_jobs(uow.session, source, limit)
        if not jobs:
            click.echo("No harvest jobs yet.")
        for job in jobs:
            counts = " ".join(f"{k}={v}" for k, v in job.counts.items())
            flag = "  ATTENTION" if job.attention else ""
            click.echo(f"{job.id[:8]}  {job.started:%Y-%m-%d %H:%M}  {job.source:<32} "
                       f"{job.status:<9} {counts}{flag}")


@harvest_group.command("report")
@click.argument("job_id")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--all-records", is_flag=True, help="Include every record, not only problems.")
@with_appcontext
def report_command(job_id: str, as_json: bool, all_records: bool) -> None:
    """What one job did: counts, and every failure with record, stage and reason."""
    with catalogue_of(current_app).unit("cli") as uow:
        try:
            report = job_dict(get_job(uow.session, job_id), with_objects=all_records)
        except NotFound as exc:
            raise click.ClickException(str(exc)) from None
        # Files the datastore could not load, and why (issue 21).
        report["datastore"] = failures_for_job(datastore_of(current_app).store, uow.session,
                                               report["id"])
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"Job {report['id']}  source {report['source']} ({report['source_type']})")
    click.echo(f"Status {report['status']}: {report['started']} → {report['finished'] or '…'}")
    click.echo("Counts: " + ", ".join(f"{k} {v}" for k, v in report["counts"].items()))
    if report["attention"]:
        click.echo(f"ATTENTION: {report['attention']}")
    if report["message"]:
        click.echo(f"Message: {report['message']}")
    for title, key in (("Failed", "failures"), ("Held for review", "held"),
                       ("Published with invalid data", "invalid"), ("Skipped", "skipped"),
                       ("Withdrawn", "withdrawn")):
        if report.get(key):
            click.echo(f"{title}:")
            for item in report[key]:
                stage = f" [{item['stage']}]" if item["stage"] else ""
                reason = str(item["reason"]).replace("\n", "\n      ")
                click.echo(f"  {item['identifier']}{stage}: {reason}")
    if report["datastore"]:
        click.echo("Not loaded into the datastore:")
        for item in report["datastore"]:
            click.echo(f"  {item['dataset']} · {item['resource']}: {item['reason']}")
    stats = report.get("stats") or {}
    if stats:
        click.echo("Stats: " + ", ".join(f"{k} {v}" for k, v in stats.items()))


@harvest_group.command("schedule")
@click.option("--interval", default=60, show_default=True, help="Seconds between checks.")
@click.option("--once", is_flag=True, help="Check once and exit.")
@with_appcontext
def schedule_command(interval: int, once: bool) -> None:
    """Run due sources forever (a long-running scheduler; or use `harvest run --due` in cron)."""
    catalogue = catalogue_of(current_app)
    while True:
        try:
            setup = checked_setup()
        except click.ClickException as exc:
            # Keep running: the next check picks up the corrected config.
            click.echo(f"not running any source: {exc.message}", err=True)
            if once:
                raise
            time.sleep(interval)
            continue
        for source in due_sources(catalogue, setup.sources):
            try:
                run_many(catalogue, setup, [source], lock_dir(_home()),
                         on_done=lambda s: click.echo(summary_line(s)))
            except SourceBusy as exc:
                click.echo(f"skipped: {exc}")
        if once:
            return
        time.sleep(interval)


def register(group: click.Group) -> None:
    from portal.cli.harvest_preview import preview_command  # dry run (issue 9)

    harvest_group.add_command(preview_command)
    group.add_command(harvest_group)

"""Running configured sources: all, some, or those due by their schedule."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from catalogue.context import Catalogue
from catalogue.coordination.shared import claim
from catalogue.groups.model import Group
from catalogue.harvest.service import last_started
from catalogue.organizations.model import Organization
from catalogue.organizations.service import create_organization
from harvesters.base import Harvester
from harvesters.config import (
    DATABASE,
    ConfigProblem,
    SourceConfig,
    config_files,
    read_sources,
    source_from_table,
)
from harvesters.registry import harvester_types
from harvesters.runner import JobSummary, run_source
from harvesters.schedule import is_due


@dataclass
class HarvestSetup:
    """The checked configuration of one home."""

    sources: list[SourceConfig]
    problems: list[ConfigProblem]
    types: dict[str, type[Harvester]]
    files: list[Path]


def load_setup(home: Path, catalogue: Catalogue | None = None) -> HarvestSetup:
    """The sources of the home's config files, and with ``catalogue`` also those added on
    the web (``file`` is ``DATABASE``); a stored source may not reuse a file source's name."""
    types = harvester_types()
    files = config_files(home)
    sources, problems = read_sources(files, types)
    if catalogue is not None:
        stored, stored_problems = database_sources(catalogue, types,
                                                   {s.name: s.file for s in sources})
        sources += stored
        problems += stored_problems
    return HarvestSetup(sources, problems, types, files)


def database_sources(catalogue: Catalogue, types: dict[str, type[Harvester]],
                     file_names: dict[str, Path]) -> tuple[list[SourceConfig],
                                                           list[ConfigProblem]]:
    """The sources kept in the database, checked like a config file's tables."""
    from catalogue.harvest.sources import source_tables

    with catalogue.sessions() as session:
        tables = source_tables(session)
    sources: list[SourceConfig] = []
    problems: list[ConfigProblem] = []
    for table in tables:
        label = f"'{table['name']}'"
        if table["name"] in file_names:
            problems.append(ConfigProblem(DATABASE, label, "name",
                                          f"also defined in {file_names[table['name']]}"))
            continue
        source, found = source_from_table(table, DATABASE, types, label)
        problems += found
        if source is not None:
            sources.append(source)
    return sources, problems


def catalogue_problems(catalogue: Catalogue,
                       sources: Iterable[SourceConfig]) -> list[ConfigProblem]:
    """References the catalogue cannot satisfy: unknown organizations and groups."""
    with catalogue.unit("harvest") as uow:
        organizations = set(uow.session.scalars(select(Organization.name)))
        groups = set(uow.session.scalars(select(Group.name)))
    problems = []
    for source in sources:
        label = f"'{source.name}'"
        # A file's [organization] is created by `harvest run` (issue 16): not a problem.
        if source.organization not in organizations and source.declared_organization is None:
            problems.append(ConfigProblem(source.file, label, "organization",
                                          f"no organization {source.organization!r} in the "
                                          f"catalogue (create it first)"))
        for group in source.default_groups:
            if group not in groups:
                problems.append(ConfigProblem(source.file, label, "default_groups",
                                              f"no group {group!r} in the catalogue"))
    return problems


def ensure_organizations(catalogue: Catalogue, sources: Iterable[SourceConfig]) -> list[str]:
    """Create the organizations these sources' config files declare and the catalogue lacks
    (name, title, title_en, description); returns the names created. An agency publishes
    by writing a config file: no separate step to create its organization (issue 16)."""
    declared = {s.declared_organization.name: s.declared_organization for s in sources
                if s.declared_organization is not None}
    if not declared:
        return []
    created = []
    with catalogue.unit("harvest-config") as uow:
        existing = set(uow.session.scalars(select(Organization.name).where(
            Organization.name.in_(declared))))
        for name, org in declared.items():
            if name in existing:
                continue
            create_organization(uow, {"name": org.name, "title": org.title,
                                      "title_en": org.title_en,
                                      "description": org.description})
            created.append(name)
        uow.commit()
    return created


def due_sources(catalogue: Catalogue, sources: Iterable[SourceConfig]) -> list[SourceConfig]:
    """Sources whose schedule says they should run now (by the catalogue's clock)."""
    with catalogue.unit("harvest") as uow:
        started = last_started(uow.session)
    now = catalogue.clock.now()
    return [s for s in sources if is_due(s.schedule, started.get(s.name), now)]


def claim_due_sources(catalogue: Catalogue,
                      sources: Iterable[SourceConfig]) -> list[SourceConfig]:
    """The due sources this scheduler won: each due run is claimed in the database, keyed by
    the source and the start of its previous run, so any number of schedulers on any number
    of machines start it once (issue 23)."""
    with catalogue.unit("harvest") as uow:
        started = last_started(uow.session)
    now = catalogue.clock.now()
    won = []
    for source in sources:
        previous = started.get(source.name)
        if not is_due(source.schedule, previous, now):
            continue
        period = previous.isoformat() if previous is not None else "first"
        if claim(catalogue.engine, f"harvest:{source.name}", period, now):
            won.append(source)
    return won


def run_many(catalogue: Catalogue, setup: HarvestSetup, sources: Iterable[SourceConfig],
             lock_dir: Path, *, sleep: Callable[[float], None] = time.sleep,
             on_done: Callable[[JobSummary], None] | None = None) -> list[JobSummary]:
    """Run each source in turn; a busy source raises SourceBusy to the caller. Organizations
    the config declares are created first."""
    sources = list(sources)
    ensure_organizations(catalogue, sources)
    summaries = []
    for source in sources:
        summary = run_source(catalogue, source, setup.types, lock_dir, sleep=sleep)
        summaries.append(summary)
        if on_done is not None:
            on_done(summary)
    return summaries

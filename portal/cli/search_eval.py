"""``dulieumo search-eval``: search quality (nDCG@10, MRR) on a judged query set (issue 4).

The catalog is loaded through the service layer into a throw-away home (SQLite in a
temporary directory), so datasets are indexed exactly as the portal indexes them, and
each query goes through :func:`portal.api.search.run_package_search`, the code path of
the API's ``package_search``, as an anonymous visitor.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from catalogue.accounts.principal import ANONYMOUS
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.database import upgrade_database
from catalogue.datasets.service import create_dataset
from catalogue.errors import ConfigError, ValidationError
from catalogue.groups.service import create_group, seed_sectors
from catalogue.home import Home
from catalogue.organizations.service import create_organization
from catalogue.search.evaluation import CUTOFF, ndcg, read_jsonl, reciprocal_rank
from catalogue.settings import load_settings
from portal.api.search import run_package_search
from portal.catalogue_ext import build_catalogue

# Datasets are created one day apart, from the same day as catalogue.search.evaluation,
# so the newest-wins tie-break is deterministic and matches the backend-level evaluation.
EPOCH = datetime(2024, 1, 1)


@contextmanager
def throwaway_catalogue(backend: str, database_url: str | None) -> Iterator[Catalogue]:
    """A migrated, sector-seeded catalogue in a temporary home, removed afterwards.

    With ``postgres`` the catalogue stays in SQLite and only the search tables live in
    ``database_url`` (emptied first): the database is a scratch one.
    """
    if backend == "postgres" and not database_url:
        raise click.UsageError("--backend postgres needs --database-url of a scratch "
                               "PostgreSQL database (its search tables are emptied)")
    with tempfile.TemporaryDirectory(prefix="dulieumo-search-eval-") as tmp:
        home = Home(Path(tmp))
        settings = load_settings(None, environ={}, overrides={"search_backend": "whoosh"})
        catalogue = build_catalogue(home, settings, FixedClock(EPOCH))
        if backend == "postgres":
            from catalogue.search.postgres_backend import PostgresBackend

            catalogue.search.close()  # type: ignore[union-attr]
            search = PostgresBackend(str(database_url))
            search.clear()
            catalogue = dataclasses.replace(catalogue, search=search)
        upgrade_database(home.default_database_url())
        with catalogue.unit("system") as uow:
            seed_sectors(uow)
            uow.commit()
        try:
            yield catalogue
        finally:
            catalogue.search.close()  # type: ignore[union-attr]
            catalogue.sessions.kw["bind"].dispose()


def _named(value: Any) -> dict[str, str]:
    """Catalog lines name organizations and groups by slug or give ``{name, title}``."""
    if isinstance(value, dict):
        return {"name": value["name"], "title": value.get("title") or value["name"]}
    return {"name": str(value), "title": str(value)}


def load_catalog(catalogue: Catalogue, entries: list[dict[str, Any]]) -> None:
    """Create each catalog line as a public dataset, one day after the previous one."""
    clock = catalogue.clock
    assert isinstance(clock, FixedClock)
    with catalogue.unit("system") as uow:
        from catalogue.groups.model import Group
        from catalogue.organizations.model import Organization

        orgs = {o["name"]: o for e in entries if e.get("organization")
                for o in [_named(e["organization"])]}
        known = set(uow.session.query(Organization.name))
        for org in orgs.values():
            if (org["name"],) not in known:
                create_organization(uow, org)
        groups = {g["name"]: g for e in entries for g in map(_named, e.get("groups", []))}
        known = set(uow.session.query(Group.name))
        for group in groups.values():
            if (group["name"],) not in known:
                create_group(uow, group)
        uow.commit()
    for entry in entries:
        data = {k: entry[k] for k in ("name", "title", "title_en", "notes", "notes_en",
                                      "license_id", "resources") if entry.get(k)}
        data["tags"] = [{"name": t} for t in entry.get("tags", [])]
        data["groups"] = [{"name": _named(g)["name"]} for g in entry.get("groups", [])]
        if entry.get("organization"):
            data["owner_org"] = _named(entry["organization"])["name"]
        with catalogue.unit("system") as uow:
            create_dataset(uow, data)
            uow.commit()
        clock.advance(days=1)


def run_eval(catalogue: Catalogue, judged: list[dict[str, Any]]) -> dict[str, Any]:
    """Run each judged query as ``package_search`` does; nDCG@10 and MRR (grade ≥ 2)."""
    rows = []
    for item in judged:
        found = run_package_search(catalogue, {"q": item["q"], "rows": str(CUTOFF)}, ANONYMOUS)
        names = [r["name"] for r in found["results"]]
        relevant = item.get("relevant", {})
        rows.append({"q": item["q"], "results": names, "ndcg@10": ndcg(names, relevant),
                     "rr": reciprocal_rank(names, relevant)})
    count = max(len(rows), 1)
    return {"ndcg@10": sum(r["ndcg@10"] for r in rows) / count,
            "mrr": sum(r["rr"] for r in rows) / count, "queries": rows}


@click.command("search-eval")
@click.option("--catalog", "catalog_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Datasets, one JSON object a line (shared/eval/search-vi format).")
@click.option("--queries", "queries_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='Judged queries, one {"q", "relevant": {name: grade}} a line.')
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--backend", type=click.Choice(["whoosh", "postgres"]), default="whoosh",
              show_default=True, help="Search engine to evaluate.")
@click.option("--database-url", help="Scratch PostgreSQL database for --backend postgres "
                                     "(its search tables are emptied).")
def search_eval_command(catalog_path: Path, queries_path: Path, as_json: bool, backend: str,
                        database_url: str | None) -> None:
    """Score search on a judged query set: nDCG@10 and MRR."""
    try:
        entries = read_jsonl(catalog_path)
        judged = read_jsonl(queries_path)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"cannot read the evaluation files: {exc}") from None
    try:
        with throwaway_catalogue(backend, database_url) as catalogue:
            load_catalog(catalogue, entries)
            scores = run_eval(catalogue, judged)
    except (ConfigError, ValidationError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({
            "ndcg@10": scores["ndcg@10"], "mrr": scores["mrr"],
            "queries": [{"q": r["q"], "results": r["results"]} for r in scores["queries"]]},
            ensure_ascii=False))
        return
    for row in scores["queries"]:
        click.echo(f"{row['ndcg@10']:6.3f}  {row['rr']:5.2f}  {row['q']}")
    click.echo(f"nDCG@10 {scores['ndcg@10']:.4f}  MRR {scores['mrr']:.4f}  "
               f"({len(scores['queries'])} queries, {backend})")


def register(group: click.Group) -> None:
    group.add_command(search_eval_command)

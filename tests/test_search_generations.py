"""Rebuilds, restores and writes are seen by every process (issue 23 item 7): a rebuild never
leaves searches without hits, generations never go back, datasets written during a rebuild
are in the new index, and LISTEN/NOTIFY reaches every process (and comes back after a lost
connection)."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pg_databases import fresh_database
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.coordination.notifications import (
    REBUILD,
    RECONNECTED,
    WRITE,
    ChangeListener,
    libpq_conninfo,
)
from catalogue.database import upgrade_database
from catalogue.datasets.model import Dataset
from catalogue.datasets.service import create_dataset, delete_dataset
from catalogue.indexing import rebuild_index
from catalogue.organizations.service import create_organization
from catalogue.search.backend import SearchBackend, SearchQuery
from catalogue.search.postgres_backend import PostgresBackend
from catalogue.search.whoosh_backend import WhooshBackend
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli.home_cmds import initialise

pytest_plugins = ["pg_cluster"]

NOW = datetime(2026, 12, 7, 9, 0)
# Seconds a notification may take to arrive (it normally takes milliseconds).
DEADLINE = 10.0


def package(name: str, title: str) -> dict[str, Any]:
    return {"id": "id-" + name, "name": name, "title": title, "notes": "", "tags": [],
            "organization": {"name": "so-tnmt", "title": "Sở Tài nguyên và Môi trường"},
            "groups": [], "resources": [], "state": "active", "private": False,
            "metadata_created": "2024-01-01T00:00:00",
            "metadata_modified": "2024-01-01T00:00:00"}


@pytest.fixture
def empty_pg(request: pytest.FixtureRequest) -> Iterator[str]:
    with fresh_database(request.getfixturevalue("pg_url"), migrated=False) as url:
        yield url


@pytest.fixture(params=["whoosh", "postgres"])
def two_views(request: pytest.FixtureRequest,
              tmp_path: Path) -> Iterator[tuple[SearchBackend, SearchBackend]]:
    """Two backends on one index, as two processes see it."""
    if request.param == "whoosh":
        pair: tuple[SearchBackend, SearchBackend] = (WhooshBackend(tmp_path / "index"),
                                                     WhooshBackend(tmp_path / "index"))
        yield pair
    else:
        with fresh_database(request.getfixturevalue("pg_url"), migrated=False) as url:
            pair = (PostgresBackend(url), PostgresBackend(url))
            yield pair
            for backend in pair:
                backend.close()
            return
    for backend in pair:
        backend.close()


def _count(backend: SearchBackend, q: str = "") -> int:
    return backend.search(SearchQuery(q=q)).count


def test_a_rebuild_never_leaves_other_processes_without_hits(
        two_views: tuple[SearchBackend, SearchBackend]) -> None:
    writer, reader = two_views
    old = [package(f"dan-so-{i}", f"Dân số năm {2020 + i}") for i in range(3)]
    writer.index_documents(old)
    assert _count(reader, "dân số") == 3
    seen: list[int] = []

    def documents() -> Iterator[dict[str, Any]]:
        for doc in [*old, package("dan-so-moi", "Dân số năm 2024")]:
            seen.append(_count(reader, "dân số"))  # another process, mid-rebuild
            yield doc
        seen.append(_count(reader, "dân số"))

    writer.rebuild(documents())
    assert seen == [3] * 5
    assert _count(reader, "dân số") == 4
    assert _count(reader) == 4


def test_the_generation_never_goes_back(empty_pg: str) -> None:
    """A restore used to put search_meta back to the backup's generation: the next writes
    reached numbers another process had cached results under, and it served those."""
    writer, reader = PostgresBackend(empty_pg), PostgresBackend(empty_pg)
    engine = create_engine(empty_pg)
    try:
        writer.index_documents([package("a", "Giá đất"), package("b", "Giá đất nông nghiệp")])
        assert _count(reader, "giá đất") == 2  # cached under the current generation
        with engine.begin() as conn:  # as restoring an older backup of search_meta did
            seen = conn.execute(text("SELECT generation FROM search_meta")).scalar_one()
            conn.execute(text("UPDATE search_meta SET generation = :g"), {"g": seen - 1})
        writer.index_documents([package("c", "Giá đất ở")])
        with engine.connect() as conn:
            assert conn.execute(text("SELECT generation FROM search_meta")).scalar_one() > seen
        assert _count(reader, "giá đất") == 3
    finally:
        writer.close()
        reader.close()
        engine.dispose()


def _machine(tmp_path: Path, url: str, search_backend: str) -> Flask:
    app = create_app({"database_url": url, "site_url": "http://portal.test",
                      "search_backend": search_backend}, home=tmp_path / "home",
                     clock=FixedClock(NOW))
    app.config["TESTING"] = True
    initialise(app)
    return app


@pytest.fixture(params=["whoosh", "postgres"])
def catalogue_with_search(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Catalogue]:
    if request.param == "whoosh":
        app = _machine(tmp_path, f"sqlite:///{tmp_path / 'c.sqlite'}", "whoosh")
    else:
        url = request.getfixturevalue("empty_pg")
        app = _machine(tmp_path, url, "postgres")
    catalogue = catalogue_of(app)
    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-xay-dung", "title": "Sở Xây dựng"})
        uow.commit()
    yield catalogue
    assert catalogue.search is not None
    catalogue.search.close()  # type: ignore[attr-defined]
    catalogue.engine.dispose()


def test_datasets_written_during_a_rebuild_are_in_the_new_index(
        catalogue_with_search: Catalogue) -> None:
    catalogue = catalogue_with_search
    with catalogue.unit("test") as uow:
        for name in ("quy-hoach-1", "quy-hoach-2"):
            create_dataset(uow, {"name": name, "title": f"Quy hoạch xây dựng {name[-1]}",
                                 "owner_org": "so-xay-dung"})
        uow.commit()
    writes = iter(["create", "withdraw"])

    def meanwhile(done: int, total: int) -> None:
        """Another user writes while the new index is being built."""
        step = next(writes, None)
        with catalogue.unit("test") as uow:
            if step == "create":
                create_dataset(uow, {"name": "quy-hoach-3", "title": "Quy hoạch xây dựng 3",
                                     "owner_org": "so-xay-dung"})
            elif step == "withdraw":
                delete_dataset(uow, "quy-hoach-1")
            uow.commit()

    import catalogue.indexing as indexing

    batch, indexing.BATCH = indexing.BATCH, 1  # progress (and a write) after each dataset
    try:
        rebuild_index(catalogue, meanwhile)
    finally:
        indexing.BATCH = batch
    assert catalogue.search is not None
    found = catalogue.search.search(SearchQuery(q="quy hoạch", rows=10))  # type: ignore[attr-defined]
    assert sorted(found.ids) == sorted(_ids(catalogue, "quy-hoach-2", "quy-hoach-3"))


def _ids(catalogue: Catalogue, *names: str) -> list[str]:
    with catalogue.sessions() as session:
        return [session.scalars(select(Dataset.id).where(Dataset.name == n)).one()
                for n in names]


def test_one_dataset_per_source_record(catalogue_with_search: Catalogue) -> None:
    """The database refuses a second dataset for a harvested record (issue 23 item 3);
    datasets made by hand (no source) are not concerned."""
    catalogue = catalogue_with_search

    def add(name: str, source: str, identifier: str) -> None:
        with catalogue.sessions() as session:
            session.add(Dataset(name=name, harvest_source=source, source_identifier=identifier,
                                metadata_created=NOW, metadata_modified=NOW))
            session.commit()

    add("tay-1", "", "")
    add("tay-2", "", "")
    add("thu-1", "ckan-so-xd", "rec-1")
    add("thu-2", "ckan-so-tc", "rec-1")
    with pytest.raises(IntegrityError):
        add("thu-3", "ckan-so-xd", "rec-1")


def test_the_migration_keeps_the_oldest_copy_of_a_record_made_twice(tmp_path: Path) -> None:
    """Databases of the audit hold records that harvests on two machines made twice: the
    oldest stays the source's, the later copies are marked so the unique index can be made."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade_database(url, "0012_rate_counter")
    engine = create_engine(url)
    try:
        # Every column the 0012 schema requires, filled plainly (the model has moved on).
        required = [c for c in inspect(engine).get_columns("dataset") if not c["nullable"]]
        with engine.begin() as conn:
            for name, source, identifier, day in (
                    ("goc", "ckan-so-xd", "rec-1", 1), ("ban-sao", "ckan-so-xd", "rec-1", 2),
                    ("tay-1", "", "", 1), ("tay-2", "", "", 2)):
                row: dict[str, Any] = {c["name"]: _plain(c["type"], day) for c in required}
                row.update(id=name, name=name, harvest_source=source,
                           source_identifier=identifier)
                conn.execute(text(f"INSERT INTO dataset ({', '.join(row)}) "
                                  f"VALUES ({', '.join(':' + k for k in row)})"), row)
        upgrade_database(url)
        with engine.connect() as conn:
            rows = dict(conn.execute(text(
                "SELECT name, source_identifier FROM dataset WHERE harvest_source <> ''")).all())
    finally:
        engine.dispose()
    assert rows == {"goc": "rec-1", "ban-sao": "rec-1#duplicate-ban-sao"}


def _plain(kind: Any, day: int) -> Any:
    python = kind.python_type
    if python is datetime:
        return datetime(2026, 1, day)
    return python() if python in (str, int, bool) else None


def _wait_for(found: queue.Queue[str], wanted: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        try:
            if found.get(timeout=max(0.0, deadline - time.monotonic())) == wanted:
                return
        except queue.Empty:
            break
    raise AssertionError(f"no {wanted!r} notification within {DEADLINE} s")


def test_every_process_hears_of_writes_and_rebuilds_even_after_losing_its_connection(
        empty_pg: str) -> None:
    backend = PostgresBackend(empty_pg)
    heard: queue.Queue[str] = queue.Queue()
    listener = ChangeListener(libpq_conninfo(backend.engine), heard.put, retry_seconds=0.1)
    listener.start()
    try:
        assert listener.listening.wait(DEADLINE)
        backend.index_documents([package("a", "Giá đất")])
        _wait_for(heard, WRITE)
        backend.rebuild([package("b", "Giá đất ở")])
        _wait_for(heard, REBUILD)
        # The database drops the listener's connection (a restart, a failover): whatever was
        # announced meanwhile is lost, so it reconnects and says so (its owner drops all).
        with backend.engine.begin() as conn:
            ended = conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN %' AND datname = current_database()")).all()
        assert ended == [(True,)]
        _wait_for(heard, RECONNECTED)
        backend.index_documents([package("c", "Giá đất nông nghiệp")])
        _wait_for(heard, WRITE)
    finally:
        listener.stop()
        backend.close()

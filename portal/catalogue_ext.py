"""Wires the catalogue (database, file store, search) into the app as ``app.extensions``."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine

from catalogue.clock import Clock, SystemClock
from catalogue.context import Catalogue
from catalogue.coordination.db_clock import DatabaseClock
from catalogue.coordination.notifications import WRITE, ChangeListener, libpq_conninfo
from catalogue.database import make_engine, make_sessionmaker
from catalogue.datastore.service import DatastoreService, open_store
from catalogue.files.location import open_file_store
from catalogue.home import Home
from catalogue.search import open_backend

EXTENSION = "dulieumo.catalogue"
LISTENER = "dulieumo.changes"


def build_catalogue(home: Home, settings: dict[str, Any], clock: Clock) -> Catalogue:
    """The catalogue's collaborators for one process (app, CLI run, test or benchmark)."""
    home.ensure()
    url = settings["database_url"] or home.default_database_url()
    engine = make_engine(url)
    if isinstance(clock, SystemClock) and engine.dialect.name == "postgresql":
        clock = DatabaseClock(engine)  # machines sharing a database read its clock (issue 23)
    files = open_file_store(settings, home)  # one store for every machine (issue 23)
    search = open_backend(settings["search_backend"], index_dir=home.index_dir,
                          database_url=url, in_memory=settings["search_in_memory"],
                          posting_cache_mb=settings["search_posting_cache_mb"])
    catalogue = Catalogue(sessions=make_sessionmaker(engine), clock=clock, files=files,
                          site_url=settings["site_url"], search=search, settings=settings)
    def engine_for(address: str) -> Engine:
        # The datastore in the catalogue's own database shares its engine (its reads set
        # role, timeout and read-only per transaction only), so one pool serves both and
        # disposing of the catalogue's engine closes the datastore's connections too.
        return engine if address == url else make_engine(address)

    store = open_store(settings, home.root, url, engine_for)
    catalogue.datastore = DatastoreService(store, catalogue)
    return catalogue


def init_app(app: Flask, home: Home, clock: Clock) -> None:
    from portal import datastore_worker

    catalogue = build_catalogue(home, app.config["DULIEUMO"], clock)
    app.extensions[EXTENSION] = catalogue
    assert isinstance(catalogue.datastore, DatastoreService)
    datastore_worker.init_app(app, catalogue.datastore)


def datastore_of(app: Flask | None = None) -> DatastoreService:
    """The app's datastore service (store plus load queue)."""
    service = catalogue_of(app).datastore
    assert isinstance(service, DatastoreService)
    return service


def start_listening(app: Flask) -> ChangeListener | None:
    """Drop this process's caches whenever any process on any machine announces a change
    (PostgreSQL's LISTEN/NOTIFY, issue 23); nothing to do on SQLite. Called by each gunicorn
    worker after the fork (``portal/wsgi.py``) and by ``serve``; safe to call again."""
    catalogue = catalogue_of(app)
    if catalogue.engine.dialect.name != "postgresql":
        return None
    listener: ChangeListener | None = app.extensions.get(LISTENER)
    if listener is None:
        from portal.pages import counts  # the pages import this module

        search = catalogue.search

        def forget(what: str) -> None:
            counts.forget()  # agencies renamed, downloads counted: its stamp misses those
            # Search caches are keyed on (epoch, generation), so a write cannot make them
            # serve stale answers; a rebuild or restore replaced everything they hold, and
            # after a lost connection nobody knows what changed.
            drop = getattr(search, "forget", None)
            if drop is not None and what != WRITE:
                drop()

        listener = app.extensions[LISTENER] = ChangeListener(
            libpq_conninfo(catalogue.engine), forget)
    listener.start()
    return listener


def catalogue_of(app: Flask | None = None) -> Catalogue:
    """The app's catalogue (the current app's when none is given)."""
    target = app if app is not None else current_app
    catalogue: Catalogue = target.extensions[EXTENSION]
    return catalogue

"""Wires the catalogue (database, file store, search) into the app as ``app.extensions``."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from catalogue.clock import Clock, SystemClock
from catalogue.context import Catalogue
from catalogue.coordination.db_clock import DatabaseClock
from catalogue.database import make_engine, make_sessionmaker
from catalogue.files.location import open_file_store
from catalogue.home import Home
from catalogue.search import open_backend

EXTENSION = "dulieumo.catalogue"


def build_catalogue(home: Home, settings: dict[str, Any], clock: Clock) -> Catalogue:
    """The catalogue's collaborators for one process (app, CLI run, test or benchmark)."""
    home.ensure()
    url = settings["database_url"] or home.default_database_url()
    engine = make_engine(url)
    if isinstance(clock, SystemClock) and engine.dialect.name == "postgresql":
        clock = DatabaseClock(engine)  # machines sharing a database read its clock (issue 23)
    files = open_file_store(settings, home)  # one store for every machine (issue 23)
    search = open_backend(settings["search_backend"], index_dir=home.index_dir,
                          database_url=url, in_memory=settings["search_in_memory"])
    return Catalogue(sessions=make_sessionmaker(engine), clock=clock, files=files,
                     site_url=settings["site_url"], search=search, settings=settings)


def init_app(app: Flask, home: Home, clock: Clock) -> None:
    app.extensions[EXTENSION] = build_catalogue(home, app.config["DULIEUMO"], clock)


def catalogue_of(app: Flask | None = None) -> Catalogue:
    """The app's catalogue (the current app's when none is given)."""
    target = app if app is not None else current_app
    catalogue: Catalogue = target.extensions[EXTENSION]
    return catalogue

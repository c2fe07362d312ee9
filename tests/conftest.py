"""Fixtures that build real things: a home under tmp_path, the app, a client, a CLI runner."""

from __future__ import annotations

import ast
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli.home_cmds import initialise

if TYPE_CHECKING:
    from catalogue.datastore.store import Datastore

# Real-world input shared by every worktree (fixtures/real/, standards/): ../shared from the
# repository root. Read in place, never copied into the project.
SHARED = Path(__file__).resolve().parents[2] / "shared"

# CPython keeps ast.parse's recursion count per interpreter, not per thread (gh-106905): two
# threads parsing at once in the tests' one process (werkzeug compiles every route of each
# app it builds; a live server's thread may be parsing too) fail the other with
# "SystemError: AST constructor recursion depth mismatch". The portal's processes build their
# app once; the tests build hundreds, so here parsing takes turns.
_PARSE = ast.parse
_PARSING = threading.RLock()


def _parse_in_turn(*args: Any, **kwargs: Any) -> Any:
    with _PARSING:
        return _PARSE(*args, **kwargs)


ast.parse = _parse_in_turn  # type: ignore[assignment]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 8, 30, 0))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated and seeded once; each test's app starts from a copy,
    because running every migration per test dominated the suite's time."""
    template_home = tmp_path_factory.mktemp("template-home")
    template = create_app(home=template_home, clock=FixedClock(datetime(2026, 3, 2, 8, 30, 0)))
    initialise(template)
    catalogue = catalogue_of(template)
    if catalogue.search is not None:
        catalogue.search.close()
    catalogue.sessions.kw["bind"].dispose()
    return template_home / "dulieumo.sqlite"


def _copy_sqlite(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture
def app(home: Path, clock: FixedClock, database_config: dict[str, str],
        migrated_sqlite_template: Path) -> Iterator[Flask]:
    if not database_config and not (home / "dulieumo.sqlite").exists():
        _copy_sqlite(migrated_sqlite_template, home / "dulieumo.sqlite")
    app = create_app({"site_url": "http://portal.test", **database_config}, home=home,
                     clock=clock)
    app.config["TESTING"] = True
    if database_config:
        initialise(app)
    yield app
    search = catalogue_of(app).search
    if search is not None and hasattr(search, "close"):
        search.close()
    datastore = catalogue_of(app).datastore
    if datastore is not None and hasattr(datastore, "close"):
        datastore.close()
    catalogue_of(app).sessions.kw["bind"].dispose()  # close pooled connections now, not in GC


@pytest.fixture
def catalogue(app: Flask) -> Catalogue:
    return catalogue_of(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@dataclass(frozen=True)
class HarvestedDemo:
    """A home after one ``dulieumo demo --no-serve --port 5077``, and what that run printed."""

    home: Path
    output: str
    pristine: Path  # a copy taken at once, for readers that must not see later runs


DEMO_PORT = "5077"


@pytest.fixture(scope="session")
def harvested_demo(tmp_path_factory: pytest.TempPathFactory) -> HarvestedDemo:
    """The demo agencies harvested once per session (the suite's costliest set-up): the port
    is one the tests can tell from the default, since citations and documents name it.

    ``home`` is tests/test_demo.py's, which harvests it again (its sources name their
    absolute paths, so that second run must happen in this very folder); ``pristine`` is
    copied before any test runs, so what demo_portal serves never depends on test order."""
    from portal.cli import main

    home = tmp_path_factory.mktemp("demo-harvested") / "demo-home"
    result = CliRunner().invoke(main, ["--home", str(home), "demo", "--no-serve",
                                       "--port", DEMO_PORT])
    assert result.exit_code == 0, result.output
    pristine = tmp_path_factory.mktemp("demo-pristine") / "demo-home"
    shutil.copytree(home, pristine)
    return HarvestedDemo(home, result.output, pristine)


@pytest.fixture(scope="session")
def demo_portal(harvested_demo: HarvestedDemo) -> Iterator[FlaskClient]:
    """The demo agencies harvested (``dulieumo demo --no-serve``), and a client of a portal
    serving them at http://portal.test: real data for the standards checks."""
    home = harvested_demo.pristine
    app = create_app({"site_url": "http://portal.test"}, home=home)
    yield app.test_client()
    catalogue = catalogue_of(app)
    if catalogue.search is not None:
        catalogue.search.close()
    catalogue.sessions.kw["bind"].dispose()


@pytest.fixture
def org(catalogue: Catalogue) -> str:
    """A publishing agency, returned by name."""
    from catalogue.organizations.service import create_organization

    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-tnmt-quang-ninh",
                                  "title": "Sở Tài nguyên và Môi trường Quảng Ninh",
                                  "title_en": "Quang Ninh Department of Natural Resources "
                                              "and Environment"})
        uow.commit()
    return "so-tnmt-quang-ninh"


@pytest.fixture
def searchable(catalogue: Catalogue, home: Path) -> Catalogue:
    """The catalogue with a search backend: the app's, or a Whoosh index in the home until
    ``catalogue.search.open_backend`` wires one (issue 4)."""
    if catalogue.search is None:
        from catalogue.search.whoosh_backend import WhooshBackend

        catalogue.search = WhooshBackend(home / "index-api-tests")
    return catalogue


TokenFactory = Callable[..., str]


@pytest.fixture
def api_token(catalogue: Catalogue) -> TokenFactory:
    """Make an account and a real API token for it: ``api_token("lan", org=..., role=...)``."""
    from catalogue.accounts.service import create_user
    from catalogue.accounts.tokens import create_token

    def make(name: str, *, org: str | None = None, role: str | None = None,
             sysadmin: bool = False, scope: str = "write") -> str:
        with catalogue.unit("test") as uow:
            user = create_user(uow, name=name, email=f"{name}@tnmt.gov.vn",
                               full_name=f"Nguyễn Thị {name.title()}",
                               password="Sông Hồng chảy 47 mùa", organization=org, role=role,
                               sysadmin=sysadmin)
            _, raw = create_token(uow, user, scope=scope)
            uow.commit()
        return raw

    return make


# --- The suite on PostgreSQL: `pytest --db=postgres` (issue 8). The default stays SQLite. ---
pytest_plugins = ["pg_cluster"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=("sqlite", "postgres"), default="sqlite",
                     help="Database the `app` fixture uses: sqlite (default) or postgres "
                          "(a fresh database per test in a throw-away cluster).")


@pytest.fixture
def database_config(request: pytest.FixtureRequest,
                    monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Settings overrides choosing the test database: none for SQLite (the home's file).
    On PostgreSQL the URL is also in the environment, so CLI runs against the home find it."""
    if request.config.getoption("--db") != "postgres":
        yield {}
        return
    from pg_databases import fresh_database

    import portal.catalogue_ext

    # Every engine made during the test (CLI runs make their own app) is disposed at the end,
    # so no pooled connection is left for the garbage collector to warn about.
    engines = []
    make_engine = portal.catalogue_ext.make_engine

    def tracked(url: str) -> object:
        engine = make_engine(url)
        engines.append(engine)
        return engine

    monkeypatch.setattr(portal.catalogue_ext, "make_engine", tracked)
    with fresh_database(request.getfixturevalue("pg_url")) as url:
        monkeypatch.setenv("DULIEUMO_DATABASE_URL", url)
        yield {"database_url": url}
        for engine in engines:
            engine.dispose()


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at production cost takes ~0.5 s a hash on CI's two cores; tests use the same
    algorithm at its minimum cost so account tests stay fast (issue 7)."""
    from argon2 import PasswordHasher

    from catalogue.accounts import passwords

    monkeypatch.setattr(passwords, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def datastore_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Datastore]:
    """A bare datastore (issue 21): a SQLite file, or with ``--db=postgres`` schema
    ``datastore`` of a fresh database in the throw-away cluster."""
    from catalogue.datastore.store import Datastore

    if request.config.getoption("--db") != "postgres":
        opened = Datastore.open_sqlite(tmp_path / "datastore.sqlite")
        yield opened
        opened.dispose()
        return
    from pg_databases import fresh_database

    with fresh_database(request.getfixturevalue("pg_url"), migrated=False) as url:
        opened = Datastore.open_postgres(url)
        yield opened
        opened.dispose()

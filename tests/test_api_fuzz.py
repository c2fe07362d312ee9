"""Schema-driven fuzzing: schemathesis sends what the OpenAPI description allows (and worse)
to every action, anonymously and with a sysadmin token; no answer may be a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings

from catalogue.clock import FixedClock
from catalogue.datasets.service import create_dataset
from catalogue.organizations.service import create_organization
from portal import create_app
from portal.catalogue_ext import catalogue_of
from portal.cli.home_cmds import initialise

# Examples per operation and method; ~70 operations keep the run well under a minute.
EXAMPLES = 6
# No shrinking: a failure is reported with the example found, which is enough to fix it.
FUZZ_PHASES = (Phase.explicit, Phase.generate)


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    home = tmp_path_factory.mktemp("fuzz-home")
    app = create_app({"site_url": "http://portal.test"}, home=Path(home),
                     clock=FixedClock(datetime(2026, 3, 2, 8, 30)))
    initialise(app)
    catalogue = catalogue_of(app)
    if catalogue.search is None:  # until open_backend wires one (issue 4)
        from catalogue.search.whoosh_backend import WhooshBackend

        catalogue.search = WhooshBackend(Path(home) / "index-fuzz")
    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-tnmt", "title": "Sở TNMT"})
        uow.session.flush()
        create_dataset(uow, {"name": "chat-luong-nuoc", "title": "Chất lượng nước",
                             "owner_org": "so-tnmt", "tags": ["nước"],
                             "resources": [{"url": "http://agency.test/a.csv",
                                            "format": "CSV"}]})
        uow.commit()
    yield app
    if catalogue.search is not None and hasattr(catalogue.search, "close"):
        catalogue.search.close()


@pytest.fixture(scope="module")
def sysadmin_token(fuzzed_app: Flask) -> str:
    from catalogue.accounts.service import create_user
    from catalogue.accounts.tokens import create_token

    with catalogue_of(fuzzed_app).unit("test") as uow:
        user = create_user(uow, name="root", email="root@tnmt.gov.vn", full_name="Quản Trị",
                           password="Sông Hồng chảy 47 mùa", sysadmin=True)
        _, raw = create_token(uow, user, scope="write")
        uow.commit()
    return raw


def _fuzz(schema: Any, headers: dict[str, str], methods: set[str]) -> list[str]:
    """Run every operation's examples; the server errors found, as readable lines."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() not in methods:
            continue

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=FUZZ_PHASES)
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path} query={case.query!r} "
                                f"body={case.body!r} -> {response.status_code}")

        run()
    return failures


def test_no_server_errors_anonymous(fuzzed_app: Flask) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/3/openapi.json", fuzzed_app)
    assert _fuzz(schema, {}, {"GET", "POST"}) == []


def test_no_server_errors_as_sysadmin(fuzzed_app: Flask, sysadmin_token: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/3/openapi.json", fuzzed_app)
    assert _fuzz(schema, {"Authorization": sysadmin_token}, {"POST"}) == []


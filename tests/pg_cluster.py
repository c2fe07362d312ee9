"""A throw-away PostgreSQL 15 cluster for tests, as a session-scoped fixture.

Loaded with ``pytest_plugins = ["tests.pg_cluster"]``. The cluster lives in
a temporary directory, listens only on a Unix socket there and is stopped
at the end of the session. PostgreSQL refuses to run as root, so under root
the server runs as the ``postgres`` (or ``nobody``) user via ``runuser``.
Tests using :func:`pg_url` are skipped with the reason when the binaries
are absent (CI installs ``postgresql``).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("DULIEUMO_PG_BIN", "/usr/lib/postgresql/15/bin"))
PORT = 54329


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return ["runuser", "-u", user, "--"]
    pytest.skip("running as root and no postgres/nobody user to run PostgreSQL as")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty database; the cluster is removed afterwards."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN}")
    prefix = _run_as()
    home = Path(tempfile.mkdtemp(prefix="dulieumo-pg-"))
    try:
        if prefix:
            shutil.chown(home, user=prefix[2])
        data = home / "data"
        subprocess.run([*prefix, str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust",
                        "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, capture_output=True)
        options = f"-p {PORT} -k {home} -c listen_addresses='' -c fsync=off"
        subprocess.run([*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options,
                        "-l", str(home / "log"), "-w", "start"], check=True, capture_output=True)
        try:
            yield f"postgresql+psycopg://postgres@/postgres?host={home}&port={PORT}"
        finally:
            subprocess.run([*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate",
                            "stop"], check=False, capture_output=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)

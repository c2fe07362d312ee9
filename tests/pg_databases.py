"""Fresh PostgreSQL databases inside the throw-away cluster of ``pg_cluster.py``, and a
private cluster of our own that fault tests may stop and start (issue 8)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pg_cluster import PG_BIN, _run_as
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

TEMPLATE = "dulieumo_migrated"
_templates: set[str] = set()


def _database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _ensure_template(admin: Engine, server_url: str) -> None:
    """A database migrated to the newest schema once per session, cloned per test (fast)."""
    if server_url in _templates:
        return
    from catalogue.database import upgrade_database

    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE}"'))
    upgrade_database(_database_url(server_url, TEMPLATE))
    _templates.add(server_url)


@contextmanager
def fresh_database(server_url: str, *, migrated: bool = True) -> Iterator[str]:
    """Create a database in the cluster at ``server_url`` (a copy of a migrated template, or
    empty); drop it afterwards."""
    name = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        if migrated:
            _ensure_template(admin, server_url)
        template = f' TEMPLATE "{TEMPLATE}"' if migrated else ""
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
        yield _database_url(server_url, name)
        with admin.connect() as conn:
            # FORCE ends the app's pooled connections (PostgreSQL 13+).
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


class PrivateCluster:
    """A cluster only one test uses, so it can be stopped and started (database outage)."""

    def __init__(self, port: int, directory: Path | None = None) -> None:
        """A new cluster in a temporary folder, or in ``directory`` (kept, and reused when
        it already holds one: benchmarks load 100k datasets once)."""
        self.port = port
        self.prefix = _run_as()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        self.dir = directory or Path(tempfile.mkdtemp(prefix="dulieumo-pg-own-"))
        if self.prefix:
            shutil.chown(self.dir, user=self.prefix[2])
        self.data = self.dir / "data"
        if (self.data / "PG_VERSION").exists():
            return
        subprocess.run([*self.prefix, str(PG_BIN / "initdb"), "-D", str(self.data), "-A",
                        "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
                        "--no-sync"], check=True, capture_output=True)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/postgres?host={self.dir}&port={self.port}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses='' -c fsync=off"
        subprocess.run([*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o",
                        options, "-l", str(self.dir / "log"), "-w", "start"], check=True,
                       capture_output=True)

    def stop(self) -> None:
        subprocess.run([*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m",
                        "fast", "-w", "stop"], check=False, capture_output=True)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

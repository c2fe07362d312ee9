"""The home: one data directory holding config, database, search index, files and backups."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "DULIEUMO_HOME"


@dataclass(frozen=True)
class Home:
    """Paths inside a dulieumo data directory."""

    root: Path

    @classmethod
    def from_env(cls, default: Path | None = None) -> Home:
        """The home named by ``DULIEUMO_HOME``, else ``default``, else ``./dulieumo-home``."""
        chosen = os.environ.get(HOME_ENV) or default or Path("dulieumo-home")
        return cls(Path(chosen).resolve())

    @property
    def config_file(self) -> Path:
        return self.root / "dulieumo.toml"

    @property
    def database_file(self) -> Path:
        return self.root / "dulieumo.sqlite"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def files_dir(self) -> Path:
        return self.root / "files"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def harvest_config(self) -> Path:
        return self.root / "harvest.toml"

    @property
    def harvest_config_dir(self) -> Path:
        return self.root / "harvest.d"

    def default_database_url(self) -> str:
        return f"sqlite:///{self.database_file}"

    def ensure(self) -> None:
        """Create the directory layout (idempotent)."""
        for path in (self.root, self.index_dir, self.files_dir):
            path.mkdir(parents=True, exist_ok=True)

    def secret_key(self) -> str:
        """The home's signing key, created once on first use."""
        path = self.root / "secret_key"
        if not path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()

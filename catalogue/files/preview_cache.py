"""Previews computed once per file, kept next to the file store (issue 15).

A preview depends only on the bytes (named by their sha256) and on how it was read (the
reader version, limits, header row…: the *variant*), so it is computed on the first view
and read back on every other, by every worker and machine that shares the store. It is a
JSON file under ``<store>/previews/ab/<sha256>-<variant>.json``, written atomically; backups
skip it (they take ``ab/<sha256>`` only) since it can always be computed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

FOLDER = "previews"


class PreviewCache:
    """JSON documents by (sha256, variant)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def beside(cls, store_root: Path) -> PreviewCache:
        """The cache that belongs to the file store at ``store_root``."""
        return cls(store_root / FOLDER)

    @staticmethod
    def variant(*parts: object) -> str:
        """A short name for the way a preview was made (changes when any part changes)."""
        text = json.dumps(parts, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _path(self, sha256: str, variant: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / f"{sha256}-{variant}.json"

    def get(self, sha256: str, variant: str) -> dict[str, Any] | None:
        """The stored preview, or None (never computed, or unreadable: compute it again)."""
        try:
            with self._path(sha256, variant).open("rb") as fh:
                value = json.load(fh)
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def put(self, sha256: str, variant: str, value: dict[str, Any]) -> None:
        """Store a preview; concurrent writers of the same one are harmless (same content)."""
        target = self._path(sha256, variant)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(value, out, ensure_ascii=False)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

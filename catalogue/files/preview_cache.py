"""Previews computed once per file, kept in the file store beside the files (issue 15).

A preview depends only on the bytes (named by their sha256) and on how it was read (the
reader version, limits, header row…: the *variant*), so it is computed on the first view
and read back on every other, by every worker and machine that shares the store (a local
disk, a shared mount or an S3 bucket: issue 23). It is a JSON blob named
``previews/ab/<sha256>-<variant>.json`` in the store; backups skip it (they take the files
only) since it can always be computed again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from catalogue.files.store import FileStore, check_key

FOLDER = "previews"


class PreviewCache:
    """JSON documents by (sha256, variant), kept as blobs of a file store."""

    def __init__(self, store: FileStore) -> None:
        self.store = store

    @classmethod
    def beside(cls, store: FileStore) -> PreviewCache:
        """The cache that belongs to ``store``."""
        return cls(store)

    @staticmethod
    def variant(*parts: object) -> str:
        """A short name for the way a preview was made (changes when any part changes)."""
        text = json.dumps(parts, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @staticmethod
    def _name(sha256: str, variant: str) -> str:
        check_key(sha256)
        if not variant.isalnum():
            raise ValueError(f"not a variant: {variant!r}")
        return f"{FOLDER}/{sha256[:2]}/{sha256}-{variant}.json"

    def get(self, sha256: str, variant: str) -> dict[str, Any] | None:
        """The stored preview, or None (never computed, or unreadable: compute it again)."""
        try:
            data = self.store.read_blob(self._name(sha256, variant))
            value = json.loads(data) if data is not None else None
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def put(self, sha256: str, variant: str, value: dict[str, Any]) -> None:
        """Store a preview; concurrent writers of the same one are harmless (same content)."""
        data = json.dumps(value, ensure_ascii=False).encode("utf-8")
        self.store.write_blob(self._name(sha256, variant), data)

"""Where the file store is: the ``file_store`` setting read into a :class:`FileStore`.

Empty: ``files/`` in the home (one machine, as before issue 23). A path: a local or shared
mount (NFS, CephFS) that every machine mounts at the same place. ``s3://bucket/prefix``: an
S3-protocol object store, with ``file_store_endpoint``, ``file_store_region`` and the
credential settings (or the standard ``AWS_*`` environment variables).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from catalogue.errors import ConfigError
from catalogue.files.store import FileStore, LocalFileStore
from catalogue.home import Home

BUCKET = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")


def s3_location(value: str) -> tuple[str, str]:
    """(bucket, prefix) of ``s3://bucket/prefix``; ConfigError naming the setting if unfit."""
    parts = urlsplit(value)
    if parts.scheme != "s3" or not BUCKET.fullmatch(parts.netloc or "") or parts.query:
        raise ConfigError(f"setting 'file_store': expected a path or s3://bucket/prefix "
                          f"(bucket: 3-63 lower-case letters, digits, dots, hyphens), "
                          f"got {value!r}")
    return parts.netloc, parts.path.strip("/")


def open_file_store(settings: dict[str, Any], home: Home) -> FileStore:
    """The file store the settings name (nothing is contacted yet: `/readyz` probes it)."""
    configured = str(settings.get("file_store") or "").strip()
    max_bytes = int(settings["max_upload_mb"]) * 1024 * 1024
    if not configured:
        return LocalFileStore(home.files_dir, max_bytes)
    if "://" in configured:
        bucket, prefix = s3_location(configured)
        from catalogue.files.s3_store import S3FileStore

        return S3FileStore.connect(
            bucket, prefix, max_bytes,
            endpoint=str(settings.get("file_store_endpoint") or ""),
            region=str(settings.get("file_store_region") or ""),
            access_key=str(settings.get("file_store_access_key") or ""),
            secret_key=str(settings.get("file_store_secret_key") or ""))
    path = Path(configured).expanduser()
    return LocalFileStore(path if path.is_absolute() else home.root / path, max_bytes)

"""A content-addressed local file store.

Files are kept under their sha256 and never overwritten or deleted by updates, so every
version a citation names still leads to the exact bytes that were cited.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from catalogue.errors import ValidationError

CHUNK = 1 << 16


@dataclass(frozen=True)
class StoredFile:
    key: str  # the sha256, which is also where the bytes live
    sha256: str
    size: int


class FileStore:
    """Stores byte streams under ``root/ab/abcdef...`` by sha256."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def put(self, stream: BinaryIO) -> StoredFile:
        """Copy ``stream`` into the store; refuse it once it passes ``max_bytes``."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise ValidationError(
                            {"upload": [f"File is larger than the limit of {self.max_bytes} bytes"]}
                        )
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path(sha)
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                os.unlink(tmp_name)
            else:
                os.replace(tmp_name, final)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise
        return StoredFile(key=sha, sha256=sha, size=size)

    def put_bytes(self, data: bytes) -> StoredFile:
        import io

        return self.put(io.BytesIO(data))

    def path(self, key: str) -> Path:
        """Where the bytes with this sha256 live (whether or not they exist yet)."""
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not a sha256 key: {key!r}")
        return self.root / key[:2] / key

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

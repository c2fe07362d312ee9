"""The content-addressed file store: one interface, kept on a local disk or in an object store.

Files are kept under their sha256 and never overwritten or deleted by updates, so every
version a citation names still leads to the exact bytes that were cited. Every reader of
stored bytes (downloads, previews, validation, the personal-data screen, backups) goes
through :class:`FileStore`, so a portal on several machines can keep its files in one place
that all of them reach (issue 23): :class:`LocalFileStore` for one machine's disk or a
shared mount, :class:`catalogue.files.s3_store.S3FileStore` for an S3-protocol server.
:func:`catalogue.files.location.open_file_store` picks one from the ``file_store`` setting.

Besides files, a store keeps small *blobs* by name (previews computed once per file, the
readiness probe): they live beside the files so every machine sharing the store shares them.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import re
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from catalogue.errors import ValidationError

CHUNK = 1 << 16
SHA256 = re.compile(r"[0-9a-f]{64}")
PROBE_FOLDER = ".probe"
MIN_FREE_BYTES = 64 * 1024 * 1024  # below this, uploads and harvests would start failing


@dataclass(frozen=True)
class StoredFile:
    key: str  # the sha256, which is also where the bytes live
    sha256: str
    size: int


def check_key(key: str) -> str:
    """``key`` when it is a sha256 (lower-case hex); ValueError otherwise.

    Keys end up in paths and object names: nothing else may pass.
    """
    if not SHA256.fullmatch(key):
        raise ValueError(f"not a sha256 key: {key!r}")
    return key


def check_blob_name(name: str) -> str:
    """``name`` when it is a relative name of plain parts (``previews/ab/x.json``)."""
    parts = name.split("/")
    if not name or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise ValueError(f"not a blob name: {name!r}")
    return name


def relative_name(key: str) -> str:
    """Where a file lives inside a store: ``ab/abcdef...`` (same layout on disk and in S3)."""
    return f"{check_key(key)[:2]}/{key}"


def too_large(max_bytes: int) -> ValidationError:
    return ValidationError({"upload": [f"File is larger than the limit of {max_bytes} bytes"]})


def copy_bounded(source: BinaryIO, out: BinaryIO, max_bytes: int) -> tuple[str, int]:
    """Copy ``source`` into ``out`` in chunks; (sha256, size). ValidationError past the limit."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise too_large(max_bytes)
        digest.update(chunk)
        out.write(chunk)
    return digest.hexdigest(), size


def hash_stream(source: BinaryIO) -> tuple[str, int]:
    """(sha256, size) of what ``source`` holds, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        digest.update(chunk)
    return digest.hexdigest(), size


class FileStore(ABC):
    """Byte streams kept by sha256, and small blobs kept by name, in one place."""

    max_bytes: int

    # -- files ------------------------------------------------------------------------------

    @abstractmethod
    def describe(self) -> str:
        """Where the store is, for messages (never a credential)."""

    @abstractmethod
    def _spool_dir(self) -> Path | None:
        """Where an incoming stream is spooled before it is kept (None: the system's temp)."""

    @abstractmethod
    def _keep(self, source: Path, key: str, *, replace: bool, move: bool) -> None:
        """Keep the (complete, hashed) file at ``source`` under ``key``.

        ``move``: ``source`` is a spooled copy the store may take over. ``replace``: write
        even when ``key`` exists (repairing damaged bytes).
        """

    def put(self, stream: BinaryIO) -> StoredFile:
        """Copy ``stream`` into the store; refuse it once it passes ``max_bytes``.

        The stream is spooled to a temporary file first (hashed on the way), so the store
        never holds bytes under a name they do not hash to, and large files never sit in
        memory.
        """
        folder = self._spool_dir()
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                sha, size = copy_bounded(stream, out, self.max_bytes)
                out.flush()
                os.fsync(out.fileno())
            self._keep(Path(tmp_name), sha, replace=False, move=True)
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
        return StoredFile(key=sha, sha256=sha, size=size)

    def put_bytes(self, data: bytes) -> StoredFile:
        """Store a small byte string (a logo)."""
        return self.put(io.BytesIO(data))

    def put_file(self, path: Path, *, expect: str | None = None,
                 replace: bool = False) -> StoredFile:
        """Store a copy of the local file at ``path`` (harvested downloads, restores).

        ``expect``: the sha256 the bytes must have (a backup's file name); ValueError if
        they do not. ``replace``: overwrite what the store holds under that key (repair).
        """
        with path.open("rb") as fh:
            sha, size = hash_stream(fh)
        if size > self.max_bytes and expect is None:
            raise too_large(self.max_bytes)
        if expect is not None and sha != expect:
            raise ValueError(f"{path} does not hash to {expect}")
        self._keep(path, sha, replace=replace, move=False)
        return StoredFile(key=sha, sha256=sha, size=size)

    def with_limit(self, max_bytes: int) -> FileStore:
        """The same store, refusing streams past ``max_bytes`` instead (catalogue dumps and
        other files the portal writes itself, which the upload limit does not bound)."""
        view = copy.copy(self)
        view.max_bytes = max_bytes
        return view

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether bytes are stored under ``key``."""

    @abstractmethod
    def size(self, key: str) -> int | None:
        """The stored size of ``key``, or None when nothing is stored under it."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A stream of the bytes under ``key`` (read in chunks; close it). FileNotFoundError
        when there are none."""

    def local_path(self, key: str) -> Path | None:
        """Where the bytes can be read in place on this machine's file system (a local or
        mounted store), or None (an object store: use :meth:`local_copy` or :meth:`open`)."""
        return None

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """A seekable local file with the bytes under ``key``, for readers that need one
        (zip central directories, XLS, encoding detection); removed on exit.

        The copy is bounded by ``max_bytes`` (no stored file is larger). FileNotFoundError
        when nothing is stored under ``key``.
        """
        in_place = self.local_path(key)
        if in_place is not None:
            if not in_place.is_file():
                raise FileNotFoundError(f"{key} is not in the file store")
            yield in_place
            return
        with tempfile.TemporaryDirectory(prefix="dulieumo-store-") as folder:
            target = Path(folder) / key
            with self.open(key) as source, target.open("wb") as out:
                copy_bounded(source, out, self.max_bytes)
            yield target

    def verify(self, key: str) -> str:
        """``ok``, ``missing`` or ``corrupt`` (the bytes no longer hash to ``key``)."""
        try:
            with self.open(key) as source:
                sha, _size = hash_stream(source)
        except FileNotFoundError:
            return "missing"
        return "ok" if sha == key else "corrupt"

    @abstractmethod
    def keys(self) -> Iterator[str]:
        """Every sha256 stored (in no particular order)."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the bytes under ``key`` (only a failed restore undoing what it added
        does this: stored files are otherwise never deleted)."""

    def presigned_url(self, key: str, *, filename: str, mimetype: str,
                      expires: int) -> str | None:
        """A time-limited URL the client may download ``key`` from directly, or None when
        the store cannot make one (a local store)."""
        return None

    # -- blobs ------------------------------------------------------------------------------

    @abstractmethod
    def read_blob(self, name: str) -> bytes | None:
        """The blob called ``name`` (``previews/ab/x.json``), or None when there is none."""

    @abstractmethod
    def write_blob(self, name: str, data: bytes) -> None:
        """Write a blob atomically; concurrent writers of the same content are harmless."""

    @abstractmethod
    def delete_blob(self, name: str) -> None:
        """Remove a blob (missing ones are fine)."""

    def probe(self) -> str:
        """Write a small object, read it back and remove it; raise when any step fails
        (readiness: uploads would fail too)."""
        token = os.urandom(16).hex()
        name = f"{PROBE_FOLDER}/{token}"
        self.write_blob(name, token.encode())
        try:
            back = self.read_blob(name)
        finally:
            self.delete_blob(name)
        if back != token.encode():
            raise OSError(f"{self.describe()}: a probe written was not read back")
        return f"{self.describe()}: written and read back"


class LocalFileStore(FileStore):
    """Stores byte streams under ``root/ab/abcdef...`` on a local disk or a shared mount."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def describe(self) -> str:
        return str(self.root)

    def _spool_dir(self) -> Path:
        return self.root  # the same file system, so the final rename is atomic

    def _keep(self, source: Path, key: str, *, replace: bool, move: bool) -> None:
        final = self.path(key)
        if final.exists() and not replace:
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        if move:
            os.replace(source, final)
            return
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".incoming-")
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, final)  # readers never see half a file
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def path(self, key: str) -> Path:
        """Where the bytes with this sha256 live (whether or not they exist yet)."""
        return self.root / relative_name(key)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def local_path(self, key: str) -> Path:
        return self.path(key)

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/*"):
            if SHA256.fullmatch(path.name) and path.parent.name == path.name[:2]:
                yield path.name

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def _blob_path(self, name: str) -> Path:
        return self.root / check_blob_name(name)

    def read_blob(self, name: str) -> bytes | None:
        try:
            return self._blob_path(name).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def write_blob(self, name: str, data: bytes) -> None:
        target = self._blob_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def delete_blob(self, name: str) -> None:
        self._blob_path(name).unlink(missing_ok=True)

    def probe(self) -> str:
        """Also report free space: below it, uploads and harvests would start failing."""
        if not self.root.is_dir():
            raise OSError(f"{self.root} does not exist")
        detail = super().probe()
        stat = os.statvfs(self.root)
        free = stat.f_bavail * stat.f_frsize
        if free < MIN_FREE_BYTES:
            raise OSError(f"only {free // (1024 * 1024)} MiB free")
        return f"{detail}; {free // (1024 * 1024)} MiB free"


"""A published version of a dataset as one zip data package (issue 21 item 6).

The zip holds ``datapackage.json`` and, under ``data/``, every file of that version this
portal keeps (by sha256, so the bytes are those the version cited). Links into an agency's
system are not fetched: the descriptor keeps their address as the resource's ``path``, as
the Data Package specification allows. It is written as it is read, one chunk at a time:
nothing holds a whole file in memory, and the first bytes leave before the last file is
opened (zip entries then carry their sizes in data descriptors, as unzip and every
Frictionless library read).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from catalogue.files.store import FileStore, check_key
from catalogue.validation import build_datapackage

CHUNK = 1 << 16
# Already compressed: deflating them again costs CPU and saves nothing.
STORED_EXTENSIONS = frozenset({"zip", "xlsx", "ods", "gz", "docx", "pdf", "png", "jpg",
                               "jpeg", "shz", "kmz", "7z", "rar"})


@dataclass(frozen=True)
class Member:
    """One stored file in the zip: its name inside the zip and its key in the file store."""

    arcname: str
    key: str


@dataclass(frozen=True)
class VersionPackage:
    """What a version's zip holds: the descriptor (paths relative to the zip) and files."""

    filename: str  # <dataset>-v<n>.zip
    descriptor: dict[str, Any]
    members: tuple[Member, ...]
    created: datetime
    files: FileStore  # where the members' bytes are read from (local or object store)


def _extension(res: Mapping[str, Any]) -> str:
    """The file's extension as uploaded (``csv``, ``csv.gz``), else its format's."""
    name = str(res.get("url") or "").rsplit("/", 1)[-1].lower()
    parts = name.split(".")[1:]
    if len(parts) >= 2 and parts[-1] == "gz":
        parts = parts[-2:]
    elif parts:
        parts = parts[-1:]
    if not parts or not all(p.isalnum() and len(p) <= 8 for p in parts):
        parts = [str(res.get("format") or "").lower()]
    return ".".join(parts) if all(p.isalnum() and len(p) <= 8 for p in parts) else "bin"


def version_package(snapshot: Mapping[str, Any], number: int, created: datetime,
                    files: FileStore, homepage: str = "") -> VersionPackage:
    """The zip of published version ``number`` whose package dict is ``snapshot``.

    Only files kept in the store travel in the zip (an uploaded file whose bytes are missing
    keeps its address, like a link). The caller has decided that the version may be read.
    """
    descriptor = build_datapackage(snapshot, homepage)
    members: list[Member] = []
    resources = [r for r in snapshot.get("resources") or [] if isinstance(r, Mapping)]
    for res, item in zip(resources, descriptor.get("resources") or [], strict=True):
        sha = str(res.get("sha256") or "")
        if res.get("url_type") != "upload" or not sha:
            continue
        try:
            key = check_key(sha)
        except ValueError:
            continue
        if not files.exists(key):
            continue
        arcname = f"data/{item['name']}.{_extension(res)}"
        item["path"] = arcname
        members.append(Member(arcname, key))
    descriptor.setdefault("version", str(number))
    return VersionPackage(filename=f"{snapshot.get('name')}-v{number}.zip",
                          descriptor=descriptor, members=tuple(members), created=created,
                          files=files)


class _Sink(io.RawIOBase):
    """An unseekable stream collecting what zipfile writes, emptied after each chunk."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        return len(chunk)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _info(arcname: str, created: datetime, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(arcname, date_time=created.timetuple()[:6])
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


def stream_zip(package: VersionPackage) -> Iterator[bytes]:
    """The zip's bytes, chunk by chunk (constant memory whatever the files' sizes)."""
    sink = _Sink()
    created = max(package.created, datetime(1980, 1, 1))  # zip dates start in 1980
    with zipfile.ZipFile(sink, mode="w") as archive:
        body = json.dumps(package.descriptor, ensure_ascii=False, indent=2).encode()
        archive.writestr(_info("datapackage.json", created, zipfile.ZIP_DEFLATED), body)
        yield sink.take()
        for member in package.members:
            ext = member.arcname.rsplit(".", 1)[-1]
            compress = zipfile.ZIP_STORED if ext in STORED_EXTENSIONS else zipfile.ZIP_DEFLATED
            with package.files.open(member.key) as source, archive.open(
                    _info(member.arcname, created, compress), mode="w",
                    force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()

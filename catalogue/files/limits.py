"""How much of a stored file the portal reads: uncompressed bytes and table cells (issue 15).

A 1 MB XLSX can unzip to gigabytes (a decompression bomb). Previews, the personal-data screen
and validation therefore check a container before reading it, and their readers stop at a
cell budget, so memory and CPU per file are bounded whatever the file claims to be.

Zip containers (XLSX, ODS, ZIP) are judged by their central directory, which costs nothing to
read; Python's ``zipfile`` never inflates a member past the size the directory declares (it
stops there and the CRC check fails), so a directory that lies cannot make us read more.
GZIP has no trustworthy size field (ISIZE is modulo 4 GiB), so it is inflated in chunks into a
temporary file and abandoned as soon as it passes the limit.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from catalogue.errors import CatalogueError

CHUNK = 1 << 16
ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
# Above this ratio a container this big is a bomb, not a spreadsheet: real XLSX files compress
# 5-20:1, a sheet of one repeated row perhaps 100:1.
MAX_RATIO = 200
RATIO_APPLIES_ABOVE = 10 << 20
JSON_SHARE = 8


class TooLarge(CatalogueError):
    """A file that unpacks (or reads) past the declared limits; it is not opened."""


@dataclass(frozen=True)
class ReadLimits:
    """The budget of one read of one file (``file_max_unpacked_mb``, ``file_max_cells``)."""

    max_unpacked_bytes: int = 200 << 20
    max_cells: int = 2_000_000

    @property
    def max_json_bytes(self) -> int:
        """JSON is parsed whole, into about ten times its size: a smaller share is allowed."""
        return self.max_unpacked_bytes // JSON_SHARE

    @classmethod
    def from_settings(cls, settings: dict[str, object]) -> ReadLimits:
        """The limits a portal or harvest is configured with."""
        mb = settings.get("file_max_unpacked_mb", 200)
        cells = settings.get("file_max_cells", 2_000_000)
        assert isinstance(mb, int) and isinstance(cells, int)
        return cls(max_unpacked_bytes=mb << 20, max_cells=cells)


def check_json(path: Path, limits: ReadLimits) -> None:
    """Raise TooLarge for a JSON file too big to parse whole (it takes ~10x its size)."""
    size = path.stat().st_size
    if size > limits.max_json_bytes:
        raise TooLarge(f"a JSON file of {size:,} bytes is more than the {limits.max_json_bytes:,} "
                       f"that are parsed whole (1/{JSON_SHARE} of file_max_unpacked_mb)")


def sniff(path: Path) -> str:
    """``zip``, ``gzip`` or ``""`` from the first bytes (stored files have no extension)."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    return ""


def check_zip(path: Path, limits: ReadLimits) -> None:
    """Raise TooLarge when a zip container declares more than the limit (or a bomb's ratio).

    Only the central directory is read. ``zipfile.BadZipFile`` passes through: a damaged
    container is the caller's "cannot read", not "too large".
    """
    import zipfile

    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    unpacked = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if unpacked > limits.max_unpacked_bytes:
        raise TooLarge(f"unzips to {unpacked:,} bytes, more than the limit of "
                       f"{limits.max_unpacked_bytes:,} (file_max_unpacked_mb)")
    if unpacked > RATIO_APPLIES_ABOVE and unpacked / packed > MAX_RATIO:
        raise TooLarge(f"compression ratio {unpacked // packed}:1 looks like a decompression "
                       f"bomb")


def gunzip(path: Path, target: Path, limits: ReadLimits) -> Path:
    """Inflate a GZIP file into ``target``, stopping (TooLarge) once past the limit.

    Concatenated members (``cat a.gz b.gz``) are read as gzip(1) does. Raises ValueError for
    data that is not GZIP.
    """
    written = 0
    decompressor = zlib.decompressobj(wbits=31)
    with path.open("rb") as src, target.open("wb") as out:
        while chunk := src.read(CHUNK):
            while chunk:
                # max_length bounds what one call may produce: a 64 KiB chunk of a bomb can
                # inflate to 64 MiB, which must not be materialised before it is counted.
                data = decompressor.decompress(chunk, CHUNK)
                written += len(data)
                if written > limits.max_unpacked_bytes:
                    raise TooLarge(f"decompresses to more than the limit of "
                                   f"{limits.max_unpacked_bytes:,} bytes (file_max_unpacked_mb)")
                out.write(data)
                if decompressor.eof:
                    chunk = decompressor.unused_data
                    decompressor = zlib.decompressobj(wbits=31)
                else:
                    chunk = decompressor.unconsumed_tail
    if written == 0 and not decompressor.eof and path.stat().st_size:
        raise ValueError("not a GZIP file")
    return target

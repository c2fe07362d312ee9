"""Zipped ESRI Shapefiles (.shp + .shx + .dbf, often .prj and .cpg) read with pyshp.

The zip is judged by its directory before anything is inflated (issue 15), each member is
read into memory only up to the map preview's byte limit, and pyshp is handed those bytes,
never a path (it would also open URLs and other zips by itself). Shapefiles in a projected
system (a ``.prj`` with ``PROJCS``, as VN-2000 files are) are reported, not drawn: reprojecting
needs PROJ, which this preview does without.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import shapefile

from catalogue.files.limits import ReadLimits, TooLarge, check_zip
from catalogue.maps.bounded import Feature

# What a damaged or hostile shapefile makes pyshp raise; anything else is a bug of ours.
SHAPEFILE_ERRORS = (shapefile.ShapefileException, shapefile.RingSamplingError,
                    shapefile.GeoJSON_Error, struct.error, ValueError, IndexError, KeyError,
                    EOFError)


class NoShapefile(ValueError):
    """A zip without a ``.shp`` member: some other archive, not a broken shapefile."""


class Projected(ValueError):
    """The shapefile's coordinates are in a projected system (metres), not longitude/latitude."""


def _member(archive: zipfile.ZipFile, stem: str, ext: str, max_bytes: int) -> io.BytesIO | None:
    wanted = (stem + ext).lower()
    for info in archive.infolist():
        if info.filename.lower() == wanted:
            if info.file_size > max_bytes:
                raise TooLarge(f"{info.filename} unzips to {info.file_size:,} bytes, more than "
                               f"the {max_bytes:,} a map preview reads")
            with archive.open(info) as fh:
                return io.BytesIO(fh.read(max_bytes + 1))
    return None


def read(path: Path, max_bytes: int, limits: ReadLimits) -> Iterator[Feature]:
    """The shapes and attributes of the first shapefile in a zip.

    Raises TooLarge, Projected, or ValueError (``zipfile.BadZipFile`` included) for a zip
    with no readable shapefile."""
    check_zip(path, limits)
    with zipfile.ZipFile(path) as archive:
        shps = sorted(i.filename for i in archive.infolist()
                      if i.filename.lower().endswith(".shp") and
                      not i.filename.startswith("__MACOSX/"))
        if not shps:
            raise NoShapefile("no .shp file in the zip")
        stem = shps[0][:-4]
        shp = _member(archive, stem, ".shp", max_bytes)
        prj = _member(archive, stem, ".prj", max_bytes)
        if prj is not None and b"PROJCS" in prj.getvalue()[:4096].upper():
            raise Projected(prj.getvalue()[:200].decode("utf-8", "replace"))
        dbf = _member(archive, stem, ".dbf", max_bytes)
        shx = _member(archive, stem, ".shx", max_bytes)
        cpg = _member(archive, stem, ".cpg", 64)
    encoding = "utf-8"
    if cpg is not None:
        declared = cpg.getvalue().decode("ascii", "replace").strip().lower()
        encoding = {"65001": "utf-8", "1258": "cp1258", "ansi 1258": "cp1258"}.get(
            declared, declared or "utf-8")
        try:
            "".encode(encoding)
        except LookupError:
            encoding = "utf-8"
    try:
        reader = shapefile.Reader(shp=shp, dbf=dbf, shx=shx, encoding=encoding,
                                  encodingErrors="replace")
        with reader:
            for record in reader.iterShapeRecords():
                geometry = record.shape.__geo_interface__ if \
                    record.shape.shapeType != shapefile.NULL else None
                yield geometry, record.record.as_dict() if dbf is not None else {}
    except SHAPEFILE_ERRORS as exc:
        raise ValueError(f"unreadable shapefile: {exc}") from exc

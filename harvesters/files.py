"""``files``: an agency's file share, a local folder or an HTTP directory listing.

Each data file (CSV, TSV, XLSX, XLS, ODS, gzipped CSV, JSON, GeoJSON) is one dataset. Metadata
comes from a ``<file>.meta.toml`` sidecar, else a row of ``catalog.csv`` (column ``path``);
other files are ignored unless ``undescribed = true``. The schema is inferred by
Frictionless, refined by the sidecar's ``[[field]]`` tables; its ``header_row`` (a row
number, or a list for a header spread over several rows) says where the header is when
title rows sit above it.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin

from harvesters.base import (
    Gathered,
    Harvester,
    RecordError,
    SourceError,
    SourceRecord,
    SourceResource,
)
from harvesters.http import FetchError
from harvesters.mapping import record_from_entry

DATA_EXTENSIONS = ("csv", "tsv", "xlsx", "xls", "ods", "gz", "json", "geojson")
SIDECAR = ".meta.toml"
MAX_DEPTH = 5


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def _header_row(value: Any, relpath: str) -> int | list[int] | None:
    """The sidecar's ``header_row``: a row number (1 = first line) or a list of them."""
    if value is None:
        return None
    rows = value if isinstance(value, list) else [value]
    if not rows or not all(isinstance(r, int) and not isinstance(r, bool) and r > 0
                           for r in rows):
        raise RecordError(f"{relpath}: header_row must be a row number (1 = the first line) "
                          f"or a list of them, not {value!r}")
    return rows if isinstance(value, list) else rows[0]


class FilesHarvester(Harvester):
    type_name = "files"
    locations = ("path", "url")
    options: ClassVar[dict[str, tuple[type, str]]] = {
        "catalog": (str, "name of the catalogue CSV in the share's root (default catalog.csv)"),
        "extensions": (list, "file extensions harvested (default csv, tsv, xlsx, xls, ods, "
                              "gz, json, geojson)"),
        "recursive": (bool, "look into sub-folders (default true)"),
        "undescribed": (bool, "also harvest files with neither sidecar nor catalog row, "
                              "titled after the file name (default false: ignored)"),
    }

    def _base(self) -> str:
        url = self.source.url
        return url if url.endswith("/") else url + "/"

    def _extensions(self) -> tuple[str, ...]:
        return tuple(e.lower().lstrip(".") for e in self.option("extensions", DATA_EXTENSIONS))

    # -- the listing -----------------------------------------------------------------------
    def _remote_files(self, url: str, depth: int = 0) -> list[str]:
        listing = self.http.get_ok(url, max_bytes=self.source.limits.max_response_bytes)
        parser = _Links()
        parser.feed(listing.body.decode("utf-8", errors="replace"))
        found: list[str] = []
        for href in parser.hrefs:
            target = urljoin(url, href)
            if not target.startswith(url) or target == url or "?" in href or "#" in href:
                continue  # parent links, sort links, other hosts
            if target.endswith("/"):
                if depth < MAX_DEPTH and self.option("recursive", True):
                    found += self._remote_files(target, depth + 1)
            else:
                found.append(target[len(self._base()):])
        return found

    def _all_files(self) -> list[str]:
        """Paths of every file in the share, relative to its root."""
        if self.source.url:
            try:
                return self._remote_files(self._base())
            except FetchError as exc:
                raise SourceError(str(exc)) from None
        root = Path(self.source.path)
        if not root.is_dir():
            raise SourceError(f"{root}: no such folder")
        pattern = "**/*" if self.option("recursive", True) else "*"
        return sorted(p.relative_to(root).as_posix() for p in root.glob(pattern) if p.is_file())

    def _read(self, relpath: str) -> bytes:
        if self.source.url:
            return self.http.get_ok(self._base() + relpath,
                                    max_bytes=self.source.limits.max_response_bytes).body
        return (Path(self.source.path) / relpath).read_bytes()

    def _catalog(self, files: set[str]) -> dict[str, dict[str, Any]]:
        name = self.option("catalog", "catalog.csv")
        if name not in files:
            return {}
        text = self._read(name).decode("utf-8-sig", errors="replace")
        rows = csv.DictReader(io.StringIO(text))
        if not rows.fieldnames or "path" not in rows.fieldnames:
            raise SourceError(f"{name}: needs a 'path' column (has {rows.fieldnames})")
        return {row["path"].strip(): dict(row) for row in rows if row.get("path")}

    def gather(self) -> Iterator[Gathered]:
        files = self._all_files()
        present = set(files)
        catalog = self._catalog(present)
        extensions = self._extensions()
        for relpath in files:
            if relpath.rsplit(".", 1)[-1].lower() not in extensions:
                continue
            if relpath == self.option("catalog", "catalog.csv"):
                continue
            sidecar = relpath + SIDECAR if relpath + SIDECAR in present else None
            if not sidecar and relpath not in catalog and not self.option("undescribed", False):
                # An undescribed file is a working file, not a dataset; counted so the job
                # can say why it offered nothing.
                self.ignored["undescribed"] = self.ignored.get("undescribed", 0) + 1
                continue
            yield Gathered(relpath, {"sidecar": sidecar, "row": catalog.get(relpath)})

    # -- one file --------------------------------------------------------------------------
    def fetch(self, item: Gathered) -> SourceRecord:
        relpath = item.identifier
        entry: dict[str, Any] = {}
        fields: list[dict[str, Any]] = []
        if item.payload["sidecar"]:
            try:
                entry = tomllib.loads(self._read(item.payload["sidecar"]).decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise RecordError(f"{item.payload['sidecar']}: not valid TOML: {exc}") from None
            fields = [f for f in entry.pop("field", []) if isinstance(f, dict)]
        elif item.payload["row"]:
            entry = item.payload["row"]
        stem = Path(relpath).name.rsplit(".", 1)[0]
        entry.setdefault("name", stem)
        if not entry.get("title"):
            entry["title"] = stem.replace("-", " ").replace("_", " ").capitalize()
        location = self._base() + relpath if self.source.url else \
            (Path(self.source.path).resolve() / relpath).as_uri()
        record = record_from_entry(relpath, entry, location)
        extension = relpath.rsplit(".", 1)[-1].lower()
        record.resources.append(SourceResource(
            name=Path(relpath).name, format=extension, field_hints=fields,
            sheet=str(entry["sheet"]) if entry.get("sheet") else None,
            header_row=_header_row(entry.get("header_row"), relpath),
            url=location if self.source.url else "",
            local_path=None if self.source.url else Path(self.source.path).resolve() / relpath,
        ))
        return record


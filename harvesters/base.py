"""The one small interface every source type implements, and the records it yields.

A harvester ``gather``s the identifiers a source offers (one call, may page), then
``fetch``es each into a ``SourceRecord``: metadata in the catalogue's vocabulary plus the
resources to download or link. Importing (validation, storage, the service layer) is shared
and lives in ``harvesters.importer``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from harvesters.config import SourceConfig
from harvesters.http import HttpClient


class SourceError(Exception):
    """The source as a whole could not be read (down, malformed index): nothing is withdrawn."""


class RecordError(Exception):
    """One record could not be read or understood; the job goes on."""


@dataclass
class SourceResource:
    """A file or link of a record. Exactly one of ``url``, ``local_path``, ``data`` is the body."""

    name: str
    url: str = ""  # http(s) or file:// URL to download (or keep as a link)
    local_path: Path | None = None  # a file on disk inside the source's folder
    data: bytes | None = None  # generated content (e.g. a SQL export)
    format: str = ""
    mimetype: str = ""
    description: str = ""
    schema: dict[str, Any] | None = None  # a full Table Schema from the source
    field_hints: list[dict[str, Any]] = field(default_factory=list)  # partial field specs
    sheet: str | None = None
    header_row: int | list[int] | None = None  # 1-based row(s) of the header, if declared
    link_only: bool = False  # keep as a link, do not download or validate
    fingerprint: str = ""  # for links: what changes when the remote file changes
    license: str = ""  # a distribution's own licence (DCAT): id, title or URL (issue 16)


@dataclass
class SourceRecord:
    """One dataset as the source describes it, mapped to catalogue field names."""

    identifier: str
    title: str
    name: str = ""
    title_en: str = ""
    notes: str = ""
    notes_en: str = ""
    tags: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    license: str = ""  # an id or a URL; mapped through the licence registry
    license_title: str = ""  # the licence's title and URL as the source states them
    license_url: str = ""
    organization: str = ""  # the source's own organization name, if any
    url: str = ""  # landing page
    source_url: str = ""  # where this record's metadata was read
    version: str = ""
    author: str = ""
    author_email: str = ""
    maintainer: str = ""
    maintainer_email: str = ""
    temporal_start: str = ""
    temporal_end: str = ""
    spatial: str = ""
    update_frequency: str = ""
    created: str = ""
    modified: str = ""
    extras: dict[str, str] = field(default_factory=dict)
    resources: list[SourceResource] = field(default_factory=list)
    # Why the record must not be published (private, draft, restricted...), or "".
    not_publishable: str = ""
    # Issue 16: why the record waits in the review queue instead of being published
    # (licence unknown or not open, access rights unknown); [] publishes. Filled by the
    # mappers and harvesters.rights; the importer holds a record with any reason.
    hold_reasons: list[str] = field(default_factory=list)
    # Why the record is refused outright (empty, nameless): skipped, never stored.
    refused_reason: str = ""


@dataclass(frozen=True)
class Gathered:
    """An identifier the source offers, with whatever the listing already said about it."""

    identifier: str
    payload: Any = None


class Harvester:
    """Base class: subclasses set ``type_name``, ``locations``, ``options`` and implement
    ``gather`` and ``fetch``."""

    type_name: ClassVar[str] = ""
    locations: ClassVar[tuple[str, ...]] = ("url",)
    # option name -> (type, help). Lists of tables (e.g. [[source.table]]) use ``list``.
    options: ClassVar[dict[str, tuple[type, str]]] = {}

    def __init__(self, source: SourceConfig, http: HttpClient) -> None:
        self.source = source
        self.http = http
        # What ``gather`` passed over on purpose, by reason (e.g. {"undescribed": 3} for
        # files without metadata), so a run that offers 0 records can say why (issue 19).
        self.ignored: dict[str, int] = {}

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Problems with the type-specific keys of a [[source]] table, as (key, message)."""
        problems = []
        for key, value in options.items():
            spec = cls.options.get(key)
            if spec is None:
                known = ", ".join(sorted(cls.options)) or "none"
                problems.append((key, f"unknown key for a {cls.type_name} source "
                                      f"(type-specific keys: {known})"))
                continue
            kind = spec[0]
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                continue
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                problems.append((key, f"expected {kind.__name__}, got {value!r}"))
        return problems

    def option(self, key: str, default: Any) -> Any:
        return self.source.options.get(key, default)

    def gather(self) -> Iterator[Gathered]:
        """Every record the source currently offers. Raise SourceError if it cannot be listed."""
        raise NotImplementedError

    def fetch(self, item: Gathered) -> SourceRecord:
        """The record for one gathered identifier. Raise RecordError for a bad record."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections at the end of the job (the runner always calls it)."""

"""The harvest configuration: ``harvest.toml`` in the home plus ``harvest.d/*.toml``.

Each ``[[source]]`` names one agency system. Everything is checked before anything runs and
every problem is reported at once, with file, source and key, so a malformed config never
writes a thing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalogue.addresses import parse_allowed_host
from catalogue.classification import ACCESS_CLASSES, check_access_class
from harvesters.schedule import check_schedule
from licenses import get_license

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")
# The ``file`` of sources added on the web and kept in the catalogue database (issue 19).
DATABASE = Path("(database)")
PUBLISH_MODES = ("auto", "review")
LOCATION_KEYS = ("url", "path", "dsn")


@dataclass(frozen=True)
class Limits:
    """Defences against slow, huge or hostile sources; each breach is reported."""

    max_response_mb: float = 20.0  # one API page, catalogue or listing
    max_file_mb: float = 200.0  # one resource file
    max_rows_validated: int = 100_000
    timeout: float = 30.0  # seconds per HTTP request, whole answer included (slow loris)
    source_timeout: float = 21600.0  # seconds for all of one job's requests together
    retries: int = 3  # extra attempts on timeouts, connection errors, 429 and 5xx
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_records: int = 50_000
    max_withdraw_share: float = 0.5  # withdraw nothing if more than this share vanished

    @property
    def max_response_bytes(self) -> int:
        return int(self.max_response_mb * 1024 * 1024)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


LIMIT_TYPES: dict[str, type] = {
    "max_response_mb": float, "max_file_mb": float, "max_rows_validated": int, "timeout": float,
    "retries": int, "backoff": float, "max_records": int, "max_withdraw_share": float,
    "source_timeout": float,
}


@dataclass(frozen=True)
class Filters:
    """Which records a source publishes (all when empty)."""

    include_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    exclude_organizations: tuple[str, ...] = ()
    query: str = ""  # words that must all appear in the title or description


@dataclass(frozen=True)
class OrganizationConfig:
    """An agency declared in a harvest config file (``[organization]``): ``harvest run``
    creates it when the catalogue does not have it yet (issue 16)."""

    name: str
    title: str
    file: Path
    title_en: str = ""
    description: str = ""


ORGANIZATION_KEYS = {"name": str, "title": str, "title_en": str, "description": str}


@dataclass(frozen=True)
class SourceConfig:
    name: str
    type: str
    organization: str
    file: Path
    title: str = ""
    url: str = ""
    path: str = ""
    dsn: str = ""
    schedule: str = "manual"
    default_license: str = ""  # "": the site's `default_license` setting (vn-open-data-terms)
    default_groups: tuple[str, ...] = ()
    filters: Filters = Filters()
    publish: str = "auto"
    # Law on Data Art. 13 class of this source's datasets: open | shared | private (issue 9).
    access_class: str = "open"
    reject_invalid: bool = False
    limits: Limits = Limits()
    # Hosts (``host`` or ``host:port``) whose internal addresses may be fetched (issue 15).
    allow_hosts: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    # The file's [organization] when it declares the source's organization (created by
    # `harvest run` if missing), else None: the organization must exist already.
    declared_organization: OrganizationConfig | None = None

    @property
    def location(self) -> str:
        return self.url or self.path or self.dsn


@dataclass(frozen=True)
class ConfigProblem:
    file: Path
    source: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: source {self.source}: key '{self.key}': {self.message}"


COMMON_KEYS = frozenset({
    "name", "title", "type", "url", "path", "dsn", "organization", "schedule",
    "default_license", "default_groups", "filters", "publish", "reject_invalid", "limits",
    "access_class", "allow_hosts",
})
FILTER_KEYS: dict[str, type] = {
    "include_tags": list, "exclude_tags": list, "organizations": list,
    "exclude_organizations": list, "query": str,
}


def config_files(home: Path) -> list[Path]:
    """``harvest.toml`` then ``harvest.d/*.toml`` in name order (those that exist)."""
    files = [home / "harvest.toml"] if (home / "harvest.toml").is_file() else []
    folder = home / "harvest.d"
    if folder.is_dir():
        files += sorted(folder.glob("*.toml"))
    return files


class _Checker:
    def __init__(self, file: Path, label: str) -> None:
        self.file, self.label = file, label
        self.problems: list[ConfigProblem] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(ConfigProblem(self.file, self.label, key, message))

    def typed(self, table: Mapping[str, Any], key: str, kind: type, prefix: str = "") -> Any:
        value = table[key]
        ok = isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            ok, value = True, float(value)
        if kind is list and ok and not all(isinstance(v, str) for v in value):
            ok = False
        if not ok:
            what = "a list of strings" if kind is list else f"a {kind.__name__}"
            self.add(prefix + key, f"expected {what}, got {value!r}")
            return None
        return value


def _limits(checker: _Checker, raw: Any) -> Limits:
    if not isinstance(raw, Mapping):
        checker.add("limits", "expected a table ([source.limits])")
        return Limits()
    values: dict[str, Any] = {}
    for key in raw:
        if key not in LIMIT_TYPES:
            checker.add(f"limits.{key}", f"unknown limit; known: {', '.join(LIMIT_TYPES)}")
            continue
        value = checker.typed(raw, key, LIMIT_TYPES[key], "limits.")
        if value is None:
            continue
        if value < 0 or (key != "retries" and value == 0):
            checker.add(f"limits.{key}", f"must be positive, got {value!r}")
            continue
        if key == "max_withdraw_share" and value > 1:
            checker.add("limits.max_withdraw_share", f"must be between 0 and 1, got {value!r}")
            continue
        values[key] = value
    return Limits(**values)


def _filters(checker: _Checker, raw: Any) -> Filters:
    if not isinstance(raw, Mapping):
        checker.add("filters", "expected a table ([source.filters])")
        return Filters()
    values: dict[str, Any] = {}
    for key in raw:
        if key not in FILTER_KEYS:
            checker.add(f"filters.{key}", f"unknown filter; known: {', '.join(FILTER_KEYS)}")
            continue
        value = checker.typed(raw, key, FILTER_KEYS[key], "filters.")
        if value is not None:
            values[key] = tuple(value) if isinstance(value, list) else value
    return Filters(**values)


def _source(checker: _Checker, raw: Mapping[str, Any], types: Mapping[str, Any],
            declared: Mapping[str, OrganizationConfig] | None = None) -> SourceConfig | None:
    """Check one [[source]] table; problems go to the checker, None when unusable.

    ``declared`` are the organizations the same file declares: a source may leave out
    ``organization`` when the file declares exactly one."""
    declared = declared or {}
    values: dict[str, Any] = {}
    for key in ("name", "title", "type", "organization", "schedule", "default_license",
                "publish", "access_class", *LOCATION_KEYS):
        if key in raw and checker.typed(raw, key, str) is not None:
            values[key] = raw[key]
    if "organization" not in raw and len(declared) == 1:
        values["organization"] = next(iter(declared))
    for key in ("name", "type", "organization"):
        if key not in raw and key not in values:
            checker.add(key, "missing (required)" if key != "organization" or not declared
                        else "missing: the file declares several organizations, name one")
    if values.get("organization") in declared:
        values["declared_organization"] = declared[values["organization"]]
    if "name" in values and not NAME_RE.match(values["name"]):
        checker.add("name", "must be 2–100 characters: lowercase a-z, 0-9, - and _")
    harvester = types.get(values.get("type", ""))
    if "type" in values and harvester is None:
        checker.add("type", f"unknown source type {values['type']!r}; installed: "
                            f"{', '.join(sorted(types)) or 'none'}")
    given = [k for k in LOCATION_KEYS if k in raw]
    if harvester is not None:
        wanted = harvester.locations
        if not any(k in raw for k in wanted):
            checker.add(" | ".join(wanted), f"a {values['type']} source needs one of: "
                                            f"{', '.join(wanted)}")
        for key in given:
            if key not in wanted:
                checker.add(key, f"not used by a {values['type']} source (use {', '.join(wanted)})")
    if len(given) > 1:
        checker.add(" | ".join(given), "give only one of url, path, dsn")
    if "schedule" in values:
        problem = check_schedule(values["schedule"])
        if problem:
            checker.add("schedule", problem)
    if "default_license" in values and get_license(values["default_license"]) is None:
        checker.add("default_license", f"unknown licence {values['default_license']!r}")
    if "access_class" in values and check_access_class(values["access_class"]):
        checker.add("access_class", f"expected one of {', '.join(ACCESS_CLASSES)}, "
                                    f"got {values['access_class']!r}")
    if "publish" in values and values["publish"] not in PUBLISH_MODES:
        checker.add("publish", f"expected one of {', '.join(PUBLISH_MODES)}, "
                               f"got {values['publish']!r}")
    if "default_groups" in raw and checker.typed(raw, "default_groups", list) is not None:
        values["default_groups"] = tuple(raw["default_groups"])
    if "reject_invalid" in raw and checker.typed(raw, "reject_invalid", bool) is not None:
        values["reject_invalid"] = raw["reject_invalid"]
    if "allow_hosts" in raw and checker.typed(raw, "allow_hosts", list) is not None:
        bad = [h for h in raw["allow_hosts"] if parse_allowed_host(h) is None]
        if bad:
            checker.add("allow_hosts", f"expected host names or host:port, got "
                                       f"{', '.join(map(repr, bad))}")
        else:
            values["allow_hosts"] = tuple(raw["allow_hosts"])
    if "limits" in raw:
        values["limits"] = _limits(checker, raw["limits"])
    if "filters" in raw:
        values["filters"] = _filters(checker, raw["filters"])
    options = {k: v for k, v in raw.items() if k not in COMMON_KEYS}
    if harvester is not None:
        for key, message in harvester.check_options(options):
            checker.add(key, message)
    if checker.problems or not {"name", "type", "organization"} <= values.keys():
        return None
    return SourceConfig(file=checker.file, options=options, **values)


def _organizations(file: Path, raw: Any) -> tuple[list[OrganizationConfig],
                                                  list[ConfigProblem]]:
    """The ``[organization]`` table (or ``[[organization]]`` tables) of one file, checked."""
    if raw is None:
        return [], []
    tables = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(tables, list) or not all(isinstance(t, Mapping) for t in tables):
        return [], [ConfigProblem(file, "-", "organization",
                                  "expected a table ([organization]) or tables "
                                  "([[organization]])")]
    found: list[OrganizationConfig] = []
    problems: list[ConfigProblem] = []
    for index, table in enumerate(tables, start=1):
        checker = _Checker(file, f"organization #{index} '{table.get('name', '?')}'")
        values: dict[str, str] = {}
        for key in table:
            if key not in ORGANIZATION_KEYS:
                checker.add(key, f"unknown key; known: {', '.join(ORGANIZATION_KEYS)}")
            elif checker.typed(table, key, str) is not None:
                values[key] = str(table[key]).strip()
        for key in ("name", "title"):
            if not values.get(key) and key not in {p.key for p in checker.problems}:
                checker.add(key, "missing (required)")
        if values.get("name") and not NAME_RE.match(values["name"]):
            checker.add("name", "must be 2–100 characters: lowercase a-z, 0-9, - and _")
        if values.get("name") in {o.name for o in found}:
            checker.add("name", "declared twice in this file")
        problems += checker.problems
        if not checker.problems:
            found.append(OrganizationConfig(file=file, **values))
    return found, problems


def read_sources(files: list[Path], types: Mapping[str, Any]) -> tuple[list[SourceConfig],
                                                                       list[ConfigProblem]]:
    """Parse and check every file; returns the usable sources and every problem found."""
    sources: list[SourceConfig] = []
    problems: list[ConfigProblem] = []
    seen: dict[str, Path] = {}
    for file in files:
        try:
            with file.open("rb") as fh:
                document = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            problems.append(ConfigProblem(file, "-", "-", f"not valid TOML: {exc}"))
            continue
        except OSError as exc:
            problems.append(ConfigProblem(file, "-", "-", f"cannot read: {exc.strerror}"))
            continue
        for key in document:
            if key not in ("source", "organization"):
                problems.append(ConfigProblem(file, "-", key, "unknown top-level key; use "
                                                              "[[source]] and [organization]"))
        organizations, org_problems = _organizations(file, document.get("organization"))
        problems += org_problems
        declared = {o.name: o for o in organizations}
        raw_sources = document.get("source", [])
        if not isinstance(raw_sources, list):
            problems.append(ConfigProblem(file, "-", "source",
                                          "use [[source]] (an array of tables)"))
            continue
        for index, raw in enumerate(raw_sources, start=1):
            label = f"#{index} '{raw.get('name', '?')}'" if isinstance(raw, dict) else f"#{index}"
            checker = _Checker(file, label)
            source = _source(checker, raw, types, declared)
            problems += checker.problems
            name = raw.get("name") if isinstance(raw, dict) else None
            if isinstance(name, str) and name in seen:
                problems.append(ConfigProblem(file, label, "name",
                                          f"duplicate source name, first defined in "
                                          f"{seen[name]}"))
                continue
            if isinstance(name, str):
                seen[name] = file
            if source is not None:
                sources.append(source)
    return sources, problems


def source_from_table(raw: Mapping[str, Any], file: Path, types: Mapping[str, Any],
                      label: str = "#1") -> tuple[SourceConfig | None, list[ConfigProblem]]:
    """One [[source]] table already parsed (tests, tools): the source or its problems."""
    checker = _Checker(file, label)
    return _source(checker, raw, types), checker.problems

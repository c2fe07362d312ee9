"""Screening at the moment data becomes public, whichever path gets it there (issue 9).

Uploads and harvests are screened as they arrive; but a draft is not public, so what it
holds is screened again when it is published — directly by an admin, by approving a review
item, by restoring an old version, or by reclassifying a dataset as public. Each of those
asks :func:`publication_screen` what the change would newly make public.

Only what is stored can be read again: metadata and files in the portal's file store.
Remote files were screened when harvested; a hold made then stays until it is released.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from catalogue.classification import is_public
from catalogue.errors import Conflict
from catalogue.files.store import FileStore, check_key
from catalogue.privacy.screen import (
    LABELS,
    SCREENED_FORMATS,
    Finding,
    screen_file,
    screen_metadata,
)

HOLD_PREFIX = "Personal data found"
def hold_message(findings: Iterable[Finding], resource: str = "") -> str:
    """One line per finding: kind, where, how often, sample rows (no values)."""
    lines = []
    for f in findings:
        where = f"column {f.column!r}" if f.column else f"field {f.field}"
        rows = f", rows {', '.join(map(str, f.positions))}" if f.positions and f.column else ""
        prefix = f"{resource}: " if resource else ""
        lines.append(f"{prefix}{LABELS[f.kind][1]} ({f.kind}) in {where}: {f.count}×{rows}")
    return f"{HOLD_PREFIX} — held for review:\n" + "\n".join(lines)


def is_hold(message: str | None) -> bool:
    """Whether a review item's message says it is held for personal data."""
    return (message or "").startswith(HOLD_PREFIX)


class PersonalDataHeld(Conflict):
    """Publishing would disclose personal data: the item waits for a release with a
    justification (:func:`catalogue.privacy.hold.release`) or a fix and a new submission."""

    def __init__(self, item_id: str, message: str) -> None:
        super().__init__(message)
        self.item_id = item_id


@dataclass(frozen=True)
class PublicationScreen:
    """What a change would newly make public: findings and the places they are in."""

    findings: tuple[Finding, ...] = ()
    where: tuple[str, ...] = ()

    @property
    def held(self) -> bool:
        return bool(self.findings)

    def message(self) -> str:
        return hold_message(self.findings, ", ".join(self.where))


def _format(resource: Mapping[str, Any]) -> str:
    fmt = str(resource.get("format") or "").lower()
    if not fmt:
        name = str(resource.get("filename") or resource.get("url") or "")
        fmt = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return fmt


def _stored_files(resources: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """sha256 -> (format, name) of resources whose bytes may be in the file store."""
    found: dict[str, tuple[str, str]] = {}
    for res in resources:
        sha = str(res.get("sha256") or "")
        if sha:
            found.setdefault(sha, (_format(res), str(res.get("name") or res.get("url") or sha)))
    return found


def publication_screen(files: FileStore, after: Mapping[str, Any], *,
                       before: Mapping[str, Any] | None = None,
                       this_year: int | None = None) -> PublicationScreen:
    """Personal data that ``after`` (a package dict) would make public and ``before`` did not.

    Nothing is found when ``after`` is not public (drafts, private or shared data). When
    ``before`` was public already, only new metadata findings and files not public before
    count: a dataset an admin released with a justification is not held again by every edit.
    """
    if not is_public(after):
        return PublicationScreen()
    was_public = before is not None and is_public(before)
    known: set[tuple[str, str | None]] = set()
    old_files: dict[str, tuple[str, str]] = {}
    if was_public and before is not None:
        known = {(f.kind, f.field) for f in screen_metadata(before, this_year=this_year).findings}
        old_files = _stored_files(before.get("resources") or [])
    findings = [f for f in screen_metadata(after, this_year=this_year).findings
                if (f.kind, f.field) not in known]
    where = ["metadata"] if findings else []
    for sha, (fmt, name) in _stored_files(after.get("resources") or []).items():
        if sha in old_files or fmt not in SCREENED_FORMATS:
            continue
        try:
            with files.local_copy(check_key(sha)) as path:
                found = screen_file(path, fmt, this_year=this_year).findings
        except ValueError:
            continue  # not a file-store key (a source's own checksum)
        except FileNotFoundError:
            continue  # a harvested file's hash, not an upload: screened when harvested
        if found:
            findings += found
            where.append(name)
    return PublicationScreen(tuple(findings), tuple(where))


def package_after(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The package dict ``current`` with a review item's patch applied (for screening only).

    ``resources_add`` (files uploaded with a pending change) join the resource list.
    """
    after = {**current, **{k: v for k, v in changes.items() if k != "resources_add"}}
    after["resources"] = list(after.get("resources") or []) + list(
        changes.get("resources_add") or [])
    return after

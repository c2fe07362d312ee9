"""Copying a file store into another: moving a portal from its home's disk to a shared mount
or an S3 bucket (issue 23), or gathering the files each machine kept before it had one.

Content-addressed, so the copy is idempotent and can be run again after an interruption:
files already in the target are skipped, and a file is only kept under a name its bytes hash
to (a damaged source file is reported, never copied).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from catalogue.files.store import FileStore


@dataclass
class CopyReport:
    copied: list[str] = field(default_factory=list)
    present: int = 0
    damaged: list[str] = field(default_factory=list)


def copy_store(source: FileStore, target: FileStore,
               on_copy: Callable[[str], None] | None = None) -> CopyReport:
    """Copy every file of ``source`` that ``target`` lacks (previews are not copied: they
    are computed again on the first view)."""
    report = CopyReport()
    for key in sorted(source.keys()):
        if target.exists(key):
            report.present += 1
            continue
        with source.local_copy(key) as path:
            try:
                target.put_file(path, expect=key)
            except ValueError:
                report.damaged.append(key)
                continue
        report.copied.append(key)
        if on_copy is not None:
            on_copy(key)
    return report

"""A file share with metadata beside the files: `<file>.meta.toml` sidecars and a `catalog.csv`.

Shared by the Bình Phước land share and the Cao Bằng transport share (see examples/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .meta import DatasetMeta, GeneratedSource
from .writers import Row, toml_table, write_csv, write_xlsx

CATALOG_COLUMNS = (
    "path",
    "name",
    "title",
    "title_en",
    "description",
    "tags",
    "groups",
    "license",
    "temporal",
    "spatial",
    "update_frequency",
    "restricted",
)


@dataclass
class FileShare:
    """Collects files written under `root` and how each one is described."""

    root: Path
    source: GeneratedSource
    catalog: list[tuple[str, DatasetMeta, bool]] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        root: Path,
        *,
        name: str,
        title: str,
        organization: str,
        license: str,
        groups: Sequence[str],
    ) -> FileShare:
        """An empty share under `root` and its harvest.toml entry (harvested weekly, published)."""
        source = GeneratedSource(
            config={
                "name": name,
                "title": title,
                "type": "files",
                "path": str(root),
                "organization": organization,
                "schedule": "weekly",
                "default_license": license,
                "default_groups": list(groups),
                "publish": "auto",
            }
        )
        return cls(root, source)

    def add(
        self,
        relpath: str,
        meta: DatasetMeta,
        header: list[str],
        rows: list[Row],
        *,
        sidecar: bool = True,
        restricted: bool = False,
        fields: list[dict[str, Any]] | None = None,
        sheet: str = "Dữ liệu",
        imperfect: bool = False,
    ) -> None:
        """Write a CSV or XLSX file (by extension) and describe it in a sidecar or catalog.csv."""
        path = self.root / relpath
        if relpath.endswith(".xlsx"):
            count = write_xlsx(path, sheet, header, rows, meta.title)
        else:
            count = write_csv(path, header, rows)
        if sidecar:
            self._sidecar(
                path, meta, restricted, fields, sheet if relpath.endswith(".xlsx") else None
            )
        else:
            self.catalog.append((relpath, meta, restricted))
        if restricted:
            self.source.restricted.append(meta.name)
        else:
            self.source.rows[meta.name] = count
        if imperfect:
            self.source.imperfect.append(str(path))

    def _sidecar(
        self,
        path: Path,
        meta: DatasetMeta,
        restricted: bool,
        fields: list[dict[str, Any]] | None,
        sheet: str | None,
    ) -> None:
        items: dict[str, Any] = {**meta.as_entry(), "sheet": sheet}
        if restricted:
            items["restricted"] = True
        blocks = [toml_table(None, items)]
        for spec in fields or []:
            blocks.append(toml_table("[[field]]", spec))
        path.with_name(path.name + ".meta.toml").write_text("\n".join(blocks), encoding="utf-8")

    def write_catalog(self) -> None:
        """Write catalog.csv for the files without a sidecar (tags and groups joined by ';')."""
        rows = [
            (
                relpath,
                meta.name,
                meta.title,
                meta.title_en,
                meta.description,
                ";".join(meta.tags),
                ";".join(meta.groups),
                meta.license or "",
                meta.temporal,
                meta.spatial,
                meta.update_frequency,
                "true" if restricted else "false",
            )
            for relpath, meta, restricted in self.catalog
        ]
        write_csv(self.root / "catalog.csv", CATALOG_COLUMNS, rows)

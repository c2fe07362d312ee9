"""Quảng Ninh facts shared by the package groups, and the data-package writer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..meta import LICENSE_TITLES, LICENSE_URLS, DatasetMeta, GeneratedSource, MetaFactory
from ..writers import FIXED_ISO, Row, write_csv, write_json

ORG = "so-tnmt-quang-ninh"
CENTRE_ORG = "trung-tam-quan-trac-tnmt-quang-ninh"
SPATIAL = "Tỉnh Quảng Ninh"
HOMEPAGE = "https://stnmt.quangninh.gov.vn"


def field(name: str, type_: str, title: str, **extra: Any) -> dict[str, Any]:
    """A Table Schema field; extra keys (unit, threshold) are dulieumo extensions."""
    return {"name": name, "type": type_, "title": title, **extra}


class PackageWriter:
    """Writes packages under the source root and records them for index.json."""

    def __init__(self, root: Path, source: GeneratedSource) -> None:
        self.root = root
        self.source = source
        self.paths: list[str] = []

    def write(
        self,
        meta: DatasetMeta,
        resources: Sequence[tuple[str, str, list[dict[str, Any]], list[Row], list[str] | None]],
        *,
        organization: str | None = None,
        private: bool = False,
        source_title: str = "Hệ thống cơ sở dữ liệu quan trắc môi trường tỉnh Quảng Ninh",
    ) -> None:
        folder = self.root / meta.name
        descriptor: dict[str, Any] = {
            "name": meta.name,
            "title": meta.title,
            "title_en": meta.title_en,
            "description": meta.description,
            "version": "1.0.0",
            "created": FIXED_ISO,
            "homepage": HOMEPAGE,
            "keywords": list(meta.tags),
        }
        if meta.license is not None:
            descriptor["licenses"] = [
                {
                    "name": meta.license,
                    "path": LICENSE_URLS[meta.license],
                    "title": LICENSE_TITLES[meta.license],
                }
            ]
        publisher = organization or ORG
        descriptor["sources"] = [{"title": source_title, "path": HOMEPAGE}]
        descriptor["contributors"] = [
            {"title": ORG_TITLES[publisher], "role": "publisher", "email": ORG_EMAILS[publisher]}
        ]
        descriptor.update(
            {
                "groups": list(meta.groups),
                "temporal": meta.temporal,
                "spatial": meta.spatial,
                "update_frequency": meta.update_frequency,
            }
        )
        if organization:
            descriptor["organization"] = organization
        if private:
            descriptor["private"] = True
        descriptor["resources"] = []
        total = 0
        for name, title, fields, rows, key in resources:
            total += write_csv(folder / f"{name}.csv", [f["name"] for f in fields], rows)
            schema: dict[str, Any] = {"fields": fields}
            if key:
                schema["primaryKey"] = key
            descriptor["resources"].append(
                {
                    "name": name,
                    "path": f"{name}.csv",
                    "title": title,
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": schema,
                }
            )
        write_json(folder / "datapackage.json", descriptor)
        self.paths.append(f"{meta.name}/datapackage.json")
        if private:
            self.source.restricted.append(meta.name)
        else:
            self.source.rows[meta.name] = total


ORG_TITLES = {
    ORG: "Sở Tài nguyên và Môi trường tỉnh Quảng Ninh",
    CENTRE_ORG: "Trung tâm Quan trắc Tài nguyên và Môi trường tỉnh Quảng Ninh",
}
ORG_EMAILS = {ORG: "stnmt@quangninh.gov.vn", CENTRE_ORG: "ttqt.stnmt@quangninh.gov.vn"}


dataset_meta = MetaFactory(SPATIAL)

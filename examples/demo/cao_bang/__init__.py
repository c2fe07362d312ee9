"""Sở VHTTDL Cao Bằng: culture and tourism data described by a DCAT catalogue in Turtle.

Layout: cao-bang/catalog.ttl, data files in cao-bang/du-lieu/ referenced by absolute file:// IRIs.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from ..dcat import Catalogue, Distribution, Entry
from ..meta import DatasetMeta, GeneratedSource
from .agency import GROUP, ORG, SPATIAL
from .culture import write_culture
from .heritage import write_heritage
from .tourism import write_tourism


def generate(target: Path, rng: random.Random) -> GeneratedSource:
    """Write catalog.ttl and its data files under target/cao-bang; return the harvest entry."""
    root = target.resolve() / "cao-bang"
    data = root / "du-lieu"
    catalogue = Catalogue(
        base="https://dulieu.caobang.gov.vn",
        title="Danh mục dữ liệu mở ngành Văn hóa, Thể thao và Du lịch tỉnh Cao Bằng",
        title_en="Open data catalogue of the Cao Bang Department of Culture, Sports and Tourism",
        publisher=ORG,
        publisher_name="Sở Văn hóa, Thể thao và Du lịch tỉnh Cao Bằng",
        email="svhttdl@caobang.gov.vn",
        homepage="https://svhttdl.caobang.gov.vn",
        spatial_label=SPATIAL,
        spatial_bbox="POLYGON((105.27 22.35,106.83 22.35,106.83 23.12,105.27 23.12,105.27 22.35))",
    )
    source = GeneratedSource(
        config={
            "name": "cao-bang-van-hoa-du-lich",
            "title": "Danh mục DCAT ngành Văn hóa, Thể thao và Du lịch tỉnh Cao Bằng",
            "type": "dcat",
            "url": (root / "catalog.ttl").as_uri(),
            "organization": ORG,
            "schedule": "daily",
            "default_license": "CC-BY-4.0",
            "default_groups": list(GROUP),
            "publish": "auto",
        }
    )

    def add(meta: DatasetMeta, files: Sequence[tuple[str, Path, int]], public: bool = True) -> None:
        catalogue.entries.append(
            Entry(meta, [Distribution(title, path) for title, path, _ in files], public)
        )
        if public:
            source.rows[meta.name] = files[0][2]
        else:
            source.restricted.append(meta.name)

    write_heritage(add, data, rng)
    write_tourism(add, data, rng)
    write_culture(add, data, rng)
    root.mkdir(parents=True, exist_ok=True)
    (root / "catalog.ttl").write_text(catalogue.render(), encoding="utf-8")
    return source

"""Sở TN&MT Quảng Ninh: environmental monitoring published as Frictionless data packages.

Layout: quang-ninh/index.json lists package paths; each package is
quang-ninh/<name>/datapackage.json with CSV resources beside it.
"""

from __future__ import annotations

import random
from pathlib import Path

from ..meta import GeneratedSource
from ..writers import write_json
from .atmosphere import write_air, write_rainfall
from .compliance import write_permits, write_waste_and_inspections
from .packages import ORG, PackageWriter
from .water import write_water


def generate(target: Path, rng: random.Random) -> GeneratedSource:
    """Write the Quảng Ninh packages under target/quang-ninh and return the harvest entry."""
    root = target / "quang-ninh"
    source = GeneratedSource(
        config={
            "name": "quang-ninh-quan-trac-moi-truong",
            "title": "Cơ sở dữ liệu quan trắc môi trường tỉnh Quảng Ninh (gói Frictionless)",
            "type": "datapackage",
            "path": str(root / "index.json"),
            "organization": ORG,
            "schedule": "daily",
            "default_license": "CC-BY-4.0",
            "default_groups": ["moi-truong"],
            "publish": "auto",
        }
    )
    packages = PackageWriter(root, source)
    write_air(packages, rng)
    write_water(packages, rng)
    write_permits(packages, rng)
    write_rainfall(packages, rng)
    write_waste_and_inspections(packages, rng)
    write_json(
        root / "index.json",
        {
            "title": "Danh mục gói dữ liệu quan trắc môi trường tỉnh Quảng Ninh",
            "publisher": ORG,
            "updated": "2024-12-31",
            "packages": packages.paths,
        },
    )
    return source

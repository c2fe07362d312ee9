"""Sở TN&MT Bình Phước: land prices, land-use plans and allocation decisions on a file share."""

from __future__ import annotations

import random
from pathlib import Path

from ..file_share import FileShare
from ..meta import GeneratedSource
from ..writers import write_csv
from .agency import ORG, YEARS
from .decisions import write_decisions
from .land_use import write_plans, write_statistics
from .prices import write_prices


def generate(target: Path, rng: random.Random) -> GeneratedSource:
    """Write the Bình Phước share under target/binh-phuoc and return the harvest entry."""
    root = target / "binh-phuoc"
    share = FileShare.create(
        root,
        name="binh-phuoc-thong-tin-dat-dai",
        title="Kho tệp dữ liệu đất đai tỉnh Bình Phước",
        organization=ORG,
        license="CC-BY-4.0",
        groups=["dat-dai"],
    )
    growth = {year: 1.0 + 0.06 * (year - 2020) for year in YEARS}
    write_prices(share, rng, growth)
    write_plans(share, rng)
    write_decisions(share, rng)
    write_statistics(share, rng)
    share.write_catalog()
    # A file nobody described: harvesters must ignore it.
    write_csv(root / "tam" / "bang-tam-chua-mo-ta.csv", ["cot_1", "cot_2"], [("a", 1), ("b", 2)])
    return share.source

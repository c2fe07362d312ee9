"""Embed benchmark (issue 22): what serving an embed costs, first view, repeat, and 304.

    python bench/embeds.py [--requests 200]

Seeds the demo content of the browser tests into a fresh home and times, in process (the
figure is what the server spends), the map, chart and table embeds: the first request
(previews computed and cached), later ones (rendered from the preview cache) and
revalidations with the ETag (answered 304 after one lookup, nothing rendered).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser_server import demo_portal  # noqa: E402

from catalogue.clock import FixedClock  # noqa: E402
from catalogue.datasets.service import get_dataset  # noqa: E402
from catalogue.history.service import latest_published_number  # noqa: E402
from portal.catalogue_ext import catalogue_of  # noqa: E402


def timed(client: object, path: str, headers: dict[str, str], count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        client.get(path, headers=headers)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, demo_portal(
            Path(folder) / "home", FixedClock(datetime(2026, 3, 2, 8, 30))) as (app, site):
        import logging
        logging.getLogger("dulieumo.requests").disabled = True
        client = app.test_client()
        with catalogue_of(app).sessions() as session:
            air = latest_published_number(session, get_dataset(session, site.air).id)
            line = latest_published_number(session, get_dataset(session, site.boundary).id)
        paths = {
            "map": f"/embed/dataset/{site.boundary}/v/{line}/resource/{site.boundary_resource}/map",
            "chart": f"/embed/dataset/{site.air}/v/{air}/resource/{site.air_resource}/chart",
            "table": f"/embed/dataset/{site.air}/v/{air}/resource/{site.air_resource}/table"}
        print(f"{'embed':6} {'first ms':>9} {'200 p50':>8} {'200 p95':>8} {'304 p50':>8} "
              f"{'304 p95':>8} {'bytes':>7}")
        for name, path in paths.items():
            first = timed(client, path, {}, 1)[0]
            response = client.get(path)
            etag = response.headers["ETag"]
            full = timed(client, path, {}, args.requests)
            cached = timed(client, path, {"If-None-Match": etag}, args.requests)

            def pct(values: list[float], q: int) -> float:
                return statistics.quantiles(values, n=100)[q - 1]
            print(f"{name:6} {first:9.1f} {pct(full, 50):8.1f} {pct(full, 95):8.1f} "
                  f"{pct(cached, 50):8.1f} {pct(cached, 95):8.1f} {len(response.data):7d}")
        floor = timed(client, "/robots.txt", {}, args.requests)
        print(f"for scale, /robots.txt (no database): p50 {statistics.median(floor):.1f} ms")


if __name__ == "__main__":
    main()

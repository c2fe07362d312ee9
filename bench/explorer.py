"""The table explorer's page on a large table: how long the resource page takes to answer.

    python bench/explorer.py [--rows 200000]

Loads a generated table of communes (the tests' shape, ``tests/explorer_data.py``) into the
embedded SQLite datastore of a temporary home, then times the resource page (the explorer:
one page of rows, the total, and a filter control for every column) for a few views: the
whole table, a filter, a search without diacritics, a range with a sort, a late page. Prints
the median and the slowest of five runs of each (issue 21 item 4).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from explorer_data import load_communes  # noqa: E402

from catalogue.organizations.service import create_organization  # noqa: E402
from portal import create_app  # noqa: E402
from portal.catalogue_ext import catalogue_of  # noqa: E402
from portal.cli.home_cmds import initialise  # noqa: E402

VIEWS = {
    "whole table": "",
    "filter f.huyen": "f.huyen=H%E1%BA%A1+Long",
    "search 'dong tam'": "q=dong+tam",
    "range + sort desc": "min.dan_so=5000&max.dan_so=90000&sort=dan_so&desc=1",
    "page 1000": "page=1000",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        app = create_app({"site_url": "http://portal.test", "log_json": False,
                          "max_upload_mb": 2000, "datastore_worker": False}, home=home)
        initialise(app)
        catalogue = catalogue_of(app)
        with catalogue.unit("bench") as uow:
            create_organization(uow, {"name": "so-bench", "title": "Sở đo đạc"})
            uow.commit()
        started = time.perf_counter()
        loaded = load_communes(catalogue, "so-bench", rows=args.rows)
        print(f"loaded {args.rows:,} rows in {time.perf_counter() - started:.1f} s")
        client = app.test_client()
        base = f"/dataset/{loaded.name}/resource/{loaded.resource_id}"
        for label, query in VIEWS.items():
            times = []
            for _ in range(5):
                start = time.perf_counter()
                response = client.get(f"{base}?{query}")
                assert response.status_code == 200
                times.append((time.perf_counter() - start) * 1000)
            print(f"{label:20} median {statistics.median(times):7.0f} ms   "
                  f"max {max(times):7.0f} ms")


if __name__ == "__main__":
    main()

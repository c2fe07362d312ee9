"""``ext_bbox`` benchmark (issue 22): latency of box searches, and agreement of the engines.

    python bench/search_bbox.py [--size 10000] [--boxes 100] [--pg-url postgresql+psycopg://...]

Indexes ``bench/search.py``'s generated catalogue (datasets about provinces, districts named
in titles), a fifth of it with a point geometry of its own somewhere in Viet Nam, into Whoosh,
PostgreSQL ranked in memory and PostgreSQL all in SQL; then runs random boxes (0.05° to 5°
wide, with two facets) on each, twice ("cold": the first box search of an index generation
reads every place box; "warm"), and prints p50/p95 wall times. Every engine must return the
same ids, count and facets for every box, or the benchmark stops.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import generate, pg_cluster  # noqa: E402

from catalogue.search.backend import SearchBackend, SearchQuery  # noqa: E402
from catalogue.search.postgres_backend import PostgresBackend  # noqa: E402
from catalogue.search.whoosh_backend import WhooshBackend  # noqa: E402


def with_geometries(docs: Iterator[dict[str, Any]], seed: int = 22
                    ) -> Iterator[dict[str, Any]]:
    rnd = random.Random(seed)
    for doc in docs:
        if rnd.random() < 0.2:
            point = f'{{"type": "Point", "coordinates": [{rnd.uniform(102.2, 109.4)}, ' \
                    f'{rnd.uniform(8.6, 23.3)}]}}'
            doc["extras"] = [{"key": "spatial", "value": point}]
        yield doc


def boxes(count: int, seed: int = 5) -> list[SearchQuery]:
    rnd = random.Random(seed)
    found = []
    for _ in range(count):
        width = rnd.uniform(0.05, 5.0)
        x, y = rnd.uniform(101.0, 110.0), rnd.uniform(8.0, 23.5)
        found.append(SearchQuery(bbox=(x, y, x + width, y + width * rnd.uniform(0.5, 1.5)),
                                 rows=20, facet_fields=["spatial_code", "res_format"]))
    return found


def timed(backend: SearchBackend, mix: list[SearchQuery]) -> tuple[list[float], list[Any]]:
    times, answers = [], []
    for sq in mix:
        start = time.perf_counter()
        found = backend.search(sq)
        times.append(time.perf_counter() - start)
        answers.append((found.ids, found.count, found.facets))
    return times, answers


def cuts(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--boxes", type=int, default=100)
    parser.add_argument("--pg-url", help="a scratch PostgreSQL database (default: a throw-away "
                        "cluster)")
    args = parser.parse_args(argv)
    mix = boxes(args.boxes)
    docs = list(with_geometries(generate(args.size)))
    with tempfile.TemporaryDirectory() as workdir, \
            (nullcontext(args.pg_url) if args.pg_url else pg_cluster()) as pg_url:
        engines: dict[str, SearchBackend] = {"whoosh": WhooshBackend(Path(workdir) / "ix")}
        pg = PostgresBackend(pg_url, result_cache=0)
        pg.clear()
        engines["postgres"] = pg
        engines["postgres-sql"] = PostgresBackend(pg_url, result_cache=0, in_memory=False)
        for name in ("whoosh", "postgres"):
            start = time.perf_counter()
            engines[name].index_documents(docs)
            print(f"{name}: indexed {len(docs):,} in {time.perf_counter() - start:.1f} s")
        reference = None
        for name, engine in engines.items():
            cold, answers = timed(engine, mix)
            warm, again = timed(engine, mix)
            assert answers == again
            if reference is None:
                reference = answers
            elif answers != reference:
                raise SystemExit(f"{name} disagrees with whoosh")
            matched = statistics.median(a[1] for a in answers)
            print(f"{name}: {len(mix)} boxes (median {matched:.0f} matches): "
                  f"cold {cuts(cold)}; warm {cuts(warm)}")
        print("all engines agree on ids, counts and facets")
        for engine in engines.values():
            engine.close()


if __name__ == "__main__":
    main()

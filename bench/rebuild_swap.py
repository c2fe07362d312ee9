"""What another machine sees while ``index rebuild`` runs (issue 23 item 7).

    python bench/rebuild_swap.py [--sizes 2000 20000] [--backends postgres whoosh]

Indexes N generated datasets, then rebuilds the index from the same documents while a
second backend (another process's view: its own engine or index handle) searches in a loop.
Prints the rebuild's wall time, the fewest hits any search saw during it (a rebuild that
empties first shows 0; the shadow-table swap never goes below N), and the slowest search
during the rebuild next to the median before it (the swap's exclusive lock is the pause).
Wall times on a shared, loaded machine mostly measure the other processes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import generate, make_backend, pg_cluster  # noqa: E402

from catalogue.search.backend import SearchBackend, SearchQuery  # noqa: E402

QUERY = SearchQuery(q="dân số", facet_fields=["organization"])


def _timed(backend: SearchBackend) -> tuple[int, float]:
    started = time.perf_counter()
    count = backend.search(QUERY).count
    return count, time.perf_counter() - started


def run(name: str, size: int, workdir: Path, pg_url: str | None) -> dict[str, Any]:
    docs = list(generate(size))
    writer = make_backend(name, workdir, pg_url)
    reader = make_backend(name, workdir, pg_url)  # (made empty, so before the writes)
    writer.index_documents(docs)
    try:
        expected = reader.search(QUERY).count
        before = [_timed(reader)[1] for _ in range(20)]
        seen: list[tuple[int, float]] = []
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                seen.append(_timed(reader))

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.perf_counter()
        try:
            writer.rebuild(docs)
        finally:
            took = time.perf_counter() - started
            done.set()
            watcher.join()
        return {"backend": name, "docs": size, "rebuild_s": took, "expected": expected,
                "fewest_hits": min(c for c, _ in seen), "searches": len(seen),
                "median_ms": statistics.median(before) * 1000,
                "slowest_ms": max(t for _, t in seen) * 1000}
    finally:
        reader.close()
        writer.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    parser.add_argument("--backends", nargs="+", default=["postgres", "whoosh"])
    args = parser.parse_args(argv)
    for name in args.backends:
        for size in args.sizes:
            with tempfile.TemporaryDirectory(prefix="dulieumo-rebuild-") as tmp:
                if name == "postgres":
                    with pg_cluster() as url:
                        result = run(name, size, Path(tmp), url)
                else:
                    result = run(name, size, Path(tmp), None)
            print(f"{result['backend']:8} {result['docs']:>7} docs: rebuild "
                  f"{result['rebuild_s']:.1f} s; {result['searches']} searches meanwhile, "
                  f"fewest hits {result['fewest_hits']} of {result['expected']}; "
                  f"slowest {result['slowest_ms']:.0f} ms (median before "
                  f"{result['median_ms']:.1f} ms)")


if __name__ == "__main__":
    main()

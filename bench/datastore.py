"""Datastore benchmark (issue 21 item 8): load speed, search latency, dump memory.

    python bench/datastore.py [--rows 1000000] [--queries 200] [--datasette [PATH]]
                              [--postgres]

Writes a CSV of ``--rows`` schools (codes with leading zeros, Vietnamese names built from
the real communes file in ../shared, provinces, pupils, a share, dd/mm/yyyy dates), then:

- **load**: the file into an embedded (SQLite) datastore through the real loader (read,
  typed, folded, FTS5, swap, then the column indexes): rows/s until the table answers
  queries, and until it is fully indexed;
- **filter + sort**: ``search_rows`` with an equality filter on the province and a sort on
  pupils (descending), 100 rows and the total: p50/p95 over ``--queries`` queries;
- **full text**: ``search_rows`` with ``q`` a commune name, half with diacritics, half
  without: p50/p95;
- **dump**: every row as CSV through ``iter_rows`` + ``dump`` in a child process, its peak
  RSS for 10 % of the rows and for all of them (constant memory: the two are close);
- **Datasette** (``--datasette [PATH]``; a bench-only tool, not a dependency: install it
  in a venv of its own, e.g. ``python -m venv /work/venv-datasette && /work/venv-datasette/
  bin/pip install datasette``, and pass ``--datasette /work/venv-datasette/bin/datasette``):
  the same two queries on the same SQLite file through Datasette's JSON API, and ours
  through our Action API served by werkzeug — both over HTTP, same client.

Latencies are wall time on the machine as it is (say how loaded it is). ``--postgres`` runs
load and queries against a throw-away PostgreSQL cluster too.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalogue.datastore.loader import Source, load_table  # noqa: E402
from catalogue.datastore.query import View, search_rows, view_from  # noqa: E402
from catalogue.datastore.store import Datastore  # noqa: E402
from catalogue.files.limits import ReadLimits  # noqa: E402

COMMUNES = ROOT.parent / "shared" / "fixtures" / "real" / "vn" / (
    "don-vi-hanh-chinh-cap-xa-2025.csv")
LEVELS = ["Mầm non", "Tiểu học", "Trung học cơ sở", "Trung học phổ thông"]
SCHEMA: dict[str, Any] = {"fields": [
    {"name": "ma_truong", "type": "string"}, {"name": "ten_truong", "type": "string"},
    {"name": "cap_hoc", "type": "string"}, {"name": "xa", "type": "string"},
    {"name": "tinh", "type": "string"}, {"name": "so_hoc_sinh", "type": "integer"},
    {"name": "ty_le_nu", "type": "number", "decimalChar": ","},
    {"name": "ngay_cap_nhat", "type": "date", "format": "%d/%m/%Y"}]}
RESOURCE = "truong-hoc"


def communes() -> list[tuple[str, str]]:
    with COMMUNES.open(encoding="utf-8") as fh:
        return [(row["ten_xa"], row["ten_tinh"]) for row in csv.DictReader(fh)]


def write_csv(path: Path, rows: int, seed: int = 21) -> None:
    rng = random.Random(seed)
    places = communes()
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([f["name"] for f in SCHEMA["fields"]])
        for number in range(1, rows + 1):
            commune, province = places[rng.randrange(len(places))]
            level = LEVELS[rng.randrange(4)]
            out.writerow([f"{number:07d}", f"Trường {level} {commune.split(' ', 1)[-1]} "
                          f"số {number % 7 + 1}", level, commune, province,
                          rng.randrange(40, 2500), f"{rng.uniform(30, 70):.1f}".replace(".", ","),
                          f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/2025"])


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def cuts(samples: list[float]) -> str:
    return (f"p50 {statistics.median(samples) * 1000:7.1f} ms  p95 {p95(samples) * 1000:7.1f} "
            f"ms  max {max(samples) * 1000:7.1f} ms")


def timed(run: Any, items: list[Any], cpu: list[float] | None = None) -> list[float]:
    """Wall time of each call; its CPU time (this process: SQLite runs in it) into ``cpu``."""
    samples = []
    for item in items:
        start, start_cpu = time.perf_counter(), time.process_time()
        run(item)
        samples.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    return samples


def load(store: Datastore, path: Path, rows: int) -> None:
    """Load the CSV; print rows/s until the table answers queries (the swap, after the rows
    and, on SQLite, full text) and until its column indexes are all built."""
    written: list[tuple[float, float]] = []
    active: list[tuple[float, float]] = []
    start, start_cpu = time.perf_counter(), time.process_time()
    info = load_table(store, RESOURCE, Source(path, "csv", path.name), SCHEMA,
                      sha256="0" * 64, version=1, now=datetime(2026, 1, 1),
                      limits=ReadLimits(max_unpacked_bytes=4 << 30, max_cells=10 ** 9),
                      progress=lambda n: written.append((time.perf_counter(),
                                                         time.process_time())),
                      on_active=lambda _info: active.append((time.perf_counter(),
                                                             time.process_time())))
    total, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    assert info.row_count == rows, info.row_count
    insert, insert_cpu = ((written[-1][0] - start, written[-1][1] - start_cpu) if written
                          else (total, cpu))
    ready, ready_cpu = active[0][0] - start, active[0][1] - start_cpu
    # CPU is this process's (SQLite runs in it; PostgreSQL's server work is not counted).
    print(f"  load, until the table answers queries (rows typed and written, full text on "
          f"SQLite, swap): {ready:.1f} s = {rows / ready:,.0f} rows/s wall, {ready_cpu:.1f} s "
          f"CPU = {rows / max(ready_cpu, 1e-9):,.0f} rows per CPU-second\n"
          f"    of which rows read, typed and written: {insert:.1f} s wall = "
          f"{rows / insert:,.0f} rows/s, {insert_cpu:.1f} s CPU = "
          f"{rows / max(insert_cpu, 1e-9):,.0f} rows per CPU-second\n"
          f"  load, until fully indexed: {total:.1f} s = {rows / total:,.0f} rows/s wall, "
          f"{cpu:.1f} s CPU = {rows / cpu:,.0f} rows per CPU-second (column indexes "
          f"{total - ready:.1f} s wall, {cpu - ready_cpu:.1f} s CPU)", flush=True)


def query_mixes(queries: int, seed: int = 7) -> tuple[list[View], list[View]]:
    rng = random.Random(seed)
    places = communes()
    provinces = sorted({p for _, p in places})
    filters = [view_from(filters={"tinh": rng.choice(provinces)}, sort="so_hoc_sinh desc")
               for _ in range(queries)]
    texts = []
    for index in range(queries):
        name = rng.choice(places)[0].split(" ", 1)[-1]
        if index % 2:
            from catalogue.datastore.folding import fold_text

            name = fold_text(name)
        texts.append(view_from(q=name))
    return filters, texts


def run_queries(store: Datastore, queries: int) -> tuple[list[View], list[View]]:
    filters, texts = query_mixes(queries)
    search_rows(store, RESOURCE, filters[0])  # first touch of the file's pages
    for name, mix in (("filter + sort", filters), ("full text    ", texts)):
        cpu: list[float] = []
        wall = timed(lambda v: search_rows(store, RESOURCE, v, limit=100), mix, cpu)
        print(f"  {name} (search_rows, 100 rows + total): {cuts(wall)} wall; "
              f"CPU p95 {p95(cpu) * 1000:.1f} ms", flush=True)
    return filters, texts


DUMP_CHILD = """
import resource, sys
sys.path.insert(0, {root!r})
from itertools import islice
from pathlib import Path
from catalogue.datastore.dump import dump
from catalogue.datastore.query import iter_rows
from catalogue.datastore.store import Datastore
store = Datastore.open_sqlite(Path({db!r}))
columns, rows = iter_rows(store, {resource!r})
rows = islice(rows, {limit}) if {limit} else rows
size = sum(len(chunk) for chunk in dump("csv", columns, rows))
print(size, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def dump_rss(db: Path, limit: int) -> int:
    """Peak RSS (kB) of a child process that dumps ``limit`` rows (0: all) as CSV."""
    code = DUMP_CHILD.format(root=str(ROOT), db=str(db), resource=RESOURCE, limit=limit)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    size, rss = done.stdout.split()
    print(f"  dump {'all' if not limit else f'{limit:,}'} rows as CSV: {int(size) / 1e6:,.0f} MB "
          f"sent, peak RSS {int(rss) / 1024:,.0f} MB", flush=True)
    return int(rss)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as answer:
        return bytes(answer.read())


def _wait(url: str) -> None:
    for _ in range(600):
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.1)  # polling a starting server
    raise RuntimeError(f"{url} never answered")


def compare_datasette(db: Path, store: Datastore, queries: int, exe: str) -> None:
    """The same filter+sort and full-text queries over HTTP: Datasette's JSON API on the
    same SQLite file, and our datastore_search served by werkzeug."""
    if exe == "auto":
        exe = shutil.which("datasette") or str(Path(sys.executable).parent / "datasette")
    if not Path(exe).exists():
        print(f"  datasette: {exe} not found (pip install datasette in a venv of its own and "
              "pass --datasette PATH), comparison skipped")
        return
    version = subprocess.run([exe, "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    print(f"  {version}: suggest_facets off (facet suggestions are work we do not do)")
    table = store.current(RESOURCE)
    assert table is not None
    filters, texts = query_mixes(queries)
    port = 8766
    server = subprocess.Popen([exe, "serve", "-i", str(db), "-p", str(port), "--setting",
                               "sql_time_limit_ms", "10000", "--setting", "suggest_facets",
                               "off"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ours = _serve_ours(db)
    try:
        base = f"http://127.0.0.1:{port}/{db.stem}"
        _wait(f"{base}.json?sql=select+1")
        fts = f"{table.table_name}_fts"

        def theirs_filter(view: View) -> None:
            province = view.filters["tinh"]
            _get(f"{base}/{table.table_name}.json?" + urllib.parse.urlencode(
                {"tinh": province, "_sort_desc": "so_hoc_sinh", "_size": 100,
                 "_shape": "objects"}))

        def theirs_text(view: View) -> None:
            from catalogue.datastore.folding import folded_words

            match = " AND ".join(f'"{w}"' for w in folded_words(str(view.q)))
            sql = (f'select * from "{table.table_name}" where _id in (select rowid from '
                   f'"{fts}" where "{fts}" match :q) order by _id limit 100')
            count = (f'select count(*) from "{fts}" where "{fts}" match :q')
            _get(f"{base}.json?" + urllib.parse.urlencode({"sql": sql, "q": match}))
            _get(f"{base}.json?" + urllib.parse.urlencode({"sql": count, "q": match}))

        api = f"{ours}/api/3/action/datastore_search?resource_id={RESOURCE}&limit=100&"

        def ours_filter(view: View) -> None:
            _get(api + urllib.parse.urlencode({"filters": f'{{"tinh": "{view.filters["tinh"]}"}}',
                                               "sort": "so_hoc_sinh desc"}))

        def ours_text(view: View) -> None:
            _get(api + urllib.parse.urlencode({"q": str(view.q)}))

        for name, theirs, mine, mix in (("filter + sort", theirs_filter, ours_filter, filters),
                                        ("full text", theirs_text, ours_text, texts)):
            theirs(mix[0])
            mine(mix[0])
            their_times, our_times = timed(theirs, mix), timed(mine, mix)
            ratio = (sorted(their_times)[int(len(mix) * .95) - 1]
                     / sorted(our_times)[int(len(mix) * .95) - 1])
            print(f"  HTTP {name:13s} datasette: {cuts(their_times)}", flush=True)
            print(f"  HTTP {name:13s} dulieumo : {cuts(our_times)}  "
                  f"(p95 ratio datasette/dulieumo {ratio:.2f})", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _serve_ours(db: Path) -> str:
    """A minimal portal whose catalogue holds one public resource ``truong-hoc`` with the
    benchmark's table, served by werkzeug in a thread."""
    import threading

    from werkzeug.serving import make_server

    from catalogue.accounts.principal import ANONYMOUS
    from portal import create_app
    from portal.api import datastore_actions
    from portal.catalogue_ext import datastore_of

    home = Path(tempfile.mkdtemp(prefix="dulieumo-bench-home-"))
    app = create_app({"datastore_url": f"sqlite:///{db}", "api_rate_limit": 0,
                      "log_json": False}, home=home)
    app.testing = True  # no background loader
    from portal.cli.home_cmds import initialise

    initialise(app)
    datastore_of(app)
    # Public by fiat for the benchmark: the permission check is the same call either way.
    datastore_actions.readable_resource = lambda ctx, rid: (None, None)  # type: ignore
    assert ANONYMOUS is not None
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--datasette", nargs="?", const="auto", default="",
                        metavar="PATH", help="compare with Datasette (its executable; "
                        "default: found on PATH or beside this Python)")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--keep", help="folder to keep the CSV and database in")
    args = parser.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="dulieumo-ds-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"datastore bench: {args.rows:,} rows, {args.queries} queries, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
    path = work / "truong-hoc.csv"
    start = time.perf_counter()
    write_csv(path, args.rows)
    print(f"  wrote {path.stat().st_size / 1e6:,.0f} MB CSV in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    db = work / "datastore.sqlite"
    for leftover in work.glob("datastore.sqlite*"):
        leftover.unlink()
    store = Datastore.open_sqlite(db)
    print("SQLite (embedded)")
    load(store, path, args.rows)
    run_queries(store, args.queries)
    small = dump_rss(db, max(args.rows // 10, 1))
    large = dump_rss(db, 0)
    print(f"  dump memory: all rows took {(large - small) / 1024:+,.0f} MB over "
          f"{max(args.rows // 10, 1):,} rows", flush=True)
    if args.datasette:
        compare_datasette(db, store, args.queries, args.datasette)
    store.dispose()
    if args.postgres:
        bench_postgres(path, args.rows, args.queries)
    print(f"peak RSS of the bench process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def bench_postgres(path: Path, rows: int, queries: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from search import pg_cluster  # the search benchmark's throw-away cluster

    with pg_cluster() as url:
        store = Datastore.open_postgres(url)
        print("PostgreSQL 15")
        load(store, path, rows)
        run_queries(store, queries)
        store.dispose()


if __name__ == "__main__":
    main()

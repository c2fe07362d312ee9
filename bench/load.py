"""Load benchmark: the API and portal under concurrent clients, through gunicorn (issue 8).

    python bench/load.py --sizes 10000 100000 [--db sqlite|postgres] [--search whoosh|postgres]
                         [--workers 4]
                         [--clients 16] [--seconds 15] [--warmup 5] [--home DIR]

For each size: a fresh home with ``n`` generated Vietnamese datasets (bulk insert plus index,
the generator of ``bench/search.py`` via ``bench/portal.py``) and a few uploaded files
(through the service layer); gunicorn on 127.0.0.1 with ``--workers``; then, per scenario,
``--clients`` threads send requests (a new connection each, as browsers behind nginx do to
sync workers) for ``--seconds``; with ``wrk`` installed (Debian's package), wrk drives the load
instead, so the client takes little of the two cores. Prints throughput, p50/p95/p99 and
errors for package_show, package_search with three facets (ten popular searches over and
over, and the "search mix": 3000 distinct searches in turn, so result caches rarely help), the
search page and downloads.

Targets (issue 8, 2 cores): package_show ≥ 300 req/s, package_search with facets ≥ 100 req/s
at 100k datasets, p99 < 500 ms, no errors. Client and server share the two cores here, so the
figures are a floor.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

WORDS = ["khong khi", "nước mặt", "gia dat", "Cao Bằng", "thuy san", "truong hoc",
         "bản đồ địa chính", "doanh nghiep 2020", "QCVN 40:2011", "xe buyt"]
FACETS = quote(json.dumps(["organization", "groups", "res_format"]))
MIX_SIZE = 3000  # distinct searches: more than a worker's result cache holds


def _bench_module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def search_mix(count: int = MIX_SIZE) -> list[str]:
    """``package_search`` paths for the query mix of ``bench/search.py`` (topics, places,
    folded text, codes, English, 20 % with a format filter, 10 % with a year), so most
    requests are searches the portal has not answered before."""
    paths = []
    for sq in _bench_module("search").queries(count, seed=11):
        fq = " ".join(f'{key}:"{value}"' for key, values in sq.filters.items()
                      for value in values)
        paths.append(f"/api/3/action/package_search?q={quote(sq.q)}&fq={quote(fq)}"
                     f"&facet.field={FACETS}&rows=10")
    return paths


def _in_turn(paths: list[str]) -> Callable[[random.Random], str]:
    """A picker that walks ``paths`` in order (each once before any repeats)."""
    position = iter(range(10**9))
    return lambda _rnd: paths[next(position) % len(paths)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database(kind: str, keep: Path | None = None) -> Iterator[dict[str, Any]]:
    """Settings for the chosen database: the home's SQLite file, or a PostgreSQL cluster
    (throw-away, or kept in ``keep``/pg to be reused)."""
    if kind == "sqlite":
        yield {}
        return
    from pg_databases import PrivateCluster

    cluster = PrivateCluster(_free_port(), keep / "pg" if keep is not None else None)
    try:
        cluster.start()
        yield {"database_url": cluster.url, "search_backend": "postgres"}
    finally:
        if keep is None:
            cluster.remove()
        else:
            cluster.stop()


def prepare(home: Path, n: int, config: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Fill a home: ``n`` datasets (bulk) and 20 with uploaded files (service layer).
    Returns public dataset names and download paths."""
    from catalogue.clock import FixedClock
    from catalogue.datasets.service import Upload, create_dataset, create_resource
    from portal import create_app
    from portal.catalogue_ext import catalogue_of
    from portal.cli.home_cmds import initialise

    app = create_app({"log_json": False, **config}, home=home,
                     clock=FixedClock(datetime(2026, 3, 2, 8, 0)))
    initialise(app)
    started = time.perf_counter()
    names = _bench_module("portal").load(app, n)
    print(f"  {n} datasets loaded and indexed in {time.perf_counter() - started:.0f} s")
    catalogue = catalogue_of(app)
    downloads = []
    with catalogue.unit("bench") as uow:
        from catalogue.organizations.service import list_organizations

        org = list_organizations(uow.session)[0].name
    for i in range(20):
        data = ("tram,pm25\n" + "".join(f"Tram {j},{(i * j) % 97}\n" for j in range(2000)))
        stored = catalogue.files.put_bytes(data.encode())
        with catalogue.unit("bench") as uow:
            ds = create_dataset(uow, {"name": f"tai-xuong-{i}", "title": f"Tải xuống {i}",
                                      "owner_org": org})
            res = create_resource(uow, ds.id, {"name": "du-lieu.csv", "format": "csv"},
                                  upload=Upload(stored, "du-lieu.csv", "text/csv"))
            uow.commit()
            downloads.append(f"/dataset/{ds.name}/resource/{res.id}/download/du-lieu.csv")
    search = catalogue.search
    if search is not None and hasattr(search, "close"):
        search.close()
    catalogue.sessions.kw["bind"].dispose()
    return names, downloads


@contextmanager
def gunicorn(home: Path, config: dict[str, Any], workers: int) -> Iterator[int]:
    port = _free_port()
    # The documented production settings (portal/gunicorn_config.py), with this many workers.
    env = {**os.environ, "DULIEUMO_HOME": str(home), "DULIEUMO_LOG_JSON": "false",
           "DULIEUMO_WORKERS": str(workers), "DULIEUMO_BIND": f"127.0.0.1:{port}",
           **{f"DULIEUMO_{k.upper()}": str(v) for k, v in config.items()}}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_config",
         "--backlog", "2048", "portal.wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _request(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer within 60 s")
        _wait_until_idle(server.pid)
        yield port
    finally:
        server.terminate()
        server.wait(30)


def _cpu_of_group(pgid: int) -> float:
    """CPU seconds used so far by the processes of a process group (gunicorn's)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[2]) == pgid:
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _wait_until_idle(pgid: int, limit: float = 180) -> None:
    """Wait until every worker has finished warming (loading search columns): the first
    answer comes from the first worker ready, and the others' start-up would otherwise
    be measured as load."""
    deadline = time.monotonic() + limit
    before = _cpu_of_group(pgid)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = _cpu_of_group(pgid)
        if now - before < 0.05:
            return
        before = now


def _request(port: int, path: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        conn.close()


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""


def hammer(port: int, pick: Callable[[random.Random], str], clients: int,
           seconds: float) -> tuple[Outcome, float]:
    """``clients`` threads requesting ``pick()`` paths for ``seconds``."""
    outcome = Outcome()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rnd = random.Random(seed)
        mine: list[float] = []
        errors, first = 0, ""
        while time.monotonic() < stop:
            path = pick(rnd)
            started = time.perf_counter()
            try:
                status, _ = _request(port, path)
                if status != 200:
                    errors += 1
                    first = first or f"{status} {path}"
            except OSError as exc:
                errors += 1
                first = first or f"{exc} {path}"
            mine.append(time.perf_counter() - started)
        with lock:
            outcome.latencies.extend(mine)
            outcome.errors += errors
            outcome.first_error = outcome.first_error or first

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcome, time.perf_counter() - started


WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("DONE %%d %%d %%d %%d %%f %%f %%f\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def hammer_wrk(port: int, pick: Callable[[random.Random], str], clients: int,
               seconds: float) -> str:
    """The same scenario driven by wrk (C, one thread per core's worth of connections), so the
    load generator takes little of the two cores; returns the printed line's figures."""
    rnd = random.Random(7)
    paths = ", ".join(json.dumps(pick(rnd)) for _ in range(MIX_SIZE))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % paths)
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds:.0f}s", "--timeout", "10s",
             "-s", script.name, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    done = next(line for line in out.splitlines() if line.startswith("DONE "))
    requests, socket_errors, status_errors, micros, p50, p95, p99 = done.split()[1:]
    rate = int(requests) / (int(micros) / 1e6)
    errors = int(socket_errors) + int(status_errors)
    return (f"{rate:7.1f} req/s  p50 {float(p50):6.1f} ms  p95 {float(p95):6.1f} ms  "
            f"p99 {float(p99):6.1f} ms  errors {errors}/{requests}")


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def line(name: str, outcome: Outcome, elapsed: float) -> str:
    ordered = sorted(outcome.latencies)
    if not ordered:
        return f"  {name:<16} no requests completed"
    text = (f"  {name:<16} {len(ordered) / elapsed:7.1f} req/s  "
            f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p95 {_percentile(ordered, .95):6.1f}"
            f" ms  p99 {_percentile(ordered, .99):6.1f} ms  errors {outcome.errors}/{len(ordered)}")
    return text + (f"  first: {outcome.first_error}" if outcome.errors else "")


def existing(home: Path, config: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Names and download paths of a home ``prepare`` filled before (``--home``)."""
    from sqlalchemy import select

    from catalogue.datasets.model import Dataset, Resource
    from portal import create_app
    from portal.catalogue_ext import catalogue_of

    app = create_app({"log_json": False, **config}, home=home)
    catalogue = catalogue_of(app)
    with catalogue.sessions() as session:
        names = list(session.scalars(select(Dataset.name).where(
            Dataset.state == "active", Dataset.private.is_(False))))
        downloads = [f"/dataset/{name}/resource/{rid}/download/du-lieu.csv"
                     for name, rid in session.execute(
                         select(Dataset.name, Resource.id).join(Resource)
                         .where(Resource.url_type == "upload")).all()]
    catalogue.sessions.kw["bind"].dispose()
    return names, downloads


def run(n: int, db: str, workers: int, clients: int, seconds: float,
        keep: Path | None = None, search: str | None = None, warmup: float = 5) -> None:
    print(f"{n} datasets, {db}, search {search or 'default'}, gunicorn {workers} sync workers, "
          f"{clients} clients, "
          f"{seconds:.0f} s per scenario")
    with tempfile.TemporaryDirectory() as tmp, database(db, keep) as config:
        if search is not None:
            config["search_backend"] = search
        config["api_rate_limit"] = 0  # one address sends all the load: measure throughput
        home = keep or Path(tmp) / "home"
        if keep is not None and (home / "prepared").exists():
            names, downloads = existing(home, config)
            print(f"  reusing {home}: {len(names)} public datasets")
        else:
            home.mkdir(parents=True, exist_ok=True)
            names, downloads = prepare(home, n, config)
            (home / "prepared").touch()
        scenarios: dict[str, Callable[[random.Random], str]] = {
            "package_show": lambda r: f"/api/3/action/package_show?id={r.choice(names)}",
            "package_search": lambda r: (f"/api/3/action/package_search?q={quote(r.choice(WORDS))}"
                                         f"&facet.field={FACETS}&rows=10"),
            "search mix": _in_turn(search_mix()),
            "search page": lambda r: f"/dataset?q={quote(r.choice(WORDS))}",
            "download": lambda r: r.choice(downloads),
        }
        use_wrk = shutil.which("wrk") is not None
        driver = "wrk" if use_wrk else "Python threads (install wrk for truer figures)"
        print(f"  load from {driver}")
        with gunicorn(home, config, workers) as port:
            for name, pick in scenarios.items():
                # The mix twice: with the caches a new worker starts with, then as a
                # worker that has served a while has them (the searched terms' postings).
                # Other scenarios are measured after a warm-up at the same concurrency
                # (a freshly started database answers its first seconds from cold buffers).
                mix = name == "search mix"
                hammer(port, pick, 2, 1.0) if mix else hammer(port, pick, clients, warmup)
                for label in ([f"{name} cold", f"{name} warm"] if mix else [name]):
                    if use_wrk:
                        print(f"  {label:<16} {hammer_wrk(port, pick, clients, seconds)}",
                              flush=True)
                        continue
                    outcome, elapsed = hammer(port, pick, clients, seconds)
                    print(line(label, outcome, elapsed), flush=True)
        in_process(home, config, scenarios)


def in_process(home: Path, config: dict[str, Any],
               scenarios: dict[str, Callable[[random.Random], str]], count: int = 100) -> None:
    """Server time per request, one at a time in this process (no network, no contention
    between clients): what one core spends; 2 cores ≈ 2000 / p50 req/s at best."""
    from portal import create_app
    from portal.catalogue_ext import catalogue_of

    app = create_app({"log_json": False, **config}, home=home)
    client = app.test_client()
    print("  server time in process, one request at a time:")
    for name, pick in scenarios.items():
        rnd = random.Random(1)
        times = []
        for i in range(count + 5):
            started = time.perf_counter()
            client.get(pick(rnd))
            if i >= 5:  # the first few warm caches
                times.append(time.perf_counter() - started)
        ordered = sorted(times)
        print(f"    {name:<16} p50 {statistics.median(ordered) * 1000:6.1f} ms  "
              f"p95 {_percentile(ordered, .95):6.1f} ms", flush=True)
    search = catalogue_of(app).search
    if search is not None and hasattr(search, "close"):
        search.close()
    catalogue_of(app).sessions.kw["bind"].dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--search", choices=("whoosh", "postgres"),
                        help="Search backend (default: whoosh on SQLite, postgres on "
                             "PostgreSQL; whoosh on PostgreSQL is the one-machine setup).")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=5,
                        help="Seconds of unmeasured load before each scenario.")
    parser.add_argument("--home", type=Path, help="Keep the generated home (and PostgreSQL "
                        "cluster) here and reuse it on the next run (one size).")
    args = parser.parse_args(argv)
    for n in args.sizes:
        run(n, args.db, args.workers, args.clients, args.seconds, args.home, args.search,
            args.warmup)


if __name__ == "__main__":
    main()

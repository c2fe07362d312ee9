"""Search benchmark: index build speed, index size and query latency (issue 4).

    python bench/search.py --sizes 10000 100000 --backends whoosh postgres \
        [--pg-url postgresql+psycopg://...] [--million] [--datasette]

Generates realistic Vietnamese datasets (topics × provinces × years, with
organizations, groups, tags and resource formats), indexes them, then runs a
mix of 200 queries (with and without diacritics, codes, English, filters),
each asking for three facets, and prints docs/s, size, p50/p95/p99 and qps.
Latency is given as wall time and as CPU time of this process
(``time.process_time``): on a shared, loaded machine the wall time mostly
measures the other processes. The mix runs twice: "cold" is the first pass
after opening the index (postings read from disk), "warm" the second, as a
running portal serves. Without ``--pg-url`` the postgres backend starts a
throw-away cluster from /usr/lib/postgresql/15/bin; its server CPU per query
is read from /proc and added (the client's CPU alone hides the database's work), and a
"cached" pass shows repeated searches served by the per-generation result cache.
``--datasette`` (when ``datasette`` is installed) loads the same catalogue into SQLite FTS5 and
compares Datasette's search with two facets against ours, 4 client threads each.
"""

from __future__ import annotations

import argparse
import os
import pwd
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalogue.search.analyzer import fold  # noqa: E402
from catalogue.search.backend import SearchBackend, SearchQuery  # noqa: E402

TOPICS = [
    ("Quan trắc chất lượng không khí", "không khí", "moi-truong", "air quality monitoring"),
    ("Quan trắc chất lượng nước mặt", "nước mặt", "moi-truong", "surface water quality"),
    ("Bảng giá đất", "giá đất", "dat-dai", "land prices"),
    ("Bản đồ địa chính", "bản đồ", "dat-dai", "cadastral maps"),
    ("Bản đồ hiện trạng rừng", "lâm nghiệp", "nong-nghiep", "forest status map"),
    ("Giấy phép khai thác khoáng sản", "khoáng sản", "dia-chat", "mining permits"),
    ("Lượng mưa tại các trạm khí tượng thủy văn", "thủy văn", "khi-tuong", "rainfall"),
    ("Diện tích và sản lượng lúa theo vụ", "lúa", "nong-nghiep", "rice production"),
    ("Nuôi trồng thủy sản", "thủy sản", "nong-nghiep", "aquaculture"),
    ("Danh mục di tích lịch sử văn hóa", "du lịch", "van-hoa", "historic sites"),
    ("Cơ sở lưu trú du lịch, khách sạn", "khách sạn", "van-hoa", "hotels"),
    ("Tuyến xe buýt nội tỉnh", "giao thông", "giao-thong", "bus routes"),
    ("Tai nạn giao thông đường bộ", "đường bộ", "giao-thong", "road accidents"),
    ("Trường học các cấp", "giáo dục", "giao-duc", "schools"),
    ("Cơ sở khám bệnh, chữa bệnh", "y tế", "y-te", "health facilities"),
    ("Dân số trung bình theo xã", "dân số", "kinh-te", "population"),
    ("Doanh nghiệp thành lập mới", "doanh nghiệp", "kinh-te", "new enterprises"),
    ("Nhà máy điện mặt trời và điện gió", "năng lượng", "cong-thuong", "solar and wind"),
    ("Kim ngạch xuất khẩu, nhập khẩu", "xuất khẩu", "cong-thuong", "exports and imports"),
    ("Trạm thu phát sóng di động BTS 5G", "viễn thông", "thong-tin", "mobile base stations"),
    ("Giấy phép xả nước thải đạt QCVN 40:2011/BTNMT", "nước thải", "moi-truong",
     "wastewater discharge permits"),
    ("Chất thải rắn sinh hoạt", "rác thải", "moi-truong", "municipal solid waste"),
    ("Hồ chứa, đập thủy lợi", "thủy lợi", "nong-nghiep", "reservoirs and dams"),
    ("Giao dịch thị trường bất động sản", "bất động sản", "xay-dung", "real estate"),
]
PROVINCES = ["Cao Bằng", "Cà Mau", "Sơn La", "Quảng Ninh", "Bình Phước", "Hà Giang", "Lào Cai",
             "Nghệ An", "Thanh Hóa", "Đắk Lắk", "Lâm Đồng", "Hải Phòng", "Đà Nẵng", "Cần Thơ",
             "Bến Tre", "An Giang", "Kiên Giang", "Thừa Thiên Huế", "Quảng Nam", "Gia Lai"]
DISTRICTS = ["thành phố", "huyện Bảo Lạc", "huyện Trùng Khánh", "thị xã", "huyện Năm Căn",
             "huyện Mộc Châu", "huyện Đồng Xoài", "quận Hải Châu"]
AGENCIES = ["so-tnmt", "so-nnptnt", "so-gtvt", "so-ct", "so-yt", "so-gddt", "so-vhttdl",
            "so-xd", "cuc-thong-ke"]
FORMATS = ["CSV", "XLSX", "JSON", "GeoJSON", "SHP", "PDF", "WMS"]


def generate(n: int, seed: int = 4) -> Iterator[dict[str, Any]]:
    """``n`` package dicts; deterministic for a seed."""
    rnd = random.Random(seed)
    for i in range(n):
        title, tag, group, english = rnd.choice(TOPICS)
        province = rnd.choice(PROVINCES)
        year = rnd.randint(2010, 2024)
        slug = "-".join(fold(province.lower()).split())
        agency = rnd.choice(AGENCIES)
        day = rnd.randint(1, 28)
        stamp = f"{year}-{rnd.randint(1, 12):02d}-{day:02d}T08:00:00"
        yield {
            "id": f"bench-{i:07d}", "name": f"ds-{i:07d}",
            "title": f"{title} {rnd.choice(DISTRICTS)} tỉnh {province} năm {year}",
            "title_en": f"{english.capitalize()}, {fold(province)} {year}",
            "notes": (f"Số liệu {tag} của tỉnh {province} năm {year}, do "
                      f"{agency.upper()} tổng hợp định kỳ; gồm {rnd.randint(3, 90)} chỉ tiêu."),
            "tags": [{"name": tag}, {"name": rnd.choice(TOPICS)[1]}, {"name": str(year)}],
            "organization": {"name": f"{agency}-{slug}", "title": f"{agency} {province}"},
            "groups": [{"name": group, "title": group}],
            "resources": [{"name": f"Dữ liệu {tag}", "format": rnd.choice(FORMATS),
                           "description": ""} for _ in range(rnd.randint(1, 3))],
            "license_id": rnd.choice(["cc-by-4.0", "odc-by", "other-open"]),
            "metadata_created": stamp, "metadata_modified": stamp,
            "state": "active" if rnd.random() > 0.03 else "draft",
            "private": rnd.random() < 0.05, "spatial": province,
            "temporal_start": f"{year}-01-01", "temporal_end": f"{year}-12-31",
        }


def queries(count: int = 200, seed: int = 7) -> list[SearchQuery]:
    """A mix of what people type: topics, places, folded text, codes, English, filters."""
    rnd = random.Random(seed)
    texts = [t[1] for t in TOPICS] + [t[0].split(",")[0] for t in TOPICS]
    texts += [fold(t) for t in texts] + ["QCVN 40", "5G", "air quality", "land prices",
                                         "ban do Cao Bang", "gia dat 2020"]
    texts += [f"{rnd.choice(TOPICS)[1]} {rnd.choice(PROVINCES)}" for _ in range(40)]
    result = []
    for _ in range(count):
        filters: dict[str, list[str]] = {}
        if rnd.random() < 0.2:
            filters["res_format"] = [rnd.choice(FORMATS)]
        if rnd.random() < 0.1:
            filters["year"] = [str(rnd.randint(2010, 2024))]
        q = "" if rnd.random() < 0.03 else rnd.choice(texts)
        result.append(SearchQuery(q=q, filters=filters, rows=20,
                                  facet_fields=["organization", "tags", "res_format"]))
    return result


PG_BIN = Path(os.environ.get("DULIEUMO_PG_BIN", "/usr/lib/postgresql/15/bin"))
FACETS = ["organization", "tags", "res_format"]


@contextmanager
def pg_cluster() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a Unix socket (as tests/pg_cluster.py), removed after."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if prefix:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            prefix = ["runuser", "-u", "nobody", "--"]
    home = Path(tempfile.mkdtemp(prefix="dulieumo-search-bench-pg-"))
    data = home / "data"
    try:
        if prefix:
            shutil.chown(home, user=prefix[2])
        subprocess.run([*prefix, str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U",
                        "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, capture_output=True)
        options = f"-p 54339 -k {home} -c listen_addresses='' -c fsync=off"
        subprocess.run([*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options,
                        "-l", str(home / "log"), "-w", "start"], check=True, capture_output=True)
        try:
            yield f"postgresql+psycopg://postgres@/postgres?host={home}&port=54339"
        finally:
            subprocess.run([*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m",
                            "immediate", "stop"], check=False, capture_output=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def make_backend(name: str, workdir: Path, pg_url: str | None,
                 reuse: bool = False) -> SearchBackend:
    if name == "whoosh":
        from catalogue.search.whoosh_backend import WhooshBackend
        return WhooshBackend(workdir / "whoosh")
    from catalogue.search.postgres_backend import PostgresBackend
    backend = PostgresBackend(str(pg_url), result_cache=0,  # the engine, not a cache
                              **_posting_cache())
    if not reuse:
        backend.clear()
    return backend


def size_of(name: str, workdir: Path, backend: SearchBackend) -> float:
    """Index size in MB."""
    if name == "whoosh":
        return sum(p.stat().st_size for p in (workdir / "whoosh").iterdir()) / 1e6
    from sqlalchemy import text
    engine = backend.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        parts = conn.execute(text(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
            "AND c.relname LIKE 'search\\_%' AND c.relkind IN ('r', 'i', 't') "
            "ORDER BY 2 DESC")).all()
        total = conn.execute(text("SELECT pg_total_relation_size('search_documents') + "
                                  "pg_total_relation_size('search_postings') + "
                                  "pg_total_relation_size('search_lexicon')")).scalar_one()
    print("    " + ", ".join(f"{n} {b / 1e6:.0f} MB" for n, b in parts if b >= 1e6), flush=True)
    return float(total) / 1e6


def _cuts(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49]:6.1f}  p95 {q[94]:6.1f}  p99 {q[98]:6.1f} ms"


def _server_pids(backend: SearchBackend) -> list[int]:
    """The local PostgreSQL server's processes (postmaster and children), if on this machine."""
    engine = getattr(backend, "engine", None)
    if engine is None:
        return []
    from sqlalchemy import text
    try:
        with engine.connect() as conn:
            pid = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
        postmaster = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return []  # a remote server: its CPU cannot be read from here
    pids = [postmaster]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                pids.append(int(entry.name))
    return pids


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (seconds; exited ones count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def measure(search: Callable[[SearchQuery], Any], mix: list[SearchQuery],
            backend: SearchBackend | None = None) -> dict[str, Any]:
    """Run the mix once, one query at a time: wall and CPU latencies, queries/s.

    For a local PostgreSQL the server's CPU over the whole pass is read from /proc
    (per query it is below the clock tick): ``server_ms`` is its mean per query.
    """
    wall, cpu = [], []
    pids = _server_pids(backend) if backend is not None else []
    server0 = _cpu_seconds(pids)
    began = time.perf_counter()
    for sq in mix:
        t0, c0 = time.perf_counter(), time.process_time()
        search(sq)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    elapsed = time.perf_counter() - began
    server = (_cpu_seconds(_server_pids(backend) if backend is not None else []) - server0) \
        if pids else None
    return {"wall": wall, "cpu": cpu, "qps": len(mix) / elapsed,
            "cpu_qps": len(mix) / (sum(cpu) / 1000),
            "server_ms": None if server is None else server * 1000 / len(mix)}


def _report(label: str, m: dict[str, Any]) -> None:
    line = (f"    {label}: wall {_cuts(m['wall'])}  {m['qps']:6.1f} q/s | CPU "
            f"{_cuts(m['cpu'])}  {m['cpu_qps']:6.1f} q/s per core")
    if m.get("server_ms") is not None:
        total = statistics.mean(m["cpu"]) + m["server_ms"]
        line += (f" | server CPU {m['server_ms']:6.1f} ms/query, client+server "
                 f"{total:6.1f} ms = {1000 / total:6.1f} q/s per core")
    print(line, flush=True)


def search_process(url: str, count: int) -> None:
    """The mix twice in a fresh process on a built PostgreSQL index: its memory."""
    from catalogue.search.postgres_backend import PostgresBackend
    backend = PostgresBackend(url, result_cache=0, **_posting_cache())
    mix = queries(count)
    began = _memory()
    _load_columns(backend)
    for _ in range(2):
        for sq in mix:
            backend.search(sq)
    print(f"    a fresh search process: {began} at start, {_memory()} after the mix twice",
          flush=True)
    backend.close()


def _load_columns(backend: SearchBackend) -> None:
    """One search without words, timed apart: PostgreSQL's in-memory columns are read on
    the first search of a process (at 1M most of a minute), which would otherwise count
    as the cold pass's first query."""
    t0, c0 = time.perf_counter(), time.process_time()
    backend.search(SearchQuery(q="", rows=0))
    print(f"    first search (the columns loaded): {time.perf_counter() - t0:.1f} s wall, "
          f"{time.process_time() - c0:.1f} s CPU, {_memory()}", flush=True)


def threaded(call: Callable[[Any], Any], items: list[Any], threads: int = 4
             ) -> tuple[list[float], float]:
    """``call`` on every item from ``threads`` client threads: latencies (ms), requests/s."""
    latencies: list[float] = []
    lock = threading.Lock()
    chunks = [items[i::threads] for i in range(threads)]

    def client(chunk: list[Any]) -> None:
        for item in chunk:
            t0 = time.perf_counter()
            call(item)
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
    workers = [threading.Thread(target=client, args=(c,)) for c in chunks]
    began = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return latencies, len(items) / (time.perf_counter() - began)


def _memory() -> str:
    """This process's resident memory now and at its peak (from /proc, in MB)."""
    try:
        status = dict(line.split(":", 1) for line in
                      Path("/proc/self/status").read_text().splitlines() if ":" in line)
        return (f"RSS {int(status['VmRSS'].split()[0]) / 1024:.0f} MB, "
                f"peak {int(status['VmHWM'].split()[0]) / 1024:.0f} MB")
    except (OSError, KeyError, ValueError):
        return "RSS unknown"


def _children_cpu() -> float:
    """CPU seconds of this process's ended children: the analysis workers of a build."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def after_write(backend: SearchBackend, mix: list[SearchQuery], times: int = 5) -> None:
    """The first search after a write (one dataset indexed), ``times`` over: what a visitor
    waits for after an editor saves, the process's columns and caches renewed."""
    waits, cpu = [], []
    for i in range(times):
        backend.index_documents(generate(1, seed=100 + i))
        t0, c0 = time.perf_counter(), time.process_time()
        backend.search(mix[i])
        waits.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    print(f"    first search after a write: wall {' '.join(f'{w:.0f}' for w in waits)} ms "
          f"(median {statistics.median(waits):.0f}), this process's CPU "
          f"{' '.join(f'{c:.0f}' for c in cpu)} ms", flush=True)


def run(name: str, size: int, pg_url: str | None, batch: int,
        count: int = 200, by_batch: bool = False, stage: str = "all") -> SearchBackend | None:
    """Build and measure one backend at one size; prints one block of figures.

    ``stage`` "build" stops after the build (the index stays in ``pg_url``'s database),
    "search" measures an index built before (a 1M build is too long to repeat after a
    change to the search code), "all" does both.
    """
    workdir = Path(tempfile.mkdtemp(prefix="dulieumo-search-bench-"))
    try:
        backend = make_backend(name, workdir, pg_url, reuse=stage == "search")
        if stage == "search":
            measure_searches(name, backend, str(pg_url), count)
            backend.close()
            return None
        pids = _server_pids(backend)
        server0 = _cpu_seconds(pids)
        started, cpu0, workers0 = time.perf_counter(), time.process_time(), _children_cpu()
        if name == "whoosh":
            backend.index_documents(generate(size))  # one writer, one segment: a rebuild
        elif by_batch:  # as harvests write: index_documents per batch, into indexed tables
            docs = generate(size)
            while chunk := [d for _, d in zip(range(batch), docs, strict=False)]:
                backend.index_documents(chunk)
        else:  # from scratch: ``dulieumo index rebuild``'s path (COPY, indexes built after)
            backend.rebuild(generate(size))
        build, build_cpu = time.perf_counter() - started, time.process_time() - cpu0
        workers = _children_cpu() - workers0
        server = f", server CPU {_cpu_seconds(_server_pids(backend)) - server0:.0f} s" \
            if pids else ""
        server += f", analysis workers' CPU {workers:.0f} s" if workers else ""
        mb = size_of(name, workdir, backend)
        print(f"{name:8} {size:>8} docs  build {build:7.1f} s wall = {size / build:6.0f} docs/s "
              f"({size / build_cpu:6.0f} docs/s of this process's CPU: {build_cpu:.0f} s"
              f"{server})  size {mb:7.1f} MB ({mb * 1e3 / size:.1f} kB/doc)  {_memory()}",
              flush=True)
        if stage == "all":
            measure_searches(name, backend, pg_url, count)
            if name == "whoosh" and DATASETTE:
                compare_datasette(backend, size, workdir, queries(count))
        backend.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return None


def measure_searches(name: str, backend: SearchBackend, pg_url: str | None,
                     count: int) -> None:
    """The mix cold and warm, a fresh search process, searches after a write, threads."""
    mix = queries(count)
    _load_columns(backend)
    for label in ("cold", "warm"):
        _report(label, measure(backend.search, mix, backend))
    print(f"    after the warm pass: {_memory()}", flush=True)
    if name == "postgres":
        # A search process as a portal worker is one: it never built the index.
        subprocess.run([sys.executable, __file__, "--search-process", str(pg_url),
                        "--queries", str(count), *(["--posting-cache-mb", str(POSTING_CACHE_MB)]
                                                   if POSTING_CACHE_MB is not None else [])],
                       check=True)
    after_write(backend, mix)
    if name == "postgres":
        # The engine's own cost above (no result cache); here a portal's repeated
        # searches: a first pass fills the per-generation result cache, a second hits it.
        from catalogue.search.postgres_backend import PostgresBackend
        cached = PostgresBackend(backend.engine,  # type: ignore[attr-defined]
                                 **_posting_cache())
        measure(cached.search, mix)
        _report("cached", measure(cached.search, mix, backend))
    latencies, rate = threaded(backend.search, mix)
    print(f"    4 client threads: {_cuts(latencies)}  {rate:6.1f} req/s", flush=True)


DATASETTE = False
POSTING_CACHE_MB: int | None = None  # --posting-cache-mb (None: the backend's default)


def _posting_cache() -> dict[str, int]:
    return {} if POSTING_CACHE_MB is None else {"posting_cache_mb": POSTING_CACHE_MB}


def _fts_database(path: Path, size: int) -> None:
    """The same catalogue as SQLite FTS5, the way Datasette users publish one."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE datasets (id TEXT PRIMARY KEY, name TEXT, title TEXT, notes TEXT, "
               "tags TEXT, organization TEXT, res_format TEXT, license_id TEXT)")
    db.executemany("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
        (d["id"], d["name"], d["title"], d["notes"], " ".join(t["name"] for t in d["tags"]),
         d["organization"]["name"], d["resources"][0]["format"], d["license_id"])
        for d in generate(size) if d["state"] == "active" and not d["private"]))
    db.execute('CREATE VIRTUAL TABLE datasets_fts USING fts5(title, notes, tags, '
               'content="datasets", content_rowid="rowid", '
               "tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO datasets_fts (rowid, title, notes, tags) "
               "SELECT rowid, title, notes, tags FROM datasets")
    db.commit()
    db.close()


def compare_datasette(backend: SearchBackend, size: int, workdir: Path,
                      mix: list[SearchQuery]) -> None:
    """Datasette on SQLite FTS5 vs our backend, same data, two facets, 4 client threads."""
    exe = shutil.which("datasette") or str(Path(sys.executable).parent / "datasette")
    if not Path(exe).exists():
        print("    datasette: not installed, comparison skipped")
        return
    path = workdir / "bench.db"
    _fts_database(path, size)
    port = 8765
    server = subprocess.Popen([exe, "serve", str(path), "-p", str(port), "--setting",
                               "facet_time_limit_ms", "5000", "--setting",
                               "sql_time_limit_ms", "10000"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/bench/datasets.json"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "?_size=1", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)  # polling a starting server, not waiting on our own clock

        def datasette(sq: SearchQuery) -> None:
            params = [("_facet", "organization"), ("_facet", "res_format"), ("_size", "20")]
            if sq.q:
                params.append(("_search", sq.q))
            urllib.request.urlopen(base + "?" + urllib.parse.urlencode(params),
                                   timeout=60).read()

        two = [SearchQuery(q=sq.q, rows=20, facet_fields=["organization", "res_format"])
               for sq in mix]
        datasette(two[0])
        theirs, their_rate = threaded(datasette, two)
        ours, our_rate = threaded(backend.search, two)
        print(f"    datasette 0.65 FTS5, 2 facets, 4 threads: {_cuts(theirs)}  "
              f"{their_rate:6.1f} req/s", flush=True)
        print(f"    dulieumo whoosh,     2 facets, 4 threads: {_cuts(ours)}  "
              f"{our_rate:6.1f} req/s  ({our_rate / their_rate:.1f}x)", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> None:
    global DATASETTE, POSTING_CACHE_MB
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 datasets")
    parser.add_argument("--backends", nargs="+", default=["whoosh"],
                        choices=["whoosh", "postgres"])
    parser.add_argument("--pg-url", help="SQLAlchemy URL of a scratch PostgreSQL database "
                                         "(default: start a throw-away cluster)")
    parser.add_argument("--pg-sizes", type=int, nargs="+", help="sizes for postgres "
                                                                "(default: --sizes)")
    parser.add_argument("--batch", type=int, default=5000, help="documents per index call")
    parser.add_argument("--pg-by-batch", action="store_true",
                        help="build PostgreSQL with index_documents per --batch, as harvests "
                             "write (default: a rebuild, COPY into fresh tables)")
    parser.add_argument("--queries", type=int, default=200,
                        help="queries in the mix (fewer for a quick look at a slow engine)")
    parser.add_argument("--datasette", action="store_true",
                        help="compare with Datasette on SQLite FTS5 (if installed)")
    parser.add_argument("--stage", choices=["all", "build", "search"], default="all",
                        help="build: build and stop (keep the index: give --pg-url); "
                             "search: measure an index built before in --pg-url")
    parser.add_argument("--posting-cache-mb", type=int,
                        help="cap of PostgreSQL's posting cache (search_posting_cache_mb; "
                             "128 is the fixed size before it grew with the catalogue)")
    parser.add_argument("--search-process", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    POSTING_CACHE_MB = args.posting_cache_mb
    if args.search_process:
        search_process(args.search_process, args.queries)
        return
    DATASETTE = args.datasette
    sizes = args.sizes + ([1_000_000] if args.million else [])
    for name in args.backends:
        if name == "postgres":
            with (pg_cluster() if not args.pg_url else _given(args.pg_url)) as url:
                for size in args.pg_sizes or sizes:
                    run(name, size, url, args.batch, args.queries, args.pg_by_batch,
                        args.stage)
        else:
            for size in sizes:
                run(name, size, None, args.batch, args.queries)


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    main()

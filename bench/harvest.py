"""Harvest benchmark: datasets/s, peak memory and the share of time spent validating (issue 3).

    python bench/harvest.py --sizes 1000 10000 --sources ckan files

For each size and source type a fresh home is made and N generated datasets (one CSV of
~50 rows each) are harvested: from a local CKAN Action API server (``ckan``), from the same
server answering real-shaped records (``ckan-real``: the 11 real CKAN package dicts of
../shared/fixtures/real/ckan/packages.json repeated, each resource a ~50-row CSV, ``rows``
capped at 1000 like CKAN's rows_max) or from a folder with ``.meta.toml`` sidecars
(``files``). Each scenario runs in its own process so
the peak memory (max RSS) is its own; a second run (everything unchanged) is timed too.
CPU seconds (of the harvest's process tree: the job's own process, ``main``, and its staging
workers, ``pool``, which also write the index; the CKAN server is a process of its own, not
counted) are reported beside wall seconds because a shared machine skews wall time: ``ds/s``
is datasets per wall second, ``ds/cpu-s`` per CPU second (issue 16 item 10 asks ≥ 50 per wall
second on two cores). ``--workers 0`` stages in the job's process, as small harvests do.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TOPICS = ("Quan trắc không khí", "Bảng giá đất", "Giấy phép khai thác khoáng sản",
          "Lượng mưa", "Sản lượng lúa", "Di tích lịch sử", "Chợ truyền thống", "Tai nạn giao thông")
PLACES = ("Quảng Ninh", "Bình Phước", "Cao Bằng", "Cà Mau", "Hà Giang", "Lâm Đồng")


def _csv(rng: random.Random, rows: int = 50) -> bytes:
    lines = ["ma,ten,huyen,nam,gia_tri"]
    for i in range(rows):
        lines.append(f"M{i:04d},Điểm {i},{rng.choice(PLACES)},{rng.randrange(2015, 2025)},"
                     f"{rng.uniform(0, 1000):.2f}")
    return ("\n".join(lines) + "\n").encode()


def _meta(i: int, rng: random.Random) -> dict[str, Any]:
    topic, place = TOPICS[i % len(TOPICS)], PLACES[i % len(PLACES)]
    return {"name": f"bo-du-lieu-{i:05d}", "title": f"{topic} tỉnh {place} ({i})",
            "description": f"{topic} trên địa bàn tỉnh {place}, số liệu tổng hợp.",
            "tags": [topic.split()[0].lower(), place], "groups": ["moi-truong"]}


REAL_PACKAGES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "ckan" \
    / "packages.json"


def _real_packages(n: int, base: str, rng: random.Random) -> tuple[list[dict[str, Any]],
                                                                     dict[str, bytes]]:
    """N copies of the real package dicts, each with its own id, name and CSV files."""
    real = json.loads(REAL_PACKAGES.read_text(encoding="utf-8"))
    packages, files = [], {}
    for i in range(n):
        package = json.loads(json.dumps(real[i % len(real)]))
        package["id"] = f"real-{i}"
        package["name"] = f"{package.get('name') or 'ban-ghi'}-{i}"
        for r, res in enumerate(package.get("resources") or []):
            files[f"r{i}-{r}.csv"] = _csv(rng)
            res["url"] = f"{base}/files/r{i}-{r}.csv"
        packages.append(package)
    return packages, files


def _ckan_server(n: int, real: bool = False) -> tuple[Any, str]:
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    rng = random.Random(1)
    files = {} if real else {f"d{i}.csv": _csv(rng) for i in range(n)}
    server_box: dict[str, str] = {}
    real_packages: list[dict[str, Any]] = []

    def package(i: int) -> dict[str, Any]:
        meta = _meta(i, rng)
        return {"id": f"id-{i}", "name": meta["name"], "title": meta["title"],
                "notes": meta["description"], "license_id": "cc-by", "private": False,
                "state": "active", "metadata_modified": "2024-01-01T00:00:00",
                "tags": [{"name": t} for t in meta["tags"]], "groups": [{"name": "moi-truong"}],
                "organization": {"name": "bench-org"},
                "resources": [{"name": f"d{i}.csv", "format": "CSV",
                               "url": f"{server_box['url']}/files/d{i}.csv"}]}

    @Request.application
    def app(request: Request) -> Response:
        if request.path.startswith("/files/"):
            return Response(files[request.path.removeprefix("/files/")], mimetype="text/csv")
        start, rows = int(request.args.get("start", 0)), int(request.args.get("rows", 100))
        if real:
            results = real_packages[start:start + min(rows, 1000)]
        else:
            results = [package(i) for i in range(start, min(start + rows, n))]
        return Response(json.dumps({"success": True, "result": {"count": n, "results": results}}),
                        mimetype="application/json")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    server_box["url"] = f"http://127.0.0.1:{server.server_port}"
    if real:
        found, generated = _real_packages(n, server_box["url"], rng)
        real_packages.extend(found)
        files.update(generated)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server_box["url"]


def _files_share(root: Path, n: int) -> None:
    rng = random.Random(2)
    for i in range(n):
        folder = root / f"nhom-{i // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"d{i}.csv").write_bytes(_csv(rng))
        meta = _meta(i, rng)
        (folder / f"d{i}.csv.meta.toml").write_text(
            f'name = "{meta["name"]}"\ntitle = "{meta["title"]}"\n'
            f'description = "{meta["description"]}"\n'
            f'tags = {json.dumps(meta["tags"], ensure_ascii=False)}\n'
            f'groups = ["moi-truong"]\n', encoding="utf-8")


def _load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _tree_cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its children that ended (the harvest's staging
    workers end with their job; the CKAN server, a child too, ends after both runs)."""
    return _cpu(), _cpu(resource.RUSAGE_CHILDREN)


def scenario(kind: str, n: int, workers: int | None = None) -> dict[str, Any]:
    """Harvest N generated datasets of one source type into a fresh home; return figures."""
    from catalogue.organizations.service import create_organization
    from harvesters.config import source_from_table
    from harvesters.registry import harvester_types
    from harvesters.runner import run_source
    from portal import create_app
    from portal.catalogue_ext import catalogue_of
    from portal.cli.home_cmds import initialise

    with tempfile.TemporaryDirectory(prefix="dulieumo-bench-") as tmp:
        home = Path(tmp) / "home"
        app = create_app(home=home)
        initialise(app)
        catalogue = catalogue_of(app)
        with catalogue.unit("bench") as uow:
            create_organization(uow, {"name": "bench-org", "title": "Sở thử nghiệm"})
            uow.commit()
        server = None
        if kind in ("ckan", "ckan-real"):
            # In a process of its own: its CPU time is the portal's, not the harvest's.
            server = subprocess.Popen([sys.executable, __file__, "--serve", kind, str(n)],
                                      stdout=subprocess.PIPE, text=True)
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            table: dict[str, Any] = {"url": url, "rows": 500}
        else:
            share = Path(tmp) / "share"
            _files_share(share, n)
            table = {"path": str(share)}
        types = harvester_types()
        source, problems = source_from_table(
            {"name": f"bench-{kind}", "type": kind.split("-")[0], "organization": "bench-org",
             "default_license": "CC-BY-4.0", **table}, Path("bench.toml"), types)
        assert source is not None, problems
        started, (own, children) = time.perf_counter(), _tree_cpu()
        first = run_source(catalogue, source, types, home / "locks", workers=workers)
        first_seconds = time.perf_counter() - started
        own_after, children_after = _tree_cpu()
        main_cpu, workers_cpu = own_after - own, children_after - children
        first_cpu = main_cpu + workers_cpu
        started, (own, children) = time.perf_counter(), _tree_cpu()
        second = run_source(catalogue, source, types, home / "locks", workers=workers)
        second_seconds = time.perf_counter() - started
        second_cpu = sum(_tree_cpu()) - own - children
        if server is not None:
            server.terminate()
            server.wait()
        search = catalogue.search
        if search is not None and hasattr(search, "close"):
            search.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "source": kind, "n": n, "new": first.counts["new"], "failed": first.counts["failed"],
        "skipped": first.counts["skipped"],
        "seconds": round(first_seconds, 1), "datasets_per_s": round(n / first_seconds, 1),
        "cpu_seconds": round(first_cpu, 1), "main_cpu_seconds": round(main_cpu, 1),
        "worker_cpu_seconds": round(workers_cpu, 1),
        "datasets_per_cpu_s": round(n / first_cpu, 1),
        # Validation's share of the job's CPU time (wall time is skewed on a busy machine).
        "validation_share": round(first.stats["validation_cpu_seconds"] / first_cpu, 3),
        "rerun_seconds": round(second_seconds, 1), "rerun_cpu_seconds": round(second_cpu, 1),
        "rerun_unchanged": second.counts["unchanged"], "peak_rss_mb": round(peak_kb / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--sources", nargs="+", default=["ckan", "files"],
                        choices=["ckan", "ckan-real", "files"])
    parser.add_argument("--workers", type=int, default=None,
                        help="staging worker processes (default: the harvest's own choice; "
                             "0: stage in the job's process)")
    parser.add_argument("--scenario", nargs=2, metavar=("SOURCE", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--serve", nargs=2, metavar=("SOURCE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _, url = _ckan_server(int(args.serve[1]), real=args.serve[0] == "ckan-real")
        print(url, flush=True)
        threading.Event().wait()  # until the benchmark terminates it
    if args.scenario:
        print(json.dumps(scenario(args.scenario[0], int(args.scenario[1]), args.workers)))
        return
    # The load says how far wall time is the neighbours' (a shared machine): see the README.
    print(f"load average (1, 5, 15 min) before: {_load()}", flush=True)
    print(f"{'source':<10}{'N':>7}{'new':>7}{'skipped':>8}{'failed':>7}{'seconds':>9}{'ds/s':>8}"
          f"{'cpu s':>8}{'(main':>7}{'+pool)':>7}{'ds/cpu-s':>9}{'valid.%':>9}{'rerun s':>9}"
          f"{'cpu s':>7}{'peak MB':>9}")
    for n in args.sizes:
        for kind in args.sources:
            extra = [] if args.workers is None else ["--workers", str(args.workers)]
            out = subprocess.run([sys.executable, __file__, "--scenario", kind, str(n), *extra],
                                 check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"{r['source']:<10}{r['n']:>7}{r['new']:>7}{r['skipped']:>8}{r['failed']:>7}"
                  f"{r['seconds']:>9}"
                  f"{r['datasets_per_s']:>8}{r['cpu_seconds']:>8}{r['main_cpu_seconds']:>7}"
                  f"{r['worker_cpu_seconds']:>7}{r['datasets_per_cpu_s']:>9}"
                  f"{r['validation_share'] * 100:>8.1f}%"
                  f"{r['rerun_seconds']:>9}{r['rerun_cpu_seconds']:>7}{r['peak_rss_mb']:>9}",
                  flush=True)
    print(f"load average (1, 5, 15 min) after: {_load()}")


if __name__ == "__main__":
    main()

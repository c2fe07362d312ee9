"""Memory of the server while anonymous users open previews of decompression bombs (issue 15).

    python bench/preview_bomb.py [--users 4] [--rounds 3] [--gunicorn-workers 4] [--home DIR]

Builds a home with three uploaded files: an XLSX bomb (a few MB that unzip to ~1.6 GB), an
XLSX just under the declared limits whose sheet holds millions of cells, and a GZIP'd CSV
that inflates to 1 GiB. Then, for the threaded server (``dulieumo serve``, one process) and
gunicorn (``--production``), ``--users`` threads open every resource page at once, first with
an empty preview cache (each view computes), then again (read from the cache), while the
server's memory is sampled every 20 ms from /proc. Prints the peak RSS of the process (the
threaded server) or of the largest worker and the peak summed PSS (gunicorn; shared pages
counted once), and what each page said.

Target (issue 15): the server stays under 600 MB while 4 anonymous users open such a preview
(it reached 2.3 GB, +1 GB per preview, before previews were bounded); every page says the
file is too large to preview, or shows the first rows.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

TOO_LARGE = "Tệp quá lớn để xem trước"


def build(home: Path, work: Path) -> list[tuple[str, str]]:
    """The home with the three files published; (label, resource page path) of each."""
    from bombs import gzip_bomb, xlsx_bomb

    from catalogue.clock import FixedClock
    from catalogue.datasets.service import Upload, create_dataset, create_resource
    from catalogue.organizations.service import create_organization
    from portal import create_app
    from portal.catalogue_ext import catalogue_of
    from portal.cli.home_cmds import initialise

    started = time.perf_counter()
    files = [
        ("xlsx-bomb-1.6GB", xlsx_bomb(work / "bom.xlsx", rows=10_000_000, block_rows=1),
         "bom.xlsx", "XLSX"),
        # Within the declared size (a real export could look like this): the cell budget stops it.
        ("xlsx-cells-175MB", xlsx_bomb(work / "o.xlsx", rows=800_000, distinct=True),
         "o.xlsx", "XLSX"),
        ("gzip-csv-1GB", gzip_bomb(work / "bom.csv.gz", 1024), "bom.csv.gz", "GZ"),
    ]
    app = create_app(home=home, clock=FixedClock(datetime(2026, 3, 2, 8, 30)))
    initialise(app)
    catalogue = catalogue_of(app)
    pages = []
    with catalogue.unit("bench") as uow:
        create_organization(uow, {"name": "so-thu", "title": "Sở Thử"})
        create_dataset(uow, {"name": "bom", "title": "Bom", "owner_org": "so-thu",
                             "license_id": "CC-BY-4.0"})
        for label, path, filename, fmt in files:
            with path.open("rb") as fh:
                stored = catalogue.files.put(fh)
            res = create_resource(uow, "bom", {"name": label, "format": fmt},
                                  upload=Upload(stored, filename, "application/octet-stream"))
            pages.append((label, f"/dataset/bom/resource/{res.id}"))
            print(f"  {label}: {path.stat().st_size / 1e6:.1f} MB on disk")
        uow.commit()
    catalogue.sessions.kw["bind"].dispose()
    print(f"  built in {time.perf_counter() - started:.0f} s")
    return pages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _group(pgid: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            pids.append(int(stat.parent.name))
    return pids


def _kb(pid: int, path: str, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Peak RSS of the largest process and peak summed PSS of a process group."""

    def __init__(self, pgid: int) -> None:
        super().__init__(daemon=True)
        self.pgid, self.stop = pgid, threading.Event()
        self.max_rss = self.max_pss_sum = 0

    def run(self) -> None:
        while not self.stop.is_set():
            pids = _group(self.pgid)
            rss = [_kb(p, "status", "VmRSS") for p in pids]
            pss = sum(_kb(p, "smaps_rollup", "Pss") for p in pids)
            self.max_rss = max([self.max_rss, *rss])
            self.max_pss_sum = max(self.max_pss_sum, pss)
            self.stop.wait(0.02)


@contextmanager
def server(home: Path, gunicorn_workers: int) -> Iterator[tuple[int, int]]:
    port = _free_port()
    env = {**os.environ, "DULIEUMO_HOME": str(home), "DULIEUMO_LOG_JSON": "false",
           "DULIEUMO_WORKERS": str(gunicorn_workers), "DULIEUMO_BIND": f"127.0.0.1:{port}"}
    if gunicorn_workers:
        command = [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_config",
                   "portal.wsgi:app"]
    else:
        command = [sys.executable, "-c", "from portal.cli import main; main()", "--home",
                   str(home), "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not answer within 60 s") from None
                time.sleep(0.2)
        time.sleep(2)  # let every worker finish starting
        yield port, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def scenario(home: Path, pages: list[tuple[str, str]], users: int, rounds: int,
             gunicorn_workers: int) -> None:
    kind = f"gunicorn, {gunicorn_workers} workers" if gunicorn_workers else "threaded server"
    shutil.rmtree(home / "files" / "previews", ignore_errors=True)  # every view computes
    with server(home, gunicorn_workers) as (port, pgid):
        idle = Sampler(pgid)
        idle.start()
        time.sleep(0.5)
        idle.stop.set()
        idle.join()
        print(f"{kind}: idle largest process {idle.max_rss / 1024:.0f} MB, "
              f"summed PSS {idle.max_pss_sum / 1024:.0f} MB")
        for label, path in pages:
            for attempt in range(rounds):
                sampler = Sampler(pgid)
                sampler.start()
                said: list[str] = []
                started = time.perf_counter()

                def view(target: str = path, into: list[str] = said) -> None:
                    status, body = _get(port, target)
                    into.append(f"{status} " + ("too large" if TOO_LARGE in body else
                                                "table" if 'class="preview"' in body else
                                                "other"))

                threads = [threading.Thread(target=view) for _ in range(users)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                elapsed = time.perf_counter() - started
                sampler.stop.set()
                sampler.join()
                cache = "cold" if attempt == 0 else "cached"
                print(f"  {label:18} {cache:6} {users} users: {elapsed:5.2f} s, peak RSS "
                      f"{sampler.max_rss / 1024:5.0f} MB (largest process), summed PSS "
                      f"{sampler.max_pss_sum / 1024:5.0f} MB; pages: "
                      f"{', '.join(sorted(set(said)))}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="dulieumo-bomb-"))
    home = args.home or work / "home"
    home.mkdir(parents=True, exist_ok=True)
    try:
        pages = build(home, work)
        scenario(home, pages, args.users, args.rounds, 0)
        if args.gunicorn_workers:
            scenario(home, pages, args.users, args.rounds, args.gunicorn_workers)
    finally:
        if args.home is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

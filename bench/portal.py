"""Portal benchmark: server-side latency of the home, search and dataset pages (issue 6).

    python bench/portal.py --sizes 10000 100000 [--requests 200]

Loads ``n`` generated Vietnamese datasets (the generator of ``bench/search.py``) straight
into a fresh SQLite catalogue and Whoosh index, then times requests through the WSGI app
in process (no network: the figure is what the server spends). Prints p50/p95/max per page
and the page weight. Target (issue 6): p95 ≤ 100 ms at 100k datasets.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from catalogue.datasets.model import Dataset, Resource, Tag, dataset_group, dataset_tag  # noqa: E402
from catalogue.groups.model import Group  # noqa: E402
from catalogue.organizations.model import Organization  # noqa: E402

BATCH = 2000


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def load(app: Any, n: int, index: bool = True) -> list[str]:
    """Insert ``n`` datasets with their agencies, sectors, tags and resources; index them."""
    from portal.catalogue_ext import catalogue_of

    catalogue = catalogue_of(app)
    generate = _generator()
    packages = list(generate(n))
    now = datetime(2026, 3, 1)
    with catalogue.sessions() as session:
        groups = {g.name: g.id for g in session.scalars(select(Group))}
        orgs: dict[str, str] = {}
        tags: dict[str, str] = {}
        for pkg in packages:
            org = pkg["organization"]
            if org["name"] not in orgs:
                orgs[org["name"]] = str(uuid.uuid4())
                session.execute(insert(Organization.__table__), [{
                    "id": orgs[org["name"]], "name": org["name"], "title": org["title"],
                    "created": now}])
            for g in pkg["groups"]:
                if g["name"] not in groups:
                    groups[g["name"]] = str(uuid.uuid4())
                    session.execute(insert(Group.__table__), [{
                        "id": groups[g["name"]], "name": g["name"], "title": g["title"],
                        "created": now}])
            for t in pkg["tags"]:
                tags.setdefault(t["name"], str(uuid.uuid4()))
        session.execute(insert(Tag.__table__), [{"id": i, "name": name}
                                                for name, i in tags.items()])
        for start in range(0, n, BATCH):
            chunk = packages[start:start + BATCH]
            session.execute(insert(Dataset.__table__), [{
                "id": p["id"], "name": p["name"], "title": p["title"], "title_en": p["title_en"],
                "notes": p["notes"], "license_id": p["license_id"], "state": p["state"],
                "private": p["private"], "spatial": p["spatial"],
                "metadata_created": datetime.fromisoformat(p["metadata_created"]),
                "metadata_modified": datetime.fromisoformat(p["metadata_modified"]),
                "owner_org_id": orgs[p["organization"]["name"]]} for p in chunk])
            session.execute(insert(dataset_group), [
                {"dataset_id": p["id"], "group_id": groups[g["name"]]}
                for p in chunk for g in p["groups"]])
            session.execute(insert(dataset_tag), [
                {"dataset_id": p["id"], "tag_id": tags[t["name"]]}
                for p in chunk for t in {t["name"]: t for t in p["tags"]}.values()])
            session.execute(insert(Resource.__table__), [{
                "id": str(uuid.uuid4()), "dataset_id": p["id"], "position": i,
                "url": f"https://example.gov.vn/{p['name']}/{i}", "name": r["name"],
                "format": r["format"], "created": now, "extras": {}}
                for p in chunk for i, r in enumerate(p["resources"])])
        session.commit()
    # Bulk rows bypass the service layer: give them their package documents as an upgrade would.
    from catalogue.datasets.package_cache import rebuild_package_documents

    rebuild_package_documents(catalogue.sessions, catalogue.site_url, now)
    search = catalogue.search
    if not index or search is None:
        return [p["name"] for p in packages if p["state"] == "active" and not p["private"]]
    for start in range(0, n, BATCH):
        search.index_documents(packages[start:start + BATCH])
    if hasattr(search, "optimize"):
        search.optimize()
    return [p["name"] for p in packages if p["state"] == "active" and not p["private"]]


def timed(client: Any, urls: list[str]) -> tuple[list[float], int]:
    times, weight = [], 0
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        weight = max(weight, len(response.data))
    return times, weight


def report(name: str, times: list[float], weight: int) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (f"  {name:<8} p50 {statistics.median(ordered):6.1f} ms  p95 {p95:6.1f} ms  "
            f"max {ordered[-1]:6.1f} ms  largest page {weight / 1024:5.1f} KiB")


def run(n: int, requests: int, db_only: bool = False) -> None:
    from catalogue.clock import FixedClock
    from portal import create_app
    from portal.catalogue_ext import catalogue_of
    from portal.cli.home_cmds import initialise

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        app = create_app({"log_json": False}, home=home,
                         clock=FixedClock(datetime(2026, 3, 2, 8, 0)))
        initialise(app)
        catalogue = catalogue_of(app)
        if db_only:
            catalogue.search = None  # home and dataset pages do not use the search engine
        elif catalogue.search is None:
            from catalogue.search.whoosh_backend import WhooshBackend

            catalogue.search = WhooshBackend(home / "bench-index")
        started = time.perf_counter()
        names = load(app, n, index=not db_only)
        print(f"{n} datasets loaded and indexed in {time.perf_counter() - started:.0f} s")
        rnd = random.Random(6)
        words = ["khong khi", "nước mặt", "gia dat", "Cao Bằng", "thuy san", "truong hoc",
                 "bản đồ địa chính", "doanh nghiep 2020", "QCVN 40:2011", "xe buyt"]
        facets = ["", "&groups=moi-truong", "&res_format=CSV", "&year=2020"]
        client = app.test_client()
        pages = {
            "home": ["/"] * requests,
            "search": [f"/dataset?q={rnd.choice(words)}{rnd.choice(facets)}"
                       for _ in range(requests)],
            "browse": [f"/dataset?page={rnd.randint(1, 50)}{rnd.choice(facets)}"
                       for _ in range(requests // 2)],
            "dataset": [f"/dataset/{rnd.choice(names)}" for _ in range(requests)],
        }
        if db_only:
            del pages["search"], pages["browse"]
        for urls in pages.values():
            timed(client, urls[:5])  # warm templates and caches
        print(f"{n} datasets, {requests} requests per page (server side, in process):")
        for name, urls in pages.items():
            print(report(name, *timed(client, urls)))
        if catalogue.search is not None:
            catalogue.search.close()  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db-only", action="store_true",
                        help="skip the search index (Whoosh indexing is slow at 100k); "
                             "times the home and dataset pages only")
    args = parser.parse_args(argv)
    for n in args.sizes:
        run(n, args.requests, args.db_only)


if __name__ == "__main__":
    main()

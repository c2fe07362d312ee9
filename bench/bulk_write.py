"""Bulk writes through the service layer: datasets/s, wall and per CPU-second (issue 16 item 10).

    python bench/bulk_write.py --n 1000 --batch 1 50

A fresh home; ``n`` harvest-shaped datasets (one validated CSV resource, tags, a group,
extras, provenance) are each passed through the publishing gate and created with
``create_dataset`` — revision, audit entry and package document included — ``batch`` to a
transaction, each inside its own savepoint, as the harvest writes them
(``harvesters/writing.py``). ``--batch 1`` is one transaction per dataset. CPU seconds are
printed beside wall seconds: on a shared machine wall time says more about the neighbours.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _dataset(i: int) -> dict[str, Any]:
    return {
        "name": f"bo-du-lieu-{i:05d}", "title": f"Quan trắc không khí tỉnh Cà Mau ({i})",
        "notes": "Số liệu quan trắc tự động, tổng hợp theo ngày.", "license_id": "CC-BY-4.0",
        "owner_org": "bench-org", "tags": ["không khí", "Cà Mau", f"tram-{i % 40}"],
        "groups": ["moi-truong"], "state": "active",
        "extras": {"source_system": "CKAN Sở TN&MT", "source_type": "ckan"},
        "harvest_source": "bench", "source_identifier": f"id-{i}", "content_hash": f"{i:064x}",
        "resources": [{
            "name": "du-lieu.csv", "url": "du-lieu.csv", "url_type": "upload", "format": "CSV",
            "sha256": f"{i:064x}", "size": 2400, "mimetype": "text/csv",
            "validation_status": "valid",
            "validation_report": {"error_types": {}, "errors": [],
                                  "stats": {"rows_checked": 50, "fields": 5}},
            "schema": {"fields": [{"name": "ma", "type": "string"},
                                  {"name": "gia_tri", "type": "number"}]},
            "extras": {"source_url": f"http://127.0.0.1/files/d{i}.csv"}}],
    }


def run(n: int, batch: int) -> dict[str, Any]:
    """Create ``n`` datasets, ``batch`` to a transaction, in a fresh home; return figures."""
    from catalogue.datasets.service import create_dataset
    from catalogue.organizations.service import create_organization
    from catalogue.publishing.gate import Publish, decide, source_principal
    from portal import create_app
    from portal.catalogue_ext import catalogue_of
    from portal.cli.home_cmds import initialise

    with tempfile.TemporaryDirectory(prefix="dulieumo-bulk-") as tmp:
        app = create_app(home=Path(tmp) / "home")
        initialise(app)
        catalogue = catalogue_of(app)
        with catalogue.unit("bench") as uow:
            org_id = create_organization(uow, {"name": "bench-org", "title": "Sở"}).id
            uow.commit()
        # As the harvest does: index after the batch (bench/harvest.py times that part).
        writer = replace(catalogue, search=None)
        statements = [0]
        event.listen(catalogue.engine, "before_cursor_execute",
                     lambda *_: statements.__setitem__(0, statements[0] + 1))
        principal = source_principal("bench", org_id, publishes=True)
        started, cpu_started = time.perf_counter(), time.process_time()
        for start in range(0, n, batch):
            with writer.unit("harvest:bench") as uow:
                for i in range(start, min(start + batch, n)):
                    data = _dataset(i)
                    decision = decide(principal, org_id=org_id, before=None, after=data)
                    assert isinstance(decision, Publish)
                    savepoint = uow.session.begin_nested()
                    create_dataset(uow, data, message="bench", trusted=True)
                    uow.session.flush()
                    savepoint.commit()
                uow.commit()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"n": n, "batch": batch, "seconds": wall, "cpu_seconds": cpu,
            "per_s": n / wall, "per_cpu_s": n / cpu, "statements": statements[0] / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 50])
    args = parser.parse_args()
    # On the shared machine wall time is the neighbours' as much as ours: say how busy it was.
    print("load average (1, 5, 15 min) before: "
          + " ".join(f"{n:.2f}" for n in os.getloadavg()), flush=True)
    print(f"{'N':>6}{'batch':>7}{'seconds':>9}{'ds/s':>8}{'cpu s':>8}{'ds/cpu-s':>10}"
          f"{'SQL/ds':>8}")
    for batch in args.batch:
        r = run(args.n, batch)
        print(f"{r['n']:>6}{r['batch']:>7}{r['seconds']:>9.1f}{r['per_s']:>8.1f}"
              f"{r['cpu_seconds']:>8.1f}{r['per_cpu_s']:>10.1f}{r['statements']:>8.1f}",
              flush=True)
    print("load average (1, 5, 15 min) after: "
          + " ".join(f"{n:.2f}" for n in os.getloadavg()))


if __name__ == "__main__":
    main()

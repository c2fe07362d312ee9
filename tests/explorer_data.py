"""A published dataset whose table is loaded into the datastore, for the table explorer's
tests (issue 21 item 4): 1,205 communes, more rows than the old preview ever showed."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from catalogue.context import Catalogue
from catalogue.datasets import service as datasets

DISTRICTS = ("Hạ Long", "Cẩm Phả", "Uông Bí", "Đông Triều")
SCHEMA = {"fields": [
    {"name": "xa", "type": "string", "title": "Xã", "title_en": "Commune"},
    {"name": "huyen", "type": "string", "title": "Huyện", "title_en": "District"},
    {"name": "dan_so", "type": "integer", "title": "Dân số", "title_en": "Population",
     "unit": "người"},
    {"name": "dien_tich", "type": "number", "title": "Diện tích", "unit": "ha"},
    {"name": "ngay", "type": "date", "title": "Ngày cập nhật"}]}
ROWS = 1205


@dataclass(frozen=True)
class Loaded:
    name: str
    resource_id: str


def commune_rows(count: int = ROWS, *, bump: int = 0) -> list[list[str]]:
    """Rows ``i`` = 1..count: commune "Xã số i" (every 7th "Đồng Tâm i", to search with and
    without diacritics), district by i % 4, population 1000 + i + bump."""
    rows = []
    for i in range(1, count + 1):
        commune = f"Đồng Tâm {i}" if i % 7 == 0 else f"Xã số {i}"
        rows.append([commune, DISTRICTS[i % 4], str(1000 + i + bump), f"{i * 1.25:.2f}",
                     f"2024-{(i % 12) + 1:02d}-{(i % 28) + 1:02d}"])
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f["name"] for f in SCHEMA["fields"]])
    writer.writerows(rows)
    return out.getvalue().encode()


def load_communes(catalogue: Catalogue, org: str, name: str = "dan-so-xa", *,
                  private: bool = False, rows: int = ROWS) -> Loaded:
    """Create the dataset with its CSV of ``rows`` communes (validated, with the schema
    above) and load it."""
    with catalogue.unit("test") as uow:
        ds = datasets.create_dataset(uow, {"name": name, "title": "Dân số các xã",
                                           "owner_org": org, "license_id": "CC-BY-4.0",
                                           "private": private})
        res = datasets.create_resource(
            uow, ds.id, {"name": "Dân số 2024", "format": "CSV", "schema": SCHEMA,
                         "validation_status": "valid"},
            upload=datasets.Upload(catalogue.files.put_bytes(csv_bytes(commune_rows(rows))),
                                   "dan-so.csv", "text/csv"), trusted=True)
        uow.commit()
        loaded = Loaded(name, res.id)
    run_loads(catalogue)
    return loaded


def replace_file(catalogue: Catalogue, loaded: Loaded, rows: list[list[str]]) -> None:
    """A new file for the resource (a new published version), loaded."""
    with catalogue.unit("test") as uow:
        datasets.update_resource(uow, loaded.resource_id, {"validation_status": "valid"},
                                 partial=True, trusted=True, upload=datasets.Upload(
                                     catalogue.files.put_bytes(csv_bytes(rows)), "dan-so.csv",
                                     "text/csv"))
        uow.commit()
    run_loads(catalogue)


def run_loads(catalogue: Catalogue) -> None:
    service = catalogue.datastore
    assert service is not None and hasattr(service, "run_queued")
    statuses = service.run_queued()
    # A job for a file replaced before it ran is passed over; the newest one loads.
    assert statuses and statuses[-1].status == "done", statuses
    assert not any(s.status == "failed" for s in statuses), statuses

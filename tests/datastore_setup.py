"""Loading real files into a bare datastore (the ``datastore_db`` fixture of conftest.py)."""

from __future__ import annotations

import copy
import functools
from datetime import datetime
from pathlib import Path
from typing import Any

from catalogue.datastore.loader import Source, load_table
from catalogue.datastore.store import Datastore, TableInfo
from catalogue.validation import ValidationLimits, validate_resource_file

LOADED_AT = datetime(2026, 3, 2, 8, 30)


@functools.cache
def _validated(path: Path, fmt: str) -> dict[str, Any]:
    outcome = validate_resource_file(path, fmt, None, ValidationLimits(), filename=path.name)
    assert outcome.status == "valid", outcome.report
    return outcome.schema


def schema_of(path: Path, fmt: str, **options: Any) -> dict[str, Any]:
    """The Table Schema validation gives the file (what the loader types columns by)."""
    if not options:
        return copy.deepcopy(_validated(path, fmt))  # validated once per session
    outcome = validate_resource_file(path, fmt, None, ValidationLimits(), filename=path.name,
                                     **options)
    assert outcome.status == "valid", outcome.report
    return outcome.schema


def load(store: Datastore, resource_id: str, path: Path, fmt: str = "csv",
         schema: dict[str, Any] | None = None, **options: Any) -> TableInfo:
    """Validate (unless a schema is given) and load a file as validation saw it."""
    chosen = schema if schema is not None else schema_of(path, fmt, **options)
    return load_table(store, resource_id, Source(path, fmt, path.name, **options), chosen,
                      sha256=resource_id.ljust(64, "0")[:64], version=1, now=LOADED_AT)


def publish_table(client: Any, token: str, org: str, name: str, path: Path, *,
                  private: bool = False, state: str | None = None) -> str:
    """A dataset ``name`` with ``path`` uploaded through the API as ``token``; its resource
    id. The load is queued by the upload's commit (run it with ``run_loads``)."""
    fields: dict[str, Any] = {"name": name, "title": name, "owner_org": org,
                              "private": private, "license_id": "CC-BY-4.0"}
    if state:
        fields["state"] = state
    created = client.post("/api/3/action/package_create", headers={"Authorization": token},
                          json=fields)
    assert created.status_code == 200, created.get_json()
    uploaded = client.post("/api/3/action/resource_create", headers={"Authorization": token},
                           data={"package_id": name, "name": path.stem,
                                 "upload": (path.open("rb"), path.name, "text/csv")},
                           content_type="multipart/form-data")
    body = uploaded.get_json()
    assert uploaded.status_code == 200, body
    return str(body["result"]["id"])


def run_loads(app: Any) -> list[Any]:
    """Run every queued datastore load now (what the worker thread does in production)."""
    from portal.catalogue_ext import datastore_of

    done = datastore_of(app).run_queued()
    assert all(status.status == "done" for status in done), done
    return done


COMMUNES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "vn" / (
    "don-vi-hanh-chinh-cap-xa-2025.csv")


def communes_slice(folder: Path, rows: int = 200) -> Path:
    """The real communes file cut to its header, first ``rows`` rows and its last row (Xã Đất
    Mũi), written under ``folder``: the same data, loaded in a fraction of the time."""
    lines = COMMUNES.read_text(encoding="utf-8").splitlines(keepends=True)
    path = folder / "don-vi-hanh-chinh-cap-xa.csv"
    path.write_text("".join(lines[:rows + 1] + lines[-1:]), encoding="utf-8")
    return path

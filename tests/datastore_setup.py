"""Loading real files into a bare datastore (the ``datastore_db`` fixture of conftest.py)."""

from __future__ import annotations

import copy
import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from catalogue.datastore.loader import Source, load_table
from catalogue.datastore.store import Datastore, TableInfo
from catalogue.validation import ValidationLimits, validate_resource_file

LOADED_AT = datetime(2026, 3, 2, 8, 30)


_SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {}


def _validated(path: Path, fmt: str) -> dict[str, Any]:
    """Validated once per content and format in a session (the same slice, many tests)."""
    key = (hashlib.sha256(path.read_bytes()).hexdigest(), fmt)
    if key not in _SCHEMAS:
        outcome = validate_resource_file(path, fmt, None, ValidationLimits(),
                                         filename=path.name)
        assert outcome.status == "valid", outcome.report
        _SCHEMAS[key] = outcome.schema
    return _SCHEMAS[key]


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


def add_table(catalogue: Any, org: str, name: str, path: Path, *, private: bool = False,
              state: str = "active") -> str:
    """A dataset with ``path`` as a stored, validated file, written through the service
    layer (as a harvest writes it: no HTTP upload, validation once per session); its
    resource id. The commit queues the load (run it with ``run_loads``)."""
    from catalogue.datasets.service import create_dataset

    stored = catalogue.files.put_bytes(path.read_bytes())
    resource = {"name": path.stem, "url": path.name, "format": "CSV", "url_type": "upload",
                "sha256": stored.sha256, "size": stored.size,
                "schema": schema_of(path, "csv"), "validation_status": "valid",
                "validation_report": {}}
    with catalogue.unit("test") as uow:
        ds = create_dataset(uow, {"name": name, "title": name, "owner_org": org,
                                  "private": private, "state": state,
                                  "license_id": "CC-BY-4.0", "resources": [resource]},
                            trusted=True)
        uow.commit()
        return str(ds.resources[0].id)


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

"""Catalogue content for the operations tests (backups, restores, reports), written through
the service layer, and a comparable picture of a catalogue's whole state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from catalogue.context import Catalogue
from catalogue.datasets.model import Dataset, Resource
from catalogue.datasets.serialize import package_dict
from catalogue.datasets.service import Upload, create_dataset, create_resource, update_dataset
from catalogue.history.model import Revision


def publish(catalogue: Catalogue, org: str, name: str, *, groups: tuple[str, ...] = ("moi-truong",),
            data: bytes | None = None, actor: str = "editor@test") -> str:
    """A dataset with one uploaded CSV (bytes unique to it unless ``data`` is given)."""
    content = data if data is not None else f"tram,pm25\nHạ Long,{len(name)}\n{name}\n".encode()
    stored = catalogue.files.put_bytes(content)
    with catalogue.unit(actor) as uow:
        ds = create_dataset(uow, {"name": name, "title": f"Quan trắc {name}",
                                  "notes": "Số liệu quan trắc môi trường.", "owner_org": org,
                                  "license_id": "CC-BY-4.0",
                                  "groups": [{"name": g} for g in groups]})
        create_resource(uow, ds.id, {"name": f"{name}.csv", "format": "csv"},
                        upload=Upload(stored, f"{name}.csv", "text/csv"))
        uow.commit()
        return ds.id


def revise(catalogue: Catalogue, name: str, title: str) -> None:
    with catalogue.unit("editor@test") as uow:
        update_dataset(uow, name, {"title": title}, partial=True)
        uow.commit()


def catalogue_state(catalogue: Catalogue) -> dict[str, Any]:
    """Datasets as package dicts, every revision, and the sha256 of every stored file's bytes."""
    import hashlib

    with catalogue.sessions() as session:
        datasets = {ds.name: package_dict(ds, catalogue.site_url)
                    for ds in session.scalars(select(Dataset).order_by(Dataset.name))}
        revisions = [(r.dataset_id, r.number, r.action, r.actor, r.created_at, r.snapshot,
                      r.changes)
                     for r in session.scalars(select(Revision).order_by(Revision.dataset_id,
                                                                         Revision.number))]
        shas = sorted(set(session.scalars(select(Resource.sha256)
                                          .where(Resource.url_type == "upload"))))
    files = {sha: hashlib.sha256(catalogue.files.path(sha).read_bytes()).hexdigest()
             for sha in shas}
    return {"datasets": datasets, "revisions": revisions, "files": files}

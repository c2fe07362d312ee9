"""Stored package documents always say what the database says (issue 8's read path).

Every check compares the stored document with a package dict serialised from the rows at
that moment: after creates, resource changes, deletes, agency and sector renames, and for
datasets that have no document (bulk-loaded, or the portal moved to another address).
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import delete, select

from catalogue.context import Catalogue
from catalogue.datasets.model import PackageDocument
from catalogue.datasets.package_cache import (
    cached_packages,
    load_datasets,
    rebuild_package_documents,
)
from catalogue.datasets.serialize import package_dict
from catalogue.datasets.service import (
    create_dataset,
    create_resource,
    delete_dataset,
    delete_resource,
    update_dataset,
    update_resource,
)
from catalogue.groups.service import update_group
from catalogue.organizations.service import update_organization

AIR = {"name": "khong-khi", "title": "Quan trắc không khí", "groups": [{"name": "moi-truong"}],
       "resources": [{"url": "http://example.test/a.csv", "name": "a.csv", "format": "csv"}]}


def _stored(catalogue: Catalogue, dataset_id: str) -> dict[str, Any] | None:
    import json

    with catalogue.sessions() as session:
        body = session.scalars(select(PackageDocument.body).where(
            PackageDocument.dataset_id == dataset_id)).first()
        return json.loads(body) if body is not None else None


def _serialised(catalogue: Catalogue, dataset_id: str) -> dict[str, Any]:
    with catalogue.sessions() as session:
        return package_dict(load_datasets(session, [dataset_id])[0], catalogue.site_url)


def _create(catalogue: Catalogue, org: str) -> str:
    with catalogue.unit("editor") as uow:
        dataset_id = create_dataset(uow, {**AIR, "owner_org": org}).id
        uow.commit()
    return dataset_id


def test_a_new_dataset_has_its_document(catalogue: Catalogue, org: str) -> None:
    dataset_id = _create(catalogue, org)
    assert _stored(catalogue, dataset_id) == _serialised(catalogue, dataset_id)


def test_resource_changes_and_removal_reach_the_document(catalogue: Catalogue, org: str) -> None:
    dataset_id = _create(catalogue, org)
    with catalogue.unit("editor") as uow:
        added = create_resource(uow, dataset_id, {"url": "http://example.test/b.json",
                                                  "name": "b.json", "format": "json"})
        uow.commit()
    with catalogue.unit("editor") as uow:
        update_resource(uow, added.id, {"name": "b mới.json"})
        uow.commit()
    stored = _stored(catalogue, dataset_id)
    assert stored is not None
    assert [r["name"] for r in stored["resources"]] == ["a.csv", "b mới.json"]
    with catalogue.unit("editor") as uow:
        delete_resource(uow, added.id)
        uow.commit()
    stored = _stored(catalogue, dataset_id)
    assert stored == _serialised(catalogue, dataset_id)
    assert stored is not None and [r["name"] for r in stored["resources"]] == ["a.csv"]


def test_agency_and_sector_renames_reach_their_datasets(catalogue: Catalogue, org: str) -> None:
    dataset_id = _create(catalogue, org)
    with catalogue.unit("admin") as uow:
        update_organization(uow, org, {"title": "Sở Tài nguyên và Môi trường (mới)"})
        update_group(uow, "moi-truong", {"title": "Môi trường và khí hậu"})
        uow.commit()
    stored = _stored(catalogue, dataset_id)
    assert stored is not None
    assert stored["organization"]["title"] == "Sở Tài nguyên và Môi trường (mới)"
    assert [g["title"] for g in stored["groups"]] == ["Môi trường và khí hậu"]


def test_the_document_a_write_serialised_is_stored_as_the_rows_stand_at_commit(
        catalogue: Catalogue, org: str) -> None:
    """The commit stores the package dict the service layer made after its last change
    (issue 16 item 10: not serialised again), unless something since may have changed what
    it says: a rolled-back savepoint (a harvest's failed record, a review's simulation) or
    an agency rename in the same transaction."""
    with catalogue.unit("editor") as uow:
        dataset_id = create_dataset(uow, {**AIR, "owner_org": org}).id
        savepoint = uow.session.begin_nested()
        update_dataset(uow, dataset_id, {"title": "Đã hoàn tác"}, partial=True)
        savepoint.rollback()
        uow.commit()
    assert _stored(catalogue, dataset_id) == _serialised(catalogue, dataset_id)
    assert (_stored(catalogue, dataset_id) or {})["title"] == AIR["title"]
    with catalogue.unit("editor") as uow:
        update_dataset(uow, dataset_id, {"title": "Không khí"}, partial=True)
        update_organization(uow, org, {"title": "Sở (đổi tên cùng giao dịch)"})
        uow.commit()
    stored = _stored(catalogue, dataset_id)
    assert stored == _serialised(catalogue, dataset_id)
    assert stored is not None and stored["title"] == "Không khí"
    assert stored["organization"]["title"] == "Sở (đổi tên cùng giao dịch)"


def test_a_withdrawn_dataset_keeps_a_current_document(catalogue: Catalogue, org: str) -> None:
    dataset_id = _create(catalogue, org)
    with catalogue.unit("editor") as uow:
        delete_dataset(uow, dataset_id)
        uow.commit()
    stored = _stored(catalogue, dataset_id)
    assert stored is not None and stored["state"] == "deleted"


def test_missing_or_foreign_documents_are_serialised_on_read(catalogue: Catalogue,
                                                              org: str) -> None:
    first, second = _create(catalogue, org), None
    with catalogue.unit("editor") as uow:
        second = create_dataset(uow, {"name": "nuoc", "owner_org": org}).id
        uow.commit()
    with catalogue.sessions() as session:
        session.execute(delete(PackageDocument).where(PackageDocument.dataset_id == first))
        session.commit()
        # As if the portal had moved: documents built for another address are not used.
        found = cached_packages(session, [first, second], "https://du-lieu.example.vn")
    assert found[first]["resources"][0]["url"] == "http://example.test/a.csv"
    assert found[second]["name"] == "nuoc"
    assert _stored(catalogue, first) is None  # reads never write


def test_rebuild_fills_every_document(catalogue: Catalogue, org: str) -> None:
    dataset_id = _create(catalogue, org)
    with catalogue.sessions() as session:
        session.execute(delete(PackageDocument))
        session.commit()
    count = rebuild_package_documents(catalogue.sessions, catalogue.site_url,
                                      catalogue.clock.now())
    assert count == 1
    assert _stored(catalogue, dataset_id) == _serialised(catalogue, dataset_id)


def test_package_show_and_search_answer_from_documents(client: FlaskClient, catalogue: Catalogue,
                                                      org: str) -> None:
    dataset_id = _create(catalogue, org)
    shown = client.get("/api/3/action/package_show?id=khong-khi").get_json()["result"]
    expected = _serialised(catalogue, dataset_id)
    assert {k: v for k, v in shown.items() if k != "quality"} == expected
    assert client.get(f"/api/3/action/package_show?id={dataset_id}").status_code == 200
    assert client.get("/api/3/action/package_show?id=khong-co").status_code == 404

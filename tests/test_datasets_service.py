"""The service layer is the one way to change datasets, and it leaves a full history."""

from __future__ import annotations

import io

import pytest

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets.service import (
    Upload,
    create_dataset,
    create_resource,
    delete_dataset,
    delete_resource,
    get_dataset,
    update_dataset,
)
from catalogue.errors import NotFound, ValidationError
from catalogue.history.service import get_revision, list_revisions

AIR = {
    "name": "quan-trac-khong-khi",
    "title": "Quan trắc không khí Hạ Long",
    "notes": "Số liệu PM2.5 theo giờ.",
    "license_id": "CC-BY-4.0",
    "tags": [{"name": "không khí"}, "PM2.5"],
    "groups": [{"name": "moi-truong"}],
    "extras": [{"key": "nguồn", "value": "trạm tự động"}],
    "resources": [{"url": "http://example.test/air.csv", "name": "air.csv", "format": "csv"}],
}


def _create(catalogue: Catalogue, org: str, **changes: object) -> str:
    with catalogue.unit("editor@test") as uow:
        ds = create_dataset(uow, {**AIR, "owner_org": org, **changes})
        uow.commit()
        return ds.id


def test_create_records_first_revision_with_snapshot(catalogue: Catalogue, org: str) -> None:
    dataset_id = _create(catalogue, org)
    with catalogue.sessions() as session:
        revisions = list_revisions(session, dataset_id)
    assert [r.number for r in revisions] == [1]
    assert revisions[0].action == "dataset.create"
    assert revisions[0].actor == "editor@test"
    assert revisions[0].snapshot["title"] == AIR["title"]
    assert revisions[0].snapshot["resources"][0]["format"] == "CSV"


def test_update_keeps_previous_version_and_lists_changes(
        catalogue: Catalogue, org: str, clock: FixedClock) -> None:
    dataset_id = _create(catalogue, org)
    clock.advance(days=1)
    with catalogue.unit("admin@test") as uow:
        update_dataset(uow, "quan-trac-khong-khi", {"title": "Quan trắc không khí 2024"},
                       partial=True)
        uow.commit()
    with catalogue.sessions() as session:
        first = get_revision(session, dataset_id, 1)
        second = get_revision(session, dataset_id, 2)
        ds = get_dataset(session, dataset_id)
        tag_names = [t.name for t in ds.tags]
    assert first.snapshot["title"] == AIR["title"]
    assert second.snapshot["title"] == "Quan trắc không khí 2024"
    assert {"field": "title", "old": AIR["title"],
            "new": "Quan trắc không khí 2024"} in second.changes
    assert second.actor == "admin@test"
    assert ds.metadata_modified == clock.now()
    assert tag_names == ["PM2.5", "không khí"]


def test_update_without_changes_records_nothing(catalogue: Catalogue, org: str) -> None:
    dataset_id = _create(catalogue, org)
    with catalogue.unit("admin@test") as uow:
        update_dataset(uow, dataset_id, {"title": AIR["title"]}, partial=True)
        uow.commit()
    with catalogue.sessions() as session:
        assert len(list_revisions(session, dataset_id)) == 1


def test_delete_withdraws_and_keeps_history(catalogue: Catalogue, org: str) -> None:
    dataset_id = _create(catalogue, org)
    with catalogue.unit("admin@test") as uow:
        delete_dataset(uow, "quan-trac-khong-khi")
        uow.commit()
    with catalogue.sessions() as session:
        ds = get_dataset(session, dataset_id)
        revisions = list_revisions(session, dataset_id)
    assert ds.state == "deleted"
    assert [r.action for r in revisions] == ["dataset.delete", "dataset.create"]
    assert revisions[0].changes == [{"field": "state", "old": "active", "new": "deleted"}]


def test_resource_upload_is_stored_by_sha256_and_kept_after_delete(
        catalogue: Catalogue, org: str) -> None:
    dataset_id = _create(catalogue, org, resources=[])
    stored = catalogue.files.put(io.BytesIO("trạm,pm25\nA,12\n".encode()))
    with catalogue.unit("editor@test") as uow:
        res = create_resource(uow, dataset_id, {"name": "Số liệu"},
                              upload=Upload(stored, "so-lieu.csv", "text/csv"))
        uow.commit()
        resource_id = res.id
    with catalogue.unit("editor@test") as uow:
        delete_resource(uow, resource_id)
        uow.commit()
    with catalogue.sessions() as session:
        revisions = list_revisions(session, dataset_id)
    assert [r.action for r in revisions] == ["resource.delete", "resource.create", "dataset.create"]
    cited = revisions[1].snapshot["resources"][0]
    assert cited["sha256"] == stored.sha256
    assert cited["url"].endswith(f"/resource/{resource_id}/download/so-lieu.csv")
    assert catalogue.files.path(stored.sha256).read_bytes() == "trạm,pm25\nA,12\n".encode()


def test_invalid_input_reports_every_field(catalogue: Catalogue, org: str) -> None:
    with catalogue.unit() as uow, pytest.raises(ValidationError) as caught:
        create_dataset(uow, {"name": "Bad Name!", "license_id": "nope",
                             "update_frequency": "sometimes", "owner_org": org})
    assert set(caught.value.errors) == {"name", "license_id", "update_frequency"}


def test_duplicate_name_is_refused(catalogue: Catalogue, org: str) -> None:
    _create(catalogue, org)
    with catalogue.unit() as uow, pytest.raises(ValidationError) as caught:
        create_dataset(uow, {**AIR, "owner_org": org})
    assert "name" in caught.value.errors


def test_unknown_dataset_is_not_found(catalogue: Catalogue) -> None:
    with catalogue.unit() as uow, pytest.raises(NotFound):
        update_dataset(uow, "khong-co", {"title": "x"}, partial=True)


def test_failed_write_leaves_no_trace(catalogue: Catalogue, org: str) -> None:
    with catalogue.unit() as uow, pytest.raises(ValidationError):
        create_dataset(uow, {**AIR, "owner_org": org, "groups": ["khong-ton-tai"]})
    with catalogue.sessions() as session, pytest.raises(NotFound):
        get_dataset(session, AIR["name"])


# ---- issue 16 item 10: cheaper writes, same results ---------------------------------------
def test_created_snapshot_is_what_a_fresh_read_serialises(catalogue: Catalogue, org: str) -> None:
    """A created dataset is serialised without reading it back: its revision and document
    must still be what a fresh read gives (tags, groups, extras in the database's order)."""
    from catalogue.datasets.package_cache import cached_packages, load_datasets
    from catalogue.datasets.serialize import package_dict

    dataset_id = _create(
        catalogue, org, tags=["PM2.5", "không khí", "Hạ Long", "an toàn"],
        extras=[{"key": "z", "value": "1"}, {"key": "nguồn", "value": "2"},
                {"key": "a", "value": "3"}],
        resources=[{"url": "http://example.test/b.csv", "name": "b"},
                   {"url": "http://example.test/a.csv", "name": "a"}])
    with catalogue.sessions() as session:
        snapshot = list_revisions(session, dataset_id)[0].snapshot
        fresh = package_dict(load_datasets(session, [dataset_id])[0], catalogue.site_url)
        document = cached_packages(session, [dataset_id], catalogue.site_url)[dataset_id]
    assert snapshot == fresh == document


def test_writes_in_one_unit_share_lookups_and_one_audit_chain(catalogue: Catalogue,
                                                              org: str) -> None:
    """A batch of creates in one transaction (the harvest's bulk path) finds agencies, groups
    and tags once, makes each new tag once and appends one unbroken audit chain, even when a
    savepoint in the middle is rolled back."""
    from sqlalchemy import func, select

    from catalogue import audit
    from catalogue.datasets.model import Tag

    with catalogue.unit("harvest:test") as uow:
        create_dataset(uow, {**AIR, "name": "mot", "owner_org": org, "tags": ["moi-tag"]})
        savepoint = uow.session.begin_nested()
        create_dataset(uow, {**AIR, "name": "hai", "owner_org": org, "tags": ["bo-tag"]})
        savepoint.rollback()
        create_dataset(uow, {**AIR, "name": "ba", "owner_org": org,
                             "tags": ["moi-tag", "bo-tag"]})
        with pytest.raises(ValidationError):
            create_dataset(uow, {**AIR, "name": "bon", "owner_org": org,
                                 "groups": ["khong-co-nhom-nay"]})
        uow.commit()
    with catalogue.sessions() as session:
        tags = dict(session.execute(select(Tag.name, func.count()).group_by(Tag.name)).all())
        assert tags["moi-tag"] == tags["bo-tag"] == 1
        assert [get_dataset(session, n).name for n in ("mot", "ba")] == ["mot", "ba"]
        with pytest.raises(NotFound):
            get_dataset(session, "hai")
        check = audit.verify(session)
        assert check.ok, check.problem
        creates = [e for e in audit.entries(session) if e.action == "dataset.create"]
        assert [e.target for e in creates] == ["dataset:mot", "dataset:ba"]

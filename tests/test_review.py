"""Review before publishing: drafts, submissions, pending changes, approvals, restores."""

from __future__ import annotations

import pytest

from catalogue.accounts.principal import Principal
from catalogue.context import Catalogue
from catalogue.datasets.service import get_dataset
from catalogue.errors import NotAuthorized, ValidationError
from catalogue.history.service import list_revisions
from catalogue.organizations.service import get_organization
from catalogue.review import service as review
from catalogue.review.model import ReviewItem
from catalogue.review.restore import restore_version

WRITE = frozenset({"read", "read_private", "write"})


def people(catalogue: Catalogue, org: str) -> tuple[Principal, Principal]:
    with catalogue.sessions() as session:
        org_id = get_organization(session, org).id
    editor = Principal(user_id="u-editor", name="editor", roles={org_id: "editor"}, scopes=WRITE)
    admin = Principal(user_id="u-admin", name="admin", roles={org_id: "admin"}, scopes=WRITE)
    return editor, admin


def draft(catalogue: Catalogue, editor: Principal, org: str, name: str = "chat-luong-nuoc") -> str:
    with catalogue.unit(editor.name) as uow:
        review.create_draft(uow, editor, {"name": name, "title": "Chất lượng nước",
                                          "owner_org": org, "notes": "Bản đầu"})
        uow.commit()
    return name


def test_editor_creates_drafts_only(catalogue: Catalogue, org: str) -> None:
    editor, _ = people(catalogue, org)
    draft(catalogue, editor, org)
    with catalogue.sessions() as session:
        ds = get_dataset(session, "chat-luong-nuoc")
        assert ds.state == "draft"
        assert review.dataset_status(session, ds) == "draft"


def test_submit_then_approve_publishes(catalogue: Catalogue, org: str) -> None:
    editor, admin = people(catalogue, org)
    draft(catalogue, editor, org)
    with catalogue.unit("editor") as uow:
        item = review.submit(uow, editor, "chat-luong-nuoc", message="Xin duyệt")
        uow.commit()
    with catalogue.sessions() as session:
        assert review.dataset_status(session, get_dataset(session, "chat-luong-nuoc")) == \
            "submitted"
        assert [i.id for i in review.queue(session, admin)] == [item.id]
        assert review.queue(session, editor) == []
    with catalogue.unit("editor") as uow, pytest.raises(NotAuthorized):
        review.approve(uow, editor, item.id)
    with catalogue.unit("admin") as uow:
        review.approve(uow, admin, item.id)
        uow.commit()
    with catalogue.sessions() as session:
        assert get_dataset(session, "chat-luong-nuoc").state == "active"


def test_reject_needs_a_comment_and_keeps_the_draft(catalogue: Catalogue, org: str) -> None:
    editor, admin = people(catalogue, org)
    draft(catalogue, editor, org)
    with catalogue.unit("editor") as uow:
        item = review.submit(uow, editor, "chat-luong-nuoc")
        uow.commit()
    with catalogue.unit("admin") as uow, pytest.raises(ValidationError):
        review.reject(uow, admin, item.id, comment=" ")
    with catalogue.unit("admin") as uow:
        review.reject(uow, admin, item.id, comment="Thiếu đơn vị đo")
        uow.commit()
    with catalogue.sessions() as session:
        ds = get_dataset(session, "chat-luong-nuoc")
        assert ds.state == "draft" and review.dataset_status(session, ds) == "rejected"
        assert session.get(ReviewItem, item.id).comment == "Thiếu đơn vị đo"


def publish(catalogue: Catalogue, editor: Principal, admin: Principal, org: str) -> None:
    draft(catalogue, editor, org)
    with catalogue.unit("admin") as uow:
        item = review.submit(uow, editor, "chat-luong-nuoc")
        review.approve(uow, admin, item.id)
        uow.commit()


def test_editor_change_to_published_dataset_waits(catalogue: Catalogue, org: str) -> None:
    editor, admin = people(catalogue, org)
    publish(catalogue, editor, admin, org)
    with catalogue.unit("editor") as uow:
        item = review.edit_dataset(uow, editor, "chat-luong-nuoc", {"notes": "Bản sửa"})
        uow.commit()
    assert isinstance(item, ReviewItem)
    with catalogue.sessions() as session:
        assert get_dataset(session, "chat-luong-nuoc").notes == "Bản đầu"  # public unchanged
        diff = review.item_diff(catalogue, item)
        assert {"field": "notes", "old": "Bản đầu", "new": "Bản sửa"} in diff
    with catalogue.unit("admin") as uow:
        review.approve(uow, admin, item.id)
        uow.commit()
    with catalogue.sessions() as session:
        assert get_dataset(session, "chat-luong-nuoc").notes == "Bản sửa"


def test_admin_edits_apply_at_once(catalogue: Catalogue, org: str) -> None:
    editor, admin = people(catalogue, org)
    publish(catalogue, editor, admin, org)
    with catalogue.unit("admin") as uow:
        result = review.edit_dataset(uow, admin, "chat-luong-nuoc", {"notes": "Sửa ngay"})
        uow.commit()
    assert not isinstance(result, ReviewItem)


def test_editor_cannot_change_state_or_move_to_another_agency(catalogue: Catalogue,
                                                             org: str) -> None:
    from catalogue.organizations.service import create_organization

    editor, _ = people(catalogue, org)
    draft(catalogue, editor, org)
    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-khac", "title": "Sở khác"})
        uow.commit()
    with catalogue.unit("editor") as uow, pytest.raises(ValidationError):
        review.edit_dataset(uow, editor, "chat-luong-nuoc", {"state": "active"})
    with catalogue.unit("editor") as uow, pytest.raises(NotAuthorized):
        review.edit_dataset(uow, editor, "chat-luong-nuoc", {"owner_org": "so-khac"})
    with catalogue.unit("editor") as uow, pytest.raises(NotAuthorized):
        review.create_draft(uow, editor, {"name": "x-khac", "title": "X", "owner_org": "so-khac"})


def test_harvested_records_feed_the_same_queue(catalogue: Catalogue, org: str) -> None:
    editor, admin = people(catalogue, org)
    record = {"name": "quan-trac-khong-khi", "title": "Quan trắc không khí", "owner_org": org,
              "notes": "v1", "resources": [{"url": "https://example.vn/a.csv", "name": "a.csv",
                                            "validation_status": "valid"}]}
    with catalogue.unit("harvest") as uow:
        first = review.submit_harvested(uow, record, source="quang-ninh-ckan")
        uow.commit()
    assert first is not None and first.kind == "publish"
    with catalogue.sessions() as session:
        ds = get_dataset(session, "quan-trac-khong-khi")
        assert ds.state == "draft" and ds.resources[0].validation_status == "valid"
    with catalogue.unit("admin") as uow:
        review.approve(uow, admin, first.id)
        uow.commit()
    with catalogue.unit("harvest") as uow:
        assert review.submit_harvested(uow, record, source="quang-ninh-ckan") is None
        change = review.submit_harvested(uow, {**record, "notes": "v2"}, source="quang-ninh-ckan")
        newer = review.submit_harvested(uow, {**record, "notes": "v3"}, source="quang-ninh-ckan")
        uow.commit()
    assert change is not None and newer is not None
    with catalogue.sessions() as session:
        assert get_dataset(session, "quan-trac-khong-khi").notes == "v1"
        assert session.get(ReviewItem, change.id).status == "withdrawn"  # superseded
        assert [i.id for i in review.queue(session, admin)] == [newer.id]


def test_restore_makes_a_new_version_equal_to_the_old(catalogue: Catalogue, org: str) -> None:
    editor, admin = people(catalogue, org)
    publish(catalogue, editor, admin, org)
    with catalogue.unit("admin") as uow:
        review.edit_dataset(uow, admin, "chat-luong-nuoc", {"notes": "Sai", "tags": ["nuoc"]})
        uow.commit()
    with catalogue.sessions() as session:
        ds_id = get_dataset(session, "chat-luong-nuoc").id
        versions = list_revisions(session, ds_id)
        good = versions[1].number  # the published version before the bad edit
    with catalogue.unit("editor") as uow, pytest.raises(NotAuthorized):
        restore_version(uow, editor, "chat-luong-nuoc", good)
    with catalogue.unit("admin") as uow:
        restore_version(uow, admin, "chat-luong-nuoc", good)
        uow.commit()
    with catalogue.sessions() as session:
        ds = get_dataset(session, "chat-luong-nuoc")
        assert ds.notes == "Bản đầu" and ds.tags == [] and ds.state == "active"
        latest = list_revisions(session, ds_id)[0]
        assert latest.number == versions[0].number + 1
        assert latest.message == f"Restored version {good}"


def test_create_as_gives_editors_a_submitted_draft_and_admins_what_they_ask(
        catalogue: Catalogue, org: str) -> None:
    editor, admin = people(catalogue, org)
    with catalogue.unit("api") as uow:
        by_editor = review.create_as(uow, editor, {"name": "tu-bien-tap", "owner_org": org})
        by_admin = review.create_as(uow, admin, {"name": "tu-quan-tri", "owner_org": org})
        uow.commit()
        assert by_editor.state == "draft" and by_admin.state == "active"
    with catalogue.sessions() as session:
        assert [i.kind for i in review.queue(session, admin)] == ["publish"]

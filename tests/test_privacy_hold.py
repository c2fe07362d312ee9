"""A dataset with a CCCD column is held for review, not published; an agency admin releases
it only with a written justification, kept in the review item and the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from catalogue.accounts.principal import Principal
from catalogue.audit.model import AuditEntry
from catalogue.classification import is_public
from catalogue.context import Catalogue
from catalogue.datasets.service import get_dataset
from catalogue.errors import ValidationError
from catalogue.organizations.service import get_organization
from catalogue.privacy import screen_file
from catalogue.privacy.hold import hold_for_review, release


def admin_of(catalogue: Catalogue, org: str) -> Principal:
    with catalogue.sessions() as session:
        org_id = get_organization(session, org).id
    return Principal(user_id="u1", name="quan-tri", roles={org_id: "admin"},
                     scopes=frozenset({"read", "write"}))


def test_a_cccd_column_is_held_then_released_with_a_justification(
        catalogue: Catalogue, org: str, tmp_path: Path) -> None:
    path = tmp_path / "ho-tro.csv"
    path.write_text("ho_ten,so_cccd,muc_ho_tro\nNguyễn Văn An,001090123456,500000\n"
                    "Lê Thị Mai,079185001234,700000\n", encoding="utf-8")
    screened = screen_file(path, "csv", this_year=2026)
    assert screened.held
    data = {"name": "danh-sach-ho-tro", "title": "Danh sách hỗ trợ", "owner_org": org,
            "resources": [{"url": "http://so.test/ho-tro.csv", "format": "CSV"}]}
    with catalogue.unit("harvest:so") as uow:
        item = hold_for_review(uow, data, source="so", findings=screened.findings,
                               resource="ho-tro.csv")
        uow.commit()
    assert item is not None
    with catalogue.sessions() as session:
        ds = get_dataset(session, "danh-sach-ho-tro")
        assert ds.state == "draft" and not is_public(ds)
    assert "column 'so_cccd': 2×, rows 1, 2" in item.message
    assert "001090123456" not in item.message and "Nguyễn Văn An" not in item.message

    admin = admin_of(catalogue, org)
    with catalogue.unit("quan-tri") as uow, pytest.raises(ValidationError):
        release(uow, admin, item.id, justification="ok")
    reason = "Danh sách công khai theo Điều 12 Nghị định hỗ trợ, người nhận đã đồng ý."
    with catalogue.unit("quan-tri") as uow:
        released = release(uow, admin, item.id, justification=reason)
        uow.commit()
        assert released.state == "active" and is_public(released)
    with catalogue.sessions() as session:
        actions = {e.action: e for e in session.scalars(select(AuditEntry))}
        assert "privacy.hold" in actions
        assert reason in str(actions["privacy.release"].details)

"""Review is a gate, not a delay (issue 15): a version nobody approved is never public.

The story from the issue: a draft arrives with a file of ID numbers, an officer removes the
file and adds a clean one, an admin approves. Before the fix, approving made every earlier
version public: ``/dataset/<name>/v/1`` showed the draft and served its unscreened file.
Every public door is asked here with real requests: version pages, their downloads and
citations, the public history, the dataset page, the API's activity list and the feeds.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from catalogue.accounts.principal import Principal
from catalogue.context import Catalogue
from catalogue.datasets import service as datasets
from catalogue.history.service import list_revisions
from catalogue.organizations.service import get_organization
from catalogue.review import service as review

WRITE = frozenset({"read", "read_private", "write"})
CCCD_CSV = ("ho_ten,so_cccd,muc_ho_tro\nNguyễn Văn An,001090123456,500000\n"
            "Lê Thị Mai,079185001234,700000\n")
CLEAN_CSV = "xa,muc_ho_tro\nHạ Long,500000\nCẩm Phả,700000\n"
SECRET = "bimatnhapxyz"  # a word only the unapproved draft's metadata holds


def people(catalogue: Catalogue, org: str) -> tuple[Principal, Principal]:
    with catalogue.sessions() as session:
        org_id = get_organization(session, org).id
    editor = Principal(user_id="u-editor", name="editor", roles={org_id: "editor"}, scopes=WRITE)
    admin = Principal(user_id="u-admin", name="admin", roles={org_id: "admin"}, scopes=WRITE)
    return editor, admin


def add_file(uow: object, dataset_id: str, csv: str, filename: str) -> str:
    stored = uow.catalogue.files.put(io.BytesIO(csv.encode()))  # type: ignore[attr-defined]
    res = datasets.create_resource(uow, dataset_id, {"name": filename, "format": "CSV"},  # type: ignore[arg-type]
                                   trusted=True, upload=datasets.Upload(
                                       stored=stored, filename=filename, mimetype="text/csv"))
    return res.id


class Story:
    """The dataset after the officer's fix and the approval, with the removed file's id."""

    def __init__(self, removed: str, kept: str) -> None:
        self.removed, self.kept = removed, kept


@pytest.fixture
def story(catalogue: Catalogue, org: str) -> Story:
    editor, admin = people(catalogue, org)
    with catalogue.unit("editor") as uow:  # v1, v2: the draft with an unscreened file
        ds = review.create_draft(uow, editor, {
            "name": "ho-tro", "title": "Hỗ trợ hộ nghèo", "owner_org": org,
            "notes": f"Danh sách {SECRET}", "license_id": "CC-BY-4.0"})
        removed = add_file(uow, ds.id, CCCD_CSV, "danh-sach-cccd.csv")
        uow.commit()
    with catalogue.unit("admin") as uow:  # v3-v5: the officer removes it, fixes the text
        ds = datasets.get_dataset(uow.session, "ho-tro")
        datasets.delete_resource(uow, removed)
        kept = add_file(uow, ds.id, CLEAN_CSV, "tong-hop.csv")
        review.edit_dataset(uow, admin, "ho-tro", {"notes": "Tổng hợp theo xã"})
        uow.commit()
    with catalogue.unit("editor") as uow:
        item = review.submit(uow, editor, "ho-tro")
        uow.commit()
    with catalogue.unit("admin") as uow:  # v6: approved, the first public version
        review.approve(uow, admin, item.id)
        uow.commit()
    with catalogue.sessions() as session:
        assert [r.number for r in list_revisions(session, datasets.get_dataset(
            session, "ho-tro").id)] == [6, 5, 4, 3, 2, 1]
    return Story(removed, kept)


def text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def assert_clean(body: str, where: str, story: Story) -> None:
    for leak in (SECRET, "danh-sach-cccd", story.removed, "001090123456", "so_cccd"):
        assert leak not in body, f"{leak} leaks through {where}"


def test_unapproved_versions_are_not_reachable_after_a_later_approval(
        client: FlaskClient, story: Story) -> None:
    for number in range(2, 8):
        assert client.get(f"/dataset/ho-tro/v/{number}").status_code == 404, number
        assert client.get(f"/dataset/ho-tro/v/{number}/cite.bibtex").status_code == 404
    first = client.get("/dataset/ho-tro/v/1")
    assert first.status_code == 200
    assert_clean(text(first), "/v/1", story)
    assert "tong-hop.csv" in text(first)


def test_files_of_unapproved_versions_are_not_downloadable(client: FlaskClient,
                                                           story: Story) -> None:
    for number in range(1, 8):
        for suffix in ("download", "download/danh-sach-cccd.csv"):
            response = client.get(f"/dataset/ho-tro/v/{number}/resource/{story.removed}/"
                                  f"{suffix}")
            assert response.status_code == 404, (number, suffix)
            assert "001090123456" not in text(response)
    kept = client.get(f"/dataset/ho-tro/v/1/resource/{story.kept}/download")
    try:
        assert kept.status_code == 200 and "Hạ Long" in text(kept)
    finally:
        kept.close()


def test_public_history_lists_published_versions_only(client: FlaskClient,
                                                      story: Story) -> None:
    html = text(client.get("/dataset/ho-tro/history"))
    assert re.findall(r"Phiên bản (\d+)", html) == ["1"]
    assert_clean(html, "history", story)
    page = text(client.get("/dataset/ho-tro"))
    assert set(re.findall(r'/dataset/ho-tro/v/(\d+)"', page)) == {"1"}
    assert_clean(page, "the dataset page", story)


def test_citations_count_published_versions(client: FlaskClient, story: Story) -> None:
    page = text(client.get("/dataset/ho-tro"))
    assert "phiên bản 1" in page and "phiên bản 6" not in page
    bib = text(client.get("/dataset/ho-tro/cite.bibtex"))
    assert "version = {1}" in bib and "/dataset/ho-tro/v/1" in bib
    csl = json.loads(text(client.get("/dataset/ho-tro/cite.csl")))
    assert csl[0]["version"] == "1"
    ris = text(client.get("/dataset/ho-tro/v/1/cite.ris"))
    assert "ET  - Version 1" in ris


def test_api_activity_list_shows_published_versions_only(client: FlaskClient,
                                                         story: Story) -> None:
    response = client.get("/api/3/action/package_activity_list?id=ho-tro")
    activity = response.get_json()["result"]
    assert [a["version"] for a in activity] == [1]
    assert "revision" not in activity[0]
    assert_clean(text(response), "package_activity_list", story)
    # The first public version's changes are against nothing, not against the draft.
    assert not any(c["field"].startswith(f"resources[{story.removed}")
                   for c in activity[0]["changes"])


def test_feeds_and_catalogues_show_the_approved_version(client: FlaskClient,
                                                        story: Story) -> None:
    for path in ("/feeds/dataset.atom", "/feeds/organization/so-tnmt-quang-ninh.atom",
                 "/catalog.ttl", "/data.json", "/api/3/action/package_show?id=ho-tro"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "ho-tro" in text(response), path
        assert_clean(text(response), path, story)


def test_a_later_approved_change_is_version_two_diffed_against_version_one(
        client: FlaskClient, catalogue: Catalogue, org: str, story: Story) -> None:
    editor, admin = people(catalogue, org)
    with catalogue.unit("editor") as uow:
        item = review.edit_dataset(uow, editor, "ho-tro", {"notes": "Đã cập nhật quý 2"})
        uow.commit()
    assert client.get("/dataset/ho-tro/v/2").status_code == 404  # waiting: not a version
    with catalogue.unit("admin") as uow:
        review.approve(uow, admin, item.id)  # type: ignore[union-attr]
        uow.commit()
    assert client.get("/dataset/ho-tro/v/2").status_code == 200
    activity = client.get("/api/3/action/package_activity_list?id=ho-tro").get_json()["result"]
    assert [a["version"] for a in activity] == [2, 1]
    assert {"field": "notes", "old": "Tổng hợp theo xã", "new": "Đã cập nhật quý 2"} in \
        activity[0]["changes"]
    assert "phiên bản 2" in text(client.get("/dataset/ho-tro"))


def test_a_private_period_is_not_a_public_version(client: FlaskClient, catalogue: Catalogue,
                                                  org: str, story: Story) -> None:
    _, admin = people(catalogue, org)
    for changes in ({"private": True}, {"notes": f"Nội bộ {SECRET}"},
                    {"notes": "Tổng hợp theo xã, quý 3"}, {"private": False}):
        with catalogue.unit("admin") as uow:
            review.edit_dataset(uow, admin, "ho-tro", changes)
            uow.commit()
    activity = client.get("/api/3/action/package_activity_list?id=ho-tro")
    assert [a["version"] for a in activity.get_json()["result"]] == [2, 1]
    assert_clean(text(activity), "activity after a private period", story)
    assert_clean(text(client.get("/dataset/ho-tro/history")), "history", story)
    assert client.get("/dataset/ho-tro/v/3").status_code == 404


def test_the_agency_still_sees_every_change_through_the_api(
        client: FlaskClient, catalogue: Catalogue, org: str, story: Story,
        api_token: object) -> None:
    token = api_token("lan", org=org, role="viewer", scope="read_private")  # type: ignore[operator]
    activity = client.get("/api/3/action/package_activity_list?id=ho-tro",
                          headers={"Authorization": token}).get_json()["result"]
    assert [(a["revision"], a["version"]) for a in activity] == [
        (6, 1), (5, None), (4, None), (3, None), (2, None), (1, None)]



def _migrate_old_history(url: str) -> dict[str, int | None]:
    """Revisions written before 0009, then the upgrade: what published_number it filled."""
    from datetime import datetime

    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    from catalogue.database import upgrade_database

    upgrade_database(url, "0008_package_document")
    snapshots = [("a", 1, {"state": "draft"}), ("a", 2, {"state": "draft"}),
                 ("a", 3, {"state": "active"}), ("a", 4, {"state": "active", "private": True}),
                 ("a", 5, {"state": "active", "access_class": "shared"}),
                 ("a", 6, {"state": "active", "access_class": "open", "private": False}),
                 ("a", 7, {"state": "deleted"}), ("b", 1, {})]
    engine = create_engine(url)
    value = "CAST(:s AS JSON)" if engine.dialect.name == "postgresql" else ":s"
    try:
        with engine.begin() as conn:
            for dataset_id, number, snapshot in snapshots:
                conn.execute(sql(
                    "INSERT INTO revision (id, dataset_id, number, action, object_id, actor, "
                    "created_at, message, snapshot, changes) VALUES (:id, :d, :n, "
                    f"'dataset.update', :d, 't', :at, '', {value}, '[]')"),
                    {"id": f"{dataset_id}{number}", "d": dataset_id, "n": number,
                     "at": datetime(2026, 1, 1), "s": json.dumps(snapshot)})
        upgrade_database(url)
        with engine.connect() as conn:
            return dict(conn.execute(sql("SELECT id, published_number FROM revision")).all())
    finally:
        engine.dispose()


EXPECTED_FILL = {"a1": None, "a2": None, "a3": 1, "a4": None, "a5": None, "a6": 2, "a7": None,
                 "b1": 1}


def test_the_migration_numbers_only_versions_that_were_public(tmp_path: Path) -> None:
    assert _migrate_old_history(f"sqlite:///{tmp_path}/m.sqlite") == EXPECTED_FILL


def test_the_migration_numbers_only_versions_that_were_public_on_postgresql(
        request: pytest.FixtureRequest) -> None:
    from pg_databases import fresh_database

    with fresh_database(request.getfixturevalue("pg_url"), migrated=False) as url:
        assert _migrate_old_history(url) == EXPECTED_FILL


def test_activity_reports_count_published_versions_not_drafts(
        catalogue: Catalogue, org: str, story: Story) -> None:
    """The story's draft was created, edited and approved in March 2026: one dataset
    published, no update; a draft deleted before anyone approved it was never withdrawn."""
    from catalogue.reports.compute import build_report
    from catalogue.reports.period import parse_period

    editor, _ = people(catalogue, org)
    with catalogue.unit("editor") as uow:
        review.create_draft(uow, editor, {"name": "bo-nhap", "title": "Bỏ", "owner_org": org})
        datasets.delete_dataset(uow, "bo-nhap")
        uow.commit()
    with catalogue.sessions() as session:
        report = build_report(session, parse_period("2026-03"))
    assert report.totals["published"] == 1
    assert report.totals["updated"] == 0 and report.totals["withdrawn"] == 0
    assert report.totals["resources_added"] == 0

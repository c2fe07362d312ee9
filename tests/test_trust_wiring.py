"""Issue 9's trust parts wired through the real entry points: classification (Law on Data 2024
Art. 13) in the API, pages, DCAT, feeds, sitemap and data.json; personal-data holds in
harvests and uploads; quality in package_show; the default licence; per-source access class."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import TokenFactory
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset

WORD = "thuyloi"  # one rare word all three datasets share, so every listing finds them


def api(client: FlaskClient, action: str, token: str = "", **params: Any) -> dict[str, Any]:
    headers = {"Authorization": token} if token else {}
    response = client.get(f"/api/3/action/{action}", query_string=params, headers=headers)
    body: dict[str, Any] = json.loads(response.get_data(as_text=True))
    return body


@pytest.fixture
def classified(searchable: Catalogue, org: str) -> dict[str, str]:
    """One open, one shared and one private dataset of the same agency."""
    names = {c: f"ho-chua-{WORD}-{c}" for c in ("open", "shared", "private")}
    with searchable.unit("test") as uow:
        for access_class, name in names.items():
            create_dataset(uow, {
                "name": name, "title": f"Hồ chứa {WORD} {access_class}", "owner_org": org,
                "notes": f"Mực nước hồ chứa {WORD}.", "access_class": access_class,
                "tags": [{"name": f"tag-{access_class}"}], "groups": [{"name": "moi-truong"}],
                "resources": [{"url": f"http://so.test/{access_class}.csv", "format": "CSV"}]})
        uow.commit()
    return names


def test_shared_and_private_datasets_never_appear_anonymously(
        client: FlaskClient, classified: dict[str, str], org: str) -> None:
    hidden = [classified["shared"], classified["private"]]
    seen = classified["open"]
    search = api(client, "package_search", q=WORD, **{"facet.field": '["tags"]'})["result"]
    assert [p["name"] for p in search["results"]] == [seen]
    assert search["count"] == 1
    assert set(search["search_facets"]["tags"]["items"][0].values()) >= {"tag-open"}
    assert len(search["search_facets"]["tags"]["items"]) == 1
    assert api(client, "package_list")["result"] == [seen]
    listed = api(client, "current_package_list_with_resources")["result"]
    assert [p["name"] for p in listed] == [seen]
    assert [p["name"] for p in api(client, "package_autocomplete", q="ho-chua")["result"]] \
        == [seen]
    shown = api(client, "organization_show", id=org, include_datasets="true")["result"]
    assert [p["name"] for p in shown["packages"]] == [seen]
    assert shown["package_count"] == 1
    assert [t for t in api(client, "tag_list")["result"] if t.startswith("tag-")] == ["tag-open"]
    for name in hidden:
        assert api(client, "package_show", id=name)["success"] is False
        assert client.get(f"/dataset/{name}").status_code == 404
        assert client.get(f"/dataset/{name}.ttl").status_code == 404
    assert client.get(f"/dataset/{seen}").status_code == 200
    assert client.get(f"/dataset/{seen}.ttl").status_code == 200
    pages = {
        "dcat": client.get("/catalog.ttl"), "feed": client.get("/feeds/dataset.atom"),
        "org feed": client.get(f"/feeds/organization/{org}.atom"),
        "sitemap": client.get("/sitemap.xml"), "data.json": client.get("/data.json"),
        "search page": client.get(f"/dataset?q={WORD}"), "agency page": client.get(
            f"/organization/{org}"), "home": client.get("/"),
        "autocomplete": client.get("/autocomplete?q=H%E1%BB%93+ch%E1%BB%A9a"),
    }
    for where, response in pages.items():
        body = response.get_data(as_text=True)
        assert response.status_code == 200, where
        for name in hidden:
            assert name not in body, f"{name} leaks in {where}"
            assert f"{WORD} {name.rsplit('-', 1)[1]}" not in body, f"title leaks in {where}"
        if where not in ("home",):
            assert seen in body or f"{WORD} open" in body, where


def test_shared_datasets_are_visible_to_agency_accounts_private_ones_to_their_agency(
        client: FlaskClient, classified: dict[str, str], api_token: TokenFactory,
        searchable: Catalogue) -> None:
    from catalogue.organizations.service import create_organization

    with searchable.unit("test") as uow:
        create_organization(uow, {"name": "so-khac", "title": "Sở khác"})
        uow.commit()
    viewer = api_token("lan", org="so-khac", role="viewer")
    for name, visible in ((classified["shared"], True), (classified["private"], False)):
        assert api(client, "package_show", viewer, id=name)["success"] is visible
    found = api(client, "package_search", viewer, q=WORD, include_private="true")["result"]
    assert sorted(p["name"] for p in found["results"]) == sorted(
        [classified["open"], classified["shared"]])


CCCD_CSV = ("ho_ten,so_cccd,muc_ho_tro\nNguyễn Văn An,001090123456,500000\n"
            "Lê Thị Mai,079185001234,700000\nTrần Văn Bình,031088009876,600000\n")


def _pending(catalogue: Catalogue) -> list[Any]:
    from sqlalchemy import select

    from catalogue.review.model import ReviewItem

    with catalogue.sessions() as session:
        items = list(session.scalars(select(ReviewItem).where(
            ReviewItem.status == "submitted")))
        session.expunge_all()
    return items


def test_a_harvested_cccd_column_is_held_for_review_then_released(
        catalogue: Catalogue, org: str, home: Any, tmp_path: Any, client: FlaskClient) -> None:
    from sqlalchemy import select

    from catalogue.accounts.principal import Principal
    from catalogue.classification import is_public
    from catalogue.datasets.service import get_dataset
    from catalogue.harvest.model import HarvestObject
    from catalogue.organizations.service import get_organization
    from catalogue.privacy.hold import release
    from tests.harvest_servers import harvest, make_source, static_server

    share = tmp_path / "share"
    (share / "ho-tro").mkdir(parents=True)
    (share / "ho-tro" / "danh-sach.csv").write_text(CCCD_CSV, encoding="utf-8")
    (share / "ho-tro" / "danh-sach.csv.meta.toml").write_text(
        'name = "danh-sach-ho-tro"\ntitle = "Danh sách hỗ trợ"\n', encoding="utf-8")
    (share / "ho-tro" / "muc.csv").write_text("huyen,muc\nA,1\nB,2\n", encoding="utf-8")
    (share / "ho-tro" / "muc.csv.meta.toml").write_text(
        'name = "muc-ho-tro"\ntitle = "Mức hỗ trợ theo huyện"\n', encoding="utf-8")
    with static_server(share) as url:
        summary = harvest(catalogue, make_source("files", url=url), home)
    # Held for personal data is reported "held", not "skipped" (issue 16).
    assert summary.counts["new"] == 1 and summary.counts["held"] == 1

    with catalogue.sessions() as session:
        held = get_dataset(session, "danh-sach-ho-tro")
        assert held.state == "draft" and not is_public(held)
        skipped = session.scalars(select(HarvestObject).where(
            HarvestObject.outcome == "held")).one()
        org_id = get_organization(session, org).id
    assert skipped.stage == "privacy" and skipped.dataset_id == held.id
    items = _pending(catalogue)
    assert len(items) == 1
    for text in (items[0].message, skipped.reason, " ".join(skipped.log)):
        assert "001090123456" not in text and "Nguyễn Văn An" not in text
    assert "(cccd) in column 'so_cccd': 3×, rows 1, 2, 3" in items[0].message
    assert "(cccd) in column 'so_cccd'" in skipped.reason
    assert api(client, "package_show", id="danh-sach-ho-tro")["success"] is False
    assert "danh-sach-ho-tro" not in api(client, "package_list")["result"]

    admin = Principal(user_id="u1", name="quan-tri", roles={org_id: "admin"},
                      scopes=frozenset({"read", "write"}))
    with catalogue.unit("quan-tri") as uow:
        release(uow, admin, items[0].id, justification="Danh sách công khai theo quyết định "
                                                       "hỗ trợ; người nhận đã đồng ý công bố.")
        uow.commit()
    assert api(client, "package_show", id="danh-sach-ho-tro")["success"] is True


def test_an_api_upload_with_personal_data_waits_for_review_even_for_an_admin(
        client: FlaskClient, catalogue: Catalogue, api_token: TokenFactory, org: str) -> None:
    import io

    admin = api_token("an", org=org, role="admin")
    created = client.post("/api/3/action/package_create", headers={"Authorization": admin},
                          json={"name": "ho-tro-xa", "title": "Hỗ trợ xã", "owner_org": org,
                                "notes": "Mức hỗ trợ theo xã."})
    assert created.status_code == 200, created.get_json()
    response = client.post("/api/3/action/resource_create", headers={"Authorization": admin},
                           data={"package_id": "ho-tro-xa", "name": "Danh sách",
                                 "upload": (io.BytesIO(CCCD_CSV.encode()), "ds.csv", "text/csv")},
                           content_type="multipart/form-data")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["result"]["pending_review"]["status"] == "submitted"
    assert api(client, "package_show", id="ho-tro-xa")["result"]["resources"] == []
    held = [i for i in _pending(catalogue) if "(cccd) in column 'so_cccd'" in i.message]
    assert len(held) == 1 and "001090123456" not in held[0].message
    clean = client.post("/api/3/action/resource_create", headers={"Authorization": admin},
                        data={"package_id": "ho-tro-xa", "name": "Mức",
                              "upload": (io.BytesIO(b"xa,muc\nA,1\nB,2\n"), "m.csv", "text/csv")},
                        content_type="multipart/form-data")
    assert "pending_review" not in clean.get_json()["result"]
    resource_id = clean.get_json()["result"]["id"]
    replaced = client.post("/api/3/action/resource_update", headers={"Authorization": admin},
                           data={"id": resource_id, "name": "Mức",
                                 "upload": (io.BytesIO(CCCD_CSV.encode()), "m.csv", "text/csv")},
                           content_type="multipart/form-data")
    assert replaced.status_code == 409
    assert "001090123456" not in replaced.get_data(as_text=True)


def test_package_show_and_the_dataset_page_explain_the_quality_score(
        client: FlaskClient, classified: dict[str, str]) -> None:
    shown = api(client, "package_show", id=classified["open"])["result"]
    quality = shown["quality"]
    assert 0 <= quality["score"] <= 100
    assert {c["key"] for c in quality["criteria"]} >= set(quality["to_fix"])
    assert quality["to_fix"], "a bare test dataset has something to fix"
    fix = next(c for c in quality["criteria"] if c["passed"] is False)["fix"]
    html = client.get(f"/dataset/{classified['open']}").get_data(as_text=True)
    assert 'id="quality-h"' in html and f"<strong>{quality['score']}</strong>/100" in html
    assert fix.split("(")[0].strip()[:30] in html.replace("&#39;", "'").replace("&amp;", "&")


def test_sources_and_api_datasets_naming_no_licence_get_the_statutory_terms(
        client: FlaskClient, catalogue: Catalogue, api_token: TokenFactory, org: str,
        home: Any, tmp_path: Any) -> None:
    from harvesters.config import source_from_table
    from harvesters.registry import harvester_types
    from tests.harvest_servers import datasets, harvest, static_server

    assert catalogue.settings["default_license"] == "vn-open-data-terms"
    admin = api_token("an", org=org, role="admin")
    created = client.post("/api/3/action/package_create", headers={"Authorization": admin},
                          json={"name": "khong-giay-phep", "title": "Không giấy phép",
                                "owner_org": org})
    assert created.get_json()["result"]["license_id"] == "vn-open-data-terms"
    named = client.post("/api/3/action/package_create", headers={"Authorization": admin},
                        json={"name": "co-giay-phep", "title": "Có giấy phép", "owner_org": org,
                              "license_id": "CC-BY-4.0"})
    assert named.get_json()["result"]["license_id"] == "CC-BY-4.0"

    share = tmp_path / "share"
    share.mkdir()
    (share / "muc.csv").write_text("huyen,muc\nA,1\nB,2\n", encoding="utf-8")
    (share / "muc.csv.meta.toml").write_text('name = "muc"\ntitle = "Mức"\n', encoding="utf-8")
    with static_server(share) as url:
        bare, problems = source_from_table(
            {"name": "khong-mac-dinh", "url": url, "type": "files", "organization": org},
            tmp_path / "harvest.toml", harvester_types())
        assert not problems and bare is not None and bare.default_license == ""
        assert harvest(catalogue, bare, home).counts["new"] == 1
    assert [d.license_id for d in datasets(catalogue, "khong-mac-dinh").values()] \
        == ["vn-open-data-terms"]


def test_a_sources_access_class_applies_and_never_opens_what_it_marks_non_public(
        client: FlaskClient, catalogue: Catalogue, org: str, home: Any, tmp_path: Any) -> None:
    from catalogue.datasets.service import update_dataset
    from harvesters.config import source_from_table
    from harvesters.registry import harvester_types
    from tests.harvest_servers import datasets, harvest, make_source, static_server

    share = tmp_path / "share"
    share.mkdir()
    for name, extra in (("muc", ""), ("noi-bo", "restricted = true\n")):
        (share / f"{name}.csv").write_text("huyen,muc\nA,1\nB,2\n", encoding="utf-8")
        (share / f"{name}.csv.meta.toml").write_text(
            f'name = "{name}"\ntitle = "Tệp {name}"\n{extra}', encoding="utf-8")
    _, problems = source_from_table({"name": "sai", "type": "files", "url": "http://x.test/",
                                     "organization": org, "access_class": "public"},
                                    tmp_path / "harvest.toml", harvester_types())
    assert [p.key for p in problems] == ["access_class"]

    with static_server(share) as url:
        opened = harvest(catalogue, make_source("files", url=url), home)
        shared_source = make_source("files", url=url, name="chia-se", access_class="shared")
        shared = harvest(catalogue, shared_source, home)
    # An open source skips what its system marks restricted: it never becomes open.
    assert opened.counts["new"] == 1 and opened.counts["skipped"] == 1
    assert {d.name: d.access_class for d in datasets(catalogue, "test-files").values()} \
        == {"muc": "open"}
    # A shared source keeps both, as shared data: agency accounts only, never the public.
    assert shared.counts["new"] == 2
    kept = {d.source_identifier: d for d in datasets(catalogue, "chia-se").values()}
    assert {d.access_class for d in kept.values()} == {"shared"}
    for ds in kept.values():
        assert api(client, "package_show", id=ds.name)["success"] is False

    # A person closed the open one; the next harvest (changed file) does not reopen it.
    opened_ds = next(iter(datasets(catalogue, "test-files").values()))
    with catalogue.unit("quan-tri") as uow:
        update_dataset(uow, opened_ds.id, {"access_class": "private"}, partial=True)
        uow.commit()
    (share / "muc.csv").write_text("huyen,muc\nA,1\nB,3\n", encoding="utf-8")
    with static_server(share) as url:
        again = harvest(catalogue, make_source("files", url=url), home)
    assert again.counts["updated"] == 1
    assert next(iter(datasets(catalogue, "test-files").values())).access_class == "private"

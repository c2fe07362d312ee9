"""The public pages in process: search, dataset, versions, resources, downloads, feeds."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from browser_server import AIR_CSV, AIR_CSV_V2, DemoSite, attach_search, demo_portal, seed
from flask import Flask
from flask.testing import FlaskClient

from catalogue.clock import FixedClock
from catalogue.context import Catalogue


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, DemoSite]]:
    """One seeded portal for the read-only tests of this module (seeding costs ~1 s)."""
    with demo_portal(tmp_path_factory.mktemp("portal") / "home",
                     FixedClock(datetime(2026, 3, 2, 8, 30))) as built:
        yield built


@pytest.fixture
def site(portal: tuple[Flask, DemoSite]) -> DemoSite:
    return portal[1]


@pytest.fixture
def client(portal: tuple[Flask, DemoSite]) -> FlaskClient:
    return portal[0].test_client()


@pytest.fixture
def fresh(app: Flask, catalogue: Catalogue, home: Path) -> DemoSite:
    """A portal of its own, for tests that change data."""
    attach_search(app, home / "portal-index")
    return seed(catalogue)


def text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/dataset/([^"]+)"', html)


def test_home_shows_sectors_newest_and_agencies(client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get("/"))
    assert 'href="/dataset?groups=moi-truong"' in html
    assert "Môi trường" in html
    assert site.air in html and "Sở Giao thông vận tải Cao Bằng" in html
    assert 'id="q"' in html and "<label for=\"q\">" in html


def test_search_without_diacritics_finds_the_dataset(client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get("/dataset?q=chat luong khong khi"))
    assert titles(html)[0] == site.air
    assert "<mark>" in html


def test_facets_narrow_and_combine(client: FlaskClient, site: DemoSite) -> None:
    everything = titles(text(client.get("/dataset")))
    assert set(everything) == {site.air, site.boundary, site.bus}
    agency = titles(text(client.get("/dataset?organization=so-gtvt-cao-bang")))
    assert set(agency) == {site.boundary, site.bus}
    both = titles(text(client.get(
        "/dataset?organization=so-gtvt-cao-bang&groups=giao-thong-van-tai")))
    assert both == [site.bus]


def test_facet_links_keep_the_state_in_the_url(client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get("/dataset?q=cao+bang&sort=title"))
    assert "?q=cao+bang&amp;organization=so-gtvt-cao-bang&amp;sort=title" in html


def test_private_and_draft_datasets_are_hidden(client: FlaskClient, site: DemoSite) -> None:
    assert client.get(f"/dataset/{site.private}").status_code == 404
    assert client.get(f"/dataset/{site.draft}").status_code == 404
    html = text(client.get("/dataset?q=khong+khi"))
    assert site.private not in html and site.draft not in html
    assert site.private not in text(client.get("/sitemap.xml"))
    assert site.private not in text(client.get("/feeds/dataset.atom"))


def test_empty_result_helps(client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get("/dataset?q=zzzyyyxxx"))
    assert "Không tìm thấy bộ dữ liệu nào." in html
    assert "/request/new" in html


def test_unparseable_query_gives_400_with_help(client: FlaskClient, site: DemoSite) -> None:
    response = client.get("/dataset?sort=bogus&q=a&organization=x")
    assert response.status_code == 200  # a bad sort falls back, it is not an error
    response = client.get('/dataset?q=title:"unterminated')
    assert response.status_code in (200, 400)


def test_did_you_mean(client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get("/dataset?q=khong+khii"))
    assert "Có phải bạn muốn tìm" in html


def test_dataset_page_shows_provenance_validation_and_metadata(
        client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get(f"/dataset/{site.air}"))
    assert "quang-ninh-ckan" in html
    assert "https://quantrac.quangninh.gov.vn/dataset/khong-khi" in html
    assert "01/03/2026 23:00" in html  # retrieved at, dd/mm/yyyy
    assert "Hợp lệ: không phát hiện lỗi." in html
    assert "<strong>bụi mịn</strong>" in html  # safe Markdown
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                              re.S).group(1))
    assert ld["@type"] == "Dataset" and ld["version"] == "4"
    assert ld["distribution"][0]["sha256"] == site.air_v2_sha
    assert '<meta property="og:title"' in html
    bus = text(client.get(f"/dataset/{site.bus}"))
    assert "1 lỗi" in bus and "type-error" in bus


def test_markdown_in_descriptions_is_sanitised(app: Flask, catalogue: Catalogue,
                                               fresh: DemoSite) -> None:
    from catalogue.datasets.service import update_dataset

    with catalogue.unit("test") as uow:
        update_dataset(uow, fresh.boundary, {
            "notes": "<script>alert(1)</script> [x](javascript:alert(1)) </script><!--"},
            partial=True)
        uow.commit()
    html = text(app.test_client().get(f"/dataset/{fresh.boundary}"))
    assert "<script>alert" not in html and 'href="javascript:' not in html


def test_citation_names_source_version_and_access_date(client: FlaskClient,
                                                        site: DemoSite) -> None:
    html = text(client.get(f"/dataset/{site.air}"))
    assert ("Nguồn: Sở Tài nguyên và Môi trường Quảng Ninh, Chất lượng không khí tại trạm quan "
            "trắc Quảng Ninh, phiên bản 4") in html
    assert "http://portal.test/dataset/chat-luong-khong-khi-quang-ninh/v/4" in html
    assert "truy cập ngày 02/03/2026" in html
    bib = client.get(f"/dataset/{site.air}/cite.bibtex")
    assert bib.headers["Content-Type"].startswith("application/x-bibtex")
    assert "version = {4}" in text(bib)
    ris = text(client.get(f"/dataset/{site.air}/v/1/cite.ris"))
    assert "TY  - DATA" in ris and "/v/1" in ris
    csl = json.loads(text(client.get(f"/dataset/{site.air}/cite.csl")))
    assert csl[0]["type"] == "dataset"
    assert client.get(f"/dataset/{site.air}/cite.doc").status_code == 404


def test_download_returns_exact_bytes_with_etag(client: FlaskClient, site: DemoSite) -> None:
    url = f"/dataset/{site.air}/resource/{site.air_resource}/download/khong-khi.csv"
    response = client.get(url)
    data = response.data
    response.close()
    assert response.status_code == 200
    assert data == AIR_CSV_V2
    assert response.headers["ETag"].strip('"') == site.air_v2_sha
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    again = client.get(url, headers={"If-None-Match": f'"{site.air_v2_sha}"'})
    again.close()
    assert again.status_code == 304


def test_superseded_version_downloads_its_own_bytes(client: FlaskClient,
                                                    site: DemoSite) -> None:
    page = text(client.get(f"/dataset/{site.air}/v/2"))
    link = re.search(r'href="(/dataset/[^"]+/v/2/resource/[^"]+/download/[^"]+)"', page)
    assert link is not None
    response = client.get(link.group(1))
    data = response.data
    response.close()
    assert data == AIR_CSV
    assert hashlib.sha256(data).hexdigest() == site.air_v1_sha
    assert "Đây là phiên bản 2" in page


def test_unknown_version_is_404(client: FlaskClient, site: DemoSite) -> None:
    assert client.get(f"/dataset/{site.air}/v/99").status_code == 404


def test_history_shows_diffs(client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get(f"/dataset/{site.air}/history"))
    assert "Phiên bản 4" in html and "Phiên bản 1" in html
    assert "Mã băm SHA-256" in html and "None" not in html  # in words (issue 19)
    assert site.air_v1_sha in html and site.air_v2_sha in html


def test_resource_preview_table_chart_and_fields(client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get(f"/dataset/{site.air}/resource/{site.air_resource}"))
    assert "<table class=\"preview\">" in html and "Hạ Long" in html
    assert "<svg" in html and "<polyline" in html  # PM2.5 over time
    assert "convert.csv" in html and "convert.json" in html
    sorted_html = text(client.get(f"/dataset/{site.air}/resource/{site.air_resource}"
                                  "?sort=2&desc=1"))
    cells = re.findall(r"<tr><td>2026-01-0(\d)</td>", sorted_html)
    assert cells[0] == "4"  # the highest PM2.5 first
    assert 'aria-sort="descending"' in sorted_html


def test_semicolon_bom_csv_previews(client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get(f"/dataset/{site.bus}/resource/{site.bus_resource}"))
    assert "<td>Bến xe Cao Bằng</td>" in html
    report = text(client.get(f"/dataset/{site.bus}/resource/{site.bus_resource}/validation"))
    assert "so_tuyen" in report and "type-error" in report


def test_geojson_outline_map(client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get(f"/dataset/{site.boundary}/resource/{site.boundary_resource}"))
    assert 'class="map"' in html and "<path d=\"M" in html and "<circle" in html


def test_conversions(client: FlaskClient, site: DemoSite) -> None:
    base = f"/dataset/{site.air}/resource/{site.air_resource}"
    records = json.loads(text(client.get(f"{base}/convert.json")))
    assert records[0] == {"ngay": "2026-01-01", "tram": "Hạ Long", "PM2.5": "35.2",
                          "PM10": "60.1"}
    bus = text(client.get(f"/dataset/{site.bus}/resource/{site.bus_resource}/convert.csv"))
    assert bus.startswith("\ufefften_ben_xe,dia_chi,so_tuyen")  # BOM: Excel reads UTF-8
    assert client.get(f"/dataset/{site.boundary}/resource/{site.boundary_resource}"
                      "/convert.csv").status_code == 404


def test_agency_and_sector_pages(client: FlaskClient, site: DemoSite) -> None:
    org = text(client.get("/organization/so-gtvt-cao-bang"))
    assert site.bus in org and site.air not in org
    sector = text(client.get("/group/moi-truong"))
    assert site.air in sector and site.bus not in sector
    assert "Sở Tài nguyên và Môi trường Quảng Ninh" in text(client.get("/organization"))
    assert client.get("/organization/nope").status_code == 404


def test_feeds_sitemap_robots(client: FlaskClient, site: DemoSite) -> None:
    feed = client.get("/feeds/dataset.atom")
    assert feed.headers["Content-Type"].startswith("application/atom+xml")
    assert "<feed xmlns=\"http://www.w3.org/2005/Atom\"" in text(feed)
    assert site.bus in text(client.get("/feeds/organization/so-gtvt-cao-bang.atom"))
    assert site.air not in text(client.get("/feeds/organization/so-gtvt-cao-bang.atom"))
    assert site.air in text(client.get("/feeds/group/moi-truong.atom"))
    sitemap = text(client.get("/sitemap.xml"))
    assert f"http://portal.test/dataset/{site.air}</loc>" in sitemap
    robots = text(client.get("/robots.txt"))
    assert "Sitemap: http://portal.test/sitemap.xml" in robots


def test_stats_page_has_charts(client: FlaskClient, site: DemoSite) -> None:
    html = text(client.get("/stats"))
    assert html.count("<svg") >= 4
    assert "Sở Giao thông vận tải Cao Bằng" in html


def test_static_assets_are_cached(client: FlaskClient) -> None:
    html = text(client.get("/about"))
    css = re.search(r'href="(/static/portal.css\?v=[0-9a-f]+)"', html).group(1)
    response = client.get(css)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    response.close()


def test_pages_weigh_less_than_150_kb(client: FlaskClient, site: DemoSite) -> None:
    static = sum(p.stat().st_size for p in Path("portal/static").iterdir())
    for url in ("/", "/dataset", f"/dataset/{site.air}", "/stats"):
        assert len(client.get(url).data) + static < 150 * 1024, url


def test_pages_send_security_headers(client: FlaskClient, site: DemoSite) -> None:
    response = client.get(f"/dataset/{site.air}")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_autocomplete(client: FlaskClient, site: DemoSite) -> None:
    items = client.get("/autocomplete?q=ranh").get_json()
    assert items[0]["name"] == site.boundary
    assert client.get("/autocomplete?q=r").get_json() == []


def test_pages_work_without_a_search_engine(app: Flask, catalogue: Catalogue) -> None:
    catalogue.search = None
    seed(catalogue)
    html = text(app.test_client().get("/dataset?q=Ranh"))
    assert "ranh-gioi-hanh-chinh-cao-bang" in html
    assert "Máy tìm kiếm đang bảo trì" in html


def test_search_pages(client: FlaskClient, site: DemoSite,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.pages import search

    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    first = text(client.get("/dataset?sort=title"))
    assert len(titles(first)) == 2 and "?sort=title&amp;page=2" in first
    second = text(client.get("/dataset?sort=title&page=2"))
    assert len(titles(second)) == 1 and 'rel="prev" href="/dataset?sort=title"' in second
    assert set(titles(first) + titles(second)) == {site.air, site.boundary, site.bus}


def test_shared_datasets_stay_off_the_public_portal(app: Flask, catalogue: Catalogue) -> None:
    from catalogue.datasets.service import create_dataset

    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "so-lieu-chia-se", "title": "Số liệu chia sẻ",
                             "access_class": "shared"})
        create_dataset(uow, {"name": "so-lieu-mo", "title": "Số liệu mở"})
        uow.commit()
    client = app.test_client()
    assert client.get("/dataset/so-lieu-chia-se").status_code == 404
    assert client.get("/dataset/so-lieu-mo").status_code == 200
    assert "so-lieu-chia-se" not in text(client.get("/sitemap.xml"))
    assert "so-lieu-chia-se" not in text(client.get("/"))


def test_provenance_names_the_harvest_job(app: Flask, catalogue: Catalogue,
                                          fresh: DemoSite) -> None:
    from catalogue.harvest.model import HarvestJob

    with catalogue.sessions() as session:
        session.add(HarvestJob(id="0f1e2d3c-0000-4000-8000-000000000001",
                               source="quang-ninh-ckan", status="finished",
                               started=datetime(2026, 3, 1, 22, 55)))
        session.add(HarvestJob(id="0f1e2d3c-0000-4000-8000-000000000002",
                               source="quang-ninh-ckan", status="running",
                               started=datetime(2026, 3, 2, 1, 0)))  # after the retrieval
        session.commit()
    html = text(app.test_client().get(f"/dataset/{fresh.air}"))
    assert "<code>0f1e2d3c</code> · 01/03/2026 22:55 · Hoàn tất" in html


def test_maintenance_banner_shows_on_pages(app: Flask, catalogue: Catalogue,
                                           clock: FixedClock) -> None:
    from datetime import timedelta

    from catalogue.notices.service import announce_notice

    start = clock.now() + timedelta(days=10)
    with catalogue.unit("ops") as uow:
        announce_notice(uow, kind="maintenance", reason="Nâng cấp máy chủ cơ sở dữ liệu",
                        starts_at=start, ends_at=start + timedelta(hours=4))
        uow.commit()
    html = text(app.test_client().get("/"))
    assert "Nâng cấp máy chủ cơ sở dữ liệu" in html
    assert html.index('class="notices"') < html.index('<main id="main"')


def test_browse_facets_follow_catalogue_changes(app: Flask, catalogue: Catalogue,
                                                fresh: DemoSite) -> None:
    """Facets of word-less browsing are cached per catalogue state, never stale."""
    from catalogue.datasets.service import create_dataset

    client = app.test_client()
    before = text(client.get("/dataset?organization=so-gtvt-cao-bang"))
    assert "bến xe" in before and "bản đồ" in before
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "tram-dung-xe-buyt", "title": "Trạm dừng xe buýt",
                             "owner_org": "so-gtvt-cao-bang", "tags": [{"name": "xe buýt"}]})
        uow.commit()
    after = text(client.get("/dataset?organization=so-gtvt-cao-bang"))
    assert "xe buýt" in after and len(titles(after)) == 3


def test_a_page_past_the_last_goes_to_the_last(client: FlaskClient) -> None:
    response = client.get("/dataset?page=99")
    assert response.status_code == 302
    last = client.get(response.location, follow_redirects=True)
    assert last.status_code == 200 and "Không tìm thấy" not in text(last)

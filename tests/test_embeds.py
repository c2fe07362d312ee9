"""Embeds (issue 22): a resource version's map, chart or table in another site's iframe, with
its citation and a link back; oEmbed; framing allowed on embed URLs only; cached per version."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_server import DemoSite, demo_portal
from flask import Flask
from flask.testing import FlaskClient

from catalogue.clock import FixedClock
from catalogue.datasets.service import get_dataset
from catalogue.history.service import latest_published_number
from portal.catalogue_ext import catalogue_of

SITE = "http://portal.test"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, DemoSite]]:
    with demo_portal(tmp_path_factory.mktemp("embeds") / "home",
                     FixedClock(datetime(2026, 3, 2, 8, 30)), site_url=SITE) as built:
        yield built


@pytest.fixture
def site(portal: tuple[Flask, DemoSite]) -> DemoSite:
    return portal[1]


@pytest.fixture
def client(portal: tuple[Flask, DemoSite]) -> FlaskClient:
    return portal[0].test_client()


def latest(portal: tuple[Flask, DemoSite], name: str) -> int:
    with catalogue_of(portal[0]).sessions() as session:
        return latest_published_number(session, get_dataset(session, name).id)


def embed_path(name: str, number: int, resource: str, view: str) -> str:
    return f"/embed/dataset/{name}/v/{number}/resource/{resource}/{view}"


def test_map_embed_renders_with_citation_and_link_back(
        client: FlaskClient, portal: tuple[Flask, DemoSite], site: DemoSite) -> None:
    number = latest(portal, site.boundary)
    response = client.get(embed_path(site.boundary, number, site.boundary_resource, "map"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="map"' in page and "vendor/leaflet/leaflet.js" in page
    assert f'data-geojson="/dataset/{site.boundary}/v/{number}/resource/' in page
    back = f"{SITE}/dataset/{site.boundary}/v/{number}"
    assert f'href="{back}" target="_blank" rel="noopener"' in page
    citation = re.search(r'<p class="citation embed-citation">(.*?)</p>', page)
    assert citation is not None
    text = html.unescape(citation.group(1))
    assert text.startswith("Nguồn: Sở Giao thông vận tải Cao Bằng, Ranh giới hành chính")
    assert f"phiên bản {number}" in text and back in text
    assert "truy cập" not in text  # cached for the version's lifetime: no "accessed today"


def test_chart_and_table_embeds(client: FlaskClient, portal: tuple[Flask, DemoSite],
                                site: DemoSite) -> None:
    number = latest(portal, site.air)
    chart = client.get(embed_path(site.air, number, site.air_resource, "chart"))
    assert chart.status_code == 200 and 'class="chart"' in chart.get_data(as_text=True)
    table = client.get(embed_path(site.air, number, site.air_resource, "table"))
    assert table.status_code == 200 and "<td>Hạ Long</td>" in table.get_data(as_text=True)
    english = client.get(embed_path(site.air, number, site.air_resource, "table") + "?lang=en")
    assert "Source: Quang Ninh Department" in english.get_data(as_text=True)


def test_a_version_shows_its_own_rows(client: FlaskClient, portal: tuple[Flask, DemoSite],
                                      site: DemoSite) -> None:
    from catalogue.history.service import published_versions

    with catalogue_of(portal[0]).sessions() as session:
        versions = published_versions(session, get_dataset(session, site.air).id)
    older = next(v.number for v in versions if any(
        r.get("sha256") == site.air_v1_sha for r in v.snapshot.get("resources", [])))
    newest = versions[0].number
    assert "2026-01-06" not in client.get(embed_path(site.air, older, site.air_resource,
                                                     "table")).get_data(as_text=True)
    assert "2026-01-06" in client.get(embed_path(site.air, newest, site.air_resource,
                                                 "table")).get_data(as_text=True)


def test_views_a_resource_lacks_and_hidden_data_are_not_found(
        client: FlaskClient, portal: tuple[Flask, DemoSite], site: DemoSite) -> None:
    boundary = latest(portal, site.boundary)
    assert client.get(embed_path(site.boundary, boundary, site.boundary_resource,
                                 "chart")).status_code == 404
    assert client.get(embed_path(site.boundary, boundary + 5, site.boundary_resource,
                                 "map")).status_code == 404
    assert client.get(embed_path(site.private, 1, site.air_resource, "table")).status_code \
        == 404
    assert client.get(embed_path(site.boundary, boundary, "nope", "map")).status_code == 404
    assert client.get(embed_path(site.boundary, boundary, site.boundary_resource,
                                 "pdf")).status_code == 404


def test_only_embeds_may_be_framed(client: FlaskClient, portal: tuple[Flask, DemoSite],
                                   site: DemoSite) -> None:
    number = latest(portal, site.air)
    embed = client.get(embed_path(site.air, number, site.air_resource, "table"))
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "script-src 'self'" in embed.headers["Content-Security-Policy"]
    refused = ["/", "/dataset", f"/dataset/{site.air}", f"/dataset/{site.air}/v/{number}",
               f"/dataset/{site.air}/resource/{site.air_resource}", "/organization", "/about",
               "/user/login", "/api/3/action/package_list", "/maps/country.geojson",
               f"/dataset/{site.boundary}/resource/{site.boundary_resource}/map.geojson",
               "/khong-co-trang-nay"]
    for path in refused:
        response = client.get(path)
        assert response.headers.get("X-Frame-Options") == "DENY", path
        csp = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors *" not in csp, path
        if response.mimetype == "text/html" and response.status_code == 200:
            assert "frame-ancestors 'none'" in csp, path


def test_embeds_are_cached_per_version(client: FlaskClient, portal: tuple[Flask, DemoSite],
                                       site: DemoSite) -> None:
    number = latest(portal, site.air)
    path = embed_path(site.air, number, site.air_resource, "chart")
    first = client.get(path + "?lang=vi")
    cache = first.headers["Cache-Control"]
    assert "public" in cache and "immutable" in cache and "max-age=86400" in cache
    assert first.headers.get("ETag") and "Set-Cookie" not in first.headers
    assert "Cookie" not in first.headers.get("Vary", "")
    again = client.get(path + "?lang=vi", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert "frame-ancestors *" in again.headers["Content-Security-Policy"]
    english = client.get(path + "?lang=en")
    assert english.headers["ETag"] != first.headers["ETag"]
    other = client.get(embed_path(site.air, number, site.air_resource, "table") + "?lang=vi")
    assert other.headers["ETag"] != first.headers["ETag"]


def test_embed_language_comes_from_its_url_not_the_reader_cookie(
        client: FlaskClient, portal: tuple[Flask, DemoSite], site: DemoSite) -> None:
    number = latest(portal, site.air)
    client.set_cookie("lang", "en")
    page = client.get(embed_path(site.air, number, site.air_resource, "table"))
    assert '<html lang="vi">' in page.get_data(as_text=True)


def test_resource_page_offers_snippets_and_oembed_discovery(
        client: FlaskClient, portal: tuple[Flask, DemoSite], site: DemoSite) -> None:
    number = latest(portal, site.air)
    page = client.get(f"/dataset/{site.air}/resource/{site.air_resource}").get_data(
        as_text=True)
    src = f"{SITE}{embed_path(site.air, number, site.air_resource, 'chart')}?lang=vi"
    assert f'&lt;iframe src=&#34;{src}&#34;' in page  # shown as text, ready to copy
    assert "Nhúng vào trang khác" in page
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"',
                     page)
    assert link is not None
    resource_page = f"{SITE}/dataset/{site.air}/resource/{site.air_resource}"
    found = urlsplit(html.unescape(link.group(1)))
    assert f"{found.scheme}://{found.netloc}{found.path}" == f"{SITE}/oembed"
    assert parse_qs(found.query) == {"url": [resource_page], "format": ["json"]}


def test_private_dataset_offers_no_snippet(portal: tuple[Flask, DemoSite],
                                           site: DemoSite) -> None:
    """Its agency sees the page, but no embed would show it to anyone else."""
    from portal.pages import embed

    app = portal[0]
    with app.test_request_context("/"), catalogue_of(app).sessions() as session:
        private = get_dataset(session, site.private)
        assert embed.snippets(session, private, {"id": "x"}, ["table"]) == []
        public = get_dataset(session, site.air)
        res = {"id": site.air_resource, "sha256": site.air_v2_sha, "name": "x"}
        assert [s["view"] for s in embed.snippets(session, public, res, ["table"])] == ["table"]
        stale = res | {"sha256": site.air_v1_sha}  # a file the public version no longer has
        assert embed.snippets(session, public, stale, ["table"]) == []


def test_oembed_answers_rich_iframe(client: FlaskClient, portal: tuple[Flask, DemoSite],
                                    site: DemoSite) -> None:
    number = latest(portal, site.boundary)
    page = f"{SITE}/dataset/{site.boundary}/resource/{site.boundary_resource}"
    response = client.get("/oembed", query_string={"url": page, "format": "json",
                                                   "maxwidth": "500"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = response.get_json()
    assert doc["version"] == "1.0" and doc["type"] == "rich"
    assert doc["width"] == 500 and isinstance(doc["height"], int)
    assert doc["provider_name"] and doc["author_name"] == "Sở Giao thông vận tải Cao Bằng"
    src = f"{SITE}{embed_path(site.boundary, number, site.boundary_resource, 'map')}"
    assert f'<iframe src="{src}?lang=vi" width="500"' in doc["html"]
    embed = f"{SITE}{embed_path(site.air, latest(portal, site.air), site.air_resource, 'table')}"
    table = client.get("/oembed", query_string={"url": embed}).get_json()
    assert "/table?lang=vi" in table["html"]


def test_oembed_refuses_what_it_cannot_answer(client: FlaskClient, site: DemoSite) -> None:
    page = f"{SITE}/dataset/{site.boundary}/resource/{site.boundary_resource}"
    assert client.get("/oembed", query_string={"url": page, "format": "xml"}).status_code == 501
    elsewhere = f"https://example.org/dataset/{site.boundary}/resource/{site.boundary_resource}"
    assert client.get("/oembed", query_string={"url": elsewhere}).status_code == 404
    assert client.get("/oembed", query_string={"url": f"{SITE}/about"}).status_code == 404
    hidden = f"{SITE}/dataset/{site.private}/resource/x"
    assert client.get("/oembed", query_string={"url": hidden}).status_code == 404
    assert client.get("/oembed").status_code == 404

"""Maps and embeds in a real browser (issue 22): Playwright driving Debian's Chromium.

A second HTTP server on 127.0.0.1 (another port, so another origin) serves an "article" that
frames an embed and an ordinary page of the portal: the embed renders, the ordinary page is
refused. The interactive map must draw under the portal's CSP (no console error), stay usable
at 390 px, and the static picture must show without JavaScript. Skipped without Chromium.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from browser_server import DemoSite, attach_search, live_server, seed

from catalogue.clock import SystemClock
from catalogue.datasets.service import Upload, create_dataset, create_resource, get_dataset
from catalogue.history.service import latest_published_number

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

PROVINCES = "dan-so-cac-tinh"
CREATED: dict[str, str] = {}  # ids of what the server fixture made beyond the demo
PROVINCES_CSV = ("Tỉnh/thành phố,Dân số (nghìn người)\nHà Nội,8587\nĐắk Lắk,3347\n"
                 "Cà Mau,2607\nĐồng Nai,4491\nKhánh Hòa,2243\nLào Cai,1778\n"
                 "TP. Hồ Chí Minh,14003\nCần Thơ,4199\n")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Chromium at /usr/bin/chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoSite, int]]:
    """A live portal with the demo content; yields its URL, the site and the boundary's
    newest version number."""
    from portal import create_app
    from portal.catalogue_ext import catalogue_of
    from portal.cli.home_cmds import initialise

    home = tmp_path_factory.mktemp("browser-maps") / "home"
    home.mkdir()
    app = create_app({"log_json": False}, home=home, clock=SystemClock())
    initialise(app)
    attach_search(app, home / "index")
    with live_server(app) as base:
        catalogue = catalogue_of(app)
        catalogue.site_url = base
        site = seed(catalogue)
        with catalogue.unit("test") as uow:  # a table keyed by provinces: a choropleth
            create_dataset(uow, {"name": PROVINCES, "title": "Dân số các tỉnh, thành phố",
                                 "owner_org": "so-tnmt-quang-ninh", "license_id": "CC-BY-4.0"})
            made = create_resource(
                uow, PROVINCES, {"name": "Dân số", "format": "CSV"},
                upload=Upload(stored=catalogue.files.put_bytes(PROVINCES_CSV.encode()),
                              filename="dan-so.csv", mimetype="text/csv"))
            uow.commit()
        CREATED["provinces"] = made.id
        with catalogue.sessions() as session:
            number = latest_published_number(session, get_dataset(session, site.boundary).id)
            CREATED["air_version"] = str(latest_published_number(
                session, get_dataset(session, site.air).id))
        yield base, site, number
        if catalogue.search is not None:
            catalogue.search.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def article_server(server: tuple[str, DemoSite, int]) -> Iterator[str]:
    """Another origin: a news article framing an embed and an ordinary portal page."""
    base, site, number = server
    embed = f"{base}/embed/dataset/{site.boundary}/v/{number}/resource/{site.boundary_resource}/map"
    ordinary = f"{base}/dataset/{site.boundary}/resource/{site.boundary_resource}"
    article = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Bài báo</title>'
               f'</head><body><h1>Ranh giới Cao Bằng</h1>'
               f'<iframe name="embed" src="{embed}" width="640" height="480"></iframe>'
               f'<iframe name="ordinary" src="{ordinary}" width="640" height="480"></iframe>'
               f'</body></html>').encode()

    class Article(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(article)))
            self.end_headers()
            self.wfile.write(article)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Article)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/article"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=ARGS)
        yield chromium
        chromium.close()


def _tab(browser: Any, **options: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(locale="vi-VN", **options)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.set_default_timeout(10_000)
    return context, tab, errors


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_embed_renders_in_another_origin_and_ordinary_pages_are_refused(
        browser: Any, article_server: str, server: tuple[str, DemoSite, int]) -> None:
    base = server[0]
    context, tab, errors = _tab(browser)
    tab.goto(article_server)
    embed = tab.frame(name="embed")
    assert embed is not None and embed.url.startswith(base + "/embed/")
    embed.locator(".leaflet-container").wait_for()
    assert embed.locator("path.leaflet-interactive").count() >= 1  # the province's outline
    assert "Nguồn: Sở Giao thông vận tải Cao Bằng" in embed.locator(".embed-citation").inner_text()
    ordinary = tab.frame(name="ordinary")
    assert ordinary is not None
    # Chromium replaces a refused frame with its error page: nothing of the portal is in it.
    assert not ordinary.url.startswith(base)
    assert ordinary.locator("main#main").count() == 0
    shot(tab, "embed-article")
    context.close()
    refusals = [e for e in errors if "frame" in e.lower() and "ancestor" in e.lower()]
    assert refusals and all(e in refusals for e in errors), errors


def test_resource_map_is_interactive_under_the_csp(browser: Any,
                                                   server: tuple[str, DemoSite, int]) -> None:
    base, site, _ = server
    context, tab, errors = _tab(browser)
    tab.goto(f"{base}/dataset/{site.boundary}/resource/{site.boundary_resource}")
    tab.locator(".map-view .leaflet-container").wait_for()
    assert tab.locator(".map-view svg.map").count() == 0  # the picture gave way to the map
    assert tab.locator(".leaflet-interactive").count() >= 2  # the outline and the point
    tab.locator(".leaflet-control-zoom-in").click()
    tab.locator("circle.leaflet-interactive, path.leaflet-interactive").last.click(force=True)
    tab.locator(".leaflet-popup-content dl.map-label").wait_for()
    shot(tab, "resource-map")
    context.close()
    assert not errors, errors


def test_map_is_usable_at_390_px(browser: Any, server: tuple[str, DemoSite, int]) -> None:
    base, site, number = server
    context, tab, errors = _tab(browser, viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    for path in (f"/dataset/{site.boundary}/resource/{site.boundary_resource}",
                 f"/embed/dataset/{site.boundary}/v/{number}/resource/"
                 f"{site.boundary_resource}/map"):
        tab.goto(base + path)
        canvas = tab.locator(".leaflet-container")
        canvas.wait_for()
        box = canvas.bounding_box()
        assert box is not None and box["width"] <= 390 and box["height"] >= 200, box
        overflow = tab.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 390, f"{path}: {overflow}px wide on a 390px phone"
        zoom = tab.locator(".leaflet-control-zoom-in").bounding_box()
        assert zoom is not None and zoom["width"] >= 24  # a finger can hit it
    shot(tab, "resource-map-390")
    context.close()
    assert not errors, errors


def test_static_map_shows_without_javascript(browser: Any,
                                             server: tuple[str, DemoSite, int]) -> None:
    base, site, number = server
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    for path in (f"/dataset/{site.boundary}/resource/{site.boundary_resource}",
                 f"/embed/dataset/{site.boundary}/v/{number}/resource/"
                 f"{site.boundary_resource}/map"):
        tab.goto(base + path)
        picture = tab.locator(".map-view svg.map")
        assert picture.is_visible()
        assert picture.locator("path").count() >= 2  # the country under the province
    shot(tab, "resource-map-no-js")
    context.close()


def test_embed_snippet_is_copied(browser: Any, server: tuple[str, DemoSite, int]) -> None:
    base, site, _ = server
    context, tab, errors = _tab(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    tab.goto(f"{base}/dataset/{site.air}/resource/{site.air_resource}")
    button = tab.locator("#embed-h ~ .copy-button").first
    button.click()
    tab.wait_for_function("document.querySelector('.copy-button').textContent === 'Đã chép'")
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f'<iframe src="{base}/embed/dataset/{site.air}/v/')
    context.close()
    assert not errors, errors


def test_maps_and_embeds_pass_the_in_page_accessibility_check(
        browser: Any, server: tuple[str, DemoSite, int]) -> None:
    """Labels, names, contrast and landmarks, with Leaflet's controls in the page's language."""
    base, site, number = server
    check = "\n".join(line for line in (Path(__file__).with_name("a11y_check.js")).read_text(
        encoding="utf-8").splitlines() if not line.startswith("//"))
    context, tab, errors = _tab(browser)
    for path in (f"/dataset/{site.boundary}/resource/{site.boundary_resource}",
                 f"/embed/dataset/{site.boundary}/v/{number}/resource/"
                 f"{site.boundary_resource}/map"):
        tab.goto(base + path)
        tab.locator(".leaflet-container").wait_for()
        assert tab.evaluate(check) == [], path
        assert tab.locator(".leaflet-control-zoom-in").get_attribute("title") == "Phóng to"
        assert tab.locator(".leaflet-control-layers-toggle").get_attribute(
            "aria-label") == "Lớp bản đồ"
    context.close()
    assert not errors, errors


def test_province_outlines_are_drawn_and_can_be_turned_off(
        browser: Any, server: tuple[str, DemoSite, int]) -> None:
    base, site, _ = server
    context, tab, errors = _tab(browser)
    tab.goto(f"{base}/dataset/{site.boundary}/resource/{site.boundary_resource}")
    tab.locator(".leaflet-container").wait_for()
    # Today's 34 provinces over the country's outline, without asking (a locator, not
    # wait_for_function: the CSP allows no eval).
    outlines = tab.locator('path[stroke="#6b7785"]')  # map.js's colour for them
    outlines.nth(33).wait_for(state="attached")
    assert outlines.count() == 34
    shot(tab, "resource-map-provinces")
    tab.locator(".leaflet-control-layers").hover()
    tab.locator(".leaflet-control-layers-overlays input").uncheck()
    outlines.first.wait_for(state="detached")
    context.close()
    assert not errors, errors


def test_table_keyed_by_provinces_is_drawn_by_class(
        browser: Any, server: tuple[str, DemoSite, int]) -> None:
    base = server[0]
    context, tab, errors = _tab(browser, viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    tab.goto(f"{base}/dataset/{PROVINCES}/resource/{CREATED['provinces']}")
    tab.locator(".leaflet-container").wait_for()
    assert tab.locator("path.leaflet-interactive").count() == 8  # one outline per province
    assert tab.locator(".map-legend li").count() == 5
    overflow = tab.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390, f"{overflow}px wide on a 390px phone"
    shot(tab, "choropleth-390")
    context.close()
    assert not errors, errors


AXE = Path(__file__).resolve().parent.parent / ".venv" / "axe" / "node_modules" / "axe-core" / \
    "axe.min.js"


@pytest.mark.skipif(not AXE.is_file(),
                    reason="axe-core not installed: run `make axe`")
def test_axe_core_finds_nothing_serious_on_maps_and_embeds(
        browser: Any, server: tuple[str, DemoSite, int]) -> None:
    base, site, number = server
    embed = f"/embed/dataset/{site.boundary}/v/{number}/resource/{site.boundary_resource}"
    pages = [f"/dataset/{site.boundary}/resource/{site.boundary_resource}", embed + "/map",
             f"/dataset/{PROVINCES}/resource/{CREATED['provinces']}"]
    air = f"/embed/dataset/{site.air}/v/{CREATED['air_version']}/resource/{site.air_resource}"
    pages += [air + "/chart", air + "/table"]
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    tab = context.new_page()
    failures = {}
    for path in pages:
        tab.goto(base + path)
        if tab.locator(".map-view").count():
            tab.locator(".leaflet-container").wait_for()
        tab.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = tab.evaluate("async () => await axe.run(document, {runOnly: "
                              "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        serious = [(v["id"], v["nodes"][0]["target"]) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        if serious:
            failures[path] = serious
    context.close()
    assert not failures

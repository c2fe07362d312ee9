"""The portal in a real browser (Playwright driving Debian's Chromium) against a live server.

Skipped when /usr/bin/chromium is missing. The accessibility scan runs axe-core when
``make axe`` has installed it into the venv (never into the repository) or ``AXE_CORE_JS``
names an ``axe.min.js``; the in-page check of labels, alternative text, contrast, landmarks
and the skip link always runs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from browser_server import AIR_CSV_V2, DemoSite, attach_search, live_server, seed

from catalogue.clock import SystemClock

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
AXE = Path(os.environ.get("AXE_CORE_JS")
           or ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Chromium at /usr/bin/chromium (.ci/run installs it)")

A11Y_CHECK = "\n".join(  # the function, without its leading comment lines
    line for line in Path(__file__).with_name("a11y_check.js").read_text(
        encoding="utf-8").splitlines() if not line.startswith("//"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoSite]]:
    """A live portal on 127.0.0.1 with the demo content, on the real clock."""
    from portal import create_app
    from portal.catalogue_ext import catalogue_of
    from portal.cli.home_cmds import initialise

    home = tmp_path_factory.mktemp("browser") / "home"
    home.mkdir()
    app = create_app({"log_json": False}, home=home, clock=SystemClock())
    initialise(app)
    attach_search(app, home / "index")
    with live_server(app) as base:
        catalogue = catalogue_of(app)
        catalogue.site_url = base  # citations and feeds name the live address
        yield base, seed(catalogue)
        if catalogue.search is not None:
            catalogue.search.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A page that fails the test on any console error or uncaught exception."""
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
    assert not errors, f"console errors: {errors}"


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_typed_without_diacritics_finds_the_dataset(
        page: Any, server: tuple[str, DemoSite]) -> None:
    base, site = server
    page.goto(base + "/")
    shot(page, "home")
    page.fill("#q", "chat luong khong khi")
    page.press("#q", "Enter")
    page.wait_for_url("**/dataset?q=*")
    first = page.locator(".dataset-item h3 a").first
    assert first.get_attribute("href") == f"/dataset/{site.air}"
    assert "Chất lượng không khí" in first.inner_text()
    assert page.locator(".dataset-item mark").count() > 0
    shot(page, "search")


def test_autocomplete_offers_titles(page: Any, server: tuple[str, DemoSite]) -> None:
    base, _ = server
    page.goto(base + "/")
    page.type("#q", "ranh gi")
    page.locator("#q-suggestions option").first.wait_for(state="attached")
    assert "Ranh giới" in page.locator("#q-suggestions option").first.get_attribute("value")


def test_facets_narrow_results(page: Any, server: tuple[str, DemoSite]) -> None:
    base, site = server
    page.goto(base + "/dataset")
    assert page.locator(".dataset-item").count() == 3
    page.locator(".facet a", has_text="Sở Giao thông vận tải Cao Bằng").click()
    page.wait_for_url("**organization=so-gtvt-cao-bang*")
    assert page.locator(".dataset-item").count() == 2
    page.locator(".facet a", has_text="Giao thông vận tải").last.click()
    page.wait_for_url("**groups=giao-thong-van-tai*")
    items = page.locator(".dataset-item h3 a")
    assert items.count() == 1 and items.first.get_attribute("href") == f"/dataset/{site.bus}"
    shot(page, "search-facets")


def test_place_facet_works_on_a_phone(page: Any, server: tuple[str, DemoSite]) -> None:
    """Issue 22: the "Địa phương" facet of today's provinces, usable at 390 px. Two of the
    demo's datasets name Cao Bằng only in their titles, one names Quảng Ninh."""
    base, _ = server
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/dataset")
    page.locator("details.facet-toggle > summary").click()  # the filters sit behind "Lọc"
    facet = page.locator(".facet", has=page.locator("h2", has_text="Địa phương"))
    assert facet.is_visible()
    facet.locator("a", has_text="Cao Bằng").click()
    page.wait_for_url("**spatial_code=04*")
    assert page.locator(".dataset-item").count() == 2
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{width}px wide on a 390px phone"
    shot(page, "search-place-facet-390")


def test_dataset_page_shows_provenance_and_validation(
        page: Any, server: tuple[str, DemoSite]) -> None:
    base, site = server
    page.goto(f"{base}/dataset/{site.bus}")
    provenance = page.locator("section.provenance").inner_text()
    assert "cao-bang-file-share" in provenance
    assert "https://sogtvt.caobang.gov.vn/ben-xe.csv" in provenance
    assert "01/03/2026 22:00" in provenance
    validation = page.locator("#validation-h").locator("xpath=..").inner_text()
    assert "1 lỗi" in validation and "type-error" in validation
    shot(page, "dataset")


def test_download_returns_the_exact_bytes(page: Any, server: tuple[str, DemoSite],
                                          tmp_path: Path) -> None:
    base, site = server
    page.goto(f"{base}/dataset/{site.air}")
    with page.expect_download() as download_info:
        page.locator("table.resources a.button").first.click()
    saved = tmp_path / "download.csv"
    download_info.value.save_as(saved)
    data = saved.read_bytes()
    assert data == AIR_CSV_V2
    assert hashlib.sha256(data).hexdigest() == site.air_v2_sha
    assert site.air_v2_sha in page.locator("table.resources").inner_text()


def test_citation_names_the_source_and_today(page: Any, server: tuple[str, DemoSite]) -> None:
    base, site = server
    page.goto(f"{base}/dataset/{site.air}")
    text = page.locator("#citation-text").inner_text()
    today = datetime.now(UTC).strftime("%d/%m/%Y")
    assert text.startswith("Nguồn: Sở Tài nguyên và Môi trường Quảng Ninh")
    assert f"truy cập ngày {today}" in text
    assert f"{base}/dataset/{site.air}/v/4" in text
    page.locator("#cite").screenshot(path=str(ARTIFACTS / "cite.png"))


def test_english_switch_translates_and_keeps_the_page(
        page: Any, server: tuple[str, DemoSite]) -> None:
    base, site = server
    page.goto(f"{base}/dataset/{site.air}")
    page.locator(".lang-switch a", has_text="English").click()
    page.wait_for_url(f"**/dataset/{site.air}?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Air quality at Quang Ninh monitoring stations"
    assert "Provenance" in page.locator("#provenance-h").inner_text()
    assert page.locator(".main-nav").inner_text().split("\n")[0] == "Datasets"
    shot(page, "dataset-en")
    page.goto(base + "/stats")  # remembered by cookie
    assert page.locator("h1").inner_text() == "Statistics"
    page.locator(".lang-switch a", has_text="Tiếng Việt").click()
    assert page.locator("h1").inner_text() == "Thống kê"


def test_report_a_problem_submits(page: Any, server: tuple[str, DemoSite]) -> None:
    base, site = server
    page.goto(f"{base}/dataset/{site.bus}")
    page.locator(".report-link a").click()
    page.get_by_label("Dữ liệu sai").check()
    page.get_by_label("Mô tả vấn đề").fill("Bến xe Hòa An: số tuyến ghi là abc, phải là 8.")
    shot(page, "report-form")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url("**/report/*")
    assert "Mới tiếp nhận" in page.locator(".report-status").inner_text()
    shot(page, "report-status")


def test_pages_work_without_javascript(browser: Any, server: tuple[str, DemoSite]) -> None:
    base, site = server
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base + "/dataset?q=ben+xe")
    assert tab.locator(".dataset-item h3 a").first.get_attribute("href") == f"/dataset/{site.bus}"
    tab.goto(f"{base}/dataset/{site.air}/resource/{site.air_resource}")
    tab.locator("table.preview th a").nth(2).click()  # sort by PM2.5, a plain link
    assert tab.locator("table.preview th[aria-sort]").count() == 1
    assert tab.locator("svg.chart polyline").count() == 2
    shot(tab, "resource")
    context.close()


PAGES = ("/", "/dataset?q=khong+khi", "/dataset/{air}", "/dataset/{air}/resource/{res}",
         "/dataset/{bus}/report", "/request/new", "/stats", "/organization", "/about")


def test_accessibility_in_page_check(page: Any, server: tuple[str, DemoSite]) -> None:
    base, site = server
    for path in PAGES:
        page.goto(base + path.format(air=site.air, bus=site.bus, res=site.air_resource))
        assert page.evaluate(A11Y_CHECK) == [], path
        page.keyboard.press("Tab")  # the skip link comes first and is visible on focus
        focused = page.evaluate("document.activeElement.className")
        assert focused == "skip-link", path


@pytest.mark.skipif(not AXE.is_file(),
                    reason="axe-core not installed: run `make axe` (or set AXE_CORE_JS)")
def test_axe_core_reports_no_serious_violations(browser: Any,
                                                server: tuple[str, DemoSite]) -> None:
    base, site = server
    source = AXE.read_text(encoding="utf-8")
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    tab = context.new_page()
    failures = {}
    for path in PAGES:
        tab.goto(base + path.format(air=site.air, bus=site.bus, res=site.air_resource))
        tab.add_script_tag(content=source)
        result = tab.evaluate("async () => await axe.run(document, {runOnly: "
                              "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        serious = [(v["id"], v["nodes"][0]["target"]) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        if serious:
            failures[path] = serious
    context.close()
    assert not failures

"""The public pages on a 390 px phone in Chromium (issue 19 item 7): nothing wider than the
screen (header, tables, buttons), search results before the filters, the filters behind
"Lọc" with JavaScript and without. Screenshots go to tests/artifacts/mobile-*.png.

Skipped when /usr/bin/chromium is missing, as tests/test_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_server import DemoSite, attach_search, live_server, seed

from catalogue.clock import SystemClock

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
PASSWORD, NEW_PASSWORD = "Sông Hồng chảy 47 mùa", "Núi Bài Thơ xanh 2026"
DESKTOP = {"width": 1366, "height": 900}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Chromium at /usr/bin/chromium (.ci/run installs it)")

# Elements whose right edge passes the screen, outside the boxes meant to scroll sideways
# (wide tables sit in .table-scroll, code in <pre> scrolls).
WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".visually-hidden, .skip-link, [hidden]") || scrolls(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 1 || box.left < -1) {
      out.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : "") +
               " " + Math.round(box.left) + ".." + Math.round(box.right));
    }
  }
  return out.slice(0, 10);
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoSite]]:
    from portal import create_app
    from portal.catalogue_ext import catalogue_of
    from portal.cli.home_cmds import initialise

    home = tmp_path_factory.mktemp("mobile") / "home"
    home.mkdir()
    app = create_app({"log_json": False}, home=home, clock=SystemClock())
    initialise(app)
    attach_search(app, home / "index")
    with live_server(app) as base:
        catalogue = catalogue_of(app)
        catalogue.site_url = base
        site = seed(catalogue)
        from catalogue.accounts.service import create_user

        with catalogue.unit("setup") as uow:
            create_user(uow, name="quan-tri", email="qt@stttt.gov.vn",
                        full_name="Trần Quản Trị", password=PASSWORD, sysadmin=True)
            uow.commit()
        yield base, site
        if catalogue.search is not None:
            catalogue.search.close()  # type: ignore[attr-defined]
    catalogue_of(app).sessions.kw["bind"].dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=ARGS)
        yield chromium
        chromium.close()


def _page(browser: Any, *, javascript: bool = True, viewport: dict[str, int] = PHONE) -> Any:
    context = browser.new_context(locale="vi-VN", viewport=viewport,
                                  java_script_enabled=javascript)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    return tab


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"mobile-{name}.png"), full_page=True)


def test_no_public_page_is_wider_than_a_phone(browser: Any,
                                              server: tuple[str, DemoSite]) -> None:
    base, site = server
    pages = {
        "home": "/", "search": "/dataset", "search-q": "/dataset?q=kh%C3%B4ng+kh%C3%AD",
        "dataset": f"/dataset/{site.air}", "dataset-en": f"/dataset/{site.air}?lang=en",
        "resource": f"/dataset/{site.air}/resource/{site.air_resource}",
        "validation": f"/dataset/{site.bus}/resource/{site.bus_resource}/validation",
        "history": f"/dataset/{site.air}/history", "organizations": "/organization",
        "organization": "/organization/so-tnmt-quang-ninh", "groups": "/group",
        "stats": "/stats", "api": "/api", "about": "/about", "login": "/user/login",
    }
    page = _page(browser)
    wide: dict[str, list[str]] = {}
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response is not None and response.status < 400, (name, response)
        _shot(page, f"{name}-390")
        found = page.evaluate(WIDER_THAN_SCREEN)
        if found or page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            wide[name] = found
    page.context.close()
    assert wide == {}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_on_a_phone_results_come_first_and_filters_open_from_loc(
        browser: Any, server: tuple[str, DemoSite], javascript: bool) -> None:
    base, _ = server
    page = _page(browser, javascript=javascript)
    page.goto(base + "/dataset")
    facets = page.locator(".facet-toggle .facet").first
    loc = page.locator(".facet-toggle > summary")
    assert loc.is_visible() and loc.inner_text().startswith("Lọc")
    assert not facets.is_visible()
    results = page.locator(".dataset-item").first
    assert results.is_visible()
    assert results.bounding_box()["y"] < PHONE["height"]  # the first result on the first screen
    _shot(page, f"search-closed-390-{'js' if javascript else 'nojs'}")
    loc.click()
    assert facets.is_visible()
    _shot(page, f"search-open-390-{'js' if javascript else 'nojs'}")
    page.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_on_a_wide_screen_filters_stand_open_beside_the_results(
        browser: Any, server: tuple[str, DemoSite], javascript: bool) -> None:
    base, _ = server
    page = _page(browser, javascript=javascript, viewport=DESKTOP)
    page.goto(base + "/dataset")
    assert page.locator(".facet-toggle .facet").first.is_visible()
    assert not page.locator(".facet-toggle > summary").is_visible()
    facet_box = page.locator(".facets").bounding_box()
    results_box = page.locator(".results").bounding_box()
    assert facet_box["x"] + facet_box["width"] <= results_box["x"]  # side by side
    _shot(page, f"search-1366-{'js' if javascript else 'nojs'}")
    page.context.close()


def test_the_api_actions_read_one_by_one_on_a_phone(browser: Any,
                                                   server: tuple[str, DemoSite]) -> None:
    """The /api actions table, scrolled sideways, cut each description off at the screen's
    edge (the walk-through of issue 19): on a phone each action is a block."""
    base, _ = server
    page = _page(browser)
    page.goto(base + "/api")
    description = page.locator("#package_search td").nth(1)
    box = description.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["width"] > PHONE["width"] * 0.8
    assert description.inner_text().startswith("Tìm kiếm bộ dữ liệu")
    _shot(page, "api-actions-390")
    page.context.close()


def _log_in(page: Any, base: str) -> None:
    """The sysadmin logs in; the first time (whichever test runs first) changes the password."""
    page.goto(base + "/user/login")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill("quan-tri")
    page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    page.locator("form:has(input[name=login]) button").click()
    if page.locator("form:has(input[name=login])").count() == 0:
        return
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.locator("form:has(input[name=login]) button").click()
    page.get_by_label("Mật khẩu hiện tại").fill(PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    page.locator("form:has(input[name=new_password]) button").click()
    page.get_by_text("Đã đổi mật khẩu.").wait_for()


def test_the_workspace_history_reads_revision_by_revision_on_a_phone(
        browser: Any, server: tuple[str, DemoSite]) -> None:
    """Scrolled sideways, the six-column history squeezed each change list into a sliver
    (the stranger's walk-through): on a phone each revision is a block, cells labelled."""
    base, site = server
    page = _page(browser)
    _log_in(page, base)
    page.goto(f"{base}/workspace/dataset/{site.air}")
    changes = page.locator("table.revisions td[data-label='Thay đổi']").first
    box = changes.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["width"] > PHONE["width"] * 0.8  # the whole width, not a column of it
    label = changes.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Thay đổi: "'
    _shot(page, "staff-ws-history-390")
    page.context.close()


def test_no_staff_page_is_wider_than_a_phone(browser: Any,
                                             server: tuple[str, DemoSite]) -> None:
    """The workspace an officer opens on a phone: dashboard, review queue, the agency's
    harvest, members and quality pages, a dataset, the sysadmin's pages."""
    base, site = server
    page = _page(browser)
    _log_in(page, base)
    org = "/workspace/org/so-tnmt-quang-ninh"
    pages = {"workspace": "/workspace/", "review": "/workspace/review/",
             "harvest": f"{org}/harvest", "harvest-new": f"{org}/harvest/new",
             "members": f"{org}/members", "quality": f"{org}/quality",
             "feedback": f"{org}/feedback", "ws-dataset": f"/workspace/dataset/{site.air}",
             "ws-dataset-edit": f"/workspace/dataset/{site.air}/edit",
             "audit": "/workspace/audit/", "reports": "/workspace/operations/reports",
             "notices": "/workspace/operations/notices", "org-new": "/organization/new",
             "account": "/user/me"}
    wide: dict[str, list[str]] = {}
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response is not None and response.status < 400, (name, response)
        _shot(page, f"staff-{name}-390")
        found = page.evaluate(WIDER_THAN_SCREEN)
        if found or page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            wide[name] = found
    page.context.close()
    assert wide == {}

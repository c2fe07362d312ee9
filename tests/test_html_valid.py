"""Every page type is well-formed HTML5 with valid machine-readable dates, and English pages
mark the Vietnamese data they show as Vietnamese (issue 17, item 6).

html5lib parses each page in strict mode (a parse error fails the test); `<time datetime>`
values are checked against the HTML date/time grammar (at most 3 fractional digits, a zone).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import html5lib
import pytest
from browser_server import DemoSite, demo_portal
from flask import Flask
from flask.testing import FlaskClient

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset

# A global date and time string: date, "T", time with at most 3 fractional digits, a zone.
VALID_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$")
ARIA_ROLES = frozenset({"alert", "banner", "button", "complementary", "contentinfo", "dialog",
                        "img", "link", "list", "listitem", "main", "navigation", "note",
                        "presentation", "none", "region", "search", "status", "tab",
                        "tablist", "tabpanel", "group", "figure", "table", "row", "cell",
                        "columnheader", "rowheader", "log", "progressbar", "separator",
                        "tooltip", "menu", "menuitem", "form", "heading", "article"})


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, DemoSite]]:
    with demo_portal(tmp_path_factory.mktemp("html") / "home",
                     FixedClock(datetime(2026, 3, 2, 8, 30))) as built:
        yield built


@pytest.fixture
def demo_client(portal: tuple[Flask, DemoSite]) -> FlaskClient:
    return portal[0].test_client()


def pages(site: DemoSite) -> list[str]:
    return ["/", "/dataset", "/dataset?q=kh%C3%B4ng+kh%C3%AD", f"/dataset/{site.air}",
            f"/dataset/{site.air}/history", f"/dataset/{site.air}/v/1",
            f"/dataset/{site.air}/resource/{site.air_resource}",
            f"/dataset/{site.boundary}/resource/{site.boundary_resource}",
            "/organization", "/organization/so-tnmt-quang-ninh", "/group", "/stats", "/api",
            "/about", "/user/login", "/request/new", f"/dataset/{site.air}/report",
            "/khong-co-trang-nay"]


def _check_page(client: FlaskClient, path: str, lang: str) -> None:
    """One page parsed strictly: valid dates, known ARIA roles, no inline style."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}lang={lang}")
    html = response.get_data(as_text=True)
    try:
        document = parser.parse(html)
    except html5lib.html5parser.ParseError as exc:
        line = int(re.search(r"line (\d+)", str(exc)).group(1)) if re.search(  # type: ignore[union-attr]
            r"line (\d+)", str(exc)) else 0
        context = "\n".join(html.splitlines()[max(line - 3, 0):line + 1])
        raise AssertionError(f"{path} ({lang}): {exc}\n{context}") from None
    for time in document.iter("time"):
        value = time.get("datetime")
        assert value is None or VALID_DATETIME.match(value), (path, value)
    for element in document.iter():
        role = element.get("role") if isinstance(element.tag, str) else None
        assert role is None or role in ARIA_ROLES, (path, element.tag, role)
        # The Content-Security-Policy allows no inline style: a browser would drop it.
        assert element.get("style") is None, (path, element.tag)


def embed_pages(portal: tuple[Flask, DemoSite]) -> list[str]:
    """The embeddable map, chart and table of the newest versions (issue 22)."""
    from catalogue.datasets.service import get_dataset
    from catalogue.history.service import latest_published_number
    from portal.catalogue_ext import catalogue_of

    app, site = portal
    with catalogue_of(app).sessions() as session:
        air = latest_published_number(session, get_dataset(session, site.air).id)
        boundary = latest_published_number(session, get_dataset(session, site.boundary).id)
    return [f"/embed/dataset/{site.boundary}/v/{boundary}/resource/{site.boundary_resource}/map",
            f"/embed/dataset/{site.air}/v/{air}/resource/{site.air_resource}/chart",
            f"/embed/dataset/{site.air}/v/{air}/resource/{site.air_resource}/table"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_type_is_well_formed_with_valid_dates(demo_client: FlaskClient,
                                                         portal: tuple[Flask, DemoSite],
                                                         lang: str) -> None:
    for path in pages(portal[1]) + embed_pages(portal):
        _check_page(demo_client, path, lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_table_explorer_pages_are_well_formed(client: FlaskClient, catalogue: Catalogue,
                                              org: str, lang: str) -> None:
    """The resource page with a loaded table (issue 21): the explorer, filtered and sorted,
    paged, pinned to a version, and a view the table cannot answer."""
    from explorer_data import load_communes

    loaded = load_communes(catalogue, org)
    base = f"/dataset/{loaded.name}/resource/{loaded.resource_id}"
    for query in ("", "?f.huyen=H%E1%BA%A1+Long&min.dan_so=1100&sort=dan_so&desc=1&page=2",
                  "?q=dong&cols=xa&v=2", "?min.dan_so=abc"):
        _check_page(client, base + query, lang)


def test_english_pages_mark_vietnamese_data_as_vietnamese(client: FlaskClient,
                                                          catalogue: Catalogue, org: str) -> None:
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "gia-dat", "title": "Bảng giá đất", "owner_org": org,
                             "notes": "Giá đất theo xã"})
        create_dataset(uow, {"name": "luong-mua", "title": "Lượng mưa", "owner_org": org,
                             "title_en": "Rainfall"})
        uow.commit()
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    page = parser.parse(client.get("/dataset/gia-dat?lang=en").get_data(as_text=True))
    assert page.get("lang") == "en"
    assert next(page.iter("h1")).get("lang") == "vi"  # shown for want of an English title
    described = [e for e in page.iter("div") if "description" in (e.get("class") or "")]
    assert described and described[0].get("lang") == "vi"
    english = parser.parse(client.get("/dataset/luong-mua?lang=en").get_data(as_text=True))
    assert next(english.iter("h1")).get("lang") is None
    vietnamese = parser.parse(client.get("/dataset/gia-dat?lang=vi").get_data(as_text=True))
    assert next(vietnamese.iter("h1")).get("lang") is None  # the page is Vietnamese already

"""The table explorer on the resource page (issue 21 item 4): every row of a loaded table,
filtered, searched, sorted, columns chosen, paged; the URL holds the view, the citation cites
it, the CSV download is exactly it; plain GET forms; Vietnamese numbers and dates."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest
from explorer_data import ROWS, Loaded, commune_rows, load_communes, replace_file
from flask import Flask
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.explorer.view import parse_view


class Args(dict[str, list[str]]):
    def getlist(self, key: str) -> list[str]:
        return self.get(key, [])


@pytest.fixture
def loaded(catalogue: Catalogue, org: str) -> Loaded:
    return load_communes(catalogue, org)


def page(client: FlaskClient, loaded: Loaded, query: str = "", lang: str = "vi") -> str:
    joiner = "&" if query else ""
    response = client.get(f"/dataset/{loaded.name}/resource/{loaded.resource_id}"
                          f"?{query}{joiner}lang={lang}")
    assert response.status_code == 200, response.status
    return response.get_data(as_text=True)


def count_of(html: str) -> str:
    found = re.search(r'<p class="explorer-count" role="status">([\d.,]+) (?:dòng|rows?)', html)
    assert found, html[:2000]
    return found.group(1)


def cells(html: str, column: int) -> list[str]:
    """The text of one column of the explorer's table body."""
    body = html.split('class="preview explorer-table"', 1)[1].split("<tbody>", 1)[1]
    body = body.split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)[column])
            for r in rows]


def test_every_row_is_reachable_page_by_page(client: FlaskClient, loaded: Loaded) -> None:
    html = page(client, loaded)
    assert count_of(html) == "1.205"
    assert "Trang 1 / 13" in html
    last = page(client, loaded, "page=13")
    assert cells(last, 0)[-1] == f"Xã số {ROWS}"  # past the old preview's first 1,000 rows
    assert page(client, loaded, "page=99").count("Trang 13 / 13") == 1  # past the end: last


def test_filter_by_value_lists_counts_and_keeps_the_other_values(
        client: FlaskClient, loaded: Loaded) -> None:
    html = page(client, loaded)
    assert re.search(r'name="f.huyen" value="Hạ Long"> Hạ Long <span class="count">\(301\)',
                     html)
    chosen = page(client, loaded, "f.huyen=H%E1%BA%A1+Long")
    assert count_of(chosen) == "301"
    assert set(cells(chosen, 1)) == {"Hạ Long"}
    assert 'value="Cẩm Phả"> Cẩm Phả' in chosen  # still offered: counts ignore its own filter
    both = page(client, loaded, "f.huyen=H%E1%BA%A1+Long&f.huyen=U%C3%B4ng+B%C3%AD")
    assert count_of(both) == "602"


def test_search_finds_the_same_rows_with_or_without_diacritics(client: FlaskClient,
                                                               loaded: Loaded) -> None:
    with_marks = page(client, loaded, "q=%C4%90%E1%BB%93ng+T%C3%A2m")
    without = page(client, loaded, "q=dong+tam")
    assert count_of(with_marks) == count_of(without) == str(ROWS // 7)
    assert cells(without, 0)[0] == "Đồng Tâm 7"


def test_ranges_of_numbers_and_dates(client: FlaskClient, loaded: Loaded) -> None:
    assert count_of(page(client, loaded, "min.dan_so=1100&max.dan_so=1199")) == "100"
    assert count_of(page(client, loaded, "min.dien_tich=10%2C5&max.dien_tich=12,5")) == "2"
    december = page(client, loaded, "min.ngay=2024-12-01&max.ngay=2024-12-31")
    assert count_of(december) == "100"
    assert all(day.endswith("/12/2024") for day in cells(december, 4))


def test_sort_and_vietnamese_numbers_and_dates(client: FlaskClient, loaded: Loaded) -> None:
    html = page(client, loaded, "sort=dan_so&desc=1")
    assert 'aria-sort="descending"' in html
    assert cells(html, 2)[0] == "2.205" and cells(html, 3)[0] == "1.506,25"
    assert re.fullmatch(r"\d\d/\d\d/2024", cells(html, 4)[0])
    english = page(client, loaded, "sort=dan_so&desc=1", lang="en")
    assert cells(english, 2)[0] == "2,205" and cells(english, 3)[0] == "1,506.25"
    assert "Population (người)" in english  # the data dictionary's English label and unit


def test_chosen_columns_are_the_only_ones_shown(client: FlaskClient, loaded: Loaded) -> None:
    html = page(client, loaded, "cols=xa&cols=dan_so")
    header = html.split('class="preview explorer-table"', 1)[1].split("</thead>", 1)[0]
    assert header.count('<th scope="col"') == 2
    assert "Dân số (người)" in header and "Huyện" not in header


def test_the_download_is_exactly_the_view(client: FlaskClient, loaded: Loaded) -> None:
    html = page(client, loaded, "f.huyen=C%E1%BA%A9m+Ph%E1%BA%A3&min.dan_so=1500"
                                "&cols=xa&cols=dan_so&sort=dan_so&desc=1")
    link = re.search(r'href="([^"]*/view\.csv[^"]*)"', html)
    assert link
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0] == ["xa", "dan_so"]
    expected = sorted(((f"Đồng Tâm {i}" if i % 7 == 0 else f"Xã số {i}", str(1000 + i))
                       for i in range(1, ROWS + 1) if i % 4 == 1 and 1000 + i >= 1500),
                      key=lambda r: -int(r[1]))
    assert [tuple(r) for r in table[1:]] == expected
    assert count_of(html) == f"{len(expected):,}".replace(",", ".")
    as_json = client.get(link.group(1).replace("&amp;", "&").replace("/view.csv", "/view.json"))
    body = as_json.get_json()  # CKAN's dump shape: fields, then records as lists
    assert [f["id"] for f in body["fields"]] == ["xa", "dan_so"]
    assert [(xa, str(people)) for xa, people in body["records"]] == expected


def test_the_url_holds_the_view_and_the_citation_cites_it(client: FlaskClient,
                                                          catalogue: Catalogue,
                                                          loaded: Loaded) -> None:
    html = page(client, loaded, "f.huyen=H%E1%BA%A1+Long&q=dong&sort=dan_so")
    citation = re.search(r'<p class="citation">([^<]*)</p>', html)
    assert citation
    text = citation.group(1).replace("&amp;", "&")
    assert "phiên bản 2" in text and "Huyện là Hạ Long" in text and "có “dong”" in text
    url = re.search(r"(http://portal\.test/\S+?)(?:,|$)", text)
    assert url
    args = parse_qs(urlsplit(url.group(1)).query)
    assert args == {"q": ["dong"], "f.huyen": ["Hạ Long"], "sort": ["dan_so"], "v": ["2"]}
    # The pinned link still shows version 2's rows after a new file is published.
    replace_file(catalogue, loaded, commune_rows(10, bump=5000))
    pinned = urlsplit(url.group(1))
    old = client.get(f"{pinned.path}?{pinned.query}").get_data(as_text=True)
    assert count_of(old) == count_of(html) and "phiên bản 2" in old
    assert count_of(page(client, loaded)) == "10"


def test_every_control_is_a_get_form_or_a_link(client: FlaskClient, loaded: Loaded) -> None:
    """No JavaScript needed: the explorer's forms are GET forms on the page itself."""
    html = page(client, loaded, "f.huyen=H%E1%BA%A1+Long&page=2")
    section = html.split('aria-labelledby="explorer-h" class="explorer"', 1)[1].split(
        "</section>", 1)[0]
    forms = re.findall(r'<form method="(\w+)"', section)
    assert forms == ["get", "get"]
    jump = section.split('class="explorer-jump"', 1)[1]
    assert '<input type="hidden" name="f.huyen" value="Hạ Long">' in jump
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for lang in ("vi", "en"):
        document = parser.parse(page(client, loaded, "f.huyen=H%E1%BA%A1+Long", lang=lang))
        assert all(e.get("style") is None for e in document.iter())


def test_hostile_or_stale_views_are_answered_not_crashed(client: FlaskClient,
                                                         loaded: Loaded) -> None:
    html = page(client, loaded, "f.khong_co=1&sort=%22%3B+DROP+TABLE&cols=nope&page=99999")
    assert count_of(html) == "1.205"  # unknown columns dropped, the page clamped
    bad = page(client, loaded, "min.dan_so=abc")
    assert 'role="alert"' in bad and "abc" in bad
    assert client.get(f"/dataset/{loaded.name}/resource/{loaded.resource_id}/view.csv"
                      "?min.ngay=not-a-date").status_code == 400


def test_hidden_datasets_have_no_explorer_and_no_download(client: FlaskClient,
                                                          catalogue: Catalogue,
                                                          org: str) -> None:
    hidden = load_communes(catalogue, org, "noi-bo", private=True)
    base = f"/dataset/{hidden.name}/resource/{hidden.resource_id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/view.csv").status_code == 404


def test_parse_view_keeps_only_what_the_table_has() -> None:
    types = {"xa": "text", "dan_so": "int", "ngay": "date"}
    view = parse_view(Args({"f.xa": ["A", "A", " "], "min.xa": ["1"], "max.dan_so": ["12,5"],
                            "cols": ["xa", "dan_so", "ngay"], "sort": ["nope"],
                            "page": ["x"], "v": ["0"]}), types)
    assert view.filters == {"xa": ("A",)} and view.ranges == {"dan_so": ("", "12.5")}
    assert view.columns == () and view.sort == "" and view.page == 1 and view.version is None
    assert view.args(page=3) == [("f.xa", "A"), ("max.dan_so", "12.5"), ("page", "3")]


CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# What sticks out past a phone's width, outside the tables that scroll on their own.
WIDE_ELEMENTS = """[...document.querySelectorAll('body *')].filter(e =>
  !e.closest('.table-scroll') && e.scrollWidth > e.clientWidth + 1
  && getComputedStyle(e).overflowX === 'visible').slice(0, 5).map(e => e.tagName + '.'
  + e.className)"""


@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="needs Chromium at /usr/bin/chromium (.ci/run installs it)")
def test_a_phone_without_javascript_filters_sorts_and_pages(app: Flask, catalogue: Catalogue,
                                                            loaded: Loaded) -> None:
    """390 px wide, JavaScript off: the page fits, and the forms and links do everything."""
    from browser_server import live_server
    from playwright.sync_api import sync_playwright

    with live_server(app) as base, sync_playwright() as playwright:
        catalogue.site_url = base
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            context = browser.new_context(java_script_enabled=False, locale="vi-VN",
                                          viewport={"width": 390, "height": 844})
            tab = context.new_page()
            tab.set_default_timeout(10_000)
            tab.goto(f"{base}/dataset/{loaded.name}/resource/{loaded.resource_id}")
            tab.locator(".explorer-filters summary").click()
            tab.locator('input[name="f.huyen"][value="Hạ Long"]').check()
            tab.locator("#explorer-q").fill("dong tam")
            tab.get_by_role("button", name="Áp dụng").click()
            tab.wait_for_url("**f.huyen=**")
            assert tab.locator(".explorer-count").inner_text().startswith("43 dòng")
            tab.locator("table.explorer-table th a", has_text="Dân số").click()
            tab.wait_for_url("**sort=dan_so**")
            tab.locator("table.explorer-table th[aria-sort]").wait_for()
            assert tab.locator("table.explorer-table th[aria-sort]").count() == 1
            assert "f.huyen=" in tab.url and "sort=dan_so" in tab.url
            width = tab.evaluate("document.documentElement.scrollWidth")
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / "explorer-390.png"), full_page=True)
            wide = tab.evaluate(WIDE_ELEMENTS)
            assert width <= 390, f"the page is {width}px wide on a 390px phone: {wide}"
            tab.goto(f"{base}/dataset/{loaded.name}/resource/{loaded.resource_id}")
            tab.get_by_role("link", name="Trang sau").click()
            tab.wait_for_url("**page=2**")
            assert "Trang 2 / 13" in tab.locator(".explorer .pager").inner_text()
            context.close()
        finally:
            browser.close()


def test_the_explorer_page_weighs_less_than_150_kb(client: FlaskClient, loaded: Loaded) -> None:
    """As every page (tests/test_portal_pages.py): a full page of rows and every filter."""
    html = page(client, loaded, "f.huyen=H%E1%BA%A1+Long&f.huyen=U%C3%B4ng+B%C3%AD")
    assert "Huyện là một trong: Hạ Long, Uông Bí" in html
    assert len(html.encode()) < 150 * 1024


def test_a_version_whose_table_was_never_kept_shows_todays_and_says_so(
        client: FlaskClient, catalogue: Catalogue, loaded: Loaded) -> None:
    from explorer_data import csv_bytes

    from catalogue.datasets import service as datasets

    with catalogue.unit("test") as uow:  # version 3: a file that was never loaded
        datasets.update_resource(uow, loaded.resource_id, {}, partial=True, upload=datasets.Upload(
            catalogue.files.put_bytes(csv_bytes(commune_rows(5))), "dan-so.csv", "text/csv"))
        uow.commit()
    replace_file(catalogue, loaded, commune_rows(10, bump=5000))  # version 4, loaded
    html = page(client, loaded, "v=3")
    assert "Bảng của phiên bản 3 không còn để tra cứu" in html and count_of(html) == "10"
    assert client.get(f"/dataset/{loaded.name}/resource/{loaded.resource_id}?v=99"
                      ).status_code == 404


def test_a_file_that_could_not_be_loaded_says_why_on_its_page(client: FlaskClient,
                                                              catalogue: Catalogue,
                                                              org: str) -> None:
    from catalogue.datasets import service as datasets

    with catalogue.unit("test") as uow:
        ds = datasets.create_dataset(uow, {"name": "hong", "title": "Hỏng", "owner_org": org})
        res = datasets.create_resource(
            uow, ds.id, {"name": "Số liệu", "format": "CSV", "validation_status": "valid",
                         "schema": {"fields": [{"name": "so", "type": "integer"}]}},
            upload=datasets.Upload(catalogue.files.put_bytes(b"so\n1\nmot\n"), "so.csv",
                                   "text/csv"), trusted=True)
        uow.commit()
        res_id = res.id
    assert catalogue.datastore is not None
    catalogue.datastore.run_queued()  # type: ignore[attr-defined]
    html = client.get(f"/dataset/hong/resource/{res_id}").get_data(as_text=True)
    assert "Không nạp được bảng để tra cứu:" in html and 'id="explorer-h"' not in html
    assert 'id="preview-h"' in html  # the first rows are still shown


def test_the_page_says_while_a_table_is_still_being_indexed(
        client: FlaskClient, catalogue: Catalogue, loaded: Loaded) -> None:
    """Between the swap and its last column index (issue 21 item 8) the table is already
    explored in full; the page says its indexes are on their way, and datastore_info too."""
    from datetime import datetime

    store = catalogue.datastore.store  # type: ignore[union-attr]
    table = store.current(loaded.resource_id)
    with store.engine.begin() as conn:  # the load's second phase, as it runs
        conn.execute(store.indexing.insert().values(table_name=table.table_name,
                                                    started_at=datetime(2026, 3, 2)))
    html = page(client, loaded, "q=dong+tam")
    assert "chỉ mục theo cột đang được xây" in html
    assert count_of(html) == str(ROWS // 7)
    info = client.get(f"/api/3/action/datastore_info?id={loaded.resource_id}").get_json()
    assert info["result"]["meta"]["indexing"] is True
    store.indexed(table.table_name)
    assert "chỉ mục theo cột đang được xây" not in page(client, loaded)
    info = client.get(f"/api/3/action/datastore_info?id={loaded.resource_id}").get_json()
    assert info["result"]["meta"]["indexing"] is False

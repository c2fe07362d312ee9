"""Public pages in the reader's language and order (issue 19 items 6 and 7, and the
stranger's findings): citations, the data's own date, sectors, the year facet, a long query,
the filters behind "Lọc" on a phone."""

from __future__ import annotations

import re
from pathlib import Path

from browser_server import attach_search, seed
from flask import Flask
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def _site(app: Flask, catalogue: Catalogue, home: Path) -> None:
    attach_search(app, home / "portal-index")
    seed(catalogue)


def _dataset(catalogue: Catalogue, name: str, **fields: object) -> None:
    with catalogue.unit("harvest:demo") as uow:
        create_dataset(uow, {"name": name, "title": name.replace("-", " ").title(),
                             "owner_org": "so-tnmt-quang-ninh", "license_id": "CC-BY-4.0",
                             **fields})
        uow.commit()


def test_vietnamese_page_cites_in_vietnamese_apa_and_english_page_in_english_dates(
        app: Flask, catalogue: Catalogue, home: Path, client: FlaskClient) -> None:
    _site(app, catalogue, home)
    vi = _text(client.get("/dataset/chat-luong-khong-khi-quang-ninh"))
    apa = re.search(r"<h3>APA</h3>\s*<p class=\"citation\">([^<]*)</p>", vi)
    assert apa is not None
    assert "[Bộ dữ liệu]" in apa[1] and "Truy xuất ngày 2 tháng 3 năm 2026" in apa[1]
    for english in ("Version", "Data set", "Retrieved", "March"):
        assert english not in apa[1]
    assert "Cite" not in vi  # the section's heading too: Vietnamese only on the Vietnamese side
    en = _text(client.get("/dataset/chat-luong-khong-khi-quang-ninh?lang=en"))
    cited = re.search(r'<p class="citation" id="citation-text">([^<]*)</p>', en)
    assert cited is not None
    assert cited[1].endswith("accessed 2 March 2026.")
    assert not re.search(r"\d\d/\d\d/\d{4}", cited[1])
    assert "Retrieved March 2, 2026" in en  # the APA citation stays English there


def test_dataset_page_shows_the_data_s_own_modified_date_not_the_harvest_date(
        app: Flask, catalogue: Catalogue, home: Path, client: FlaskClient) -> None:
    """A record the agency last changed on 20/11/2025, harvested on 02/03/2026."""
    _site(app, catalogue, home)
    _dataset(catalogue, "quan-trac-nuoc", harvest_source="quang-ninh-ckan",
             retrieved_at="2026-03-02T08:30:00",
             extras={"source_modified": "2025-11-20T07:15:00+07:00"})
    html = _text(client.get("/dataset/quan-trac-nuoc"))
    updated = re.search(r"<dt>Cập nhật lần cuối</dt><dd><time datetime=\"([^\"]+)\">([^<]+)<",
                        html)
    assert updated is not None
    assert updated[1] == "2025-11-20T00:15:00.000Z" and updated[2] == "20/11/2025"


def test_a_dataset_published_here_shows_its_own_modification(
        app: Flask, catalogue: Catalogue, home: Path, client: FlaskClient) -> None:
    _site(app, catalogue, home)
    _dataset(catalogue, "danh-muc-tram", extras={"source_modified": "not a date"})
    html = _text(client.get("/dataset/danh-muc-tram"))
    assert re.search(r"<dt>Cập nhật lần cuối</dt><dd><time datetime=\"2026-03-02T08:30:00.000Z\"",
                     html)


def test_sectors_without_public_data_are_hidden(
        app: Flask, catalogue: Catalogue, home: Path, client: FlaskClient) -> None:
    _site(app, catalogue, home)
    from sqlalchemy import select

    from catalogue.groups.model import Group

    with catalogue.sessions() as session:
        every = set(session.scalars(select(Group.name)))
    used = {"moi-truong", "do-dac-ban-do", "giao-thong-van-tai"}
    assert used < every  # some seeded sectors have nothing yet
    for page in ("/", "/group"):
        html = _text(client.get(page))
        shown = set(re.findall(r'href="/(?:dataset\?groups=|group/)([a-z0-9-]+)"', html))
        assert shown == used, page


def test_year_facet_lists_years_newest_first_whatever_their_counts(
        app: Flask, catalogue: Catalogue, home: Path, client: FlaskClient) -> None:
    _site(app, catalogue, home)
    for n, (start, end) in enumerate([("2019-01-01", "2019-12-31"), ("2019-01-01", "2019-12-31"),
                                      ("2019-01-01", "2019-12-31"), ("2024-01-01", "2024-12-31"),
                                      ("2021-01-01", "2021-12-31"), ("2021-01-01", "2021-12-31")]):
        _dataset(catalogue, f"so-lieu-{n}", temporal_start=start, temporal_end=end)
    html = _text(client.get("/dataset"))
    section = html.split("<h2>Năm</h2>", 1)[1].split("</section>", 1)[0]
    years = re.findall(r"[?&]year=(\d{4})", section)
    assert years == sorted(years, reverse=True) and {"2019", "2021", "2024"} <= set(years)


def test_a_query_longer_than_the_page_searches_says_it_was_cut(
        app: Flask, catalogue: Catalogue, home: Path, client: FlaskClient) -> None:
    _site(app, catalogue, home)
    long_q = "không khí " * 80  # 800 characters
    html = _text(client.get("/dataset", query_string={"q": long_q}))
    assert "Câu tìm kiếm dài hơn 500 ký tự: chỉ tìm theo 500 ký tự đầu." in html
    short = _text(client.get("/dataset", query_string={"q": "không khí"}))
    assert "Câu tìm kiếm dài hơn" not in short


def test_search_filters_wait_behind_a_loc_button_without_javascript(
        app: Flask, catalogue: Catalogue, home: Path, client: FlaskClient) -> None:
    """A closed <details> whose summary reads "Lọc" (with the number of filters in use)
    holds the facets; the CSS opens it on a wide screen (tests/test_browser_mobile.py)."""
    _site(app, catalogue, home)
    html = _text(client.get("/dataset?groups=moi-truong&tags=quan+tr%E1%BA%AFc"))
    toggle = re.search(r'<details class="facet-toggle">\s*<summary>([^<]*)</summary>(.*?)'
                       r"</details>", html, re.S)
    assert toggle is not None
    assert toggle[1] == "Lọc (2)"
    assert "<h2>Lĩnh vực</h2>" in toggle[2] and "<h2>Năm</h2>" in toggle[2]


def test_the_request_form_lists_agencies_in_vietnamese_order(
        catalogue: Catalogue, client: FlaskClient) -> None:
    from catalogue.organizations.service import create_organization

    with catalogue.unit("test") as uow:
        for name, title in (("y-te", "Y tế"), ("dai-ptth", "Đài Phát thanh và Truyền hình"),
                            ("bhxh", "Bảo hiểm xã hội"), ("so-gd", "Sở Giáo dục")):
            create_organization(uow, {"name": name, "title": title})
        uow.commit()
    html = _text(client.get("/request/new"))
    listed = re.findall(r'<option value="(y-te|dai-ptth|bhxh|so-gd)"', html)
    assert listed == ["bhxh", "dai-ptth", "so-gd", "y-te"]


def test_facet_values_with_equal_counts_read_in_vietnamese_order(
        app: Flask, catalogue: Catalogue, home: Path, client: FlaskClient) -> None:
    _site(app, catalogue, home)
    for n, tag in enumerate(("y tế", "đất đai", "dân số", "bản đồ", "đất đai", "y tế",
                             "dân số", "bản đồ")):
        _dataset(catalogue, f"bo-{n}", tags=[{"name": tag}])
    html = _text(client.get("/dataset"))
    section = html.split("<h2>Từ khóa</h2>", 1)[1].split("</section>", 1)[0]
    shown = re.findall(r"tags=([^\"&]+)\"", section)
    from urllib.parse import unquote_plus

    tags = [unquote_plus(t) for t in shown]
    assert tags[:4] == ["bản đồ", "dân số", "đất đai", "y tế"]


def test_snippets_and_descriptions_read_without_markdown_marks(
        app: Flask, catalogue: Catalogue, home: Path, client: FlaskClient) -> None:
    """The demo's notes say "Nồng độ **bụi mịn** PM2.5": results and the page's meta
    description show the words, not the asterisks."""
    _site(app, catalogue, home)
    results = _text(client.get("/dataset"))
    assert "Nồng độ bụi mịn PM2.5" in results and "**bụi mịn**" not in results
    page = _text(client.get("/dataset/chat-luong-khong-khi-quang-ninh"))
    meta = re.search(r'<meta name="description" content="([^"]*)"', page)
    assert meta is not None and "**" not in meta[1] and "bụi mịn" in meta[1]

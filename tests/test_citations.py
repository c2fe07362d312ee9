"""Citation formats of a dataset version (pure functions)."""

from __future__ import annotations

import json
from datetime import date

from catalogue import citations

PACKAGE = {
    "name": "chat-luong-khong-khi-quang-ninh",
    "title": "Chất lượng không khí tại trạm quan trắc Quảng Ninh",
    "title_en": "Air quality at Quang Ninh monitoring stations",
    "metadata_modified": "2026-02-15T10:00:00",
    "license_title": "Creative Commons Ghi công 4.0",
    "organization": {"title": "Sở Tài nguyên và Môi trường Quảng Ninh",
                     "title_en": "Quang Ninh Department of Natural Resources and Environment"},
    "provenance": {"retrieved_at": "2026-02-14T23:00:00"},
}
URL = "https://dulieumo.example/dataset/chat-luong-khong-khi-quang-ninh/v/3"


def cite(english: bool = False) -> citations.Citation:
    return citations.citation_for(PACKAGE, version=3, version_url=URL,
                                  accessed=date(2026, 3, 2), publisher="Cổng dữ liệu mở",
                                  english=english)


def test_vietnamese_text_names_source_version_url_and_access_date() -> None:
    assert citations.vietnamese_text(cite()) == (
        "Nguồn: Sở Tài nguyên và Môi trường Quảng Ninh, Chất lượng không khí tại trạm quan "
        "trắc Quảng Ninh, phiên bản 3 (15/02/2026), Cổng dữ liệu mở, " + URL +
        ", truy cập ngày 02/03/2026.")


def test_english_text_uses_english_names() -> None:
    text = citations.english_text(cite(english=True))
    assert text.startswith("Source: Quang Ninh Department of Natural Resources and Environment, "
                           "Air quality at Quang Ninh monitoring stations, version 3")
    assert "version 3 (15 February 2026)" in text
    assert text.endswith("accessed 2 March 2026.")


def test_apa() -> None:
    assert citations.apa(cite()) == (
        "Sở Tài nguyên và Môi trường Quảng Ninh. (2026). Chất lượng không khí tại trạm quan "
        "trắc Quảng Ninh (Version 3) [Data set]. Cổng dữ liệu mở. Retrieved March 2, 2026, "
        "from " + URL)


def test_apa_in_vietnamese_has_no_english_word() -> None:
    """The Vietnamese page's APA citation (issue 19 item 6): no "Version", "Data set",
    "Retrieved", "from" or English month."""
    text = citations.apa_vietnamese(cite())
    assert text == (
        "Sở Tài nguyên và Môi trường Quảng Ninh. (2026). Chất lượng không khí tại trạm quan "
        "trắc Quảng Ninh (Phiên bản 3) [Bộ dữ liệu]. Cổng dữ liệu mở. Truy xuất ngày 2 tháng "
        "3 năm 2026, từ " + URL)
    for english in ("Version", "Data set", "Retrieved", "from", "March", "n.d."):
        assert english not in text


def test_bibtex_has_an_ascii_key_and_a_corporate_author() -> None:
    bib = citations.bibtex(cite())
    assert bib.startswith("@misc{chat_luong_khong_khi_quang_ninh_v3,\n")
    assert "author = {{Sở Tài nguyên và Môi trường Quảng Ninh}}" in bib
    assert "urldate = {2026-03-02}" in bib and "version = {3}" in bib
    assert bib.count("{") == bib.count("}")


def test_bibtex_escapes_special_characters() -> None:
    package = dict(PACKAGE, title="Thu & chi 100% ngân sách_2026")
    bib = citations.bibtex(citations.citation_for(
        package, version=1, version_url=URL, accessed=date(2026, 3, 2), publisher="P"))
    assert r"Thu \& chi 100\% ngân sách\_2026" in bib


def test_ris() -> None:
    ris = citations.ris(cite())
    lines = ris.split("\r\n")
    assert lines[0] == "TY  - DATA"
    assert "AU  - Sở Tài nguyên và Môi trường Quảng Ninh" in lines
    assert f"UR  - {URL}" in lines and "Y2  - 2026/03/02" in lines and "ET  - Version 3" in lines
    assert lines[-2] == "ER  - " and lines[-1] == ""


def test_csl_json() -> None:
    item = json.loads(citations.csl_json(cite()))[0]
    assert item["type"] == "dataset" and item["version"] == "3" and item["URL"] == URL
    assert item["author"] == [{"literal": "Sở Tài nguyên và Môi trường Quảng Ninh"}]
    assert item["accessed"] == {"date-parts": [[2026, 3, 2]]}
    assert item["issued"] == {"date-parts": [[2026, 2, 15]]}


def test_missing_agency_falls_back_to_the_portal() -> None:
    package = {"name": "x", "title": "X"}
    c = citations.citation_for(package, version=1, version_url=URL, accessed=date(2026, 1, 1),
                               publisher="Cổng dữ liệu mở")
    assert citations.vietnamese_text(c).startswith("Nguồn: Cổng dữ liệu mở, X, phiên bản 1, ")
    assert "n.d." in citations.apa(c)

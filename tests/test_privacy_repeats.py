"""The personal-data screen remembers what it decided about a cell or a text across tables
and records (issue 16 item 10: a harvest's files repeat their districts and codes, its
records their boilerplate), and a remembered answer is the answer it would give again."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from privacy_synthetic import make_tables, make_texts  # noqa: E402

from catalogue.privacy import columns, detectors, screen  # noqa: E402

YEAR = 2026


def _forget() -> None:
    screen._cell_kinds.cache_clear()
    screen._text_spans.cache_clear()
    columns.column_kind.cache_clear()


def test_a_cell_seen_in_an_earlier_table_is_not_classified_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _forget()
    asked: list[str] = []
    is_cccd = detectors.is_cccd

    def counted(value: str, **options: object) -> bool:
        asked.append(value)
        return is_cccd(value, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(detectors, "is_cccd", counted)
    header, rows = ["Mã", "Huyện"], [["M0001", "Hạ Long"], ["M0002", "Hạ Long"]]
    first = screen.screen_table(header, rows, this_year=YEAR)
    second = screen.screen_table(header, rows, this_year=YEAR)
    _forget()
    assert first == second
    assert sorted(asked) == ["Hạ Long", "M0001", "M0002"]


def test_a_text_seen_in_an_earlier_record_is_not_read_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _forget()
    asked: list[str] = []
    find_phones = detectors.find_phones

    def counted(text: str) -> list[tuple[int, int]]:
        asked.append(text)
        return find_phones(text)

    monkeypatch.setattr(detectors, "find_phones", counted)
    package = {"title": "Danh bạ 2024", "notes": "Liên hệ 0912 345 678 (ông A)"}
    first = screen.screen_metadata(package, this_year=YEAR)
    second = screen.screen_metadata(package, this_year=YEAR)
    _forget()
    assert first == second
    assert [f.kind for f in first.findings] == ["phone"]
    assert sorted(asked) == ["Danh bạ 2024", "Liên hệ 0912 345 678 (ông A)"]


def test_remembered_answers_are_the_answers_given_afresh() -> None:
    """Every synthetic table and text screened twice with what the first pass remembered,
    and once more with nothing remembered: the findings are the same each time."""
    runs = []
    for forget in (True, False, True):
        if forget:
            _forget()
        tables = [screen.screen_table(t.header, t.rows, this_year=YEAR).findings
                  for t in make_tables()]
        texts = [screen.screen_text(t.text, "notes", this_year=YEAR) for t in make_texts()]
        runs.append((tables, texts))
    assert runs[0] == runs[1] == runs[2]


def test_a_header_seen_in_an_earlier_table_is_not_read_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _forget()
    asked: list[str] = []
    column_words = columns.column_words

    def counted(name: str) -> list[str]:
        asked.append(name)
        return column_words(name)

    monkeypatch.setattr(columns, "column_words", counted)
    header, rows = ["Họ và tên", "Huyện"], [["Nguyễn Văn A", "Hạ Long"]]
    first = screen.screen_table(header, rows, this_year=YEAR)
    second = screen.screen_table(header, rows, this_year=YEAR)
    _forget()
    assert first == second
    assert [f.kind for f in first.findings] == ["full_name"]
    assert sorted(asked) == ["Huyện", "Họ và tên"]

"""Validation names the places a table's columns hold (issue 22) without matching the same
name again for every table: a harvest's tables repeat their provinces and communes, and the
matching cost a harvested record more than validating it (issue 16 item 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.places import columns
from catalogue.places.gazetteer import gazetteer
from catalogue.validation import ValidationLimits, validate_resource_file


def test_a_name_is_matched_once_however_many_tables_name_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    g = gazetteer()
    columns._match.cache_clear()
    asked: list[str] = []
    match_name = g.match_name

    def counted(text: str, levels: object = None) -> object:
        asked.append(text)
        return match_name(text)

    monkeypatch.setattr(g, "match_name", counted)
    rows = [["Quảng Ninh", "1"], ["Cao Bằng", "2"], ["Quảng Ninh", "3"]]
    first = columns.places_in_table(g, ["Tỉnh", "Số"], rows)
    second = columns.places_in_table(g, ["Tỉnh", "Số"], rows)
    assert sorted(asked) == ["Cao Bằng", "Quảng Ninh"]
    columns._match.cache_clear()
    assert first == second == columns.places_in_table(g, ["Tỉnh", "Số"], rows)


def test_tables_validated_one_after_another_name_the_same_places(tmp_path: Path) -> None:
    table = "Tỉnh,Dân số\nQuảng Ninh,1\nCao Bằng,2\n"
    outcomes = []
    for i in range(2):
        path = tmp_path / f"{i}.csv"
        path.write_text(table, encoding="utf-8")
        outcomes.append(validate_resource_file(path, "csv", None, ValidationLimits()))
    assert outcomes[0].report["stats"]["place_units"]
    assert outcomes[0].report == outcomes[1].report

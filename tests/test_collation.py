"""Vietnamese alphabetical order for the lists people scan by name (issue 19)."""

from __future__ import annotations

from catalogue.collation import vietnamese_key


def test_letters_follow_the_vietnamese_alphabet() -> None:
    names = ["Y tế", "Đất đai", "Địa chất", "Đo đạc", "Thông tin", "Tài nguyên nước",
             "Viễn thám", "Văn hóa", "Dân số", "Ảnh vệ tinh", "Âm nhạc", "Ăn uống"]
    assert sorted(names, key=vietnamese_key) == [
        "Ảnh vệ tinh", "Ăn uống", "Âm nhạc", "Dân số", "Đất đai", "Địa chất", "Đo đạc",
        "Tài nguyên nước", "Thông tin", "Văn hóa", "Viễn thám", "Y tế"]


def test_tones_only_break_ties_and_forms_agree() -> None:
    assert sorted(["má", "mà", "ma", "mạ", "mã", "mả"], key=vietnamese_key) == [
        "ma", "mà", "mả", "mã", "má", "mạ"]
    # Decomposed (NFD) text and old tone placement sort with their NFC twins.
    assert vietnamese_key("Thủy") == vietnamese_key("Thu\u0309y")

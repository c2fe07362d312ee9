"""The Vietnamese analyzer, pure functions (issue 4)."""

import unicodedata

from catalogue.search.analyzer import (
    bigrams,
    english_terms,
    fold,
    normalize,
    tokenize,
    vietnamese_terms,
)


def test_normalize_moves_old_tone_placement_oa():
    assert normalize("hoà") == "hòa"


def test_normalize_moves_old_tone_placement_uy():
    assert normalize("thuỷ") == "thủy"


def test_normalize_keeps_qu_y():
    assert (normalize("quý"), normalize("quỳ")) == ("quý", "quỳ")


def test_normalize_keeps_tone_on_marked_vowel():
    assert normalize("người được thuyền") == "người được thuyền"


def test_normalize_composes_nfd_input():
    assert normalize(unicodedata.normalize("NFD", "Văn hoá")) == "văn hóa"


def test_normalize_strips_zero_width_characters():
    assert normalize("bản\u200b đồ\ufeff") == "bản đồ"


def test_normalize_leaves_foreign_words_alone():
    assert normalize("Café") == "café"


def test_fold_maps_d_stroke():
    assert fold("Đường bộ") == "Duong bo"


def test_tokenize_keeps_regulation_code():
    assert tokenize("QCVN 40:2011/BTNMT") == ["qcvn", "40", "2011", "btnmt", "40:2011/btnmt"]


def test_tokenize_keeps_pm25_and_5g():
    assert tokenize("bụi PM2.5 và 5G") == ["bụi", "pm2", "5", "pm2.5", "và", "5g"]


def test_tokenize_splits_year_ranges():
    assert tokenize("2020–2024") == ["2020", "2024"]


def test_bigrams_join_adjacent_syllables():
    assert bigrams(["tài", "nguyên", "nước"]) == ["tài_nguyên", "nguyên_nước"]


def test_bigrams_do_not_span_punctuation():
    assert "sông_bờ" not in vietnamese_terms("bờ sông, bờ biển").exact


def test_folded_view_has_folded_bigrams():
    assert "~duong_bo" in vietnamese_terms("Mạng lưới đường bộ").folded


def test_code_folds_without_joiners():
    assert "~vn2000" in vietnamese_terms("VN-2000").folded


def test_english_terms_are_stemmed():
    assert "@permit" in english_terms("Groundwater abstraction permits")

"""Vietnamese alphabetical order, for lists people scan by name (sectors, agencies).

A database's ORDER BY on text sorts by code point, which puts "Đất đai" after "Y tế" and
"Thông tin" before "Tài nguyên". Vietnamese orders letters a ă â b c d đ e ê g h i k l m n
o ô ơ p q r s t u ư v x y, and tones only break ties (ngang, huyền, hỏi, ngã, sắc, nặng).
"""

from __future__ import annotations

import unicodedata

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
# Combining tone marks, in the order dictionaries use: huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letter(char: str) -> tuple[int, int]:
    """(rank of the letter without its tone, the tone) for one character."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = next((_TONES[m] for m in decomposed if m in _TONES), 0)
    base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONES))
    if base in _RANK:
        return 100 + _RANK[base], tone
    if base.isdigit():
        return 50 + int(base) if base.isascii() else 60, tone
    return (0 if base.isspace() else 200 + ord(base[:1] or " ")), tone


def vietnamese_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A sort key: letters first (in Vietnamese order), then tones to break ties."""
    letters = [_letter(char) for char in unicodedata.normalize("NFC", text.casefold())]
    return tuple(rank for rank, _ in letters), tuple(tone for _, tone in letters)

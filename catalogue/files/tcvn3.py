"""TCVN3 (ABC, the ``.VnTime``/``.VnArial`` fonts) to Unicode, decided by the bytes.

TCVN3 is not a code page Python knows: old Vietnamese office software wrote Latin-1 bytes and
relied on a font that draws, say, byte 0xB5 as "à" ("Hµ Néi" is "Hà Nội"). It is the VN3
subset of TCVN 5712:1993; its letters sit at 0xA1-0xFF, where the full VN1 table puts them.
The table below is VN1's upper half as TCVN 5712:1993 defines it, checked against XFree86's
``xc/extras/X-TrueType/TCVN/TCVNtoUCS2.c`` (1998, from Nguyen-Dai Quy's description) and the
real GSO yearbook in ``shared/fixtures/real/vn/``. Capitals exist only for Ă Â Đ Ê Ô Ơ Ư; the
other capitals are the same bytes drawn with an upper-case font (``.VnArialH``).

Whether text is TCVN3 is decided from the text itself, never from a font name alone: a
workbook may format Unicode cells with ``.VnTime`` (the Ministry of Finance's does).
"""

from __future__ import annotations

from collections.abc import Iterable

# Unicode code points of bytes 0x80-0xFF (TCVN 5712:1993, VN1; VN3 uses 0xA1-0xFF).
_HIGH = (
    0x00C0, 0x1EA2, 0x00C3, 0x00C1, 0x1EA0, 0x1EB6, 0x1EAC, 0x00C8,  # 0x80
    0x1EBA, 0x1EBC, 0x00C9, 0x1EB8, 0x1EC6, 0x00CC, 0x1EC8, 0x0128,
    0x00CD, 0x1ECA, 0x00D2, 0x1ECE, 0x00D5, 0x00D3, 0x1ECC, 0x1ED8,  # 0x90
    0x1EDC, 0x1EDE, 0x1EE0, 0x1EDA, 0x1EE2, 0x00D9, 0x1EE6, 0x0168,
    0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110,  # 0xA0
    0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0x1EB0,
    0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00E0, 0x1EA3, 0x00E3,  # 0xB0
    0x00E1, 0x1EA1, 0x1EB2, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4,
    0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7,  # 0xC0
    0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0x1EC2, 0x1EBB, 0x1EBD,
    0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,  # 0xD0
    0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x0129, 0x00ED, 0x1ECB, 0x00F2,
    0x1ED4, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,  # 0xE0
    0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9,
    0x1ED6, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,  # 0xF0
    0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0x1ED0,
)
TABLE = {0x80 + i: chr(cp) for i, cp in enumerate(_HIGH)}
# Bytes that, in TCVN3, are the commonest Vietnamese letters (à á ả ã ạ ă â ê ô ơ ư đ Đ and
# their tones) but in Latin-1 text are symbols that never sit inside a word.
_MARKERS = frozenset("¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾")


def decode(data: bytes) -> str:
    """TCVN3 bytes as Unicode text (ASCII unchanged)."""
    return data.decode("latin-1").translate(TABLE)


def from_latin1(text: str) -> str:
    """A string that holds TCVN3 bytes as Latin-1 code points (as XLS cells do), as Unicode."""
    return text.translate(TABLE)


def _inside_word(text: str, index: int) -> bool:
    before = text[index - 1] if index else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return before.isalpha() or after.isalpha()


def marked(text: str) -> bool:
    """Whether one string shows TCVN3 letters: a marker byte inside a word, nothing past 0xFF."""
    if any(ord(c) > 0xFF for c in text):
        return False
    return any(c in _MARKERS and _inside_word(text, i) for i, c in enumerate(text))


def looks_like(texts: Iterable[str], min_share: float = 0.5, min_count: int = 2) -> bool:
    """Whether strings holding Latin-1 code points are TCVN3, judged over all of them.

    Of the strings with non-ASCII characters, at least ``min_share`` (and ``min_count``) must
    carry TCVN3 marker letters; a single string past 0xFF means real Unicode and decides no.
    """
    with_high = hits = 0
    for text in texts:
        if text.isascii():
            continue
        if any(ord(c) > 0xFF for c in text):
            return False
        with_high += 1
        hits += marked(text)
    return hits >= min_count and hits >= min_share * with_high

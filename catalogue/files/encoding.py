"""Which text encoding a CSV file is in, including Vietnamese legacy encodings.

Agencies still export from old desktop software: Excel's "Unicode Text" (UTF-16 with a byte
order mark, tab-separated), Windows-1258 (Vietnamese Windows code page, tone marks as
combining characters) and TCVN3 (ABC, a font hack with no codec, see :mod:`tcvn3`) are
detected from the bytes and converted to NFC UTF-8. Anything else is reported, never guessed:
guessing wrong would corrupt names.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from catalogue.files import tcvn3

# Combining tone marks as Windows-1258 encodes them: grave, hook above, tilde, acute, dot below.
CP1258_TONES = frozenset(b"\xcc\xd2\xde\xec\xf2")
VOWELS = frozenset(b"aeiouyAEIOUY\xe2\xea\xf4\xc2\xca\xd4\xe3\xc3\xf5\xd5\xfd\xdd")
SAMPLE_BYTES = 1 << 20


class EncodingUnknown(ValueError):
    """Text in an encoding we cannot read with confidence (the message says why)."""


@dataclass(frozen=True)
class EncodingGuess:
    """``encoding`` is a Python codec name or "tcvn3"; ``readable`` says we can decode it."""

    encoding: str
    readable: bool
    note: str = ""


def _valid_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 16):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _cp1258_score(sample: bytes) -> float:
    """Share of tone-mark bytes that follow a vowel (near 1.0 for real Windows-1258 text)."""
    marks = after_vowel = 0
    for prev, byte in zip(sample, sample[1:], strict=False):
        if byte in CP1258_TONES:
            marks += 1
            after_vowel += prev in VOWELS
    return after_vowel / marks if marks else 0.0


def detect_encoding(path: Path) -> EncodingGuess:
    """UTF-16 or UTF-8 with a BOM, UTF-8, Windows-1258, TCVN3, or "unknown"."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" export. The codec reads the BOM and drops it.
        return EncodingGuess("utf-16", True, "UTF-16 (Excel Unicode Text); converted to UTF-8")
    if sample.startswith(codecs.BOM_UTF8):
        return EncodingGuess("utf-8-sig", True) if _valid_utf8(path) else EncodingGuess(
            "unknown", False, "starts with a UTF-8 byte order mark but is not valid UTF-8")
    if _valid_utf8(path):
        return EncodingGuess("utf-8", True)
    if _cp1258_score(sample) >= 0.8:
        return EncodingGuess("windows-1258", True,
                             "Windows-1258 (Vietnamese code page); converted to UTF-8")
    # TCVN3 is told by its commonest letters (à á đ ư ơ ô â ê ă), which sit at bytes that
    # are symbols in every code page; a Windows-1258 "Cà Mau" has none of them.
    if tcvn3.looks_like(sample.decode("latin-1").splitlines()):
        return EncodingGuess("tcvn3", True,
                             "TCVN3 (ABC), a legacy Vietnamese font encoding; converted to "
                             "Unicode UTF-8")
    try:
        sample.decode("cp1258")
    except UnicodeDecodeError:
        return EncodingGuess("unknown", False,
                             "not UTF-8 and not a recognised Vietnamese encoding")
    # Precomposed letters only (no tone-mark bytes to score): still the Vietnamese code page.
    return EncodingGuess("windows-1258", True,
                         "Windows-1258 (Vietnamese code page); converted to UTF-8")


def _repair_utf16(data: bytes) -> bytes:
    """Undo a byte-level CRLF translation of UTF-16LE text (an odd byte count shows it).

    Tools that write UTF-16 through a text-mode stream turn the byte 0x0A of a line feed
    (``0a 00``) into ``0d 0a``, which shifts every later character by one byte; the real
    Excel export in ``shared/fixtures/real/vn/`` ends this way.
    """
    if len(data) % 2 and data.startswith(codecs.BOM_UTF16_LE):
        return data.replace(b"\r\n\x00", b"\r\x00\n\x00")
    return data


def decode(data: bytes, encoding: str, errors: str = "strict") -> str:
    """Bytes as NFC text, ``encoding`` being a Python codec or "tcvn3"."""
    if encoding == "utf-16":
        data = _repair_utf16(data)
    text = tcvn3.decode(data) if encoding == "tcvn3" else data.decode(encoding, errors=errors)
    return unicodedata.normalize("NFC", text)


def transcode_to_utf8(source: Path, target: Path, encoding: str) -> None:
    """Write ``source`` decoded from ``encoding`` as NFC UTF-8 (precomposed Vietnamese letters)."""
    target.write_text(decode(source.read_bytes(), encoding), encoding="utf-8", newline="")


def encode_windows_1258(text: str) -> bytes:
    """Encode Vietnamese text as Windows-1258 does: base letter, then a combining tone mark.

    Python's codec only maps code points one to one, so precomposed letters such as "ộ" must
    first be split into a letter the code page has ("ô") and a tone mark (dot below).
    """
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base, marks = parts[0], list(parts[1:])
        changed = True
        while changed:
            changed = False
            for mark in marks:
                composed = unicodedata.normalize("NFC", base + mark)
                if len(composed) == 1 and _encodable(composed):
                    base, changed = composed, True
                    marks.remove(mark)
                    break
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def _encodable(char: str) -> bool:
    try:
        char.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True

"""Vietnamese text analysis shared by every search backend.

Pure functions, no index or database access: both backends feed these the
same text and get the same terms, which is what lets one test suite judge
both (issue 4).

Terms live in three namespaces inside one index field:

* exact view, with diacritics: ``bản``, syllable bigram ``bản_đồ``;
* folded view (diacritics removed and ``đ``→``d``): ``~ban``, ``~ban_do``;
* English stems, for the English title and description: ``@qualiti``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh.lang.porter import stem as _porter_stem

FOLD_PREFIX = "~"
ENGLISH_PREFIX = "@"
BIGRAM_JOINER = "_"

# Combining tone marks of Vietnamese; the other combining marks (circumflex,
# breve, horn) change the vowel itself and are kept by tone placement.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")
# Zero-width characters users paste from Word and web pages; they split
# words invisibly, so they are removed rather than turned into spaces.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
# A word: letters and digits, optionally joined by . : / - when a letter or
# digit follows, so codes like "PM2.5", "QCVN 40:2011/BTNMT" and "VN-2000"
# stay one unit while "2020–2024" or "a - b" split.
_WORD_RE = re.compile(r"[^\W_]+(?:[.:/\-][^\W_]+)*")
_JOINERS_RE = re.compile(r"[.:/\-]")
# Anything but spaces between two words ends a phrase: bigrams never span a
# comma, a full stop, a bracket or a tag boundary.
_BREAK_RE = re.compile(r"[^\w\s]|_")


def strip_invisible(text: str) -> str:
    """Drop zero-width characters and turn control characters into spaces."""
    text = text.translate(_INVISIBLE)
    if text.isprintable():  # the usual case: no Cc/Cf/Zl/Zp (nor any other odd space)
        return text
    return "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )


def _tone_position(letters: str) -> int | None:
    """Index in ``letters`` (toneless, lower case) where the tone mark goes.

    The style we index (the brief's "new" style, as dictionaries print it):
    a marked vowel (ê, ơ, ô, â, ă, ư) takes the tone, the last one for "ươ";
    otherwise, with a final consonant the last vowel of the cluster, in an
    open syllable the middle of three vowels or the first of two
    ("hòa", "thủy", "khỏe"). "qu" and "gi" before a vowel are consonants.
    """
    start = 0
    if letters.startswith("qu") or (letters.startswith("gi") and len(letters) > 2
                                     and letters[2] in _VOWELS):
        start = 2
    first = next((i for i in range(start, len(letters)) if letters[i] in _VOWELS), None)
    if first is None:
        # "gì", "gìn": the i of gi is the only vowel.
        return 1 if start == 2 and letters.startswith("gi") else None
    end = first
    while end < len(letters) and letters[end] in _VOWELS:
        end += 1
    if any(ch in _VOWELS for ch in letters[end:]):
        return None  # two vowel groups: not a Vietnamese syllable ("café")
    cluster = range(first, end)
    marked = [i for i in cluster if letters[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if end < len(letters):
        return end - 1
    if len(cluster) >= 3:
        return first + 1
    return first


@lru_cache(maxsize=65536)  # a language has few syllables; indexing sees them over and over
def _retone_word(word: str) -> str:
    """Move the tone mark of one lower-case syllable to its canonical vowel."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    if not bare.isalpha():
        return word
    base = "".join(_base_letter(ch) for ch in bare)
    pos = _tone_position(base)
    if pos is None:
        return word
    return unicodedata.normalize("NFC", bare[: pos + 1] + tones[0] + bare[pos + 1:])


def _base_letter(ch: str) -> str:
    """The letter with its tone removed but vowel quality (â, ơ, ...) kept."""
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", ch) if c not in _TONE_MARKS))


def normalize(text: str) -> str:
    """NFC, lower case, invisible characters removed, tones placed canonically.

    >>> normalize("Thuỷ Lợi HOÀ BÌNH")
    'thủy lợi hòa bình'
    """
    text = unicodedata.normalize("NFC", strip_invisible(text)).lower()
    return re.sub(r"[^\W\d_]+", lambda m: _retone_word(m.group()), text)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Remove every diacritic and map đ to d (which Unicode does not decompose)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


def has_diacritics(text: str) -> bool:
    """True if folding changes ``text``: the user typed Vietnamese marks."""
    return fold(text) != text


@dataclass(frozen=True)
class Unit:
    """One word of a phrase: its parts (for bigrams) and, for codes, the whole."""

    parts: tuple[str, ...]
    compound: str | None = None


def phrases(text: str) -> list[list[Unit]]:
    """Normalise ``text`` and split it into phrases of words.

    Phrases end at punctuation, so syllable bigrams only join words that are
    really adjacent. Codes are one unit whose parts also stand alone:
    "40:2011/btnmt" gives parts 40, 2011, btnmt.
    """
    result: list[list[Unit]] = []
    for chunk in _split_phrases(normalize(text)):
        units = []
        for match in _WORD_RE.finditer(chunk):
            word = match.group()
            parts = tuple(p for p in _JOINERS_RE.split(word) if p)
            units.append(Unit(parts, word if len(parts) > 1 else None))
        if units:
            result.append(units)
    return result


def _split_phrases(text: str) -> Iterator[str]:
    """Split on punctuation that is not inside a code (``PM2.5`` stays)."""
    start = 0
    for match in _BREAK_RE.finditer(text):
        i = match.start()
        inside_code = (match.group() in ".:/-" and 0 < i < len(text) - 1
                       and text[i - 1].isalnum() and text[i + 1].isalnum())
        if not inside_code:
            yield text[start:i]
            start = i + 1
    yield text[start:]


def tokenize(text: str) -> list[str]:
    """The words of ``text`` in order: syllables, words, numbers and codes."""
    tokens: list[str] = []
    for phrase in phrases(text):
        for unit in phrase:
            tokens.extend(unit.parts)
            if unit.compound:
                tokens.append(unit.compound)
    return tokens


def bigrams(words: list[str]) -> list[str]:
    """Adjacent-syllable shingles: ["bản", "đồ", "số"] → ["bản_đồ", "đồ_số"]."""
    return [a + BIGRAM_JOINER + b for a, b in zip(words, words[1:], strict=False)]


@lru_cache(maxsize=262_144)  # indexing folds every term of every document (~130 each)
def fold_term(term: str) -> str:
    """The folded-view term for an exact term; codes also lose their joiners."""
    return FOLD_PREFIX + _JOINERS_RE.sub("", fold(term))


def english_stem(word: str) -> str:
    """Porter stem of an English word (``permits`` → ``permit``)."""
    return str(_porter_stem(word))


@dataclass
class Terms:
    """The exact, folded and vocabulary terms analysed from one text."""

    exact: set[str] = field(default_factory=set)
    folded: set[str] = field(default_factory=set)

    def all(self) -> set[str]:
        """Both views together."""
        return self.exact | self.folded


def vietnamese_terms(text: str) -> Terms:
    """Exact and folded unigrams, bigrams and code terms of ``text``."""
    terms = Terms()
    for phrase in phrases(text):
        chain = [part for unit in phrase for part in unit.parts]
        exact = set(chain) | set(bigrams(chain))
        exact.update(unit.compound for unit in phrase if unit.compound)
        terms.exact |= exact
    terms.folded = {fold_term(t) for t in terms.exact}
    return terms


def english_terms(text: str) -> set[str]:
    """Stemmed English words of ``text`` in the English namespace."""
    return {ENGLISH_PREFIX + english_stem(fold(word)) for word in tokenize(text)
            if word.isalpha()}


def vocabulary_pairs(terms: Iterable[str]) -> set[tuple[str, str]]:
    """(folded, exact) pairs of exact terms: the data for restoring diacritics."""
    return {(fold_term(t)[1:], t) for t in terms
            if not t.startswith((FOLD_PREFIX, ENGLISH_PREFIX))}


def folded_words(text: str) -> list[str]:
    """Folded words of ``text`` without code compounds: the autocomplete view."""
    return [fold(p) for phrase in phrases(text) for unit in phrase for p in unit.parts]

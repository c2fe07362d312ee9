"""Which documents a text query matches: minimum-should-match over Vietnamese words.

Every query term used to be optional, so ``dân số`` "matched" 54 of 56 datasets through
"dân tộc" and ``giao thông Đắk Lắk`` counted 38,314 at 92,000 datasets (issue 18). Now the
query is cut into *concepts*, one per Vietnamese word, and a document matches when it holds
enough of them, as CKAN's Solr ``edismax`` ``mm`` decides (``2<-1 5<80%``): one or two
concepts are all required, three to five all but one, more 80 %.

A Vietnamese word is often two syllables (``giao thông``, ``dân số``, ``Đắk Lắk``) and the
query does not say where words end. Adjacent syllables are one word when the index says so,
their bigram being common given its rarer syllable (``df(giao thông) / df(giao)``), strongest
pairs first, so ``giao thông Đắk Lắk`` is two concepts and not ``thông Đắk``. Where the
index does not join a pair (a catalogue that seldom or never writes "dân số" has "dân tộc thiểu
số"), a dictionary decides: the two-syllable words of pyvi's word list (``data/words_vi.txt``,
MIT, see ``data/SOURCES.md``), filling only the gaps the index left, so it never undoes a
pair the index chose. A word is one concept satisfied by its bigram term, which the analyzer
indexes only for syllables adjacent in one phrase: a phrase match with slop 0 (Solr's
``pf``), on every backend, since a concept is a set of index terms. A dictionary rather than
more statistics, because statistics cannot know a word the catalogue never wrote adjacent;
pyvi's list rather than underthesea's (GPL), and vendored rather than installed, since the
package would bring scikit-learn for one text file.

A concept is satisfied by any of its variants: typed without diacritics, by any diacritics
(the folded view); typed with them, by the same diacritics or by data typed without any,
so ``thông`` no longer matches ``thống``. Tone placement (``hoà``/``hòa``) and ``Đ``/``D``
are normalised by the analyzer. Plain ASCII words also match their English stem.
``a OR b`` makes the words on either side one concept; quoted phrases and ``-word`` are
constraints of their own (:class:`catalogue.search.ranking.TextQuery`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from catalogue.search.analyzer import (
    BIGRAM_JOINER,
    ENGLISH_PREFIX,
    Unit,
    english_stem,
    fold,
    fold_term,
    has_diacritics,
    phrases,
)

# A syllable pair is one word when at least this share of the documents holding its
# rarer syllable hold the pair. Tuned on shared/eval/search-vi: 0.1 gave nDCG@10 0.9916,
# precision 0.963; 0.3 split "bản đồ" (0.9913, 0.933); 0.05 joined too much (0.9893).
MIN_STRENGTH = 0.1
# Two-syllable Vietnamese words, one per line, normalised as the analyzer does.
WORDS = Path(__file__).parent / "data" / "words_vi.txt"

Concept = frozenset[str]


class Frequencies(Protocol):
    """Index statistics the segmentation needs."""

    def doc_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many documents contain each term."""


def min_should_match(n: int) -> int:
    """How many of ``n`` concepts a document needs: Solr's ``2<-1 5<80%`` (CKAN's mm)."""
    if n <= 2:
        return n
    if n <= 5:
        return n - 1
    return math.floor(0.8 * n)


def variants(word: str) -> Concept:
    """The index terms that satisfy one concept (a syllable, a bigram ``a_b`` or a code)."""
    if has_diacritics(word):
        # The same diacritics, or data typed without any (its exact view is folded).
        return frozenset({word, fold(word)})
    terms = {fold_term(word)}
    if BIGRAM_JOINER not in word and word.isascii() and word.isalpha():
        terms.add(ENGLISH_PREFIX + english_stem(word))
    return frozenset(terms)


def _strength(a: str, b: str, df: dict[str, int]) -> float:
    pair = df.get(fold_term(a + BIGRAM_JOINER + b), 0)
    rarer = min(df.get(fold_term(a), 0), df.get(fold_term(b), 0))
    return pair / rarer if rarer else 0.0


@lru_cache(maxsize=1)
def _dictionary() -> tuple[frozenset[str], frozenset[str]]:
    """The dictionary's words as bigram terms: exact (``dân_số``) and folded (``~dan_so``)."""
    with WORDS.open(encoding="utf-8") as lines:
        exact = frozenset(line.strip().replace(" ", BIGRAM_JOINER) for line in lines
                          if line.strip())
    return exact, frozenset(fold_term(w) for w in exact)


def is_word(a: str, b: str) -> bool:
    """True when syllables ``a b`` (normalised) are a dictionary word.

    Typed with diacritics, the pair must be the word as spelt (``dân số``, not ``dần sổ``);
    typed without any, any word folding to it counts (``dan so``).
    """
    exact, folded = _dictionary()
    pair = a + BIGRAM_JOINER + b
    return pair in exact or (not has_diacritics(pair) and fold_term(pair) in folded)


def segment(phrase: Sequence[Unit], lexicon: Frequencies) -> list[str]:
    """The words of one phrase: codes whole, syllables paired where the index says so
    or, for pairs it does not know, where the dictionary does."""
    words = [u.compound or u.parts[0] for u in phrase]
    single = [u.compound is None for u in phrase]
    pairs = [i for i in range(len(words) - 1) if single[i] and single[i + 1]]
    wanted = {fold_term(w) for i in pairs for w in (words[i], words[i + 1])}
    wanted |= {fold_term(words[i] + BIGRAM_JOINER + words[i + 1]) for i in pairs}
    df = lexicon.doc_frequencies(wanted) if wanted else {}
    strengths = {i: _strength(words[i], words[i + 1], df) for i in pairs}
    joined = [i for i in strengths if strengths[i] >= MIN_STRENGTH or
              is_word(words[i], words[i + 1])]
    starts: set[int] = set()
    taken: set[int] = set()
    # The index's pairs first, then dictionary words; in each, strongest then leftmost.
    for i in sorted(joined, key=lambda i: (strengths[i] < MIN_STRENGTH, -strengths[i], i)):
        if not {i, i + 1} & taken:
            starts.add(i)
            taken |= {i, i + 1}
    out: list[str] = []
    i = 0
    while i < len(words):
        if i in starts:
            out.append(words[i] + BIGRAM_JOINER + words[i + 1])
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


def concepts_of(pieces: Iterable[tuple[str, bool]], lexicon: Frequencies) -> list[Concept]:
    """The concepts of the free-text pieces of a query, in order.

    ``pieces`` are (text, joined): ``joined`` when ``OR`` came before the piece, whose first
    concept then becomes one with the concept before it.
    """
    concepts: list[Concept] = []
    for text, joined in pieces:
        found = [variants(w) for phrase in phrases(text) for w in segment(phrase, lexicon)]
        if joined and concepts and found:
            found[0] = concepts.pop() | found[0]
        concepts += found
    return concepts

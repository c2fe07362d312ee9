"""From the text a user typed to weighted index terms, for every backend.

A document's score is ``Σ query_weight(t) × idf(t) × doc_weight(t)`` over the
query terms ``t`` it contains, where ``doc_weight`` is the sum of the field
weights of :mod:`catalogue.search.documents`. Both backends compute exactly
this, so they rank alike; ties go to the newest dataset.

How the terms are chosen is where Vietnamese is won (issue 4):

* typed with diacritics: the exact view counts fully and the folded view a
  little, so "lụa" finds "lụa" first and "lúa" only after;
* typed without: the folded view counts, plus the exact forms the data uses
  for those letters, in proportion to how often it uses each, so "ban do"
  prefers the common "bản đồ" to the rare "bán đồ" (diacritic restoration);
* adjacent syllables also match as bigrams, which count double, so "bản đồ"
  beats "bán" + "đồ chơi" and "trường học" beats "thị trường";
* plain ASCII words also match the English stems of the English fields.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

from catalogue.places.gazetteer import Place, name_key, split_prefix
from catalogue.search.analyzer import (
    BIGRAM_JOINER,
    ENGLISH_PREFIX,
    bigrams,
    english_stem,
    fold,
    fold_term,
    has_diacritics,
    normalize,
    phrases,
)
from catalogue.search.concepts import Concept, concepts_of, min_should_match, variants
from catalogue.search.places import PLACE_PREFIX, place_term, places_in_query

EXACT = 1.0
FOLDED_SECONDARY = 0.3  # folded view when the user typed diacritics
FOLDED = 1.0  # folded view when the user typed none
RESTORED = 0.6  # the data's own exact forms of undiacritised input
BIGRAM = 2.0  # multiplier for adjacent syllables
COMPOUND = 1.5  # a whole code such as "pm2.5"
ENGLISH = 0.8
MAX_VARIANTS = 4
# Bits of a word mask: PostgreSQL counts them in a bigint and the column table in int64,
# so a query of 64 or more words overflowed them (a 500, issue 15). Longer queries share
# the bits among their words in order: the share of words found is then counted in groups.
MASK_BITS = 63


class Lexicon(Protocol):
    """Index statistics a backend provides for query planning."""

    def doc_count(self) -> int:
        """Documents in the index."""

    def doc_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many documents contain each term."""

    def variants(self, folded: Iterable[str]) -> dict[str, dict[str, int]]:
        """Folded unigram/bigram (no prefix) → {exact term: document frequency}."""


@dataclass
class TextQuery:
    """What a backend runs: weighted terms (scored) and which documents match.

    A document matches when it holds a weighted term, every ``required`` term (quoted
    phrases), no ``excluded`` one (``-word``) and at least ``min_match`` of the
    ``concepts`` (each satisfied by any of its terms, see :mod:`catalogue.search.concepts`),
    among them one of the places the query names.
    When the strict set is empty a backend falls back (:meth:`looser`) to the datasets
    holding one concept, then to those holding any weighted term (``min_match`` 0).
    """

    weights: dict[str, float] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    typed: bool = False
    # Which query words (bit i = i-th word) each term stands for, to reward
    # documents that contain all the words over those with a few repeated.
    masks: dict[str, int] = field(default_factory=dict)
    nwords: int = 0
    concepts: list[frozenset[str]] = field(default_factory=list)
    min_match: int = 0
    # The last ``places`` concepts are places the query names: one of them is required
    # (while strict), so "giá đất Bình Phước" never settles for "giá đất" anywhere, and
    # "thống kê Đắk Lắk Gia Lai" takes either province.
    places: int = 0

    def looser(self) -> TextQuery | None:
        """The next fallback: one concept enough, then any weighted term; None after."""
        if self.min_match > 1:
            return replace(self, min_match=1, places=0)
        if self.min_match == 1:
            return replace(self, min_match=0, places=0)
        return None

    @property
    def required_places(self) -> int:
        """How many of the last concepts are places, one of which every matching document
        holds (0 unless strict)."""
        return self.places if self.strict else 0

    @property
    def strict(self) -> bool:
        """True when matching asks for concepts, not just any term."""
        return self.min_match > 0

    def match_terms(self) -> list[str]:
        """Every term matching reads: weighted, required, excluded and concept terms."""
        seen = dict.fromkeys([*self.weights, *self.required, *self.excluded])
        for concept in self.concepts:
            seen.update(dict.fromkeys(sorted(concept)))
        return list(seen)

    def combine(self, score: float, mask: int) -> float:
        """Final score: the term sum scaled by the share of words found."""
        if self.nwords <= 1:
            return score
        share = bin(mask).count("1") / self.nwords
        return score * share * share

    @property
    def empty(self) -> bool:
        """True when nothing searchable was typed: list everything."""
        return not self.typed


# A quoted phrase (maybe negated) or a negated word; the rest is free text.
_SPECIAL_RE = re.compile(r'(-?)"([^"]*)"?|(?<!\S)-(\S+)')
# Solr's operators as CKAN users type them, upper case only ("or" is a word).
_NOT_RE = re.compile(r"(?<!\S)NOT\s+(?=\S)")
_AND_RE = re.compile(r"(?<!\S)AND(?!\S)")
_OR_RE = re.compile(r"(?<!\S)OR(?!\S)")


def _pieces(q: str) -> list[tuple[str, bool, bool, bool]]:
    """(text, quoted, negated, joined) pieces of the query, in order; ``joined`` when an
    ``OR`` came before the piece. ``NOT x`` is ``-x``; ``AND`` is what juxtaposition means."""
    q = _AND_RE.sub(" ", _NOT_RE.sub("-", q))
    pieces: list[tuple[str, bool, bool, bool]] = []
    pos = 0

    def free(text: str) -> None:
        for i, part in enumerate(_OR_RE.split(text)):
            pieces.append((part, False, False, i > 0))

    for m in _SPECIAL_RE.finditer(q):
        free(q[pos:m.start()])
        if m.group(2) is not None:
            pieces.append((m.group(2), True, bool(m.group(1)), False))
        else:
            pieces.append((m.group(3), False, True, False))
        pos = m.end()
    free(q[pos:])
    return [p for p in pieces if p[0].strip()]


def idf(doc_count: int, doc_frequency: int) -> float:
    """BM25's idf, never negative."""
    return math.log(1.0 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


def _add(weights: dict[str, float], term: str, weight: float,
         masks: dict[str, int] | None = None, mask: int = 0) -> None:
    weights[term] = weights.get(term, 0.0) + weight
    if masks is not None:
        masks[term] = masks.get(term, 0) | mask


def _chains(text: str) -> list[tuple[list[str], list[tuple[str, int, int]]]]:
    """(syllable chain, compounds with their part span) of each phrase of ``text``."""
    result = []
    for phrase in phrases(text):
        chain: list[str] = []
        compounds = []
        for unit in phrase:
            if unit.compound:
                compounds.append((unit.compound, len(chain), len(unit.parts)))
            chain.extend(unit.parts)
        result.append((chain, compounds))
    return result


def _span(start: int, length: int) -> int:
    return ((1 << length) - 1) << start


def plan_query(q: str, lexicon: Lexicon) -> TextQuery:
    """Turn the user's text into weighted terms with idf applied."""
    accented = has_diacritics(normalize(q))
    raw: dict[str, float] = {}
    masks: dict[str, int] = {}
    query = TextQuery()
    restore: list[tuple[str, float, int]] = []
    pieces = _pieces(q)
    for text, quoted, negated, _joined in pieces:
        for chain, compounds in _chains(text):
            exact = accented or (quoted and has_diacritics(normalize(text)))
            view = (lambda t: t) if exact else fold_term
            grams = bigrams(chain) or chain
            if negated:
                query.excluded.extend(view(t) for t in grams)
                continue
            query.typed = True
            if quoted:
                query.required.extend(view(t) for t in grams)
            query.words.update(chain if accented else (fold(p) for p in chain))
            base = query.nwords
            query.nwords += len(chain)
            spans = [(t, _span(base + i, 1), 1.0) for i, t in enumerate(chain)]
            spans += [(t, _span(base + i, 2), BIGRAM) for i, t in enumerate(bigrams(chain))]
            spans += [(t, _span(base + i, n), COMPOUND) for t, i, n in compounds]
            for term, mask, factor in spans:
                if accented:
                    _add(raw, term, EXACT * factor, masks, mask)
                    _add(raw, fold_term(term), FOLDED_SECONDARY * factor, masks, mask)
                else:
                    _add(raw, fold_term(term), FOLDED * factor, masks, mask)
                    restore.append((fold_term(term)[1:], RESTORED * factor, mask))
            for i, word in enumerate(chain):
                if word.isascii() and word.isalpha():
                    _add(raw, ENGLISH_PREFIX + english_stem(word), ENGLISH, masks,
                         _span(base + i, 1))
    if restore:
        found = lexicon.variants({f for f, _, _ in restore})
        for folded, weight, mask in restore:
            variants = sorted(found.get(folded, {}).items(), key=lambda kv: -kv[1])
            total = sum(df for _, df in variants[:MAX_VARIANTS])
            for form, df in variants[:MAX_VARIANTS]:
                _add(raw, form, weight * df / total, masks, mask)
    free, places = _without_places(pieces, accented)
    for concept, mask in places:
        for term in concept:
            if term.startswith(PLACE_PREFIX):
                _add(raw, term, BIGRAM, masks, mask)
    n = lexicon.doc_count()
    dfs = lexicon.doc_frequencies(raw)
    query.weights = {t: w * idf(n, dfs.get(t, 0)) for t, w in raw.items() if dfs.get(t, 0)}
    query.masks = {t: masks[t] for t in query.weights}
    query.concepts = concepts_of(free, lexicon) + [concept for concept, _ in places]
    query.min_match = min_should_match(len(query.concepts))
    query.places = len(places)
    if query.nwords > MASK_BITS:
        query.masks = {t: _grouped(m, query.nwords) for t, m in query.masks.items()}
        query.nwords = MASK_BITS
    return query


def _without_places(pieces: list[tuple[str, bool, bool, bool]], accented: bool
                    ) -> tuple[list[tuple[str, bool]], list[tuple[Concept, int]]]:
    """The free-text pieces (text, joined) with the places they name cut out, and one
    concept per place
    (issue 22) with the mask of its words.

    A place is one concept however many syllables its name has, satisfied by the unit's
    place term (its data, old or new, see :mod:`catalogue.search.places`) or by its name in
    the text (data whose place was never recognised). Masks count words as
    :func:`plan_query` does: every syllable of every free piece, in order.
    """
    free: list[tuple[str, bool]] = []
    places: list[tuple[Concept, int]] = []
    base = 0
    ended_with_place = False
    for text, quoted, negated, joined in pieces:
        if quoted or negated:
            base += 0 if negated else sum(len(c) for c, _ in _chains(text))
            ended_with_place = False
            continue
        kept_phrases: list[str] = []
        changed = False
        first_phrase = True
        for phrase in phrases(text):
            words = [p for unit in phrase for p in unit.parts]
            found = places_in_query(" ".join(words))
            if not found:
                kept_phrases.append(" ".join(u.compound or u.parts[0] for u in phrase))
                base += len(words)
                first_phrase = ended_with_place = False
                continue
            changed = True
            starts = _word_starts(words)
            inside: set[int] = set()
            for place in found:
                first = starts.index(place.start)
                count = len(re.findall(r"[^\W_]+", place.text))
                inside.update(range(first, first + count))
                name = words[first:first + count][-_name_words(place):]
                concept = set(_text_variants(name, accented))
                concept.update(place_term(u) for u in place.units)
                places.append((frozenset(concept), _span(base + first, count)))
            if joined and first_phrase and 0 in inside and ended_with_place:
                # "Bình Phước OR Đồng Nai": either place, one concept.
                (a, mask_a), (b, mask_b) = places[-len(found) - 1], places[-len(found)]
                places[-len(found) - 1:-len(found) + 1 or None] = [(a | b, mask_a | mask_b)]
            pos = 0
            out: list[str] = []
            for unit in phrase:
                span = range(pos, pos + len(unit.parts))
                pos += len(unit.parts)
                out.append("," if set(span) & inside else unit.compound or unit.parts[0])
            kept_phrases.append(" ".join(out))
            base += len(words)
            first_phrase = False
            ended_with_place = len(words) - 1 in inside
        free.append((", ".join(kept_phrases) if changed else text, joined))
    return free, places


def _word_starts(words: list[str]) -> list[int]:
    """Where each word starts in ``" ".join(words)``."""
    starts, pos = [], 0
    for word in words:
        starts.append(pos)
        pos += len(word) + 1
    return starts


def _name_words(place: Place) -> int:
    """How many of a mention's last words are the name, not its prefix ("tỉnh")."""
    allowed, rest = split_prefix(name_key(place.text))
    return len(rest.split()) if allowed is not None else len(name_key(place.text).split())


def _text_variants(name: list[str], accented: bool) -> set[str]:
    """Index terms of a place's name in the text: its bigrams (any one), or the word."""
    grams = bigrams(name) or name
    if len(grams) == 1 and BIGRAM_JOINER not in grams[0]:
        return set(variants(grams[0] if accented else fold(grams[0])))
    return {t for g in grams for t in ((g, fold_term(g)) if accented else (fold_term(g),))}


def _grouped(mask: int, nwords: int) -> int:
    """A mask over ``nwords`` words as one over :data:`MASK_BITS` groups of adjacent words."""
    grouped = 0
    for position in range(nwords):
        if mask >> position & 1:
            grouped |= 1 << (position * MASK_BITS // nwords)
    return grouped


def is_bigram(term: str) -> bool:
    """True for syllable-bigram terms."""
    return BIGRAM_JOINER in term

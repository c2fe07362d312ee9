""""Did you mean": correct typos, then put back the data's diacritics.

The dictionary is the indexed text itself (the backend's vocabulary of
folded syllables and the exact unigrams and bigrams behind them), so the
suggestion is a phrase as it appears in the catalogue: "moi truogn" →
"môi trường", "khoang sna" → "khoáng sản".

Only words of public, active datasets are ever offered (issue 15): the index also holds
private datasets and drafts, and a suggestion must not spell out what only they contain.
Frequencies still count every dataset; each candidate is checked before it is offered.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from catalogue.search.analyzer import BIGRAM_JOINER, FOLD_PREFIX, fold, normalize, phrases

MAX_CANDIDATES = 6
# Longer queries get no suggestion: each unknown word is compared with the whole
# vocabulary (≈ 0.15 s at 20k words), so a long query of typos cost many seconds of CPU
# (issue 15), and nobody needs a long query spelled again.
MAX_SPELL_WORDS = 8
# "Did you mean" only when a search finds fewer datasets than this (issue 18).
FEW_RESULTS = 5
# Near words checked for visibility per round, nearest and most frequent first.
_CHECK_BATCH = 2 * MAX_CANDIDATES


class Vocabulary(Protocol):
    """What the speller needs from a backend's index."""

    def unigram_vocabulary(self) -> Mapping[str, int]:
        """Folded syllable → number of documents containing it."""

    def variants(self, folded: Iterable[str]) -> dict[str, dict[str, int]]:
        """Folded unigram/bigram (no prefix) → {exact term: document frequency}."""

    def public_terms(self, terms: Iterable[str]) -> set[str]:
        """Of these index terms, those in at least one public, active dataset."""


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau–Levenshtein (optimal string alignment); > ``limit`` means far."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _candidates(word: str, vocab: Mapping[str, int],
                vocabulary: Vocabulary) -> list[tuple[str, int]]:
    """(folded word, distance) pairs: the word itself if public data has it, else near
    ones that public data has; the typed word when there are none."""
    if not word.isalpha() or (word in vocab and vocabulary.public_terms([FOLD_PREFIX + word])):
        return [(word, 0)]
    limit = 1 if len(word) <= 4 else 2
    near = [(w, d) for w in vocab if w != word and (d := edit_distance(word, w, limit)) <= limit]
    near.sort(key=lambda wd: (wd[1], -vocab[wd[0]]))
    chosen: list[tuple[str, int]] = []
    for start in range(0, len(near), _CHECK_BATCH):
        batch = near[start:start + _CHECK_BATCH]
        public = vocabulary.public_terms(FOLD_PREFIX + w for w, _ in batch)
        chosen += [(w, d) for w, d in batch if FOLD_PREFIX + w in public]
        if len(chosen) >= MAX_CANDIDATES:
            break
    return chosen[:MAX_CANDIDATES] or [(word, 0)]


def _public_variants(vocabulary: Vocabulary, folded: Iterable[str]) -> dict[str, dict[str, int]]:
    """:meth:`Vocabulary.variants` with only the exact forms public datasets use."""
    found = vocabulary.variants(folded)
    public = vocabulary.public_terms({t for forms in found.values() for t in forms})
    return {f: {t: n for t, n in forms.items() if t in public} for f, forms in found.items()}


def _best_path(options: list[list[str]], unigram: Mapping[str, float],
               pair: Mapping[str, float]) -> list[str]:
    """Viterbi over the options of each position: adjacent pairs the data
    contains count most, frequent words next."""
    best: dict[str, tuple[float, list[str]]] = {
        o: (unigram.get(o, 0.0), [o]) for o in options[0]}
    for column in options[1:]:
        step: dict[str, tuple[float, list[str]]] = {}
        for o in column:
            step[o] = max(
                ((score + unigram.get(o, 0.0) + 3.0 * pair.get(prev + BIGRAM_JOINER + o, 0.0),
                  path + [o]) for prev, (score, path) in best.items()),
                key=lambda sp: sp[0])
        best = step
    return max(best.values(), key=lambda sp: sp[0])[1]


def _log_counts(counts: Mapping[str, int]) -> dict[str, float]:
    return {k: math.log1p(v) for k, v in counts.items()}


def correct(q: str, vocabulary: Vocabulary) -> tuple[str, bool] | None:
    """The query with typos fixed and diacritics restored, and whether a typo was fixed."""
    words = [p for phrase in phrases(q) for unit in phrase for p in unit.parts]
    if not words or len(words) > MAX_SPELL_WORDS:
        return None
    vocab = vocabulary.unigram_vocabulary()
    folded = [fold(w) for w in words]
    candidates = [_candidates(w, vocab, vocabulary) for w in folded]
    typo = any(c[0][1] > 0 for c in candidates)
    options = [[w for w, d in c] for c in candidates]
    pairs = {a + BIGRAM_JOINER + b
             for x, y in zip(options, options[1:], strict=False) for a in x for b in y}
    pair_df = {k: sum(v.values()) for k, v in _public_variants(vocabulary, pairs).items()}
    unigram = {w: math.log1p(vocab.get(w, 0)) - 2.0 * d for c in candidates for w, d in c}
    chosen = _best_path(options, unigram, _log_counts(pair_df))
    # Diacritics: keep the ones the user typed, choose the data's for the rest.
    found = _public_variants(vocabulary, set(chosen) | {a + BIGRAM_JOINER + b
                                               for a, b in zip(chosen, chosen[1:], strict=False)})
    exact_options: list[list[str]] = []
    exact_unigram: dict[str, float] = {}
    exact_pairs: dict[str, int] = {}
    for typed, word in zip(words, chosen, strict=True):
        forms = found.get(word, {})
        if typed != fold(typed) and typed in forms:
            forms = {typed: forms[typed]}
        ranked = sorted(forms, key=lambda f: -forms[f])[:MAX_CANDIDATES] or [typed]
        exact_options.append(ranked)
        exact_unigram.update({f: math.log1p(forms.get(f, 0)) for f in ranked})
    for a, b in zip(chosen, chosen[1:], strict=False):
        exact_pairs.update(found.get(a + BIGRAM_JOINER + b, {}))
    restored = _best_path(exact_options, exact_unigram, _log_counts(exact_pairs))
    return " ".join(restored), typo


def suggest(q: str, vocabulary: Vocabulary) -> str | None:
    """A better spelling of ``q`` with the data's diacritics, or None if ``q`` is fine."""
    result = correct(q, vocabulary)
    if result is None or result[0] == " ".join(normalize(q).split()):
        return None
    return result[0]


def did_you_mean(q: str, found: int, vocabulary: Vocabulary,
                 count: Callable[[str], int]) -> str | None:
    """The suggestion a search shows: only when ``q`` found little (``found`` datasets,
    fewer than :data:`FEW_RESULTS`), only with a typo fixed, only with words of public
    datasets, and only when the suggestion finds more (``count(suggestion)``, issue 18).
    """
    if found >= FEW_RESULTS:
        return None
    corrected = correct(q, vocabulary)
    if corrected is None or not corrected[1]:
        return None
    return corrected[0] if count(corrected[0]) > found else None

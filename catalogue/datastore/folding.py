"""Vietnamese folding for rows: one ``str.translate`` per cell, derived from the search analyzer.

The catalogue's search folds with :func:`catalogue.search.analyzer.fold` (diacritics removed,
``đ`` → ``d``). Calling it on every cell of a million-row table costs a Unicode decomposition
per cell; this module builds, once, a translation table from that same function for every
precomposed Latin letter, so a table's text and a query are folded alike at C speed. The
table is derived, not written by hand: the two cannot disagree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from catalogue.search.analyzer import fold

# Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional (Vietnamese letters).
_RANGES = ((0x00C0, 0x0250), (0x1E00, 0x1F00))
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table: dict[int, str] = {code: chr(code + 32) for code in range(ord("A"), ord("Z") + 1)}
    for start, end in _RANGES:
        for code in range(start, end):
            ch = chr(code)
            folded = fold(ch.lower())
            if folded != ch:
                table[code] = folded
    return table


def fold_text(text: str) -> str:
    """Lower case, diacritics removed, ``đ`` → ``d``: "Phường Ba Đình" → "phuong ba dinh"."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        return text.translate(_table()).lower()
    return text.lower()


def folded_words(text: str) -> list[str]:
    """The words of ``text`` folded, split as SQLite's ``unicode61`` tokenizer splits them."""
    return _WORD.findall(fold_text(text))


def pg_fold(expression: str) -> str:
    """:func:`fold_text` as a PostgreSQL expression (``translate`` is immutable, so a
    generated column may use it): the same table, as two strings of letters."""
    pairs = [(chr(code), folded) for code, folded in _table().items() if len(folded) == 1]
    source = "".join(k for k, _ in pairs).replace("'", "''")
    target = "".join(v for _, v in pairs).replace("'", "''")
    return f"lower(translate(({expression})::text, '{source}', '{target}'))"

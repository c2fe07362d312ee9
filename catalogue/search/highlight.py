"""Highlighted snippets, computed the same way for every backend."""

from __future__ import annotations

import html
import re

from catalogue.search.analyzer import fold, normalize

_WORD_RE = re.compile(r"[^\W_]+")
SNIPPET_CHARS = 200


def highlight(text: str, words: set[str], size: int = SNIPPET_CHARS) -> str | None:
    """HTML-escaped snippet of ``text`` with matching words in ``<mark>``.

    ``words`` are the query's words, exact if typed with diacritics, folded
    if not (so "ban do" marks "Bản đồ" and "bản đồ" does not mark "bán"). The
    snippet starts a little before the first match; None if nothing matches.
    """
    hits = [m for m in _WORD_RE.finditer(text)
            if (w := normalize(m.group())) in words or fold(w) in words]
    if not hits:
        return None
    first = hits[0].start()
    start = 0 if first < size // 4 else text.rfind(" ", 0, first - size // 4) + 1
    end = len(text) if len(text) - start <= size else text.rfind(" ", start, start + size)
    end = end if end > hits[0].end() else min(len(text), start + size)
    out: list[str] = ["…" if start > 0 else ""]
    pos = start
    for m in hits:
        if m.start() < start or m.end() > end:
            continue
        out += [html.escape(text[pos:m.start()]), "<mark>", html.escape(m.group()), "</mark>"]
        pos = m.end()
    out.append(html.escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)

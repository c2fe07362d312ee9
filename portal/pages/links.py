"""Which URLs may become links: one check for templates, Markdown and redirects (issue 15).

Resource URLs, agency websites, source addresses and descriptions come from agencies and
harvested systems; a ``javascript:`` or ``data:`` URL rendered as a link runs script in the
portal's origin when someone clicks it. Only these schemes (and relative references) are
ever linked; anything else is shown as text.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})
# What a browser ignores before and inside a scheme ("java\tscript:", " \x01javascript:").
_IGNORED_LEADING = "".join(chr(c) for c in range(0x21))
_IGNORED_INSIDE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def safe_href(url: object) -> str:
    """``url`` if a browser would open it as a page, a mail or a file; ``""`` otherwise.

    Relative references (``/dataset/x``, ``?page=2``) are kept: they cannot name a scheme.
    """
    if not isinstance(url, str) or not url:
        return ""
    # Read it the way a browser does (WHATWG URL parsing), so "JaVa\nScRiPt:" is caught.
    seen = _IGNORED_INSIDE.sub("", url.lstrip(_IGNORED_LEADING))
    found = _SCHEME.match(seen)
    if found is None:
        # No scheme: relative, unless a colon hides behind characters no scheme may hold.
        return url.strip() if ":" not in seen.split("/", 1)[0] else ""
    return url.strip() if found.group(1).lower() in SAFE_SCHEMES else ""


def is_safe_href(url: object) -> bool:
    """Whether :func:`safe_href` keeps ``url``."""
    return bool(safe_href(url))

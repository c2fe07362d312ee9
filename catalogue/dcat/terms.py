"""RDF terms made safe from whatever a dataset's text holds (issue 15).

Literals and IRIs reach every feed format, and each format has characters it cannot carry:
RDF/XML refuses C0 control characters, Turtle refuses spaces, ``<``, ``"``, ``{`` … inside an
IRI, and rdflib writes an IRI as it is given. So text is cleaned once here and IRIs are either
made valid (percent-encoding what a URL may not hold) or not made at all: an e-mail that is not
a plain address stays a literal rather than becoming a broken ``mailto:`` IRI.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from rdflib import Literal, URIRef

# What XML 1.0 can carry (https://www.w3.org/TR/xml/#charsets); the rest (C0 controls other
# than tab and newlines, lone surrogates, U+FFFE/U+FFFF) becomes a space in every format, so
# the three serialisations of one dataset say the same thing.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Characters RFC 3987 does not allow anywhere in an IRI; percent-encoded in links.
_NOT_IRI = re.compile('[\x00-\x20<>"{}|\\\\^`\x7f-\x9f]')
# A plain address (the dot-atom subset of RFC 5322 that needs no escaping in a mailto IRI).
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?_~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"
                    r"\.[A-Za-z]{2,63}")
# type/subtype, RFC 6838 restricted names.
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&.+_-]{0,126}/[a-z0-9][a-z0-9!#$&.+_-]{0,126}")


def clean_text(value: Any) -> str:
    """``value`` as text every RDF format can carry, stripped; "" for non-text."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    return _NOT_XML.sub(" ", str(value)).strip()


def text_literal(value: Any, lang: str | None = None) -> Literal | None:
    """A (language-tagged) literal of the cleaned text, or None when nothing is left."""
    text = clean_text(value)
    return Literal(text, lang=lang) if text else None


def http_iri(value: Any) -> URIRef | None:
    """An http(s) link as an IRI any format can write, or None for anything else.

    Characters an IRI may not hold (spaces, quotes, ``<``, ``{`` …) are percent-encoded, so the
    link still leads where it did; relative links, other schemes and links without a host are
    left out.
    """
    text = clean_text(value)
    if not text.startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if not parts.hostname or _NOT_IRI.search(parts.netloc):
        return None
    return URIRef(_NOT_IRI.sub(lambda m: quote(m.group(), safe=""), text))


def mailto_iri(value: Any) -> URIRef | None:
    """``mailto:`` IRI for a plain e-mail address, else None (the caller keeps a literal)."""
    text = clean_text(value)
    if not _EMAIL.fullmatch(text):
        return None
    return URIRef(f"mailto:{text}")


def media_type(value: Any) -> str | None:
    """An IANA ``type/subtype`` (lowercase, parameters dropped), or None."""
    text = clean_text(value).split(";", 1)[0].strip().lower()
    return text if _MEDIA_TYPE.fullmatch(text) else None

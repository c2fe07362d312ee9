"""Bulk loading of the PostgreSQL search tables with ``COPY`` (issue 18, item 5).

A rebuild fills fresh shadow tables (:mod:`catalogue.search.postgres_write`); row-by-row
``INSERT``s cost a statement's parsing, planning and a round trip per batch, then a
``SELECT`` for the docnums the inserts drew and ``VACUUM`` writing every page again for the
visibility map. Here the docnums are drawn up front (one round trip per batch), documents
and postings are streamed as ``COPY … FREEZE`` text (rows frozen and pages marked
all-visible as they are written: the tables were created in the same transaction, so no
other transaction can see them before the commit), and the indexes are built after the
load by the caller. The rows are exactly those :func:`postgres_write.insert_rows` writes;
``tests/test_search_bulk_build.py`` compares the answers of both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from psycopg import Connection as PgConnection
from sqlalchemy import text
from sqlalchemy.engine import Connection

# Characters COPY's text format escapes (backslash, and the row and column delimiters).
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}

DOCUMENT_COLUMNS = ("docnum", "id", "lexemes", "terms", "filters", "state", "private",
                    "metadata_modified", "metadata_created", "autocomplete", "meta", "name",
                    "title_string", "quality")
_META_KEYS = ("id", "name", "title", "notes", "metadata_modified", "metadata_created",
              "title_string", "quality_score", "facets", "autocomplete")


def _copy_text(value: str) -> str:
    """``value`` as a field of COPY's text format."""
    if _COPY_SPECIAL.search(value) is None:
        return value
    return _COPY_SPECIAL.sub(lambda m: _COPY_ESCAPES[m.group()], value)


def _tsvector_literal(terms: Iterable[str]) -> str:
    """The tsvector input text of these lexemes, without positions (as
    ``array_to_tsvector`` makes them): each quoted, quotes and backslashes doubled."""
    terms = list(terms)
    plain = "".join(terms)
    if "'" not in plain and "\\" not in plain:  # the analyzer's terms: always
        return "'" + "' '".join(terms) + "'" if terms else ""
    return " ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)


def _array_literal(values: Iterable[str]) -> str:
    """A text[] input literal: every element double-quoted, ``"`` and ``\\`` escaped."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                          for v in values) + "}"


def document_line(docnum: int, r: dict[str, Any]) -> str:
    """One ``search_documents`` row of an analysed document (``search_fields``), as a line
    of COPY text in :data:`DOCUMENT_COLUMNS` order."""
    meta = {k: r[k] for k in _META_KEYS}
    fields = (
        str(docnum), r["id"], _tsvector_literal(r["terms"]),
        json.dumps(r["terms"], ensure_ascii=False),
        _array_literal(r["filters"]), r["facets"]["state"][0],
        "t" if r["facets"]["capacity"] == ["private"] else "f",
        r["metadata_modified"], r["metadata_created"], r["autocomplete"],
        json.dumps(meta, ensure_ascii=False), r["name"], r["title_string"],
        str(int(r["quality_score"])))
    return "\t".join(map(_copy_text, fields)) + "\n"


def posting_lines(docnum: int, terms: dict[str, float]) -> str:
    """The ``search_postings`` rows (term, docnum, weight) of one document, as COPY text.

    ``repr`` of a float reads back as the same float8, as the ``float8[]`` parameter of the
    row-by-row path does."""
    tail = f"\t{docnum}\t"
    if _COPY_SPECIAL.search("".join(terms)) is None:  # the analyzer's terms never need it
        return "".join([f"{t}{tail}{_float_text(w)}\n" for t, w in terms.items()])
    return "".join([f"{_copy_text(t)}{tail}{_float_text(w)}\n" for t, w in terms.items()])


@lru_cache(maxsize=4096)  # weights are sums of a few field weights: few distinct values
def _float_text(weight: float) -> str:
    return repr(float(weight))


def draw_docnums(conn: Connection, count: int) -> list[int]:
    """``count`` values of ``search_documents``' docnum sequence, in order.

    Drawn, not computed: writers indexing into the live table meanwhile take values of the
    same sequence, and after the swap new rows must number past every row loaded here."""
    return sorted(conn.execute(text(
        "SELECT nextval(pg_get_serial_sequence('search_documents', 'docnum')) "
        "FROM generate_series(1, :n)"), {"n": count}).scalars())


def _driver(conn: Connection) -> PgConnection[Any]:
    driver = conn.connection.driver_connection
    if not isinstance(driver, PgConnection):
        raise TypeError("the PostgreSQL search backend needs the psycopg (3) driver")
    return driver


def copy_rows(conn: Connection, rows: dict[str, dict[str, Any]], suffix: str) -> None:
    """Append analysed rows (ids unique, not yet present) to ``search_documents{suffix}``
    and their postings to ``search_postings{suffix}``, both created in this transaction."""
    docnums = draw_docnums(conn, len(rows))
    documents: list[str] = []
    postings: list[str] = []
    for docnum, r in zip(docnums, rows.values(), strict=True):
        documents.append(document_line(docnum, r))
        postings.append(posting_lines(docnum, r["terms"]))
    with _driver(conn).cursor() as cursor:
        with cursor.copy(f"COPY search_documents{suffix} ({', '.join(DOCUMENT_COLUMNS)}) "
                         "FROM STDIN (FREEZE)") as copy:
            copy.write("".join(documents))
        with cursor.copy(f"COPY search_postings{suffix} (term, docnum, weight) "
                         "FROM STDIN (FREEZE)") as copy:
            copy.write("".join(postings))

"""Writing the PostgreSQL search tables: analysed rows with their postings, and the rebuild
that replaces every document without a moment of missing hits (issue 23).

``index rebuild`` used to empty the tables and fill them again, so every other machine
answered 0 hits (then a few, then some more) until it finished. Now the documents, postings
and lexicon are filled into shadow tables (``search_documents_next``, …) while every process
goes on searching the live ones; one short transaction then drops the live tables and renames
the shadows (with their indexes and constraints) into place, with a new epoch and generation.
A searcher sees the whole old set, then the whole new one. The shadows are loaded with
``COPY`` (:mod:`catalogue.search.postgres_bulk`) and indexed after the load.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from catalogue.coordination.notifications import REBUILD, RESTORE, announce
from catalogue.search.analyzer import ENGLISH_PREFIX, FOLD_PREFIX, fold_term
from catalogue.search.postgres_bulk import copy_rows

# The derived tables a rebuild replaces, in the order searches read them (locks are taken
# in it, so a search holding one while waiting for the next cannot deadlock the swap).
TABLES = ("search_lexicon", "search_documents", "search_postings")
SHADOW = "_next"
BATCH = 2000
# Memory for building one index of the shadow tables (the session's setting, for the rebuild).
INDEX_BUILD_MEMORY = "512MB"
LEXICON_BATCH = 50_000
# The swap waits this long for running searches to let go of the live tables, then retries:
# queued behind it, new searches would wait too.
SWAP_LOCK_TIMEOUT = "3s"
SWAP_ATTEMPTS = 10
# Lock timeout and deadlock: the swap is simply tried again.
_RETRY_CODES = {"55P03", "40P01"}
# Documents replaced wholesale (clear, rebuild, restore): docnums may start again, so a new
# epoch; generations come from the ``search_generation`` sequence, which never goes back.
NEW_EPOCH = ("UPDATE search_meta SET generation = nextval('search_generation'), "
             "doc_count = :count, epoch = CAST(floor(random() * 9e18) AS bigint)")


def lexicon_row(term: str, delta: int) -> tuple[str, str | None, int, int]:
    """A ``search_lexicon`` row (term, folded form, n-gram size, documents) for a term."""
    if term.startswith((FOLD_PREFIX, ENGLISH_PREFIX)):
        return term, None, 0, delta
    return term, fold_term(term)[1:], 2 if "_" in term else 1, delta


def insert_rows(conn: Connection, rows: dict[str, dict[str, Any]], suffix: str = "") -> None:
    """Insert analysed rows (``search_fields``) into ``search_documents{suffix}``, with one
    ``search_postings{suffix}`` row per (term, document); the ids must not be there yet."""
    params = []
    for r in rows.values():
        meta = {k: r[k] for k in ("id", "name", "title", "notes", "metadata_modified",
                                  "metadata_created", "title_string", "quality_score",
                                  "facets", "autocomplete")}
        params.append({
            "id": r["id"], "lex": list(r["terms"]), "terms": json.dumps(r["terms"]),
            "filters": r["filters"], "state": r["facets"]["state"][0],
            "private": r["facets"]["capacity"] == ["private"],
            "mod": r["metadata_modified"], "cre": r["metadata_created"],
            "ac": r["autocomplete"], "meta": json.dumps(meta, ensure_ascii=False),
            "name": r["name"], "ts": r["title_string"], "quality": r["quality_score"]})
    conn.execute(text(
        f"""INSERT INTO search_documents{suffix} (id, lexemes, terms, filters, state, private,
               metadata_modified, metadata_created, autocomplete, meta, name,
               title_string, quality)
           VALUES (:id, array_to_tsvector(CAST(:lex AS text[])), CAST(:terms AS jsonb),
                   :filters, :state, :private, :mod, :cre, :ac, CAST(:meta AS jsonb),
                   :name, :ts, :quality)"""),
        params)
    docnums: dict[str, int] = {doc_id: docnum for doc_id, docnum in conn.execute(text(
        f"SELECT id, docnum FROM search_documents{suffix} WHERE id = ANY(:ids)"),
        {"ids": list(rows)})}
    terms: list[str] = []
    numbers: list[int] = []
    weights: list[float] = []
    for doc_id, r in rows.items():
        terms.extend(r["terms"])
        numbers.extend([docnums[doc_id]] * len(r["terms"]))
        weights.extend(map(float, r["terms"].values()))
    conn.execute(text(
        f"""INSERT INTO search_postings{suffix} (term, docnum, weight)
           SELECT * FROM unnest(CAST(:t AS text[]), CAST(:d AS bigint[]),
                                CAST(:w AS float8[]))"""),
        {"t": terms, "d": numbers, "w": weights})


def _insert_lexicon(conn: Connection, counts: Counter[str]) -> None:
    """The shadow lexicon: ``counts`` (term → documents), each term once."""
    rows = [lexicon_row(t, n) for t, n in counts.items() if n]
    for start in range(0, len(rows), LEXICON_BATCH):
        part = rows[start:start + LEXICON_BATCH]
        conn.execute(text(
            f"""INSERT INTO search_lexicon{SHADOW} (term, folded, ngram, ndoc)
               SELECT * FROM unnest(CAST(:t AS text[]), CAST(:f AS text[]),
                                    CAST(:g AS smallint[]), CAST(:n AS integer[]))"""),
            {"t": [r[0] for r in part], "f": [r[1] for r in part],
             "g": [r[2] for r in part], "n": [r[3] for r in part]})


# -- the rebuild ----------------------------------------------------------------------


class _Names:
    """The constraints and indexes of the live tables, re-created on the shadows under
    ``<name>_next`` and renamed back when they are swapped in."""

    def __init__(self) -> None:
        self.constraints: list[tuple[str, str]] = []  # (table, constraint)
        self.indexes: list[str] = []


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def _create_shadows(conn: Connection) -> None:
    for table in TABLES:
        conn.execute(text(f"DROP TABLE IF EXISTS {table}{SHADOW}"))  # a crashed rebuild's
        # Columns, defaults (docnum's sequence: shared, so docnums keep growing) and storage.
        conn.execute(text(f"CREATE TABLE {table}{SHADOW} "
                          f"(LIKE {table} INCLUDING DEFAULTS INCLUDING STORAGE)"))
        options = conn.execute(text("SELECT reloptions FROM pg_class WHERE oid = "
                                    "CAST(:t AS regclass)"), {"t": table}).scalar_one()
        if options:
            conn.execute(text(f"ALTER TABLE {table}{SHADOW} SET ({', '.join(options)})"))


def _index_shadows(conn: Connection) -> _Names:
    """The live tables' constraints and indexes on the filled shadows (built after the
    load: faster than maintaining them row by row)."""
    names = _Names()
    for table in TABLES:
        for name, definition in conn.execute(text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = CAST(:t AS regclass) AND contype IN ('p', 'u')"),
                {"t": table}).all():
            conn.execute(text(f"ALTER TABLE {table}{SHADOW} "
                              f"ADD CONSTRAINT {name}{SHADOW} {definition}"))
            names.constraints.append((table, name))
        for name, definition in conn.execute(text(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = CAST(:t AS regclass) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"),
                {"t": table}).all():
            statement, found = re.subn(
                rf" INDEX {re.escape(name)} ON ((?:\S+\.)?){table} ",
                rf" INDEX {name}{SHADOW} ON \g<1>{table}{SHADOW} ", definition)
            if found != 1:
                raise RuntimeError(f"cannot copy index {name} of {table}: {definition}")
            conn.execute(text(statement))
            names.indexes.append(name)
    return names


def _swap(conn: Connection, names: _Names) -> None:
    conn.execute(text(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'"))
    conn.execute(text(f"LOCK TABLE {', '.join(TABLES)} IN ACCESS EXCLUSIVE MODE"))
    sequence = conn.execute(text(
        "SELECT pg_get_serial_sequence('search_documents', 'docnum')")).scalar()
    if sequence:  # dropping the live table would drop the docnum sequence it owns
        conn.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY search_documents{SHADOW}.docnum"))
    conn.execute(text(f"DROP TABLE {', '.join(TABLES)}"))
    for table in TABLES:
        conn.execute(text(f"ALTER TABLE {table}{SHADOW} RENAME TO {table}"))
    for table, name in names.constraints:
        conn.execute(text(f"ALTER TABLE {table} RENAME CONSTRAINT {name}{SHADOW} TO {name}"))
    for name in names.indexes:
        conn.execute(text(f"ALTER INDEX {name}{SHADOW} RENAME TO {name}"))


def rebuild_tables(engine: Engine, rows: Iterable[dict[str, Any]], lock_key: int) -> int:
    """Fill shadow tables with ``rows`` (analysed, ids unique) and swap them in; returns how
    many documents. ``lock_key`` is the writers' advisory lock, held only for the swap."""
    count = 0
    with engine.begin() as conn:
        _create_shadows(conn)
        lexicon: Counter[str] = Counter()
        for batch in _batches(rows, BATCH):
            unique = {r["id"]: r for r in batch}
            copy_rows(conn, unique, SHADOW)
            for r in unique.values():
                lexicon.update(r["terms"].keys())
            count += len(unique)
        _insert_lexicon(conn, lexicon)
        # Sorting the postings (a hundred rows per dataset) for their index is most of the
        # build after the load: in memory rather than in many temporary files.
        conn.execute(text(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'"))
        names = _index_shadows(conn)
    # Statistics and the visibility map now, not when autovacuum comes: the first searches
    # on the new tables plan with them (and scan the postings' index alone).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM (ANALYZE) {', '.join(t + SHADOW for t in TABLES)}"))
    for attempt in range(SWAP_ATTEMPTS):
        try:
            with engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key})
                _swap(conn, names)
                conn.execute(text(NEW_EPOCH), {"count": count})
                announce(conn, REBUILD)
            return count
        except OperationalError as exc:
            code = getattr(exc.orig, "sqlstate", None)
            if code not in _RETRY_CODES or attempt == SWAP_ATTEMPTS - 1:
                raise
    return count


def renew_after_restore(engine: Engine) -> None:
    """After the database was loaded from a backup (its search tables come back empty): a
    new epoch and generation, announced, so no process keeps the replaced state."""
    with engine.begin() as conn:
        if conn.execute(text("SELECT to_regclass('search_meta')")).scalar() is None:
            return  # the search index is not kept in this database
        count = conn.execute(text("SELECT count(*) FROM search_documents")).scalar_one()
        conn.execute(text(NEW_EPOCH), {"count": count})
        announce(conn, RESTORE)

"""Search in PostgreSQL, for deployments with several app servers sharing a database.

The terms come from our Python analyzer (so ``đ`` folds, which PostgreSQL's
parsers and ``unaccent`` rules alone get wrong for syllables) and are stored
as a tsvector (GIN-indexed, for matching) and a jsonb of weights (for
scoring). ``search_lexicon`` keeps each term's document frequency and the
exact forms behind each folded one, for idf, diacritic restoration and "did
you mean"; ``pg_trgm`` indexes titles for autocomplete. Scores follow
:mod:`catalogue.search.ranking`, the same formula as the Whoosh backend.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import Connection

from catalogue.coordination.notifications import REBUILD, WRITE, announce
from catalogue.search import collect, columns
from catalogue.search.analysis_pool import analysed
from catalogue.search.analyzer import folded_words
from catalogue.search.backend import SearchQuery, SearchResult
from catalogue.search.documents import WEIGHTS, search_fields
from catalogue.search.postgres_columns import POSTING_CACHE_CAP_MB, PostgresColumns
from catalogue.search.postgres_sql import Sql, facet_counts, main_statement, order_by, term_columns
from catalogue.search.postgres_write import NEW_EPOCH, insert_rows, lexicon_row, rebuild_tables
from catalogue.search.query import Filter
from catalogue.search.ranking import TextQuery, plan_query
from catalogue.search.result_cache import ResultCache
from catalogue.search.spelling import did_you_mean, suggest

# Rows up to this size stay uncompressed (see _store_uncompressed); a page is 8192 bytes.
_TOAST_TARGET = 8160
RESULT_CACHE_ENTRIES = 512
BASE_CACHE_ENTRIES = 64
# Most memoised lexicon answers kept per generation before starting afresh.
MEMO_ENTRIES = 200_000
# Memory for the statement's materialised matches, so a broad match does not spill to disk.
_WORK_MEM = "64MB"
# Terms in more than this share of the documents are "common": see _bounded_page.
COMMON_SHARE = 0.25
# A query with a term in more than this share of the documents is counted by its
# complement: see _by_complement.
BROAD_SHARE = 0.5
# The most a term can weigh in one document: present in every weighted field.
MAX_DOC_WEIGHT = sum(WEIGHTS.values())
# Serialises writers across processes: the lexicon's counts are
# read-modify-write. Any constant unique to this table set will do.
_LOCK_KEY = 4_001_004

_SCHEMA = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE TABLE IF NOT EXISTS search_documents (
        id text PRIMARY KEY, lexemes tsvector NOT NULL, terms jsonb NOT NULL,
        filters text[] NOT NULL, state text NOT NULL, private boolean NOT NULL,
        metadata_modified text NOT NULL, metadata_created text NOT NULL,
        autocomplete text NOT NULL, meta jsonb NOT NULL)""",
    # Sort keys as columns (they were read out of ``meta``, a detoast per matching row);
    # filled from ``meta`` for rows indexed before they existed.
    "ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS name text",
    "ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS title_string text",
    "ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS quality smallint",
    """UPDATE search_documents SET name = meta->>'name', title_string = meta->>'title_string',
        quality = CAST(meta->>'quality_score' AS smallint) WHERE name IS NULL""",
    # Insertion order, for the in-process columns (postgres_columns): rows indexed before
    # it existed are numbered when it is added.
    "ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS docnum bigserial",
    "CREATE INDEX IF NOT EXISTS search_documents_docnum ON search_documents (docnum)",
    "CREATE INDEX IF NOT EXISTS search_documents_lexemes ON search_documents USING gin (lexemes)",
    # Term postings, narrow: a term's docnums and weights in an index-only scan (reading
    # them from search_documents visited one wide row, one page, per matching dataset).
    """CREATE TABLE IF NOT EXISTS search_postings (
        term text NOT NULL, docnum bigint NOT NULL, weight float8 NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS search_postings_term
        ON search_postings (term) INCLUDE (docnum, weight)""",
    "CREATE INDEX IF NOT EXISTS search_postings_docnum ON search_postings (docnum)",
    # Rows indexed before the table existed (once, at the first start after an upgrade).
    """INSERT INTO search_postings (term, docnum, weight)
        SELECT t.key, d.docnum, CAST(t.value AS float8)
        FROM search_documents d, jsonb_each_text(d.terms) t
        WHERE NOT EXISTS (SELECT 1 FROM search_postings)""",
    "CREATE INDEX IF NOT EXISTS search_documents_filters ON search_documents USING gin (filters)",
    """CREATE INDEX IF NOT EXISTS search_documents_autocomplete
        ON search_documents USING gin (autocomplete gin_trgm_ops)""",
    """CREATE TABLE IF NOT EXISTS search_lexicon (
        term text PRIMARY KEY, folded text, ngram smallint NOT NULL, ndoc integer NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS search_lexicon_folded ON search_lexicon (folded)",
    """CREATE TABLE IF NOT EXISTS search_meta (
        singleton boolean PRIMARY KEY DEFAULT true, generation bigint NOT NULL,
        doc_count integer NOT NULL)""",
    """INSERT INTO search_meta (singleton, generation, doc_count) VALUES (true, 0, 0)
        ON CONFLICT DO NOTHING""",
    # Changed to a random value whenever the documents are emptied (``clear``, and so every
    # rebuild and restore): docnums may then start again lower, so processes holding
    # columns (postgres_columns) must drop them rather than extend them.
    "ALTER TABLE search_meta ADD COLUMN IF NOT EXISTS epoch bigint NOT NULL DEFAULT 0",
    # Generations come from a sequence, which a backup leaves out (dbdump) and a restore
    # therefore never takes back: caches keyed on a generation can never meet an older
    # state under a number they have seen (issue 23). Raised past search_meta's value
    # when it is first made (or a backup from before it restored a higher one).
    "CREATE SEQUENCE IF NOT EXISTS search_generation",
    """SELECT setval('search_generation', greatest(m.generation, s.last_value))
        FROM search_meta m, search_generation s WHERE m.generation > s.last_value""",
]


# What caches are keyed on: (epoch, generation), read in one statement.
Stamp = tuple[int, int]

_FILL_SORT_COLUMNS = "UPDATE search_documents SET name = meta->>'name'"
_ADD_COLUMN = re.compile(
    r"ALTER TABLE (?P<table>\w+) ADD COLUMN IF NOT EXISTS (?P<column>\w+) ")


@dataclasses.dataclass
class _Memo:
    """Lexicon answers of one index generation (a search asks several; most repeat)."""

    generation: Stamp
    doc_count: int | None = None
    frequencies: dict[str, int] = dataclasses.field(default_factory=dict)
    variants: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)
    public: dict[str, bool] = dataclasses.field(default_factory=dict)


class _Lexicon:
    """Index statistics from ``search_lexicon``, on one connection, remembered per
    generation (each answer was a round trip: a third of a warm search's time)."""

    def __init__(self, backend: PostgresBackend, conn: Connection, generation: Stamp) -> None:
        self.backend = backend
        self.conn = conn
        memo = backend._memo
        if memo.generation != generation or \
                len(memo.frequencies) + len(memo.variants) + len(memo.public) > MEMO_ENTRIES:
            memo = backend._memo = _Memo(generation)
        self.memo = memo

    def doc_count(self) -> int:
        if self.memo.doc_count is None:
            self.memo.doc_count = int(self.conn.execute(text(
                "SELECT doc_count FROM search_meta")).scalar_one())
        return self.memo.doc_count

    def doc_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        wanted = list(terms)
        known = self.memo.frequencies
        missing = [t for t in wanted if t not in known]
        if missing:
            found = dict.fromkeys(missing, 0)
            found.update({t: int(n) for t, n in self.conn.execute(text(
                "SELECT term, ndoc FROM search_lexicon WHERE term = ANY(:t)"), {"t": missing})})
            known.update(found)
        return {t: known[t] for t in wanted if known[t]}

    def variants(self, folded: Iterable[str]) -> dict[str, dict[str, int]]:
        wanted = list(folded)
        known = self.memo.variants
        missing = [f for f in wanted if f not in known]
        if missing:
            found: dict[str, dict[str, int]] = {f: {} for f in missing}
            rows = self.conn.execute(text(
                "SELECT folded, term, ndoc FROM search_lexicon WHERE folded = ANY(:f)"),
                {"f": missing})
            for f, term, n in rows:
                found[f][term] = int(n)
            known.update(found)
        return {f: known[f] for f in wanted}

    def unigram_vocabulary(self) -> Mapping[str, int]:
        return self.backend._vocabulary(self.conn, self.memo.generation)

    def public_terms(self, terms: Iterable[str]) -> set[str]:
        """Of these body terms, those in a public active dataset (for "did you mean")."""
        wanted = set(terms)
        known = self.memo.public
        missing = [t for t in wanted if t not in known]
        if missing:
            found = {t for (t,) in self.conn.execute(text(
                "SELECT t FROM unnest(CAST(:t AS text[])) t WHERE EXISTS ("
                "SELECT 1 FROM search_postings p JOIN search_documents d USING (docnum) "
                "WHERE p.term = t AND d.state = 'active' AND NOT d.private)"), {"t": missing})}
            known.update({t: t in found for t in missing})
        return {t for t in wanted if known[t]}


def _store_uncompressed(conn: Connection) -> None:
    """Keep a row's term weights, lexemes and filters inline and uncompressed.

    Scoring and facet counting read them for every matching row: decompressing them
    cost three times the lookups themselves. Rows compress only past ``toast_tuple_target``
    (nearly a page); rows indexed before this change keep their compressed values until
    reindexed (``dulieumo index rebuild``). Altered only when needed: ``SET STORAGE``
    locks the table.
    """
    storage: dict[str, str] = dict(conn.execute(text(
        "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
        "'search_documents'::regclass AND attname IN ('terms', 'lexemes', 'filters')")).all())
    options = conn.execute(text("SELECT reloptions FROM pg_class WHERE oid = "
                                "'search_documents'::regclass")).scalar_one() or []
    if set(storage.values()) != {"m"} or f"toast_tuple_target={_TOAST_TARGET}" not in options:
        conn.execute(text(
            f"ALTER TABLE search_documents SET (toast_tuple_target = {_TOAST_TARGET}), "
            "ALTER COLUMN terms SET STORAGE MAIN, ALTER COLUMN lexemes SET STORAGE MAIN, "
            "ALTER COLUMN filters SET STORAGE MAIN"))


class PostgresBackend:
    """Search backend storing its tables in a PostgreSQL database.

    ``result_cache`` is how many recent results each process keeps (0: none);
    ``in_memory`` ranks in this process's columns (the ``search_in_memory`` setting), their
    posting cache bounded by ``posting_cache_mb`` (``search_posting_cache_mb``).
    """

    def __init__(self, url_or_engine: str | Engine, *,
                 result_cache: int = RESULT_CACHE_ENTRIES, in_memory: bool = True,
                 posting_cache_mb: int = POSTING_CACHE_CAP_MB) -> None:
        if isinstance(url_or_engine, str):
            # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
            url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url_or_engine)
            self.engine = create_engine(url, pool_pre_ping=True)
            self._owns_engine = True
        else:
            self.engine = url_or_engine
            self._owns_engine = False
        self._vocab: tuple[Stamp, dict[str, int]] | None = None
        self.in_memory = in_memory
        self._memo = _Memo((-1, -1))
        self._columns = PostgresColumns(posting_cache_mb * 1024 * 1024)
        self._results = ResultCache(result_cache)
        # Counts and facets without text, for _by_complement; always kept.
        self._bases = ResultCache(BASE_CACHE_ENTRIES)
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            present = {(table, column) for table, column in conn.execute(text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name LIKE 'search%'"))}
            for statement in _SCHEMA:
                added = _ADD_COLUMN.match(statement)
                if added and (added["table"], added["column"]) in present:
                    # ALTER TABLE locks the table exclusively even when the column exists:
                    # with other workers searching, starting one deadlocked them.
                    continue
                if statement.startswith(_FILL_SORT_COLUMNS) and \
                        ("search_documents", "quality") in present:
                    continue  # filled when the columns were added; a full scan each start
                conn.execute(text(statement))
            _store_uncompressed(conn)

    # -- writing --------------------------------------------------------------

    def _remove(self, conn: Connection, ids: list[str], delta: Counter[str]) -> int:
        rows = conn.execute(text(
            "DELETE FROM search_documents WHERE id = ANY(:ids) RETURNING docnum, terms"),
            {"ids": ids}).all()
        for _docnum, terms in rows:
            delta.subtract(terms.keys())
        if rows:
            conn.execute(text("DELETE FROM search_postings WHERE docnum = ANY(:d)"),
                         {"d": [r[0] for r in rows]})
        return len(rows)

    def _apply(self, conn: Connection, delta: Counter[str], docs: int) -> None:
        rows = [lexicon_row(t, n) for t, n in delta.items() if n]
        if rows:
            conn.execute(text(
                """INSERT INTO search_lexicon (term, folded, ngram, ndoc)
                   SELECT * FROM unnest(CAST(:t AS text[]), CAST(:f AS text[]),
                                        CAST(:g AS smallint[]), CAST(:n AS integer[]))
                   ON CONFLICT (term) DO UPDATE SET ndoc = search_lexicon.ndoc + EXCLUDED.ndoc"""),
                {"t": [r[0] for r in rows], "f": [r[1] for r in rows],
                 "g": [r[2] for r in rows], "n": [r[3] for r in rows]})
            conn.execute(text("DELETE FROM search_lexicon WHERE ndoc <= 0"))
        conn.execute(text("UPDATE search_meta SET generation = nextval('search_generation'), "
                          "doc_count = doc_count + :d"), {"d": docs})
        announce(conn, WRITE)

    def index_documents(self, docs: Iterable[dict[str, Any]]) -> None:
        """Add or replace packages in one transaction."""
        rows = {r["id"]: r for r in map(search_fields, docs)}
        if not rows:
            return
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            delta: Counter[str] = Counter()
            removed = self._remove(conn, list(rows), delta)
            for r in rows.values():
                delta.update(r["terms"].keys())
            insert_rows(conn, rows)
            self._apply(conn, delta, len(rows) - removed)

    def rebuild(self, docs: Iterable[dict[str, Any]]) -> None:
        """Replace every document with ``docs``; searches see the old set until the new one
        is complete, then the new one (shadow tables swapped in one transaction)."""
        rebuild_tables(self.engine, analysed(docs), _LOCK_KEY)

    def delete_documents(self, ids: Iterable[str]) -> None:
        """Remove these dataset ids."""
        wanted = [str(i) for i in ids]
        if not wanted:
            return
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            delta: Counter[str] = Counter()
            removed = self._remove(conn, wanted, delta)
            self._apply(conn, delta, -removed)

    def clear(self) -> None:
        """Remove every document and the lexicon."""
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            conn.execute(text("TRUNCATE search_documents, search_lexicon, search_postings"))
            conn.execute(text(NEW_EPOCH), {"count": 0})
            announce(conn, REBUILD)

    # -- reading --------------------------------------------------------------

    @staticmethod
    def _generation(conn: Connection) -> Stamp:
        """(epoch, generation) of the index: every write takes a new generation, every
        rebuild a new epoch too; neither is ever taken back (``search_generation``)."""
        epoch, generation = conn.execute(text(
            "SELECT epoch, generation FROM search_meta")).one()
        return int(epoch), int(generation)

    def forget(self) -> None:
        """Drop this process's cached results and lexicon answers (told by another process
        that the index changed: :mod:`catalogue.coordination.notifications`). The column
        table stays: it follows the stamp itself, and reloading it is the costly part."""
        self._results.clear()
        self._bases.clear()
        self._memo = _Memo((-1, -1))
        self._vocab = None

    def _vocabulary(self, conn: Connection, generation: Stamp) -> dict[str, int]:
        if self._vocab is None or self._vocab[0] != generation:
            rows = conn.execute(text("SELECT folded, sum(ndoc) FROM search_lexicon "
                                     "WHERE ngram = 1 GROUP BY folded"))
            self._vocab = (generation, {f: int(n) for f, n in rows})
        return self._vocab[1]

    def _where(self, sq: SearchQuery, tree: Filter, textq: TextQuery, sql: Sql,
               match: Iterable[str] | None = None) -> tuple[str, str, str] | None:
        """(WHERE clause, score expression, the LATERAL join it needs); None: no match.

        Rows match any of ``match`` (default: every query term); all terms are scored.
        """
        states = ["active", "draft"] if sq.include_drafts else ["active"]
        where = [f"state = ANY({sql.bind(states)})", sql.filter(tree)]
        if not sq.include_private:
            where.append("NOT private")
        if textq.required:
            where.append(f"lexemes @@ {sql.tsquery(textq.required, '&')}")
        if textq.excluded:
            where.append(f"NOT (lexemes @@ {sql.tsquery(textq.excluded, '|')})")
        if textq.strict:
            held = [f"lexemes @@ {sql.tsquery(sorted(c), '|')}" for c in textq.concepts]
            if textq.min_match == len(held):
                where.extend(held)
            else:
                count = " + ".join(f"CAST({h} AS integer)" for h in held)
                where.append(f"({count}) >= {textq.min_match}")
                places = textq.required_places
                if places:
                    where.append("(" + " OR ".join(held[len(held) - places:]) + ")")
        if textq.empty:
            return " AND ".join(where), "0.0", ""
        if not textq.weights:
            return None
        where.append(f"lexemes @@ {sql.tsquery(match or textq.weights, '|')}")
        lateral, refs = term_columns(list(textq.weights), sql)
        # ranking's sum, term at a time in the planner's order (Whoosh adds the same way).
        score = " + ".join(f"coalesce({refs[t]}, 0) * {sql.bind(w)}"
                           for t, w in textq.weights.items())
        if textq.nwords > 1:
            # ranking.TextQuery.combine in SQL: the sum × (share of query words found)².
            found = " | ".join(f"(CASE WHEN {refs[t]} IS NULL THEN 0 ELSE "
                               f"{sql.bind(textq.masks[t])} END)" for t in textq.weights)
            share = f"(bit_count(CAST(({found}) AS bit(64)))::float8 / {textq.nwords})"
            score = f"({score}) * {share} * {share}"
        return " AND ".join(where), score, lateral

    def _bounded_page(self, conn: Connection, sq: SearchQuery, tree: Filter, textq: TextQuery,
                      lexicon: _Lexicon, wanted: int) -> list[str] | None:
        """The page ranked from a bounded candidate set, when that is provably exact.

        Words such as "số" or "năm" occur in most datasets, and scoring every row holding
        one is most of a broad query's cost. Candidates are the rows holding a less common
        query term; a row holding only common ones scores at most ``MAX_DOC_WEIGHT`` × their
        query weights (low: their idf is). When the page's last candidate scores above that
        bound, no other row can reach the page, so it is the page a full ranking gives.
        None when there is nothing to gain or the bound does not hold.
        """
        if textq.strict:
            return None  # the bound assumes any term matches
        total = lexicon.doc_count()
        frequencies = lexicon.doc_frequencies(textq.weights)
        common = [t for t in textq.weights if frequencies.get(t, 0) > total * COMMON_SHARE]
        rare = [t for t in textq.weights if t not in common]
        if not common or not rare:
            return None
        bound = MAX_DOC_WEIGHT * sum(textq.weights[t] for t in common)
        sql = Sql()
        found = self._where(sq, tree, textq, sql, match=rare)
        if found is None:
            return None
        where, score, lateral = found
        rows = conn.execute(text(
            f"WITH hits AS MATERIALIZED (SELECT d.id, d.metadata_modified, d.name, d.quality, "
            f"{score} AS score FROM search_documents d {lateral} WHERE {where}) "
            f"SELECT id, score FROM hits ORDER BY {order_by(collect.RELEVANCE, textq)} "
            f"LIMIT {wanted}"), sql.params).all()
        # The margin keeps a row outside from tying the last one once scores are rounded.
        if len(rows) < wanted or rows[-1][1] <= bound + 2 * 10 ** -collect.SCORE_DIGITS:
            return None
        return [str(r[0]) for r in rows]

    def _by_complement(self, conn: Connection, sq: SearchQuery, tree: Filter, textq: TextQuery,
                       lexicon: _Lexicon, generation: Stamp
                       ) -> tuple[int, dict[str, dict[str, int]]] | None:
        """Count and facets of a broad text query from the rows it does not match.

        When a query term occurs in most documents, the matches are most of the rows the
        filters allow: their counts are those of the same search without text (one cached
        result per generation) minus the counts of the few allowed rows left unmatched.
        None when the query is not that broad.
        """
        if textq.empty or textq.required or textq.strict or not textq.weights:
            return None
        frequencies = lexicon.doc_frequencies(textq.weights)
        if max(frequencies.get(t, 0) for t in textq.weights) <= lexicon.doc_count() * BROAD_SHARE:
            return None
        base_query = dataclasses.replace(sq, q="", rows=0, start=0, facet_limit=-1,
                                         facet_mincount=1, highlight=False)
        key = (generation, repr(base_query))
        base = self._bases.get(key)
        if base is None:
            base = self._search_sql(conn, base_query, generation)
            self._bases.put(key, base)
        sql = Sql()
        allowed = self._where(sq, tree, TextQuery(), sql)
        assert allowed is not None  # no text: never None
        matched = f"lexemes @@ {sql.tsquery(textq.weights, '|')}"
        if textq.excluded:
            matched += f" AND NOT (lexemes @@ {sql.tsquery(textq.excluded, '|')})"
        missed, _, counts = conn.execute(text(main_statement(
            sql, sq, f"{allowed[0]} AND NOT ({matched})", "0.0", "", "id", 0,
            bool(sq.facet_fields))), sql.params).one()
        facets = {}
        for name in sq.facet_fields:
            values = dict(base.facets.get(name, {}))
            for value, count in facet_counts(counts or {}, dataclasses.replace(
                    sq, facet_limit=-1, facet_mincount=1))[name].items():
                values[value] = values.get(value, 0) - count
            facets[name] = collect.rank_facet({v: c for v, c in values.items() if c > 0}, sq)
        return base.count - int(missed), facets

    def search(self, sq: SearchQuery) -> SearchResult:
        """Run ``sq``; see :class:`~catalogue.search.backend.SearchBackend`.

        In memory (the default): the query's term postings (cached per process) are scored,
        filtered, ordered and counted in this process's column table
        (:mod:`catalogue.search.postgres_columns`), as the Whoosh backend does.
        In SQL (``in_memory=False``): one statement scores the matching rows once into a
        CTE, from which the page (a bounded top-N sort), the count and the facet counts
        (one GROUP BY) are taken; a broad query ranks its page from a bounded candidate set
        (:meth:`_bounded_page`) and counts from the rows it misses (:meth:`_by_complement`)
        when it can. Results are kept per index generation (``result_cache``).
        """
        collect.prepare(sq)  # a broken query fails before the cache is looked at
        with self.engine.connect() as conn:  # one connection: a checkout costs a ping
            generation = self._generation(conn)
            key = (generation, repr(sq))
            cached = self._results.get(key)
            if cached is None:
                cached = self._search(conn, sq, generation)
                self._results.put(key, cached)
        return cached

    def _search(self, conn: Connection, sq: SearchQuery, generation: Stamp) -> SearchResult:
        """:meth:`search` without the result cache: in this process's column table."""
        if not self.in_memory:
            return self._search_sql(conn, sq, generation)
        tree, sort_keys = collect.prepare(sq)
        lexicon = _Lexicon(self, conn, generation)
        textq = plan_query(sq.q, lexicon) if sq.q.strip() else TextQuery()
        table = self._columns.prepare(conn, generation, textq.match_terms())
        result = columns.search_table(table, sq, tree, sort_keys, textq,
                                      full_docs=lambda ids: self._stored(conn, ids))
        if sq.q.strip():
            def count(q: str) -> int:
                other = plan_query(q, lexicon)
                return columns.strict_count(
                    self._columns.prepare(conn, generation, other.match_terms()),
                    collect.counting(sq, q), tree, other)

            result.suggestion = did_you_mean(sq.q, collect.strict_found(result), lexicon, count)
        return result

    def _search_sql(self, conn: Connection, sq: SearchQuery, generation: Stamp) -> SearchResult:
        """:meth:`search` without the result cache, all in SQL; the looser set when no
        row holds enough of the query's concepts (as :func:`columns.search_table`)."""
        tree, sort_keys = collect.prepare(sq)
        lexicon = _Lexicon(self, conn, generation)
        textq = plan_query(sq.q, lexicon) if sq.q.strip() else TextQuery()
        result = self._matched_sql(conn, sq, generation, tree, sort_keys, textq, lexicon)
        looser = textq.looser()
        while looser is not None and not result.count:
            result = self._matched_sql(conn, sq, generation, tree, sort_keys, looser, lexicon)
            result.relaxed = bool(result.count)
            looser = looser.looser()
        if sq.q.strip():
            def count(q: str) -> int:
                return self._matched_sql(conn, collect.counting(sq, q), generation, tree, [],
                                         plan_query(q, lexicon), lexicon).count

            result.suggestion = did_you_mean(sq.q, collect.strict_found(result), lexicon, count)
        return result

    def _matched_sql(self, conn: Connection, sq: SearchQuery, generation: Stamp, tree: Filter,
                     sort_keys: list[tuple[str, bool]], textq: TextQuery, lexicon: _Lexicon
                     ) -> SearchResult:
        """Count, page and facets of the rows ``textq`` matches, in SQL."""
        sql = Sql()
        found = self._where(sq, tree, textq, sql)
        result = SearchResult(count=0, ids=[], facets={f: {} for f in sq.facet_fields})
        if found is not None:
            where, score, lateral = found
            wanted = sq.start + min(sq.rows, collect.MAX_ROWS)
            conn.execute(text(f"SET LOCAL work_mem = '{_WORK_MEM}'"))
            ids = None
            if sort_keys == collect.RELEVANCE and not textq.empty and wanted:
                ids = self._bounded_page(conn, sq, tree, textq, lexicon, wanted)
            counted = self._by_complement(conn, sq, tree, textq, lexicon, generation)
            if ids is None or counted is None:
                if ids is not None:
                    score, lateral, wanted = "0.0", "", 0
                with_facets = bool(sq.facet_fields) and counted is None
                total, page_ids, counts = conn.execute(text(main_statement(
                    sql, sq, where, score, lateral, order_by(sort_keys, textq), wanted,
                    with_facets)), sql.params).one()
                ids = list(page_ids) if ids is None else ids
                if with_facets:
                    result.facets = facet_counts(counts or {}, sq)
                result.count = int(total)
            if counted is not None:
                result.count, result.facets = counted
            result.ids = ids[sq.start:]
            collect.add_snippets(result, self._stored(conn, result.ids), sq, textq)
        return result

    @staticmethod
    def _stored(conn: Connection, ids: list[str]) -> list[collect.DocData]:
        """The stored fields of these documents, in this order (missing ones left out)."""
        metas = {i: m for i, m in conn.execute(text(
            "SELECT id, meta FROM search_documents WHERE id = ANY(:ids)"), {"ids": ids})}
        return [collect.doc_data(metas[i]) for i in ids if i in metas]

    def suggest(self, q: str) -> str | None:
        """"Did you mean": typos fixed, diacritics as in the data."""
        with self.engine.connect() as conn:
            return suggest(q, _Lexicon(self, conn, self._generation(conn)))

    def autocomplete(self, prefix: str, limit: int = 10) -> list[dict[str, str]]:
        """Public active datasets whose title words start like ``prefix``."""
        words = folded_words(prefix)
        if not words:
            return []
        sql = Sql()
        patterns = [f"(^| ){re.escape(w)}( |$)" for w in words[:-1]]
        patterns.append(f"(^| ){re.escape(words[-1])}")
        where = " AND ".join(f"autocomplete ~ {sql.bind(p)}" for p in patterns)
        with self.engine.connect() as conn:
            rows = conn.execute(text(
                f"SELECT meta FROM search_documents WHERE state = 'active' AND NOT private "
                f"AND {where}"), sql.params)
            docs = [collect.doc_data(meta) for (meta,) in rows]
        return collect.autocomplete(docs, words, limit)

    def close(self) -> None:
        """Dispose of the engine if this backend created it."""
        if self._owns_engine:
            self.engine.dispose()

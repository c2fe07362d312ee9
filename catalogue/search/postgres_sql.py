"""The SQL text of the PostgreSQL search backend: filters, scoring, ordering and facets.

Built as text with bind parameters (:class:`Sql`), for :mod:`catalogue.search.postgres_backend`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from catalogue.search import collect
from catalogue.search.backend import SearchQuery
from catalogue.search.places import BOX_FIELD, CELL_FIELD, candidate_cells
from catalogue.search.query import (
    And,
    Filter,
    Intersects,
    Match,
    MatchAll,
    Not,
    Or,
    Range,
)
from catalogue.search.ranking import TextQuery


def _tsquery_term(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


class Sql:
    """Collects bind parameters while SQL text is built."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        """A placeholder for ``value``."""
        name = f"p{len(self.params)}"
        self.params[name] = value
        return ":" + name

    def tsquery(self, terms: Iterable[str], op: str) -> str:
        """A tsquery of these lexemes joined by ``op`` (``|`` or ``&``)."""
        return "CAST(" + self.bind(f" {op} ".join(map(_tsquery_term, terms))) + " AS tsquery)"

    def filter(self, tree: Filter) -> str:
        """A boolean SQL expression for a filter tree."""
        if isinstance(tree, MatchAll):
            return "TRUE"
        if isinstance(tree, Match):
            return f"filters @> ARRAY[{self.bind(tree.term)}]::text[]"
        if isinstance(tree, Range):
            col = tree.field
            parts = [f"{col} <> ''"]
            if tree.low is not None:
                parts.append(f"{col} {'>=' if tree.include_low else '>'} {self.bind(tree.low)}")
            if tree.high is not None:
                # A bare date as upper bound covers that whole day, as in Whoosh.
                cut = f"substr({col}, 1, {len(tree.high)})"
                parts.append(f"{cut} {'<=' if tree.include_high else '<'} "
                             f"{self.bind(tree.high)}")
            return "(" + " AND ".join(parts) + ")"
        if isinstance(tree, And):
            return "(" + " AND ".join(self.filter(i) for i in tree.items) + ")" \
                if tree.items else "TRUE"
        if isinstance(tree, Or):
            return "(" + " OR ".join(self.filter(i) for i in tree.items) + ")" \
                if tree.items else "FALSE"
        if isinstance(tree, Not):
            return f"NOT {self.filter(tree.item)}"
        if isinstance(tree, Intersects):
            return self.intersects(tree)
        raise TypeError(f"unknown filter {tree!r}")

    def intersects(self, tree: Intersects) -> str:
        """Rows with a ``spatial_box`` term meeting the box, found by the cells it touches
        (the GIN index on ``filters``): a row in a cell wholly inside it matches; a row in a
        cell on its edge has its boxes compared as numbers (the CASE keeps other terms from
        ever being read as numbers)."""
        west, south, east, north = (self.bind(float(v)) for v in tree.box)
        start = len(BOX_FIELD) + 2
        pattern = self.bind(_like_prefix(BOX_FIELD))
        exact = (f"EXISTS (SELECT 1 FROM (SELECT CASE WHEN f LIKE {pattern} THEN "
                 f"CAST(string_to_array(substr(f, {start}), ',') AS float8[]) END AS b "
                 f"FROM unnest(filters) f) x WHERE b[1] <= {east} AND b[3] >= {west} "
                 f"AND b[2] <= {north} AND b[4] >= {south})")
        cells = candidate_cells(tree.box)
        if cells is None:
            return exact
        inner, edge = ([f"{CELL_FIELD}={c}" for c in part] for part in cells)
        return (f"(filters && CAST({self.bind(inner)} AS text[]) OR "
                f"(filters && CAST({self.bind(edge)} AS text[]) AND {exact}))")


# PostgreSQL truncates longer identifiers, so longer terms cannot name a record column.
_MAX_COLUMN_BYTES = 63
# Sort keys as SQL over the ``hits`` CTE; "C" collation orders as Python compares strings.
_SORT_SQL = {
    "metadata_modified": "metadata_modified COLLATE \"C\"",
    "metadata_created": "metadata_created COLLATE \"C\"",
    "quality_score": "quality",
    "name": "name COLLATE \"C\"",
    "title_string": "title_string COLLATE \"C\"",
    "id": "id COLLATE \"C\"",
}


def term_columns(terms: list[str], sql: Sql) -> tuple[str, dict[str, str]]:
    """A LATERAL ``jsonb_to_record`` reading the query terms' weights of each row.

    The jsonb is decompressed once per row and each term found by binary search, where
    ``jsonb_each_text`` walked every term of the document and a ``->>`` per query term
    decompressed it once per term. Returns the join and an SQL reference per term
    (NULL where the document lacks the term).
    """
    columns: list[str] = []
    refs: dict[str, str] = {}
    for term in terms:
        if len(term.encode("utf-8")) <= _MAX_COLUMN_BYTES:
            name = '"' + term.replace('"', '""') + '"'
            columns.append(f"{name} float8")
            refs[term] = f"x.{name}"
        else:
            refs[term] = f"CAST(d.terms ->> {sql.bind(term)} AS float8)"
    if not columns:
        return "", refs
    return (f"CROSS JOIN LATERAL jsonb_to_record(d.terms) AS x({', '.join(columns)})", refs)


def _like_prefix(field: str) -> str:
    """A LIKE pattern for the filter terms of ``field``: ``res\\_format=%``."""
    return re.sub(r"([\\%_])", r"\\\1", field) + "=%"


def main_statement(sql: Sql, sq: SearchQuery, where: str, score: str, lateral: str,
                    order: str, wanted: int, with_facets: bool) -> str:
    """Count, page ids and (``with_facets``) facet counts of the rows ``where`` selects.

    The rows are scored once into a CTE; the page is a bounded top-N sort of it and the
    facet counts one GROUP BY over its ``filters`` ("field=value", exactly the facet values).
    """
    facets = "NULL"
    if with_facets:
        patterns = sql.bind([_like_prefix(f) for f in sq.facet_fields])
        facets = ("(SELECT json_object_agg(f, n) FROM (SELECT f, count(*) AS n "
                  "FROM hits, unnest(hits.filters) f "
                  f"WHERE f LIKE ANY(CAST({patterns} AS text[])) GROUP BY f) c)")
    return (f"WITH hits AS MATERIALIZED (SELECT d.id, d.metadata_modified, d.metadata_created, "
            f"d.name, d.title_string, d.quality, "
            f"{'d.filters' if with_facets else 'NULL::text[] AS filters'}, "
            f"{score} AS score FROM search_documents d {lateral} WHERE {where}), "
            f"page AS (SELECT id FROM hits ORDER BY {order} LIMIT {wanted}) "
            f"SELECT (SELECT count(*) FROM hits), ARRAY(SELECT id FROM page), {facets}")


def facet_counts(counts: Mapping[str, int], sq: SearchQuery) -> dict[str, dict[str, int]]:
    """``{"field=value": n}`` from SQL → per facet field, ranked as every backend ranks."""
    by_field: dict[str, dict[str, int]] = {f: {} for f in sq.facet_fields}
    for term, count in counts.items():
        field, _, value = term.partition("=")
        if field in by_field:
            by_field[field][value] = int(count)
    return {name: collect.rank_facet(values, sq) for name, values in by_field.items()}


def order_by(keys: list[tuple[str, bool]], textq: TextQuery) -> str:
    """ORDER BY for :func:`collect.order`'s keys, then name, then id."""
    parts = []
    for key, desc in keys:
        if key == "score":
            if textq.empty:
                continue  # all 0
            column = f"round(CAST(score AS numeric), {collect.SCORE_DIGITS})"
        else:
            column = _SORT_SQL[key]
        parts.append(f"{column} {'DESC' if desc else 'ASC'}")
    parts += [_SORT_SQL["name"] + " ASC", _SORT_SQL["id"] + " ASC"]
    return ", ".join(parts)

"""The PostgreSQL rebuild's bulk load (COPY into the shadow tables, issue 18 item 5) stores
the rows the document-by-document path stores, so both answer alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from test_search_backends import package

from catalogue.search import analysis_pool
from catalogue.search.backend import SearchQuery
from catalogue.search.documents import search_fields
from catalogue.search.evaluation import package_from_catalog, read_jsonl
from catalogue.search.postgres_backend import PostgresBackend
from catalogue.search.postgres_bulk import copy_rows
from catalogue.search.postgres_write import insert_rows
from catalogue.search.whoosh_backend import WhooshBackend

pytest_plugins = ["pg_cluster"]

EVAL = Path(__file__).resolve().parents[2] / "shared/eval/search-vi"
FACETS = ["organization", "tags", "res_format", "groups", "license_id", "year"]

# What a row holds, docnum aside (drawn from a sequence, so it differs between builds).
_DOCUMENTS = """SELECT id, lexemes::text, terms, filters, state, private, metadata_modified,
    metadata_created, autocomplete, meta, name, title_string, quality FROM search_documents
    ORDER BY id"""
_POSTINGS = """SELECT d.id, p.term, p.weight FROM search_postings p
    JOIN search_documents d USING (docnum) ORDER BY d.id, p.term"""
_LEXICON = "SELECT term, folded, ngram, ndoc FROM search_lexicon ORDER BY term"


def awkward_packages() -> list[dict[str, Any]]:
    """Packages whose text needs escaping in COPY, tsvector and array literals, with
    drafts, private ones, quality scores, places and formats."""
    return [
        package("nhay-don", "Số liệu 'trích dẫn' của O'Brien \\ gạch chéo",
                notes="Dòng một\nDòng hai\tcột\r\nhết", tags=[{"name": "dấu \"kép\""}]),
        package("ban-nhap", "Bản nháp giá đất Hà Nội", state="draft", day=2,
                quality_score=85, spatial="Hà Nội"),
        package("rieng-tu", "Dữ liệu riêng tư dân số", private=True, day=3,
                resources=[{"name": "bảng", "format": "CSV"}, {"name": "x", "format": "XLSX"}]),
        package("ma-so", "QCVN 40:2011/BTNMT nước thải PM2.5", day=4, quality_score=55,
                temporal_start="2019-01-01", temporal_end="2021-12-31",
                tags=[{"name": "nước thải"}, {"name": "{ngoặc}"}, {"name": "a,b"}]),
        package("trong", "", day=5),
        package("tieng-anh", "Air quality", title_en="Air quality monitoring stations",
                notes_en="Hourly PM2.5 readings", day=6, spatial="Đắk Lắk",
                groups=[{"name": "moi-truong", "title": "Môi trường"}]),
    ]


def _snapshot(url: str) -> tuple[list[Any], list[Any], list[Any]]:
    backend = PostgresBackend(url, result_cache=0)
    try:
        with backend.engine.connect() as conn:
            return tuple(  # type: ignore[return-value]
                [tuple(r) for r in conn.execute(text(sql)).all()]
                for sql in (_DOCUMENTS, _POSTINGS, _LEXICON))
    finally:
        backend.close()


def _answers(url: str, queries: list[SearchQuery], in_memory: bool) -> list[Any]:
    backend = PostgresBackend(url, result_cache=0, in_memory=in_memory)
    try:
        answers = []
        for sq in queries:
            r = backend.search(sq)
            answers.append((sq.q, r.count, r.ids, r.facets, r.relaxed, r.suggestion))
        return answers
    finally:
        backend.close()


def _queries(texts: list[str]) -> list[SearchQuery]:
    mix = []
    for q in texts:
        mix.append(SearchQuery(q=q, rows=20, facet_fields=FACETS))
        mix.append(SearchQuery(q=q, rows=5, start=3, sort="metadata_modified desc",
                               facet_fields=["organization"], include_private=True,
                               include_drafts=True))
    return mix


@pytest.fixture
def fresh(pg_url: str) -> Iterator[str]:
    backend = PostgresBackend(pg_url)
    backend.clear()
    backend.close()
    yield pg_url


def _built_both_ways(url: str, packages: list[dict[str, Any]], queries: list[SearchQuery]
                     ) -> tuple[Any, Any]:
    """(tables, answers) after indexing ``packages`` a few at a time, then after a rebuild."""
    results = []
    for how in ("by document", "rebuild"):
        backend = PostgresBackend(url, result_cache=0)
        backend.clear()
        if how == "rebuild":
            backend.rebuild(packages)
        else:
            for start in range(0, len(packages), 7):
                backend.index_documents(packages[start:start + 7])
        backend.close()
        results.append((_snapshot(url), _answers(url, queries, True),
                        _answers(url, queries, False)))
    return results[0], results[1]


def test_rebuild_stores_the_rows_of_indexing_one_by_one(fresh: str) -> None:
    packages = awkward_packages()
    queries = _queries(["", "trích dẫn", "o'brien", "nước thải", "qcvn 40", "gia dat",
                        "dân số", "air quality", "đắk lắk", "\"kép\""])
    by_document, rebuilt = _built_both_ways(fresh, packages, queries)
    assert len(by_document[0][0]) == len(packages)
    assert rebuilt == by_document


@pytest.mark.parametrize("workers", [1, 2])
def test_rebuild_answers_the_eval_catalogue_as_indexing_does(
        fresh: str, workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Analysed in this process, or in two worker processes (batches of 8 documents)."""
    if not EVAL.is_dir():
        pytest.skip(f"evaluation set not found at {EVAL}")
    monkeypatch.setattr(analysis_pool, "WORKERS", workers)
    monkeypatch.setattr(analysis_pool, "BATCH", 8)
    monkeypatch.setattr(analysis_pool, "MIN_BATCHES", 2)
    packages = [package_from_catalog(e, i)
                for i, e in enumerate(read_jsonl(EVAL / "catalog.jsonl"))]
    texts = [q["q"] for q in read_jsonl(EVAL / "queries.jsonl")]
    by_document, rebuilt = _built_both_ways(fresh, packages, _queries(texts))
    assert rebuilt[0] == by_document[0]
    assert rebuilt[1] == by_document[1]
    assert rebuilt[2] == by_document[2]
    assert sum(a[1] for a in rebuilt[1]) > 0


def test_copy_writes_odd_terms_and_values_as_insert_does(fresh: str) -> None:
    """Terms the analyzer does not make today (quotes, backslashes, tabs, newlines) and
    odd filter values come out of COPY's text, tsvector and array literals unchanged."""
    row = search_fields(awkward_packages()[0])
    row["terms"] = {"o'brien": 10.0, "a\\b": 6.0, "tab\there": 3.0, "dòng\nmới": 2.5,
                    "{x,y}": 1.0, 'say "hi"': 0.1 + 0.2}
    row["filters"] = [*row["filters"], 'tags=dấu "kép"', "tags=a\\b", "tags={,}", "tags=NULL"]
    columns = ("lexemes::text, terms, filters, meta, autocomplete, title_string, quality, "
               "private, state")
    backend = PostgresBackend(fresh, result_cache=0)
    try:
        with backend.engine.begin() as conn:
            conn.execute(text("CREATE TABLE search_documents_copy (LIKE search_documents "
                              "INCLUDING DEFAULTS)"))
            conn.execute(text("CREATE TABLE search_postings_copy (LIKE search_postings)"))
            copy_rows(conn, {row["id"]: row}, "_copy")
            insert_rows(conn, {row["id"]: row})
            copied = conn.execute(text(f"SELECT {columns} FROM search_documents_copy")).one()
            inserted = conn.execute(text(f"SELECT {columns} FROM search_documents")).one()
            postings = [sorted(conn.execute(text(
                f"SELECT term, weight FROM search_postings{suffix}")).all())
                for suffix in ("_copy", "")]
            conn.execute(text("DROP TABLE search_documents_copy, search_postings_copy"))
    finally:
        backend.close()
    assert copied == inserted
    assert postings[0] == postings[1]
    assert ("o'brien", 10.0) in postings[0]


def test_whoosh_answers_alike_when_analysed_in_worker_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not EVAL.is_dir():
        pytest.skip(f"evaluation set not found at {EVAL}")
    packages = [package_from_catalog(e, i)
                for i, e in enumerate(read_jsonl(EVAL / "catalog.jsonl"))]
    queries = _queries([q["q"] for q in read_jsonl(EVAL / "queries.jsonl")])
    monkeypatch.setattr(analysis_pool, "BATCH", 8)
    monkeypatch.setattr(analysis_pool, "MIN_BATCHES", 2)
    answers = []
    for workers in (1, 2):
        monkeypatch.setattr(analysis_pool, "WORKERS", workers)
        backend = WhooshBackend(tmp_path / f"ix{workers}")
        backend.rebuild(packages)
        answers.append([(sq.q, r.count, r.ids, r.facets, r.relaxed, r.suggestion)
                        for sq in queries for r in [backend.search(sq)]])
        backend.close()
    assert answers[1] == answers[0]

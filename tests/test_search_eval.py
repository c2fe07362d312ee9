"""Search quality: the metrics, and the issue 4 targets on both backends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from catalogue.search.backend import SearchBackend
from catalogue.search.evaluation import check_suggestions, evaluate, ndcg, reciprocal_rank
from catalogue.search.postgres_backend import PostgresBackend
from catalogue.search.whoosh_backend import WhooshBackend

pytest_plugins = ["pg_cluster"]

EVAL = Path(__file__).resolve().parents[2] / "shared/eval/search-vi"


def test_ndcg_is_one_for_ideal_order():
    assert ndcg(["a", "b"], {"a": 3, "b": 1}) == 1.0


def test_ndcg_uses_exponential_gain():
    log3 = 1.5849625
    assert ndcg(["b", "a"], {"a": 3, "b": 1}) == pytest.approx((1 + 7 / log3) / (7 + 1 / log3))


def test_mrr_counts_first_grade_two():
    assert reciprocal_rank(["x", "b", "a"], {"a": 3, "b": 1}) == pytest.approx(1 / 3)


@pytest.fixture(params=["whoosh", "postgres"])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], SearchBackend]:
    if not EVAL.is_dir():
        pytest.skip(f"evaluation set not found at {EVAL}")
    if request.param == "whoosh":
        counter = iter(range(100))
        return lambda: WhooshBackend(tmp_path / f"ix{next(counter)}")
    url = request.getfixturevalue("pg_url")

    def fresh() -> SearchBackend:
        backend = PostgresBackend(url)
        backend.clear()
        return backend
    return fresh


def test_eval_targets_hold(factory):
    scores = evaluate(factory, EVAL / "catalog.jsonl", EVAL / "queries.jsonl")
    worst = min(q["ndcg@10"] for q in scores["queries"])
    assert (scores["ndcg@10"] >= 0.98, scores["mrr"] >= 0.98, worst >= 0.8) == (True,) * 3


def test_eval_suggestions_hold(factory):
    checked = check_suggestions(factory, EVAL / "catalog.jsonl", EVAL / "suggest.jsonl")
    assert [c["got"] for c in checked] == [c["expect"] for c in checked]

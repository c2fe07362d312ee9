"""``dulieumo search-eval``: the judged set through package_search's code path, both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main

pytest_plugins = ["pg_cluster"]

EVAL = Path(__file__).resolve().parents[2] / "shared/eval/search-vi"


def _eval_args(*extra: str) -> list[str]:
    if not EVAL.is_dir():
        pytest.skip(f"evaluation set not found at {EVAL}")
    return ["search-eval", "--catalog", str(EVAL / "catalog.jsonl"),
            "--queries", str(EVAL / "queries.jsonl"), "--json", *extra]


def _assert_targets(output: str) -> None:
    scores = json.loads(output)
    judged = [json.loads(line) for line in
              (EVAL / "queries.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert set(scores) == {"ndcg@10", "mrr", "queries"}
    assert [q["q"] for q in scores["queries"]] == [j["q"] for j in judged]
    assert all(set(q) == {"q", "results"} and len(q["results"]) <= 10
               for q in scores["queries"])
    assert (scores["ndcg@10"] >= 0.98, scores["mrr"] >= 0.98) == (True, True)


def test_search_eval_json_meets_targets_on_whoosh(runner: CliRunner):
    result = runner.invoke(main, _eval_args())
    assert result.exit_code == 0, result.output
    _assert_targets(result.output)


def test_search_eval_json_meets_targets_on_postgres(runner: CliRunner, pg_url: str):
    result = runner.invoke(main, _eval_args("--backend", "postgres", "--database-url", pg_url))
    assert result.exit_code == 0, result.output
    _assert_targets(result.output)


def test_search_eval_prints_scores_per_query(runner: CliRunner, tmp_path: Path):
    catalog = tmp_path / "catalog.jsonl"
    catalog.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"name": "ban-do-dia-chinh", "title": "Bản đồ địa chính", "tags": ["bản đồ"],
         "organization": "so-tnmt", "groups": ["dat-dai"]},
        {"name": "gia-ban-do-choi", "title": "Giá bán đồ chơi trẻ em", "tags": ["đồ chơi"],
         "organization": {"name": "so-ct", "title": "Sở Công Thương"}},
    ]), encoding="utf-8")
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"q": "ban do", "relevant": {"ban-do-dia-chinh": 3}}\n',
                       encoding="utf-8")
    result = runner.invoke(main, ["search-eval", "--catalog", str(catalog),
                                  "--queries", str(queries)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        " 1.000   1.00  ban do", "nDCG@10 1.0000  MRR 1.0000  (1 queries, whoosh)"]


def test_search_eval_postgres_without_url_is_refused(runner: CliRunner, tmp_path: Path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(main, ["search-eval", "--catalog", str(empty), "--queries",
                                  str(empty), "--backend", "postgres"])
    assert result.exit_code == 2
    assert "--backend postgres needs --database-url" in result.output

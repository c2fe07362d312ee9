"""Does the matched set deserve its count? Precision and count accuracy next to nDCG and MRR
(issue 18).

    python bench/search_precision.py [--background N] [--backend whoosh] [--any-word]

Judged queries (``shared/eval/search-vi``) are ranked for nDCG@10 and MRR, with ``N``
generated datasets (``bench/search.py``'s topics × provinces × years) in the background.
Those are on the same topics but unjudged, so they count as not relevant: with a background
nDCG is a lower bound (the issue's held-out distractor set is kept outside the project).
The matched set is judged on the judged catalog alone, where every dataset is judged
(unlisted means not relevant): precision = relevant matched / matched, count accuracy =
|count − relevant| / relevant, and how many queries count within 2× of the truth.
``--any-word`` runs the same with every word optional (the matching before issue 18).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import generate  # noqa: E402

from catalogue.search import ranking  # noqa: E402
from catalogue.search.backend import SearchBackend, SearchQuery  # noqa: E402
from catalogue.search.evaluation import (  # noqa: E402
    CUTOFF,
    ndcg,
    package_from_catalog,
    read_jsonl,
    reciprocal_rank,
)
from catalogue.search.whoosh_backend import WhooshBackend  # noqa: E402

EVAL = Path(__file__).resolve().parents[2] / "shared/eval/search-vi"


def _backend(name: str, workdir: Path, label: str, pg_url: str | None) -> SearchBackend:
    if name == "whoosh":
        return WhooshBackend(workdir / label)
    from catalogue.search.postgres_backend import PostgresBackend

    assert pg_url, "--backend postgres needs --pg-url of a scratch database"
    engine = PostgresBackend(pg_url, result_cache=0)
    engine.clear()
    return engine


def measure(name: str, background: int, pg_url: str | None) -> dict[str, Any]:
    """nDCG@10 and MRR with the background; precision and count accuracy without it."""
    catalog = [package_from_catalog(e, i) for i, e in enumerate(read_jsonl(EVAL / "catalog.jsonl"))]
    names = {p["id"]: p["name"] for p in catalog}
    judged = read_jsonl(EVAL / "queries.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        ranked: dict[str, list[str]] = {}
        engine = _backend(name, Path(tmp), "ranked", pg_url)
        engine.index_documents(catalog)
        engine.index_documents(generate(background))
        for item in judged:
            ids = engine.search(SearchQuery(q=item["q"], rows=CUTOFF)).ids
            ranked[item["q"]] = [names.get(i, i) for i in ids]
        engine.close()
        engine = _backend(name, Path(tmp), "judged", pg_url)
        engine.index_documents(catalog)
        rows = []
        for item in judged:
            relevant = item["relevant"]
            found = engine.search(SearchQuery(q=item["q"], rows=len(catalog)))
            matched = [names[i] for i in found.ids]
            hits = sum(1 for m in matched if m in relevant)
            rows.append({
                "q": item["q"], "count": found.count, "true": len(relevant),
                "precision": hits / len(matched) if matched else 0.0,
                "error": abs(found.count - len(relevant)) / len(relevant),
                "ndcg": ndcg(ranked[item["q"]], relevant),
                "rr": reciprocal_rank(ranked[item["q"]], relevant)})
        engine.close()
    multi = [r for r in rows if len(r["q"].split()) > 1]
    return {
        "ndcg@10": statistics.mean(r["ndcg"] for r in rows),
        "mrr": statistics.mean(r["rr"] for r in rows),
        "precision": statistics.mean(r["precision"] for r in rows),
        "count_error": statistics.mean(r["error"] for r in rows),
        "within_2x": sum(1 for r in multi if r["true"] / 2 <= r["count"] <= 2 * r["true"]),
        "multi_word": len(multi), "rows": rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--background", type=int, default=0)
    parser.add_argument("--backend", choices=["whoosh", "postgres"], default="whoosh")
    parser.add_argument("--pg-url", help="scratch PostgreSQL database for --backend postgres")
    parser.add_argument("--any-word", action="store_true",
                        help="every word optional, as before issue 18")
    parser.add_argument("--verbose", action="store_true", help="one line per query")
    args = parser.parse_args(argv)
    if args.any_word:
        # The planner's mm at 0: any weighted term matches.
        setattr(ranking, "min_should_match", lambda n: 0)  # noqa: B010
    m = measure(args.backend, args.background, args.pg_url)
    if args.verbose:
        for r in m["rows"]:
            print(f"{r['q'][:32]:32}  count {r['count']:3}  true {r['true']:2}  "
                  f"precision {r['precision']:.2f}  nDCG {r['ndcg']:.3f}")
    print(f"{args.backend}, background {args.background}"
          f"{' (every word optional)' if args.any_word else ''}: "
          f"nDCG@10 {m['ndcg@10']:.4f}  MRR {m['mrr']:.4f}  precision {m['precision']:.3f}  "
          f"count error {m['count_error']:.2f}  multi-word queries within 2x "
          f"{m['within_2x']}/{m['multi_word']}")


if __name__ == "__main__":
    main()

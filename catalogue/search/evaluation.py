"""Search quality measurement: nDCG@10 and MRR on a judged query set.

The set's format is ``shared/eval/search-vi`` (see its README): a catalog
of datasets, one JSON object a line, and queries with graded judgements.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from catalogue.search.backend import SearchBackend, SearchQuery

CUTOFF = 10
# Every catalog line gets a distinct modification time, a day apart, so the
# newest-wins tie-break is deterministic and the same on every backend.
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain with gain 2^grade − 1."""
    return float(sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades)))


def ndcg(results: Sequence[str], relevant: Mapping[str, int], k: int = CUTOFF) -> float:
    """nDCG@k of a ranked list of names against graded judgements."""
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([relevant.get(name, 0) for name in results[:k]]) / ideal


def reciprocal_rank(results: Sequence[str], relevant: Mapping[str, int],
                    min_grade: int = 2) -> float:
    """1/rank of the first result graded ``min_grade`` or more, else 0."""
    for rank, name in enumerate(results, start=1):
        if relevant.get(name, 0) >= min_grade:
            return 1.0 / rank
    return 0.0


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a file, one a line; blank lines skipped."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def package_from_catalog(entry: dict[str, Any], position: int) -> dict[str, Any]:
    """A ``package_show``-shaped dict for one catalog line (slugs stand in for titles)."""
    stamp = (_EPOCH + timedelta(days=position)).strftime("%Y-%m-%dT%H:%M:%S")
    org = entry.get("organization")
    return {
        "id": entry.get("id") or f"eval-{position:05d}",
        "name": entry["name"],
        "title": entry.get("title", ""),
        "title_en": entry.get("title_en", ""),
        "notes": entry.get("notes", ""),
        "notes_en": entry.get("notes_en", ""),
        "tags": [{"name": t} for t in entry.get("tags", [])],
        "organization": {"name": org, "title": ""} if isinstance(org, str) else org,
        "groups": [{"name": g, "title": ""} if isinstance(g, str) else g
                   for g in entry.get("groups", [])],
        "resources": entry.get("resources", []),
        "license_id": entry.get("license_id"),
        "metadata_created": stamp,
        "metadata_modified": stamp,
        "state": "active",
        "private": False,
    }


def evaluate(backend_factory: Callable[[], SearchBackend], catalog_path: Path,
             queries_path: Path) -> dict[str, Any]:
    """Index the catalog into a fresh backend, run every query, score the top 10.

    Returns ``{"ndcg@10": x, "mrr": y, "queries": [{"q", "results",
    "ndcg@10", "rr"}]}``; the backend is closed afterwards.
    """
    backend = backend_factory()
    try:
        packages = [package_from_catalog(e, i) for i, e in enumerate(read_jsonl(catalog_path))]
        backend.index_documents(packages)
        id_to_name = {p["id"]: p["name"] for p in packages}
        rows = []
        for judged in read_jsonl(queries_path):
            found = backend.search(SearchQuery(q=judged["q"], rows=CUTOFF))
            names = [id_to_name[i] for i in found.ids]
            rows.append({"q": judged["q"], "results": names,
                         "ndcg@10": ndcg(names, judged.get("relevant", {})),
                         "rr": reciprocal_rank(names, judged.get("relevant", {}))})
    finally:
        backend.close()
    count = max(len(rows), 1)
    return {"ndcg@10": sum(r["ndcg@10"] for r in rows) / count,
            "mrr": sum(r["rr"] for r in rows) / count, "queries": rows}


def check_suggestions(backend_factory: Callable[[], SearchBackend], catalog_path: Path,
                      suggest_path: Path) -> list[dict[str, Any]]:
    """Run "did you mean" on each ``{"q", "expect"}`` line: ``{"q", "expect", "got"}``."""
    backend = backend_factory()
    try:
        backend.index_documents(package_from_catalog(e, i)
                                for i, e in enumerate(read_jsonl(catalog_path)))
        return [{"q": s["q"], "expect": s["expect"], "got": backend.suggest(s["q"])}
                for s in read_jsonl(suggest_path)]
    finally:
        backend.close()

"""Personal-data screen: precision and recall (issue 9).

Recall: planted (table, kind) pairs and planted free-text cases of the seeded synthetic set
(tests/privacy_synthetic.py) that the screen reports with the right kind. Precision: reported
findings that match a planted kind, counting every finding on the demo agencies' published
files (which hold no personal data) and every unplanted kind on a synthetic table as false.

Run: ``.venv/bin/python bench/privacy.py``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from privacy_synthetic import (  # noqa: E402
    HEADER_ONLY,
    make_hard_negatives,
    make_tables,
    make_texts,
    measure,
    screen_demo_tree,
)

from catalogue.privacy import screen_table  # noqa: E402
from examples.demo_sources import generate_demo_sources  # noqa: E402


def main() -> int:
    tables, texts = make_tables(), make_texts()
    started = time.perf_counter()
    recall = measure(tables, texts)
    true_pos = false_pos = cells_planted = cells_found = 0
    for table in tables:
        result = screen_table(table.header, table.rows, this_year=2026)
        for finding in result.findings:
            if finding.kind in table.planted:
                true_pos += 1
            else:
                false_pos += 1
        for kind, column in table.planted.items():
            if kind in HEADER_ONLY:
                continue
            cells_planted += len(table.rows)
            cells_found += max((f.count for f in result.findings
                                if f.kind == kind and f.column == column
                                and f.source == "content"), default=0)
    hard_false = sum(len(screen_table(t.header, t.rows, this_year=2026).findings)
                     for t in make_hard_negatives())
    false_pos += hard_false
    synthetic_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        generate_demo_sources(Path(tmp))
        started = time.perf_counter()
        demo = screen_demo_tree(Path(tmp))
        demo_seconds = time.perf_counter() - started
    demo_false = sum(len(v) for v in demo.values())
    false_pos += demo_false
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    print(f"synthetic tables: {len(tables)}, texts: {len(texts)} ({synthetic_seconds:.2f}s)")
    print(f"recall (table/text, kind): {recall['recall']:.4f} "
          f"({recall['detected']}/{recall['planted']})")
    for kind, (hit, planted) in sorted(recall["per_kind"].items()):
        print(f"  {kind:<20} {hit}/{planted}")
    opaque = measure([t for t in tables if t.opaque], [])
    print(f"recall on opaque headers (content alone, names/addresses excluded): "
          f"{opaque['recall']:.4f} ({opaque['detected']}/{opaque['planted']})")
    print(f"cell recall of content kinds: {cells_found / cells_planted:.4f} "
          f"({cells_found}/{cells_planted})")
    print(f"hard-negative tables (look-alikes, no personal data): {hard_false} findings")
    print(f"demo findings (false positives): {demo_false} in {len(demo)} files "
          f"({demo_seconds:.2f}s)")
    for path, findings in demo.items():
        print(f"  {path}: {[(f['kind'], f['column'] or f['field']) for f in findings]}")
    print(f"precision: {precision:.4f} ({true_pos} true, {false_pos} false findings)")
    rows = [[f"QN-KK{i % 20:02d}", f"2024-01-{i % 28 + 1:02d}T{i % 24:02d}:00:00",
             f"{(i * 7919) % 1000 / 10:.1f}", "Thành phố Hạ Long"] for i in range(100_000)]
    started = time.perf_counter()
    screen_table(["ma_tram", "thoi_gian", "pm2_5", "dia_ban"], rows)
    print(f"throughput: 100000 rows x 4 columns in {time.perf_counter() - started:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

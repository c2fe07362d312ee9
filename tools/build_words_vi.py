"""Build ``catalogue/search/data/words_vi.txt``: the two-syllable words of pyvi's word list.

Reads the text file the PyPI package ``pyvi`` ships, never imports the package (it pulls in
scikit-learn for its tagger)::

    pip install --no-deps --target /tmp/pyvi pyvi==0.1.1
    python tools/build_words_vi.py /tmp/pyvi/pyvi/models/words.txt

Query segmentation (``catalogue.search.concepts``) joins adjacent syllables only, so only
two-syllable entries are kept, normalised as the analyzer normalises text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogue.search.analyzer import phrases  # noqa: E402
from catalogue.search.concepts import WORDS  # noqa: E402


def two_syllable_words(lines: list[str]) -> list[str]:
    """The entries made of two letter-only syllables, normalised, deduplicated and sorted."""
    words: set[str] = set()
    for line in lines:
        found = phrases(line)
        if len(found) != 1 or len(found[0]) != 2:
            continue
        units = found[0]
        if any(u.compound for u in units) or not all(u.parts[0].isalpha() for u in units):
            continue
        words.add(f"{units[0].parts[0]} {units[1].parts[0]}")
    return sorted(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="pyvi's models/words.txt")
    args = parser.parse_args()
    words = two_syllable_words(args.source.read_text(encoding="utf-8").splitlines())
    WORDS.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words written to {WORDS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""DCAT-AP conformance of the feeds: SHACL violations and recommended-property warnings.

    python bench/dcat_shacl.py [--home DIR]

Builds the demo catalogue (``dulieumo demo --no-serve``) in a temporary home, or reads an
existing home, and checks every page of ``/catalog.ttl`` against the official DCAT-AP 3.0.1
and 2.1.1 "Full" shapes in ``../shared/standards`` (pyshacl, as ``tests/test_dcat_shacl.py``),
then prints the violations and the warnings left, by kind (issue 17: 357 violations and 242
warnings on the demo catalogue before).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from click.testing import CliRunner  # noqa: E402
from dcat_shapes import check  # noqa: E402
from rdflib import Graph, URIRef  # noqa: E402

from portal import create_app  # noqa: E402
from portal.cli import main as cli  # noqa: E402

BASE = "http://portal.test"
HYDRA_NEXT = URIRef("http://www.w3.org/ns/hydra/core#next")


def _report(home: Path) -> None:
    logging.disable(logging.INFO)
    client = create_app({"site_url": BASE}, home=home).test_client()
    for profile in ("dcat-ap-3", "dcat-ap-2"):
        violations: list[str] = []
        whole, pages = Graph(), 0
        url: str | None = f"/catalog.ttl?profile={profile}"
        while url:
            page = Graph().parse(data=client.get(url).data, format="turtle")
            violations += check(page, profile).violations
            whole += page
            pages += 1
            following = next(page.objects(None, HYDRA_NEXT), None)
            url = str(following).removeprefix(BASE) if following is not None else None
        # Warnings of the whole catalogue, so the catalogue's own are counted once.
        warnings: Counter[str] = check(whole, profile).warnings
        print(f"{profile}: {pages} page(s), {len(violations)} violations, "
              f"{sum(warnings.values())} warnings")
        for line in violations[:20]:
            print(f"  violation  {line}")
        for kind, count in warnings.most_common():
            print(f"  {count:4d} warning  {kind}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an existing home (default: build the demo)")
    args = parser.parse_args()
    if args.home:
        _report(args.home)
        return
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "demo"
        result = CliRunner().invoke(cli, ["--home", str(home), "demo", "--no-serve"])
        if result.exit_code != 0:
            sys.exit(result.output)
        _report(home)


if __name__ == "__main__":
    main()

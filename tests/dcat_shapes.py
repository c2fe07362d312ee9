"""The official DCAT-AP SHACL shapes, loaded as the EU Interoperability Testbed loads them.

Its "DCAT-AP 3.0.1 Full" and "DCAT-AP 2.1.1 Full" profiles (``../shared/standards/SOURCES.md``)
with background knowledge: the shapes, ranges, recommendations, deprecated URIs and imports,
plus the vocabularies' class hierarchy. pyshacl checks a graph against them; the tests want no
violation, and ``bench/dcat_shacl.py`` prints the recommended-property warnings left.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from conftest import SHARED
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

STANDARDS = SHARED / "standards"
SHAPE_FILES = {
    "dcat-ap-3": [STANDARDS / "dcat-ap-3.0.1" / name for name in (
        "shapes.ttl", "range.ttl", "shapes_recommended.ttl", "deprecateduris.ttl",
        "imports.ttl")],
    "dcat-ap-2": [STANDARDS / "dcat-ap-2.1.1" / f"dcat-ap_2.1.1_shacl_{name}.ttl" for name in (
        "shapes", "range", "shapes_recommended", "deprecateduris", "imports")],
}


@cache
def shapes(profile: str) -> Graph:
    """The shapes graph of one profile (``dcat-ap-3`` or ``dcat-ap-2``), parsed once."""
    graph = Graph()
    for path in SHAPE_FILES[profile]:
        graph.parse(path, format="turtle")
    return graph


@cache
def background() -> Graph:
    """The class hierarchy of the vocabularies DCAT-AP imports (offline)."""
    return Graph().parse(STANDARDS / "background-knowledge.ttl", format="turtle")


@dataclass
class Report:
    """What the shapes found: each violation spelled out, warnings counted by kind."""

    violations: list[str] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)


def check(data: Graph, profile: str) -> Report:
    """Validate ``data`` against one profile's shapes (no OWL/RDFS inference, as the Testbed)."""
    _, results, _ = validate(data, shacl_graph=shapes(profile), ont_graph=background(),
                             inference="none", allow_warnings=True)
    assert isinstance(results, Graph)
    report = Report()
    for result in results.subjects(SH.resultSeverity, None):
        severity = results.value(result, SH.resultSeverity)
        path = results.value(result, SH.resultPath)
        message = str(results.value(result, SH.resultMessage))
        if severity == SH.Violation:
            report.violations.append(f"{results.value(result, SH.focusNode)} {path}: {message}")
        else:  # the kind of warning, without the node it is about
            report.warnings[f"{path}: {re.sub(r'<[^>]*>', '<…>', message)}"] += 1
    return report

"""The application profiles a feed can be asked for, and the DCAT-AP 2.1.1 rewrite.

The graph is built once, in DCAT-AP 3.0.1 (:mod:`catalogue.dcat.graph`). Harvesters that still
speak 2.x ask for 2.1.1 (``Accept-Profile`` or ``?profile=``, issue 17) and get the same graph
with the few terms 2.1.1 defines differently rewritten.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, XSD

from catalogue.dcat.vocab import SPDX

DCAT_AP_3 = "http://data.europa.eu/r5r/"
DCAT_AP_2 = "https://semiceu.github.io/DCAT-AP/releases/2.1.1"
# Profile IRI → short name; the IRIs are the ones the DCAT-AP releases name themselves.
PROFILES = {DCAT_AP_3: "dcat-ap-3",
            "https://semiceu.github.io/DCAT-AP/releases/3.0.1": "dcat-ap-3",
            DCAT_AP_2: "dcat-ap-2",
            "https://joinup.ec.europa.eu/collection/semantic-interoperability-community-semic/"
            "solution/dcat-application-profile-data-portals-europe/release/211": "dcat-ap-2"}
# What ``?profile=`` accepts besides a profile IRI.
NAMES = {"dcat-ap-3": "dcat-ap-3", "dcat-ap-3.0.1": "dcat-ap-3", "3": "dcat-ap-3",
         "dcat-ap-2": "dcat-ap-2", "dcat-ap-2.1.1": "dcat-ap-2", "2": "dcat-ap-2"}
PROFILE_IRIS = {"dcat-ap-3": DCAT_AP_3, "dcat-ap-2": DCAT_AP_2}


def profile_named(value: str) -> str | None:
    """The profile a ``?profile=`` value or an ``Accept-Profile`` IRI names, or None."""
    text = value.strip().strip("<>").strip()
    return NAMES.get(text.lower()) or PROFILES.get(text.rstrip("/")) or PROFILES.get(text)


def to_dcat_ap_2(graph: Graph) -> Graph:
    """Rewrite a DCAT-AP 3.0.1 graph (in place) to what the DCAT-AP 2.1.1 shapes accept.

    - ``dcat:byteSize`` is an ``xsd:decimal`` in 2.1.1 (``xsd:nonNegativeInteger`` in 3).
    - 2.1.1 accepts SHA-1 checksums only; we keep SHA-256 digests, so 2.1.1 feeds carry no
      checksum rather than one its shapes reject (the 3.0.1 feed has them).
    """
    for node, size in list(graph.subject_objects(DCAT.byteSize)):
        graph.remove((node, DCAT.byteSize, size))
        # Lexically "123.0": "123"^^xsd:decimal would come back from Turtle as an integer.
        graph.add((node, DCAT.byteSize, Literal(f"{str(size).split('.')[0]}.0",
                                                datatype=XSD.decimal)))
    for node, checksum in list(graph.subject_objects(SPDX.checksum)):
        if (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha1) in graph:
            continue
        graph.remove((node, SPDX.checksum, checksum))
        if isinstance(checksum, URIRef):
            graph.remove((checksum, None, None))
    return graph

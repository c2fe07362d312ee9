"""Reading RDF catalogues stably: blank nodes named by what they say, formats by what they are.

A parser draws new blank-node labels on every parse, so anything keyed or ordered by them
(distribution order, a format read as ``str(node)``) changed between two harvests of the same
catalogue and every record came out "updated" (issue 16). ``stable_blank_nodes`` relabels
each blank node with a hash of its own statements (recursively), so an unchanged description
gives the same label every time, and stores the statements in one canonical order so that
``graph.value`` picks the same of several values every time. ``distribution_format`` reads
``dct:format`` and ``dcat:mediaType`` whatever shape they take (EU file-type URI, IANA
media-type URI, a literal, a ``dct:IMT`` node with ``rdf:value``/``rdfs:label``).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS

MAX_DEPTH = 16  # nested blank nodes followed when labelling (deeper ones count as "…")
EU_FILE_TYPE = "publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPES = "iana.org/assignments/media-types/"
FILE_TYPE_PATH = "/file-type/"  # other file-type vocabularies (resources.data.gov/vocab/file-type/)
MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+_-]*$")
# EU file-type labels of common IANA media types (publications.europa.eu file-type table).
MEDIA_LABELS = {
    "text/csv": "CSV", "text/tab-separated-values": "TSV", "text/html": "HTML",
    "text/plain": "TXT", "application/json": "JSON", "application/geo+json": "GEOJSON",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS", "application/zip": "ZIP",
    "application/gzip": "GZIP", "application/pdf": "PDF", "application/xml": "XML",
    "text/xml": "XML", "application/rdf+xml": "RDF_XML", "text/turtle": "RDF_TURTLE",
    "application/ld+json": "JSON_LD", "application/vnd.google-earth.kml+xml": "KML",
    "application/x-shapefile": "SHP", "application/sparql-query": "SPARQLQ",
}


def stable_blank_nodes(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank nodes are labelled by a hash of their statements.

    Two blank nodes saying exactly the same thing get the same label (they merge): for
    reading a catalogue that loses nothing, and it is what makes the labels reproducible.
    """
    labels: dict[BNode, BNode] = {}

    def label(node: BNode, path: tuple[BNode, ...]) -> BNode:
        if node in labels:
            return labels[node]
        if node in path or len(path) > MAX_DEPTH:
            return BNode("cycle")
        inner = (*path, node)
        parts = sorted(f"{p.n3()} {label(o, inner).n3() if isinstance(o, BNode) else o.n3()}"
                       for p, o in graph.predicate_objects(node))
        digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
        labels[node] = BNode(f"b{digest[:32]}")
        return labels[node]

    def term(node: Any) -> Any:
        return label(node, ()) if isinstance(node, BNode) else node

    stable = Graph()
    for prefix, namespace in graph.namespaces():
        stable.bind(prefix, namespace, override=False)
    # Added in a canonical order: rdflib's store keeps insertion order, so ``graph.value`` and
    # ``graph.objects`` then answer the same way for the same catalogue on every parse.
    triples = sorted(((term(s), p, term(o)) for s, p, o in graph),
                     key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
    for triple in triples:
        stable.add(triple)
    return stable


def _media_type(text: str) -> str:
    """``text`` as an IANA media type ("text/csv"), from a URI or a literal; "" if it is not."""
    if IANA_MEDIA_TYPES in text:
        text = text.split(IANA_MEDIA_TYPES, 1)[1]
    text = text.split(";", 1)[0].strip().lower()
    return text if MEDIA_TYPE.match(text) else ""


def format_of(text: str) -> tuple[str, str]:
    """(format label, media type) said by one format value, whichever vocabulary it uses: an
    IANA media type or its URI gives ("", "text/csv"); a file-type vocabulary URI (the EU's,
    or data.gov's ``…/file-type/…/CSV``) or a short word gives ("CSV", ""); any other URI,
    which names no format we can read, gives ("", "")."""
    kind = _media_type(text)
    if kind:
        return "", kind
    if EU_FILE_TYPE in text or FILE_TYPE_PATH in text:
        return text.rstrip("/").rsplit("/", 1)[-1].upper(), ""
    if text and "://" not in text and len(text) <= 40:
        return text.strip().upper(), ""
    return "", ""


def _words(graph: Graph, node: Any) -> list[str]:
    """What a format node says about itself: its value and labels, in that order."""
    return [str(o) for p in (RDF.value, RDFS.label, SKOS.prefLabel, DCTERMS.title,
                             SKOS.notation)
            for o in sorted(graph.objects(node, p), key=str) if isinstance(o, Literal | URIRef)]


def distribution_format(graph: Graph, dist: Any) -> tuple[str, str]:
    """(format label, media type) of a distribution, e.g. ("CSV", "text/csv"); either may be
    "" when the catalogue does not say. Never a blank-node label."""
    labels: list[str] = []
    media: list[str] = []

    def take(text: str) -> None:
        label, kind = format_of(text)
        if kind:
            media.append(kind)
        elif label:
            labels.append(label)

    for value in sorted(graph.objects(dist, DCTERMS.format), key=str):
        if isinstance(value, Literal):
            take(str(value))
            continue
        if isinstance(value, URIRef):
            take(str(value))
        for word in _words(graph, value):
            take(word)
        if isinstance(value, URIRef) and not labels and not media:
            labels.append(str(value).rstrip("/").rsplit("/", 1)[-1].upper())
    declared = [_media_type(str(v)) for v in sorted(graph.objects(dist, DCAT.mediaType), key=str)]
    for value in sorted(graph.objects(dist, DCAT.mediaType), key=str):
        if isinstance(value, BNode):
            declared += [_media_type(w) for w in _words(graph, value)]
    kind = next((m for m in (*declared, *media) if m), "")
    label = labels[0] if labels else MEDIA_LABELS.get(kind, kind)
    return label, kind

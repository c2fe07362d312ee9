"""A distribution's data dictionary in DCAT (issue 21 item 5).

DCAT-AP describes a distribution's schema with ``dct:conformsTo`` (range ``dct:Standard``);
it has no properties for columns. So the dictionary goes where DCAT-AP allows: a
``dct:Standard`` at ``<distribution>#schema`` whose ``dct:title`` and ``dct:description``
(in Vietnamese and English) list each column's label, unit and meaning, readable by any
DCAT harvester; the same node is also a CSV on the Web ``csvw:Schema`` with one
``csvw:Column`` per column (``csvw:name``, ``csvw:title``, ``dct:description``), for tools
that read columns. Columns are IRIs (``#column-<n>``), not blank nodes, so every RDF format
of a page carries the same triples.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import CSVW, DCTERMS

from catalogue.dcat.terms import clean_text, text_literal
from catalogue.dcat.vocab import typed
from catalogue.dictionary import ColumnEntry, entries_of


def _line(entry: ColumnEntry, english: bool) -> str:
    label = entry.label(english)
    text = f"{entry.name}" if label == entry.name else f"{entry.name} ({label})"
    if entry.unit:
        text += f" [{'unit' if english else 'đơn vị'}: {entry.unit}]"
    meaning = (entry.description_en or entry.description) if english else (
        entry.description or entry.description_en)
    return f"{text}: {meaning}" if meaning else text


def add_dictionary(graph: Graph, distribution: URIRef, res: Mapping[str, Any]) -> None:
    """Add the resource's data dictionary to ``distribution``, when any column is described."""
    entries = entries_of(res.get("schema") if isinstance(res.get("schema"), Mapping) else None)
    if not any(entry.described for entry in entries):
        return
    schema = typed(graph, URIRef(f"{distribution}#schema"), DCTERMS.Standard, CSVW.Schema)
    graph.add((distribution, DCTERMS.conformsTo, schema))
    name = clean_text(res.get("name")) or clean_text(res.get("id"))
    graph.add((schema, DCTERMS.title, Literal(f"Từ điển dữ liệu: {name}", lang="vi")))
    graph.add((schema, DCTERMS.title, Literal(f"Data dictionary: {name}", lang="en")))
    for english, lang in ((False, "vi"), (True, "en")):
        listing = text_literal("\n".join(_line(e, english) for e in entries), lang)
        if listing is not None:
            graph.add((schema, DCTERMS.description, listing))
    for index, entry in enumerate(entries):
        column = typed(graph, URIRef(f"{distribution}#column-{index + 1}"), CSVW.Column)
        graph.add((schema, CSVW.column, column))
        graph.add((column, CSVW.name, Literal(clean_text(entry.name))))
        for text, lang in ((entry.title, "vi"), (entry.title_en, "en"),):
            literal = text_literal(text, lang)
            if literal is not None:
                graph.add((column, CSVW.title, literal))
        for text, lang in ((entry.description, "vi"), (entry.description_en, "en")):
            literal = text_literal(text, lang)
            if literal is not None:
                graph.add((column, DCTERMS.description, literal))

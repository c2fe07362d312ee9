"""What a DCAT dataset says about its rights and coverage, read faithfully (issue 16).

``describe`` completes a record ``harvesters.dcat`` built from one ``dcat:Dataset``: the
licence (the dataset's and every distribution's ``dct:license``: distribution licences
count), ``dct:accessRights``, ``dct:temporal`` (``dcat:startDate``, ``schema:startDate``,
``time:hasBeginning``), ``dct:spatial`` (labels, GeoNames and administrative unit URIs,
geometry), ``dct:accrualPeriodicity`` (EU and Dublin Core URIs, DCAT-AP-ES durations) and
where the data came from (``dct:source``, ``prov:wasDerivedFrom``, ``dct:provenance``).
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SKOS

from harvesters.base import SourceRecord
from harvesters.coverage import frequency_word, iso_date, spatial_extras, widest
from harvesters.rights import REFUSED_EMPTY, access_of, judge_access
from licenses.matching import find_license

SCHEMA = Namespace("http://schema.org/")
SCHEMA_S = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GEOJSON_TYPES = ("geo+json", "geojson")
# DCAT-AP-ES writes a frequency as a time:DurationDescription of one unit.
DURATION_UNITS = {TIME.years: "annual", TIME.months: "monthly", TIME.weeks: "weekly",
                  TIME.days: "daily", TIME.hours: "hourly"}


def _label(graph: Graph, node: Any) -> str:
    """A human label of a node: skos:prefLabel, rdfs:label, dct:title, locn:geographicName."""
    for predicate in (SKOS.prefLabel, RDFS.label, DCTERMS.title, LOCN.geographicName):
        values = [v for v in graph.objects(node, predicate) if isinstance(v, Literal)]
        for wanted in ("vi", None, "en"):
            for value in values:
                if value.language == wanted:
                    return str(value)
        if values:
            return str(values[0])
    return ""


def _licence(graph: Graph, node: Any) -> tuple[str, str, str]:
    """(id, title, url) of a dct:license object: a URI, a literal or a licence document."""
    if isinstance(node, Literal):
        text = str(node)
        return ("", "", text) if "://" in text else (text, "", "")
    identifier = str(graph.value(node, DCTERMS.identifier) or "")
    url = str(node) if isinstance(node, URIRef) else ""
    return identifier, _label(graph, node), url


def _access_value(graph: Graph, node: Any) -> str:
    """A rights URI we can read, else its label (a publisher's own rights vocabulary)."""
    if isinstance(node, BNode):
        return _label(graph, node) or str(graph.value(node, DCTERMS.description) or "")
    if access_of(str(node)) or not _label(graph, node):
        return str(node)
    return _label(graph, node)


def _date(graph: Graph, period: Any, *predicates: Any) -> str:
    for predicate in predicates:
        value = graph.value(period, predicate)
        if value is None:
            continue
        if isinstance(value, Literal):
            return iso_date(str(value))
        # time:hasBeginning -> time:Instant with time:inXSDDate(Time)
        for inner in (TIME.inXSDDate, TIME.inXSDDateTimeStamp, TIME.inXSDDateTime):
            found = graph.value(value, inner)
            if found is not None:
                return iso_date(str(found))
    return ""


def _temporal(graph: Graph, node: Any) -> tuple[str, str]:
    periods = []
    for period in graph.objects(node, DCTERMS.temporal):
        if isinstance(period, Literal):  # an ISO 8601 interval written as text
            start, _, end = str(period).partition("/")
            periods.append((iso_date(start), iso_date(end)))
            continue
        periods.append((_date(graph, period, DCAT.startDate, SCHEMA.startDate,
                              SCHEMA_S.startDate, TIME.hasBeginning),
                        _date(graph, period, DCAT.endDate, SCHEMA.endDate, SCHEMA_S.endDate,
                              TIME.hasEnd)))
    return widest(periods)


def _spatial(graph: Graph, node: Any) -> tuple[str, dict[str, str]]:
    labels: list[str] = []
    kept: dict[str, str] = {}
    for place in sorted(graph.objects(node, DCTERMS.spatial), key=str):
        label = _label(graph, place)
        if label and label not in labels:
            labels.append(label)
        if isinstance(place, URIRef):
            kept = {**spatial_extras(str(place)), **kept}
        for predicate, unit in graph.predicate_objects(place):
            if str(predicate).startswith(str(LOCN)) and "adminUnit" in str(predicate) \
                    and isinstance(unit, URIRef):
                kept = {**spatial_extras(str(unit)), **kept}
        for geometry in graph.objects(place, LOCN.geometry):
            kind = str(geometry.datatype or "") if isinstance(geometry, Literal) else ""
            if any(t in kind for t in GEOJSON_TYPES) or str(geometry).lstrip().startswith("{"):
                kept.setdefault("spatial", str(geometry))
            elif isinstance(geometry, Literal) and "wkt" in kind.lower():
                kept.setdefault("spatial_bbox", str(geometry))
        # DCAT-AP 2+: the place's box as WKT; what ext_bbox searches by (issue 22).
        for box in graph.objects(place, DCAT.bbox):
            if isinstance(box, Literal):
                kept["spatial_bbox"] = str(box)
    return ", ".join(labels), kept


def _frequency(graph: Graph, node: Any) -> tuple[str, str]:
    value = graph.value(node, DCTERMS.accrualPeriodicity)
    if value is None:
        return "", ""
    word = frequency_word(str(value)) if not isinstance(value, BNode) else ""
    duration = graph.value(value, RDF.value)
    if not word and duration is not None:
        for unit, ours in DURATION_UNITS.items():
            amount = graph.value(duration, unit)
            if amount is not None and float(str(amount)) == 1.0:
                return ours, f"{unit.rsplit('#', 1)[-1]} = 1"
    return word, str(value) if not isinstance(value, BNode) else ""


def _upstream(graph: Graph, node: Any) -> dict[str, str]:
    kept = {}
    sources = sorted({str(s) for p in (DCTERMS.source, PROV.wasDerivedFrom)
                      for s in graph.objects(node, p) if not isinstance(s, BNode)})
    if sources:
        kept["upstream_source"] = ", ".join(sources)
    provenance = graph.value(node, DCTERMS.provenance)
    if provenance is not None:
        text = str(provenance) if isinstance(provenance, Literal) else _label(graph, provenance)
        if text:
            kept["provenance"] = text
    return kept


def describe(graph: Graph, node: Any, record: SourceRecord) -> None:
    """Fill the record's licence, access, coverage and provenance from the dataset node."""
    if not any(isinstance(t, Literal) and str(t).strip()
               for t in graph.objects(node, DCTERMS.title)):
        # dct:title is mandatory in DCAT-AP; without it the record would be published under
        # its identifier or a blank-node id.
        record.refused_reason = f"{REFUSED_EMPTY}: không có dct:title — không thu thập"
    license_node = graph.value(node, DCTERMS.license)
    if license_node is not None:
        record.license, record.license_title, record.license_url = _licence(graph, license_node)
    by_url = {res.url: res for res in record.resources}
    for dist in graph.objects(node, DCAT.distribution):
        url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
        licence = graph.value(dist, DCTERMS.license)
        if url is None or licence is None or str(url) not in by_url:
            continue
        stated = [v for v in _licence(graph, licence) if v]
        # A licence document may be named by its dct:identifier or title where its URL is a
        # page of the publisher's own; keep the candidate we can place, else the URL as said.
        known = [v for v in stated if find_license(v) is not None]
        closed = [v for v in known if not getattr(find_license(v), "open", True)]
        by_url[str(url)].license = (closed or known or stated[::-1] or [""])[0]
    rights = graph.value(node, DCTERMS.accessRights)
    judge_access(record, _access_value(graph, rights) if rights is not None else "",
                 "dct:accessRights")
    start, end = _temporal(graph, node)
    record.temporal_start, record.temporal_end = start, end
    spatial, spatial_kept = _spatial(graph, node)
    record.spatial = spatial or record.spatial
    record.extras.update(spatial_kept)
    frequency, said = _frequency(graph, node)
    record.update_frequency = frequency
    if said and said != frequency:
        record.extras["source_frequency"] = said
    record.extras.update(_upstream(graph, node))

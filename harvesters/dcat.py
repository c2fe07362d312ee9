"""``dcat``: a DCAT catalogue (DCAT-AP 2/3) in Turtle, JSON-LD or RDF/XML, parsed with rdflib.

RDF/XML is screened with defusedxml first (no DTDs, no entity expansion: a "billion laughs"
catalogue is refused). Paged catalogues are followed through ``hydra:next``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from harvesters.base import (
    Gathered,
    Harvester,
    SourceError,
    SourceRecord,
    SourceResource,
)
from harvesters.http import FetchError

# The Data Package profiles (v2, v1) a descriptor distribution conforms to.
DATA_PACKAGE = frozenset({URIRef("https://datapackage.org/profiles/2.0/datapackage.json"),
                          URIRef("https://specs.frictionlessdata.io/schemas/data-package.json")})

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; rdflib's DCAT is 2
OWL_VERSION = URIRef("http://www.w3.org/2002/07/owl#versionInfo")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FORMATS = {"ttl": "turtle", "turtle": "turtle", "jsonld": "json-ld", "json-ld": "json-ld",
           "json": "json-ld", "xml": "xml", "rdf": "xml", "rdfxml": "xml"}
CONTENT_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld",
                 "application/rdf+xml": "xml", "application/json": "json-ld"}
PUBLIC_RIGHTS = ("PUBLIC", "public", "công khai")
FREQUENCIES = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly",
               "QUARTERLY": "quarterly", "ANNUAL": "annual", "IRREG": "irregular",
               "CONT": "continual", "BIENNIAL": "irregular", "NEVER": "never"}


def _format(option: str, url: str, content_type: str) -> str:
    if option:
        return FORMATS[option]
    media = content_type.split(";")[0].strip().lower()
    if media in CONTENT_TYPES:
        return CONTENT_TYPES[media]
    return FORMATS.get(Path(urlparse(url).path).suffix.lstrip(".").lower(), "turtle")


def parse_catalogue(body: bytes, fmt: str, where: str) -> Graph:
    """An RDF graph of a catalogue page; SourceError when it is not valid RDF."""
    if fmt == "xml":
        try:
            SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
        except DefusedXmlException as exc:
            raise SourceError(f"{where}: RDF/XML refused ({type(exc).__name__}: DTDs and "
                              f"entities are not allowed)") from None
        except SafeET.ParseError as exc:
            raise SourceError(f"{where}: not valid XML: {exc}") from None
    graph = Graph()
    try:
        with warnings.catch_warnings():
            # rdflib's JSON-LD parser warns about its own internal use of ConjunctiveGraph.
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(data=body, format=fmt, publicID=where)
    except Exception as exc:  # noqa: BLE001 - rdflib's parsers raise many unrelated types
        raise SourceError(f"{where}: not valid {fmt}: {type(exc).__name__}: {exc}"[:500]) from None
    return graph


def _text(graph: Graph, subject: Any, predicate: URIRef, lang: str | None = "vi") -> str:
    """A literal in ``lang`` if there is one, else any literal without language, else any."""
    values = [v for v in graph.objects(subject, predicate) if isinstance(v, Literal)]
    for wanted in ((lang,) if lang else ()) + (None,):
        for value in values:
            if value.language == wanted:
                return str(value)
    if lang == "en":
        return ""
    return str(values[0]) if values else ""


def _slug_of(graph: Graph, node: Any) -> str:
    notation = graph.value(node, SKOS.notation) or graph.value(node, DCTERMS.identifier)
    if notation is not None:
        return str(notation)
    return str(node).rstrip("/").rsplit("/", 1)[-1]


class DcatHarvester(Harvester):
    type_name = "dcat"
    locations = ("url", "path")
    options: ClassVar[dict[str, tuple[type, str]]] = {
        "format": (str, "turtle, json-ld or xml (default: from Content-Type or extension)"),
        "max_pages": (int, "most hydra pages followed (default 100)"),
        "download_resources": (bool, "download distributions (default true) or keep links"),
    }

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[tuple[str, str]]:
        problems = super().check_options(options)
        if isinstance(options.get("format"), str) and options["format"] not in FORMATS:
            problems.append(("format", f"expected one of turtle, json-ld, xml; got "
                                       f"{options['format']!r}"))
        return problems

    def _pages(self) -> Iterator[tuple[str, Graph]]:
        url = self.source.url or Path(self.source.path).resolve().as_uri()
        seen: set[str] = set()
        for _ in range(int(self.option("max_pages", 100))):
            seen.add(url)
            try:
                response = self.http.get_ok(url, max_bytes=self.source.limits.max_response_bytes)
            except FetchError as exc:
                raise SourceError(str(exc)) from None
            graph = parse_catalogue(response.body, _format(self.option("format", ""), url,
                                                           response.content_type), url)
            yield url, graph
            following = [str(o) for p in (HYDRA.next, HYDRA.nextPage)
                         for o in graph.objects(None, p)]
            following = [u for u in following if u not in seen]
            if not following:
                return
            url = following[0]

    def gather(self) -> Iterator[Gathered]:
        for page_url, graph in self._pages():
            for node in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str):
                identifier = _text(graph, node, DCTERMS.identifier, None) or str(node)
                yield Gathered(identifier, {"record": self._record(graph, node, identifier,
                                                                   page_url)})

    def fetch(self, item: Gathered) -> SourceRecord:
        record: SourceRecord = item.payload["record"]
        return record

    def _record(self, graph: Graph, node: Any, identifier: str, page_url: str) -> SourceRecord:
        rights = graph.value(node, DCTERMS.accessRights)
        not_public = ""
        if rights is not None and str(rights).rstrip("/").rsplit("/", 1)[-1] not in PUBLIC_RIGHTS:
            not_public = f"access rights are not public ({rights})"
        publisher = graph.value(node, DCTERMS.publisher)
        period = graph.value(node, DCTERMS.temporal)
        spatial = graph.value(node, DCTERMS.spatial)
        frequency = graph.value(node, DCTERMS.accrualPeriodicity)
        license_node = graph.value(node, DCTERMS.license)
        contact = graph.value(node, DCAT.contactPoint)
        record = SourceRecord(
            identifier=identifier, name=identifier if "/" not in identifier else "",
            title=_text(graph, node, DCTERMS.title) or identifier,
            title_en=_text(graph, node, DCTERMS.title, "en"),
            notes=_text(graph, node, DCTERMS.description),
            notes_en=_text(graph, node, DCTERMS.description, "en"),
            tags=sorted(str(k) for k in graph.objects(node, DCAT.keyword)),
            groups=sorted(_slug_of(graph, t) for t in graph.objects(node, DCAT.theme)),
            license=str(graph.value(license_node, DCTERMS.identifier) or license_node)
            if license_node is not None else "",
            organization=_text(graph, publisher, DCTERMS.identifier, None) if publisher else "",
            url=str(graph.value(node, DCAT.landingPage) or ""),
            source_url=str(node) if str(node).startswith("http") else page_url,
            version=_text(graph, node, DCAT_VERSION, None) or _text(graph, node, OWL_VERSION, None),
            author=_text(graph, publisher, FOAF.name) if publisher else "",
            maintainer=_text(graph, contact, VCARD.fn) if contact else "",
            maintainer_email=str(graph.value(contact, VCARD.hasEmail) or "").removeprefix(
                "mailto:") if contact else "",
            temporal_start=str(graph.value(period, DCAT.startDate) or "") if period else "",
            temporal_end=str(graph.value(period, DCAT.endDate) or "") if period else "",
            spatial=_text(graph, spatial, SKOS.prefLabel) if spatial else "",
            update_frequency=FREQUENCIES.get(str(frequency).rsplit("/", 1)[-1], "")
            if frequency else "",
            created=str(graph.value(node, DCTERMS.issued) or ""),
            modified=str(graph.value(node, DCTERMS.modified) or ""),
            not_publishable=not_public,
        )
        download = self.option("download_resources", True)
        for dist in sorted(graph.objects(node, DCAT.distribution), key=str):
            url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
            if url is None or set(graph.objects(dist, DCTERMS.conformsTo)) & DATA_PACKAGE:
                # A portal's data package descriptor (dulieumo lists one) describes the other
                # distributions; it is metadata, not a file of the dataset.
                continue
            media = str(graph.value(dist, DCAT.mediaType) or "").rsplit("/media-types/", 1)[-1]
            fmt = str(graph.value(dist, DCTERMS.format) or "").rsplit("/", 1)[-1].lower()
            record.resources.append(SourceResource(
                name=_text(graph, dist, DCTERMS.title) or str(url).rsplit("/", 1)[-1],
                url=str(url), format=fmt or Path(urlparse(str(url)).path).suffix.lstrip("."),
                mimetype=media, description=_text(graph, dist, DCTERMS.description),
                link_only=not download,
                fingerprint=str(graph.value(dist, DCAT.byteSize) or "") + str(
                    graph.value(dist, DCTERMS.modified) or ""),
            ))
        return record

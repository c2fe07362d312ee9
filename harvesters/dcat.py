"""``dcat``: a DCAT catalogue (DCAT-AP 2/3) in Turtle, JSON-LD or RDF/XML, parsed with rdflib.

RDF/XML is screened with defusedxml first (no DTDs, no entity expansion: a "billion laughs"
catalogue is refused). Paged catalogues are followed through ``hydra:next``. Remote JSON-LD
contexts are read through the source's client, never by rdflib itself (issue 16).

Blank nodes are relabelled by what they say (``graph.stable_blank_nodes``), so an unchanged
catalogue gives the same record twice, whatever labels the parser drew this time (issue 16).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlparse

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from harvesters.base import (
    Gathered,
    Harvester,
    SourceError,
    SourceRecord,
    SourceResource,
)
from harvesters.dcat_records import describe
from harvesters.http import FetchError
from harvesters.rdf import distribution_format, stable_blank_nodes

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
    return stable_blank_nodes(graph)


def _text(graph: Graph, subject: Any, predicate: URIRef, lang: str | None = "vi") -> str:
    """A literal in ``lang`` if there is one, else any literal without language, else any.

    English (``lang="en"``) comes only from literals tagged English: an untagged title is
    in the publisher's language, not necessarily English (issue 16)."""
    values = [v for v in graph.objects(subject, predicate) if isinstance(v, Literal)]
    wanted_langs: tuple[str | None, ...] = (lang,) if lang == "en" else (
        ((lang,) if lang else ()) + (None,))
    for wanted in wanted_langs:
        for value in values:
            if value.language == wanted or (wanted == "en" and (value.language or "")
                                            .lower().startswith("en-")):
                return str(value)
    if lang == "en":
        return ""
    return str(values[0]) if values else ""


def _slug_of(graph: Graph, node: Any) -> str:
    notation = graph.value(node, SKOS.notation) or graph.value(node, DCTERMS.identifier)
    if notation is not None:
        return str(notation)
    return str(node).rstrip("/").rsplit("/", 1)[-1]


MAX_CONTEXTS = 10  # remote JSON-LD contexts one page may name (nested ones included)
MAX_CONTEXT_DEPTH = 5


def _inline_contexts(value: Any, where: str, fetch: Any, depth: int) -> Any:
    """``value`` with every ``@context`` that names a URL replaced by that document's context."""
    if isinstance(value, list):
        return [_inline_contexts(v, where, fetch, depth) for v in value]
    if not isinstance(value, dict):
        return value
    return {key: _context(item, where, fetch, depth) if key == "@context"
            else _inline_contexts(item, where, fetch, depth) for key, item in value.items()}


def _context(value: Any, where: str, fetch: Any, depth: int) -> Any:
    if depth > MAX_CONTEXT_DEPTH:
        raise SourceError(f"{where}: JSON-LD contexts nested more than {MAX_CONTEXT_DEPTH} deep")
    if isinstance(value, str):
        remote = fetch(urljoin(where, value))
        inner = remote.get("@context") if isinstance(remote, dict) else None
        if inner is None:
            raise SourceError(f"{where}: JSON-LD context {value} has no @context")
        return _context(inner, urljoin(where, value), fetch, depth + 1)
    if isinstance(value, list):
        flat: list[Any] = []
        for item in value:
            resolved = _context(item, where, fetch, depth)
            flat += resolved if isinstance(resolved, list) else [resolved]
        return flat
    if isinstance(value, dict):
        value = dict(value)
        imported = value.pop("@import", None)
        value = {k: _inline_contexts(v, where, fetch, depth) for k, v in value.items()}
        if isinstance(imported, str):
            base = _context(imported, where, fetch, depth + 1)
            if isinstance(base, dict):
                return {**base, **value}
            raise SourceError(f"{where}: JSON-LD @import {imported} is not one context")
        return value
    return value


def _identity(graph: Graph, node: Any) -> str:
    """A dataset's identifier: ``dct:identifier``, its URI, its landing page, or (a blank
    node saying neither) its content label, which is stable while the record is unchanged."""
    identifier = _text(graph, node, DCTERMS.identifier, None)
    if identifier:
        return identifier
    if isinstance(node, BNode):
        landing = graph.value(node, DCAT.landingPage)
        return str(landing) if landing is not None else f"_:{node}"
    return str(node)


def _distributions(graph: Graph, node: Any) -> list[tuple[Any, Any]]:
    """(URL, distribution) of a dataset in a stable order (URL first, never a parser label)."""
    found = []
    for dist in graph.objects(node, DCAT.distribution):
        url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
        if url is None or set(graph.objects(dist, DCTERMS.conformsTo)) & DATA_PACKAGE:
            # A portal's data package descriptor (dulieumo lists one) describes the other
            # distributions; it is metadata, not a file of the dataset.
            continue
        found.append((url, dist))
    return sorted(found, key=lambda pair: (str(pair[0]), _text(graph, pair[1], DCTERMS.title),
                                           str(pair[1])))


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
            fmt = _format(self.option("format", ""), url, response.content_type)
            body = self._offline_jsonld(response.body, url) if fmt == "json-ld" \
                else response.body
            graph = parse_catalogue(body, fmt, url)
            yield url, graph
            following = [str(o) for p in (HYDRA.next, HYDRA.nextPage)
                         for o in graph.objects(None, p)]
            following = [u for u in following if u not in seen]
            if not following:
                return
            url = following[0]

    def _offline_jsonld(self, body: bytes, where: str) -> bytes:
        """The JSON-LD page with its remote ``@context``s read through our client and put
        inline: rdflib would fetch them itself, past the limits and the address guard."""
        try:
            document = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SourceError(f"{where}: not valid json-ld: {exc}") from None
        cache: dict[str, Any] = {}

        def fetch(url: str) -> Any:
            if url not in cache:
                if len(cache) >= MAX_CONTEXTS:
                    raise SourceError(f"{where}: more than {MAX_CONTEXTS} remote contexts")
                try:
                    answer = self.http.get_ok(url, max_bytes=self.source.limits.max_response_bytes)
                    cache[url] = json.loads(answer.body)
                except FetchError as exc:
                    raise SourceError(f"{where}: JSON-LD context {exc}") from None
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise SourceError(f"{where}: JSON-LD context {url}: not JSON: {exc}") \
                        from None
            return cache[url]

        return json.dumps(_inline_contexts(document, where, fetch, 0)).encode()

    def gather(self) -> Iterator[Gathered]:
        for page_url, graph in self._pages():
            for node in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str):
                identifier = _identity(graph, node)
                yield Gathered(identifier, {"record": self._record(graph, node, identifier,
                                                                   page_url)})

    def fetch(self, item: Gathered) -> SourceRecord:
        record: SourceRecord = item.payload["record"]
        return record

    def _record(self, graph: Graph, node: Any, identifier: str, page_url: str) -> SourceRecord:
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
        )
        download = self.option("download_resources", True)
        for url, dist in _distributions(graph, node):
            fmt, media = distribution_format(graph, dist)
            record.resources.append(SourceResource(
                name=_text(graph, dist, DCTERMS.title) or str(url).rsplit("/", 1)[-1],
                url=str(url), format=fmt or Path(urlparse(str(url)).path).suffix.lstrip("."),
                mimetype=media, description=_text(graph, dist, DCTERMS.description),
                link_only=not download,
                fingerprint=str(graph.value(dist, DCAT.byteSize) or "") + str(
                    graph.value(dist, DCTERMS.modified) or ""),
            ))
        describe(graph, node, record)  # licences, access, coverage (issue 16)
        return record

"""Namespaces and the EU controlled vocabularies DCAT-AP asks for, as typed RDF terms.

DCAT-AP's range shapes check the class of every linked object (``sh:class``), and a harvester
that has not loaded the EU vocabularies knows nothing about a bare
``…/authority/frequency/MONTHLY``. So each vocabulary term the feeds use is written with its
``rdf:type`` (and a label where the shapes want a ``skos:Concept`` to have one).
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
EU = Namespace("http://publications.europa.eu/resource/authority/")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "vcard": VCARD, "spdx": SPDX,
            "adms": ADMS, "hydra": HYDRA, "locn": LOCN, "owl": OWL, "skos": SKOS,
            "xsd": XSD, "rdfs": RDFS, "prov": PROV, "dcatap": DCATAP, "gsp": GSP}

# Our update frequencies → the EU frequency table (…/authority/frequency/).
FREQUENCIES = {"continual": "CONT", "hourly": "HOURLY", "daily": "DAILY", "weekly": "WEEKLY",
               "monthly": "MONTHLY", "quarterly": "QUARTERLY", "biannual": "BIANNUAL",
               "annual": "ANNUAL", "irregular": "IRREG", "never": "NEVER"}
# Our format names → the EU file-type table (…/authority/file-type/). Formats outside it get
# no dct:format: a made-up code would be an IRI that names nothing.
FILE_TYPES = {"CSV": "CSV", "TSV": "TSV", "JSON": "JSON", "GEOJSON": "GEOJSON", "XML": "XML",
              "XLS": "XLS", "XLSX": "XLSX", "ODS": "ODS", "PDF": "PDF", "ZIP": "ZIP",
              "GZIP": "GZIP", "GZ": "GZIP", "DOC": "DOC", "DOCX": "DOCX", "ODT": "ODT",
              "TXT": "TXT", "HTML": "HTML", "KML": "KML", "KMZ": "KMZ", "GML": "GML",
              "SHP": "SHP", "GPKG": "GPKG", "RDF": "RDF_XML", "TTL": "RDF_TURTLE",
              "JSONLD": "JSON_LD", "API": "REST", "WMS": "WMS_SRVC", "WFS": "WFS_SRVC",
              "PNG": "PNG", "JPEG": "JPEG", "JPG": "JPEG", "TIFF": "TIFF", "GEOTIFF": "TIFF",
              "PARQUET": "PARQUET", "SQL": "SQL"}
# Formats accessed through a service rather than downloaded as a file.
SERVICE_FORMATS = frozenset({"API", "WMS", "WFS", "HTML", "REST"})
# Planned availability (DCAT-AP …/authority/planned-availability/), with its English labels.
AVAILABILITY = {"STABLE": "stable", "AVAILABLE": "available"}
VIETNAMESE = EU["language/VIE"]
VIETNAM = EU["country/VNM"]
PUBLIC_ACCESS = EU["access-right/PUBLIC"]


def typed(graph: Graph, term: URIRef, *classes: URIRef) -> URIRef:
    """``term`` with these ``rdf:type``s added; returns ``term``."""
    for cls in classes:
        graph.add((term, RDF.type, cls))
    return term


def language(graph: Graph) -> URIRef:
    """Vietnamese in the EU language table, typed ``dct:LinguisticSystem``."""
    return typed(graph, VIETNAMESE, DCTERMS.LinguisticSystem)


def file_type(graph: Graph, fmt: str) -> URIRef | None:
    """The EU file type of a format name (``CSV``, ``xlsx`` …), typed, or None if unknown."""
    code = FILE_TYPES.get(fmt.strip().upper())
    if code is None:
        return None
    return typed(graph, EU[f"file-type/{code}"], DCTERMS.MediaTypeOrExtent)


def frequency(graph: Graph, name: str) -> URIRef | None:
    """The EU frequency for one of our update frequencies, typed ``dct:Frequency``."""
    code = FREQUENCIES.get(name)
    return typed(graph, EU[f"frequency/{code}"], DCTERMS.Frequency) if code else None


def availability(graph: Graph, code: str) -> URIRef:
    """A planned-availability concept (``STABLE``, ``AVAILABLE``) with its label."""
    term = typed(graph, EU[f"planned-availability/{code}"], SKOS.Concept)
    graph.add((term, SKOS.prefLabel, Literal(AVAILABILITY[code], lang="en")))
    return term


def public_access(graph: Graph) -> URIRef:
    """The EU access-right ``PUBLIC``, typed ``dct:RightsStatement``."""
    return typed(graph, PUBLIC_ACCESS, DCTERMS.RightsStatement)


def media_type_iri(graph: Graph, mime: str) -> URIRef:
    """The IANA register entry of a (checked) ``type/subtype``, typed ``dct:MediaType``."""
    return typed(graph, URIRef(IANA_MEDIA_TYPES + mime), DCTERMS.MediaType)


def vietnam(graph: Graph) -> URIRef:
    """Viet Nam in the EU country table, typed ``dct:Location``."""
    return typed(graph, VIETNAM, DCTERMS.Location)


# ADMS publisher types, told from how Vietnamese agencies name themselves: a commune or
# district office is local, a province's department regional, a ministry national.
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
_LOCAL = ("huyện", "quận", "thị xã", "xã ", "phường", "thị trấn")
_REGIONAL = ("tỉnh", "sở ")
_NATIONAL = ("bộ ", "tổng cục", "cục ", "chính phủ", "quốc hội", "ngân hàng nhà nước")
_PUBLISHER_LABELS = {"LocalAuthority": "Local authority", "RegionalAuthority":
                     "Regional authority", "NationalAuthority": "National authority"}


def publisher_type(graph: Graph, title: str) -> URIRef | None:
    """The ADMS publisher type of an agency with this (Vietnamese) name, or None if unsure."""
    name = f" {title.lower()} "
    if any(f" {word}" in name for word in _LOCAL):
        code = "LocalAuthority"
    elif any(f" {word}" in name for word in _REGIONAL):
        code = "RegionalAuthority"
    elif any(name.startswith(f" {word}") for word in _NATIONAL):
        code = "NationalAuthority"
    else:
        return None
    term = typed(graph, URIRef(ADMS_PUBLISHER_TYPE + code), SKOS.Concept)
    graph.add((term, SKOS.prefLabel, Literal(_PUBLISHER_LABELS[code], lang="en")))
    return term


# ADMS licence types of the licences we know (licenses/licenses.json).
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
LICENCE_TYPES = {"CC-BY-4.0": ("Attribution",), "CC-BY-SA-4.0": ("Attribution", "ShareAlike"),
                 "CC0-1.0": ("PublicDomain",), "ODC-BY-1.0": ("Attribution",),
                 "ODbL-1.0": ("Attribution", "ShareAlike"), "ODC-PDDL-1.0": ("PublicDomain",)}
_LICENCE_LABELS = {"Attribution": "Attribution", "ShareAlike": "Share-alike",
                   "PublicDomain": "Public domain"}


def licence_types(graph: Graph, licence_id: str) -> list[URIRef]:
    """The ADMS licence types of one of our licences (none for licences we cannot class)."""
    terms = []
    for code in LICENCE_TYPES.get(licence_id, ()):
        term = typed(graph, URIRef(ADMS_LICENCE_TYPE + code), SKOS.Concept)
        graph.add((term, SKOS.prefLabel, Literal(_LICENCE_LABELS[code], lang="en")))
        terms.append(term)
    return terms

"""Package dicts as a DCAT-AP 3 RDF graph (rdflib), for the national portal's DCAT harvester.

Mapping (DCAT-AP 3.0, https://semiceu.github.io/DCAT-AP/releases/3.0.0/):
dataset → ``dcat:Dataset`` at ``{site}/dataset/{name}``; resource → ``dcat:Distribution``;
organization → ``dct:publisher`` (``foaf:Organization``); maintainer → ``dcat:contactPoint``
(``vcard:Kind``); licence → ``dct:license`` on each distribution; temporal coverage →
``dct:temporal`` (``dct:PeriodOfTime`` with ``dcat:startDate``/``dcat:endDate``); places →
``dct:spatial`` (``dct:Location``); update frequency → EU frequency authority table; sha256 →
``spdx:checksum``. Vietnamese text carries ``@vi``, the English translations ``@en``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
EU = "http://publications.europa.eu/resource/authority/"
PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "vcard": VCARD, "spdx": SPDX,
            "adms": ADMS, "hydra": HYDRA, "locn": LOCN, "owl": OWL, "skos": SKOS,
            "xsd": XSD, "rdfs": RDFS}

FREQUENCIES = {"continual": "CONT", "hourly": "HOURLY", "daily": "DAILY", "weekly": "WEEKLY",
               "monthly": "MONTHLY", "quarterly": "QUARTERLY", "biannual": "BIANNUAL",
               "annual": "ANNUAL", "irregular": "IRREG", "never": "NEVER"}
# Our format names → the EU file-type table, where the two differ.
FILE_TYPES = {"XLS": "XLS", "XLSX": "XLSX", "GEOJSON": "GEOJSON", "SHP": "SHP",
              "JSON": "JSON", "CSV": "CSV", "XML": "XML", "PDF": "PDF", "ZIP": "ZIP",
              "DOCX": "DOCX", "DOC": "DOC", "ODS": "ODS", "TSV": "TSV", "KML": "KML",
              "HTML": "HTML", "RDF": "RDF_XML", "TTL": "RDF_TURTLE", "JSONLD": "JSON_LD",
              "API": "REST", "WMS": "WMS_SRVC", "WFS": "WFS_SRVC", "TXT": "TXT"}
SERVICE_FORMATS = frozenset({"API", "WMS", "WFS", "HTML", "REST"})


@dataclass(frozen=True)
class CatalogInfo:
    """The catalogue's own description: where it lives and what it is called."""

    site_url: str
    title: str
    title_en: str = ""
    description: str = ""
    language: str = "vi"

    @property
    def base(self) -> str:
        return self.site_url.rstrip("/")

    def dataset_uri(self, name: str) -> URIRef:
        return URIRef(f"{self.base}/dataset/{quote(name)}")


@dataclass(frozen=True)
class Paging:
    """One page of the catalogue, as hydra describes it."""

    page: int
    per_page: int
    total: int
    page_url: str  # with a ``{page}`` placeholder

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.per_page))


def new_graph() -> Graph:
    """An empty graph with the DCAT-AP prefixes bound."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _text(graph: Graph, subject: URIRef | BNode, predicate: URIRef, value: Any,
          lang: str | None = None) -> None:
    if isinstance(value, str) and value.strip():
        graph.add((subject, predicate, Literal(value.strip(), lang=lang)))


def _datetime(value: Any) -> Literal | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return Literal(parsed.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _date(value: Any) -> Literal | None:
    if not value:
        return None
    try:
        return Literal(date.fromisoformat(str(value)[:10]).isoformat(), datatype=XSD.date)
    except ValueError:
        return None


def _uri(value: Any) -> URIRef | None:
    """A URI for an http(s) link, else None (relative or odd links are left out)."""
    if isinstance(value, str) and value.startswith(("http://", "https://")) \
            and not any(c in value for c in ' <>"{}|\\^`'):
        return URIRef(value)
    return None


def _publisher(graph: Graph, info: CatalogInfo, org: dict[str, Any]) -> URIRef:
    node = URIRef(f"{info.base}/organization/{quote(org['name'])}")
    graph.add((node, RDF.type, FOAF.Organization))
    _text(graph, node, FOAF.name, org.get("title") or org["name"], info.language)
    _text(graph, node, FOAF.name, org.get("title_en"), "en")
    if org.get("email"):
        graph.add((node, FOAF.mbox, URIRef(f"mailto:{org['email']}")))
    website = _uri(org.get("website"))
    if website is not None:
        graph.add((node, FOAF.homepage, website))
    return node


def _contact(graph: Graph, dataset: URIRef, package: dict[str, Any]) -> None:
    name = package.get("maintainer") or package.get("author")
    email = package.get("maintainer_email") or package.get("author_email")
    if not (name or email):
        org = package.get("organization") or {}
        name, email = org.get("title"), org.get("email")
    if not (name or email):
        return
    node = URIRef(f"{dataset}#contact")
    graph.add((dataset, DCAT.contactPoint, node))
    graph.add((node, RDF.type, VCARD.Kind))
    _text(graph, node, VCARD.fn, name)
    if email:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{email}")))


def _distribution(graph: Graph, info: CatalogInfo, dataset: URIRef, package: dict[str, Any],
                  res: dict[str, Any]) -> None:
    node = URIRef(f"{dataset}/resource/{quote(str(res['id']))}")
    graph.add((dataset, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.identifier, Literal(str(res["id"]))))
    _text(graph, node, DCTERMS.title, res.get("name"), info.language)
    _text(graph, node, DCTERMS.description, res.get("description"), info.language)
    link = _uri(res.get("url"))
    graph.add((node, DCAT.accessURL, link if link is not None else node))
    fmt = str(res.get("format") or "").upper()
    if link is not None and fmt not in SERVICE_FORMATS:  # a service is accessed, not downloaded
        graph.add((node, DCAT.downloadURL, link))
    if fmt:
        code = FILE_TYPES.get(fmt, fmt if fmt.isalnum() else "")
        if code:
            graph.add((node, DCTERMS.format, URIRef(f"{EU}file-type/{code}")))
    if res.get("mimetype"):
        graph.add((node, DCAT.mediaType,
                   URIRef(f"https://www.iana.org/assignments/media-types/{res['mimetype']}")))
    if isinstance(res.get("size"), int):
        graph.add((node, DCAT.byteSize, Literal(res["size"], datatype=XSD.nonNegativeInteger)))
    if res.get("sha256"):
        checksum = URIRef(f"{node}#sha256")
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(res["sha256"], datatype=XSD.hexBinary)))
    licence = _uri(package.get("license_url"))
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
        graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
        _text(graph, licence, RDFS.label, package.get("license_title"))
    for predicate, key in ((DCTERMS.issued, "created"), (DCTERMS.modified, "last_modified")):
        stamp = _datetime(res.get(key))
        if stamp is not None:
            graph.add((node, predicate, stamp))


def _coverage(graph: Graph, info: CatalogInfo, dataset: URIRef, package: dict[str, Any]) -> None:
    start, end = _date(package.get("temporal_start")), _date(package.get("temporal_end"))
    if start is not None or end is not None:
        period = URIRef(f"{dataset}#temporal")
        graph.add((dataset, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if start is not None:
            graph.add((period, DCAT.startDate, start))
        if end is not None:
            graph.add((period, DCAT.endDate, end))
    if package.get("spatial"):
        place = URIRef(f"{dataset}#spatial")
        graph.add((dataset, DCTERMS.spatial, place))
        graph.add((place, RDF.type, DCTERMS.Location))
        _text(graph, place, SKOS.prefLabel, package["spatial"], info.language)
        _text(graph, place, LOCN.geographicName, package["spatial"], info.language)


def add_dataset(graph: Graph, info: CatalogInfo, package: dict[str, Any]) -> URIRef:
    """Add one package dict (``package_show`` shape) as a ``dcat:Dataset``; returns its URI."""
    node = info.dataset_uri(package["name"])
    lang = info.language
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(package["id"]))))
    _text(graph, node, DCTERMS.title, package.get("title") or package["name"], lang)
    _text(graph, node, DCTERMS.title, package.get("title_en"), "en")
    _text(graph, node, DCTERMS.description, package.get("notes"), lang)
    _text(graph, node, DCTERMS.description, package.get("notes_en"), "en")
    graph.add((node, DCAT.landingPage, node))
    graph.add((node, DCTERMS.language, URIRef(f"{EU}language/VIE")))
    graph.add((node, DCTERMS.accessRights, URIRef(f"{EU}access-right/PUBLIC")))
    for tag in package.get("tags") or []:
        _text(graph, node, DCAT.keyword, tag.get("name"), lang)
    for group in package.get("groups") or []:
        theme = URIRef(f"{info.base}/group/{quote(group['name'])}")
        graph.add((node, DCAT.theme, theme))
        graph.add((theme, RDF.type, SKOS.Concept))
        _text(graph, theme, SKOS.prefLabel, group.get("title"), lang)
        _text(graph, theme, SKOS.prefLabel, group.get("title_en"), "en")
    if package.get("organization"):
        graph.add((node, DCTERMS.publisher, _publisher(graph, info, package["organization"])))
    _contact(graph, node, package)
    for predicate, key in ((DCTERMS.issued, "metadata_created"),
                           (DCTERMS.modified, "metadata_modified")):
        stamp = _datetime(package.get(key))
        if stamp is not None:
            graph.add((node, predicate, stamp))
    _text(graph, node, OWL.versionInfo, package.get("version"))
    frequency = FREQUENCIES.get(package.get("update_frequency") or "")
    if frequency:
        graph.add((node, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/{frequency}")))
    _coverage(graph, info, node, package)
    provenance = package.get("provenance") or {}
    source = _uri(provenance.get("source_url"))
    if source is not None:
        graph.add((node, DCTERMS.source, source))
    if provenance.get("source_identifier"):
        other = URIRef(f"{node}#source-identifier")
        graph.add((node, ADMS.identifier, other))
        graph.add((other, RDF.type, ADMS.Identifier))
        graph.add((other, SKOS.notation, Literal(str(provenance["source_identifier"]))))
    for res in package.get("resources") or []:
        _distribution(graph, info, node, package, res)
    return node


def catalog_graph(info: CatalogInfo, packages: Iterable[dict[str, Any]],
                  paging: Paging | None = None, modified: datetime | None = None) -> Graph:
    """The catalogue with these datasets (one page of them when ``paging`` is given)."""
    graph = new_graph()
    catalog = URIRef(f"{info.base}/catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _text(graph, catalog, DCTERMS.title, info.title, info.language)
    _text(graph, catalog, DCTERMS.title, info.title_en, "en")
    _text(graph, catalog, DCTERMS.description, info.description or info.title, info.language)
    graph.add((catalog, FOAF.homepage, URIRef(info.base + "/")))
    graph.add((catalog, DCTERMS.language, URIRef(f"{EU}language/VIE")))
    if modified is not None:
        graph.add((catalog, DCTERMS.modified, Literal(modified.replace(microsecond=0)
                                                      .isoformat(), datatype=XSD.dateTime)))
    for package in packages:
        graph.add((catalog, DCAT.dataset, add_dataset(graph, info, package)))
    if paging is not None:
        _add_paging(graph, paging)
    return graph


def _add_paging(graph: Graph, paging: Paging) -> None:
    """hydra paging, with both the current terms and the older ``PagedCollection`` ones that
    ckanext-dcat's harvester also reads."""
    view = URIRef(paging.page_url.format(page=paging.page))
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, RDF.type, HYDRA.PagedCollection))
    graph.add((view, HYDRA.totalItems, Literal(paging.total, datatype=XSD.integer)))
    graph.add((view, HYDRA.itemsPerPage, Literal(paging.per_page, datatype=XSD.integer)))
    links = {"first": 1, "last": paging.last}
    if paging.page > 1:
        links["previous"] = min(paging.page - 1, paging.last)
    if paging.page < paging.last:
        links["next"] = paging.page + 1
    for name, number in links.items():
        target = URIRef(paging.page_url.format(page=number))
        graph.add((view, HYDRA[name], target))
        graph.add((view, HYDRA[f"{name}Page"], target))


def dataset_graph(info: CatalogInfo, package: dict[str, Any]) -> Graph:
    """One dataset on its own, as ``/dataset/<name>.ttl`` serves it."""
    graph = new_graph()
    add_dataset(graph, info, package)
    return graph


# Plain RDF/XML: "pretty-xml" reads better but is four times slower on a 100-dataset page.
FORMATS = {"jsonld": ("json-ld", "application/ld+json"),
           "ttl": ("turtle", "text/turtle"),
           "rdf": ("xml", "application/rdf+xml"),
           "xml": ("xml", "application/rdf+xml")}
JSONLD_CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def serialize(graph: Graph, fmt: str) -> tuple[bytes, str]:
    """The graph as bytes in ``fmt`` (jsonld, ttl, rdf/xml) and its media type."""
    rdflib_format, media_type = FORMATS[fmt]
    if rdflib_format == "json-ld":
        text = graph.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)
    else:
        text = graph.serialize(format=rdflib_format)
    return text.encode("utf-8"), media_type

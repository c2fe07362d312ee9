"""Package dicts as a DCAT-AP 3.0.1 RDF graph (rdflib), for the national portal's DCAT harvester.

Mapping (DCAT-AP 3.0.1, https://semiceu.github.io/DCAT-AP/releases/3.0.1/):
dataset → ``dcat:Dataset`` at ``{site}/dataset/{name}`` (also its landing page); resource →
``dcat:Distribution``; organization → ``dct:publisher`` (``foaf:Organization``); maintainer →
``dcat:contactPoint`` (``vcard:Kind``); licence → ``dct:license`` on each distribution;
temporal coverage → ``dct:temporal`` (``dct:PeriodOfTime``); places → ``dct:spatial``
(``dct:Location`` with the gazetteer units' names, codes, bbox and centroid); update
frequency, file type, language and access rights → the EU authority tables; sha256 →
``spdx:checksum``; the upstream record → ``prov:wasDerivedFrom``. Vietnamese text carries
``@vi``, the English ``@en``.

Every value goes through :mod:`catalogue.dcat.terms`, and rdflib writes the formats: a title
with quotes, ``<``, ``{`` or newlines, or an e-mail that is no address, never breaks a feed
(issue 15). Zero violations of the official SHACL shapes are checked in the tests (issue 17).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, SKOS, XSD

from catalogue.dcat import vocab
from catalogue.dcat.places import Extent, dataset_place
from catalogue.dcat.places import country as vietnam_extent
from catalogue.dcat.terms import clean_text, http_iri, mailto_iri, media_type, text_literal
from catalogue.dcat.vocab import ADMS, DCATAP, HYDRA, LOCN, SPDX, VCARD, typed


@dataclass(frozen=True)
class CatalogInfo:
    """The catalogue's own description: where it lives, what it is called, who runs it."""

    site_url: str
    title: str
    title_en: str = ""
    description: str = ""
    language: str = "vi"
    publisher: str = ""  # the agency running the portal; empty: the portal's title

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
    for prefix, namespace in vocab.PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _text(graph: Graph, subject: URIRef | BNode, predicate: URIRef, value: Any,
          lang: str | None = None) -> bool:
    """Add the cleaned text if any is left; returns whether it was added."""
    literal = text_literal(value, lang)
    if literal is not None:
        graph.add((subject, predicate, literal))
    return literal is not None


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


def _organization(graph: Graph, node: URIRef, name: Any, name_en: Any, lang: str,
                  email: Any = None, website: Any = None) -> URIRef:
    """A ``foaf:Organization`` (``foaf:name`` is mandatory: the node's IRI when no name)."""
    typed(graph, node, FOAF.Organization, FOAF.Agent)
    if not _text(graph, node, FOAF.name, name, lang):
        graph.add((node, FOAF.name, Literal(str(node))))
    kind = vocab.publisher_type(graph, clean_text(name))
    if kind is not None:
        graph.add((node, DCTERMS.type, kind))
    _text(graph, node, FOAF.name, name_en, "en")
    mailbox = mailto_iri(email)
    if mailbox is not None:  # foaf:mbox is an IRI; an odd address is left out
        graph.add((node, FOAF.mbox, mailbox))
    homepage = http_iri(website)
    if homepage is not None:
        graph.add((node, FOAF.homepage, typed(graph, homepage, FOAF.Document)))
    return node


def _publisher(graph: Graph, info: CatalogInfo, org: dict[str, Any]) -> URIRef:
    node = URIRef(f"{info.base}/organization/{quote(str(org['name']))}")
    return _organization(graph, node, org.get("title") or org["name"], org.get("title_en"),
                         info.language, org.get("email"), org.get("website"))


def _contact(graph: Graph, dataset: URIRef, package: dict[str, Any]) -> None:
    name = clean_text(package.get("maintainer")) or clean_text(package.get("author"))
    email = clean_text(package.get("maintainer_email")) or clean_text(package.get("author_email"))
    if not (name or email):
        org = package.get("organization") or {}
        name, email = clean_text(org.get("title")), clean_text(org.get("email"))
    if not (name or email):
        return
    node = URIRef(f"{dataset}#contact")
    graph.add((dataset, DCAT.contactPoint, typed(graph, node, VCARD.Kind)))
    _text(graph, node, VCARD.fn, name)
    if email:
        # A plain address becomes a mailto: IRI; anything else stays text (still readable).
        graph.add((node, VCARD.hasEmail, mailto_iri(email) or Literal(email)))


def _distribution(graph: Graph, info: CatalogInfo, dataset: URIRef, package: dict[str, Any],
                  res: dict[str, Any]) -> None:
    node = URIRef(f"{dataset}/resource/{quote(str(res['id']))}")
    graph.add((dataset, DCAT.distribution, typed(graph, node, DCAT.Distribution)))
    graph.add((node, DCTERMS.identifier, Literal(clean_text(res["id"]))))
    _text(graph, node, DCTERMS.title, res.get("name"), info.language)
    fmt = clean_text(res.get("format")).upper()
    if not _text(graph, node, DCTERMS.description, res.get("description"), info.language):
        # DCAT-AP recommends a description; say what the file is rather than nothing.
        title = clean_text(package.get("title")) or str(package["name"])
        kind = f"Tệp {fmt}" if fmt else "Tệp"
        graph.add((node, DCTERMS.description, Literal(f"{kind} của bộ dữ liệu “{title}”",
                                                      lang="vi")))
    link = http_iri(res.get("url"))
    graph.add((node, DCAT.accessURL, link if link is not None else node))
    if link is not None and fmt not in vocab.SERVICE_FORMATS:  # a service is accessed, not
        graph.add((node, DCAT.downloadURL, link))              # downloaded
    file_type = vocab.file_type(graph, fmt) if fmt else None
    if file_type is not None:
        graph.add((node, DCTERMS.format, file_type))
    mime = media_type(res.get("mimetype"))
    if mime is not None:
        graph.add((node, DCAT.mediaType, vocab.media_type_iri(graph, mime)))
    size = res.get("size")
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        graph.add((node, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    digest = clean_text(res.get("sha256")).lower()
    if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
        checksum = typed(graph, URIRef(f"{node}#sha256"), SPDX.Checksum)
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
    licence = _licence(graph, info, package)
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    # Files this portal keeps are there for good; links into an agency's system are as
    # available as that system is.
    stored = res.get("url_type") == "upload"
    graph.add((node, DCATAP.availability,
               vocab.availability(graph, "STABLE" if stored else "AVAILABLE")))
    for predicate, key in ((DCTERMS.issued, "created"), (DCTERMS.modified, "last_modified")):
        stamp = _datetime(res.get(key))
        if stamp is not None:
            graph.add((node, predicate, stamp))


def _licence(graph: Graph, info: CatalogInfo, package: dict[str, Any]) -> URIRef | None:
    """The dataset's licence document: its published text, or for a licence without one (the
    statutory terms, "other open") a node in the catalogue carrying its title."""
    licence_id = clean_text(package.get("license_id"))
    node = http_iri(package.get("license_url"))
    if node is None:
        if not licence_id or licence_id == "not-specified":
            return None
        node = URIRef(f"{info.base}/catalog#licence-{quote(licence_id, safe='')}")
    typed(graph, node, DCTERMS.LicenseDocument)
    _text(graph, node, DCTERMS.title, package.get("license_title") or licence_id, info.language)
    for kind in vocab.licence_types(graph, licence_id):
        graph.add((node, DCTERMS.type, kind))
    return node


def _coverage(graph: Graph, info: CatalogInfo, dataset: URIRef, package: dict[str, Any]) -> None:
    start, end = _date(package.get("temporal_start")), _date(package.get("temporal_end"))
    if start is not None or end is not None:
        period = typed(graph, URIRef(f"{dataset}#temporal"), DCTERMS.PeriodOfTime)
        graph.add((dataset, DCTERMS.temporal, period))
        if start is not None:
            graph.add((period, DCAT.startDate, start))
        if end is not None:
            graph.add((period, DCAT.endDate, end))
    spatial = clean_text(package.get("spatial"))
    units, extent = dataset_place(package)
    if spatial or units or extent is not None:
        place = typed(graph, URIRef(f"{dataset}#spatial"), DCTERMS.Location)
        graph.add((dataset, DCTERMS.spatial, place))
        # The units' names as the label (issue 22), the source's own words kept beside.
        label = ", ".join(u.name for u in units) or spatial
        if label:
            graph.add((place, SKOS.prefLabel, Literal(label, lang=info.language)))
        if spatial:
            graph.add((place, LOCN.geographicName, Literal(spatial, lang=info.language)))
        for unit in units:
            graph.add((place, DCTERMS.identifier, Literal(unit.code)))
        if extent is not None:
            _geometry(graph, place, extent)


def _geometry(graph: Graph, place: URIRef, extent: Extent) -> None:
    graph.add((place, DCAT.bbox, Literal(extent.bbox_wkt, datatype=vocab.GSP.wktLiteral)))
    graph.add((place, DCAT.centroid, Literal(extent.centroid_wkt, datatype=vocab.GSP.wktLiteral)))


def _themes(graph: Graph, info: CatalogInfo, node: URIRef, groups: list[dict[str, Any]]) -> None:
    for group in groups:
        theme = typed(graph, URIRef(f"{info.base}/group/{quote(str(group['name']))}"),
                      SKOS.Concept)
        graph.add((node, DCAT.theme, theme))
        graph.add((theme, SKOS.inScheme, theme_scheme(info)))
        if not _text(graph, theme, SKOS.prefLabel, group.get("title"), info.language):
            graph.add((theme, SKOS.prefLabel, Literal(str(group["name"]))))
        _text(graph, theme, SKOS.prefLabel, group.get("title_en"), "en")


def theme_scheme(info: CatalogInfo) -> URIRef:
    """The portal's groups as a concept scheme: the catalogue's ``dcat:themeTaxonomy``."""
    return URIRef(f"{info.base}/group")


def add_dataset(graph: Graph, info: CatalogInfo, package: dict[str, Any]) -> URIRef:
    """Add one package dict (``package_show`` shape) as a ``dcat:Dataset``; returns its URI."""
    node = info.dataset_uri(package["name"])
    lang = info.language
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(clean_text(package["id"]))))
    title = clean_text(package.get("title")) or str(package["name"])
    graph.add((node, DCTERMS.title, Literal(title, lang=lang)))
    _text(graph, node, DCTERMS.title, package.get("title_en"), "en")
    # dct:description is mandatory in DCAT-AP: the title says what the dataset is when the
    # agency wrote nothing more.
    if not _text(graph, node, DCTERMS.description, package.get("notes"), lang):
        graph.add((node, DCTERMS.description, Literal(title, lang=lang)))
    _text(graph, node, DCTERMS.description, package.get("notes_en"), "en")
    # The dataset's IRI is its page on the portal, so it is its own landing page.
    graph.add((node, DCAT.landingPage, typed(graph, node, FOAF.Document)))
    graph.add((node, DCTERMS.language, vocab.language(graph)))
    graph.add((node, DCTERMS.accessRights, vocab.public_access(graph)))
    for tag in package.get("tags") or []:
        _text(graph, node, DCAT.keyword, tag.get("name"), lang)
    _themes(graph, info, node, package.get("groups") or [])
    if package.get("organization"):
        graph.add((node, DCTERMS.publisher, _publisher(graph, info, package["organization"])))
    _contact(graph, node, package)
    for predicate, key in ((DCTERMS.issued, "metadata_created"),
                           (DCTERMS.modified, "metadata_modified")):
        stamp = _datetime(package.get(key))
        if stamp is not None:
            graph.add((node, predicate, stamp))
    _text(graph, node, OWL.versionInfo, package.get("version"))
    frequency = vocab.frequency(graph, package.get("update_frequency") or "")
    if frequency is not None:
        graph.add((node, DCTERMS.accrualPeriodicity, frequency))
    _coverage(graph, info, node, package)
    provenance = package.get("provenance") or {}
    source = http_iri(provenance.get("source_url"))
    if source is not None:
        # The agency's own record of this dataset (not a dcat:Dataset we describe).
        graph.add((node, PROV.wasDerivedFrom, source))
    notation = clean_text(provenance.get("source_identifier"))
    if notation:
        other = typed(graph, URIRef(f"{node}#source-identifier"), ADMS.Identifier)
        graph.add((node, ADMS.identifier, other))
        graph.add((other, SKOS.notation, Literal(notation)))
    for res in package.get("resources") or []:
        _distribution(graph, info, node, package, res)
    _descriptor_distribution(graph, info, node, package)
    return node


DATA_PACKAGE_PROFILE = URIRef("https://datapackage.org/profiles/2.0/datapackage.json")


def _descriptor_distribution(graph: Graph, info: CatalogInfo, dataset: URIRef,
                             package: dict[str, Any]) -> None:
    """The dataset's Frictionless descriptor (``/dataset/<name>/datapackage.json``) as one
    more distribution, conforming to the Data Package profile (issue 17)."""
    node = typed(graph, URIRef(f"{dataset}/datapackage.json"), DCAT.Distribution)
    graph.add((dataset, DCAT.distribution, node))
    graph.add((node, DCTERMS.title, Literal("Mô tả gói dữ liệu (Frictionless Data Package)",
                                            lang="vi")))
    graph.add((node, DCTERMS.title, Literal("Data package descriptor (Frictionless)",
                                            lang="en")))
    graph.add((node, DCTERMS.description, Literal(
        "Mô tả máy đọc được của bộ dữ liệu: các tệp, kích thước, mã băm và lược đồ bảng.",
        lang="vi")))
    graph.add((node, DCAT.accessURL, node))
    graph.add((node, DCAT.downloadURL, node))
    file_type = vocab.file_type(graph, "JSON")
    if file_type is not None:
        graph.add((node, DCTERMS.format, file_type))
    graph.add((node, DCAT.mediaType, vocab.media_type_iri(graph, "application/json")))
    graph.add((node, DCTERMS.conformsTo, typed(graph, DATA_PACKAGE_PROFILE, DCTERMS.Standard)))
    graph.add((DATA_PACKAGE_PROFILE, DCTERMS.title, Literal("Data Package 2.0", lang="en")))
    licence = _licence(graph, info, package)
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    graph.add((node, DCATAP.availability, vocab.availability(graph, "STABLE")))


def _add_catalog(graph: Graph, info: CatalogInfo, issued: datetime | None,
                 modified: datetime | None) -> URIRef:
    catalog = typed(graph, URIRef(f"{info.base}/catalog"), DCAT.Catalog)
    title = clean_text(info.title) or info.base
    graph.add((catalog, DCTERMS.title, Literal(title, lang=info.language)))
    _text(graph, catalog, DCTERMS.title, info.title_en, "en")
    graph.add((catalog, DCTERMS.description,
               Literal(clean_text(info.description) or title, lang=info.language)))
    publisher = URIRef(f"{info.base}/catalog#publisher")
    graph.add((catalog, DCTERMS.publisher,
               _organization(graph, publisher, info.publisher or title, None, info.language,
                             website=info.base + "/")))
    graph.add((catalog, FOAF.homepage, typed(graph, URIRef(info.base + "/"), FOAF.Document)))
    graph.add((catalog, DCTERMS.language, vocab.language(graph)))
    country = vocab.vietnam(graph)
    graph.add((catalog, DCTERMS.spatial, country))
    _geometry(graph, country, vietnam_extent())
    scheme = typed(graph, theme_scheme(info), SKOS.ConceptScheme)
    graph.add((scheme, DCTERMS.title, Literal("Lĩnh vực", lang="vi")))
    graph.add((scheme, DCTERMS.title, Literal("Themes", lang="en")))
    graph.add((catalog, DCAT.themeTaxonomy, scheme))
    for predicate, stamp in ((DCTERMS.issued, issued), (DCTERMS.modified, modified)):
        if stamp is not None:
            graph.add((catalog, predicate, Literal(stamp.replace(microsecond=0).isoformat(),
                                                   datatype=XSD.dateTime)))
    return catalog


def catalog_graph(info: CatalogInfo, packages: Iterable[dict[str, Any]],
                  paging: Paging | None = None, modified: datetime | None = None,
                  issued: datetime | None = None) -> Graph:
    """The catalogue with these datasets (one page of them when ``paging`` is given).

    ``issued`` and ``modified`` are the catalogue's first and latest change.
    """
    graph = new_graph()
    catalog = _add_catalog(graph, info, issued, modified)
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

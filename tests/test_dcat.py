"""DCAT-AP 3 feeds: valid RDF in every format, the mapping, paging, and no private data."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

import portal.dcat
from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset
from catalogue.dcat import CatalogInfo, Paging, catalog_graph, serialize
from catalogue.dcat.vocab import LOCN
from catalogue.places.gazetteer import gazetteer

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
# rdflib's own JSON-LD parser builds a ConjunctiveGraph internally and warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
FORMATS = {"jsonld": "json-ld", "ttl": "turtle", "rdf": "xml"}
BASE = "http://portal.test"
SHA = "a" * 64


@pytest.fixture
def published(catalogue: Catalogue, org: str) -> Catalogue:
    with catalogue.unit("test") as uow:
        create_dataset(uow, {
            "name": "quan-trac-nuoc", "title": "Quan trắc nước mặt", "title_en": "Surface water",
            "notes": "Số liệu quan trắc", "owner_org": org, "tags": ["nước"],
            "groups": ["moi-truong"], "license_id": "CC-BY-4.0", "maintainer": "Phòng Môi trường",
            "maintainer_email": "moitruong@quangninh.gov.vn", "temporal_start": "2020",
            "temporal_end": "2024-06-30", "spatial": "Quảng Ninh", "update_frequency": "monthly",
            "resources": [{"url": "http://agency.test/nuoc.csv", "name": "Số liệu 2024",
                           "format": "CSV", "size": 1234, "sha256": SHA}]})
        create_dataset(uow, {"name": "mat-noi-bo", "title": "Bí mật nội bộ", "owner_org": org,
                             "private": True, "notes": "KHÔNG CÔNG KHAI",
                             "resources": [{"url": "http://agency.test/secret.csv"}]})
        create_dataset(uow, {"name": "nhap", "title": "Bản nháp", "owner_org": org,
                             "state": "draft"})
        uow.commit()
    return catalogue


def _graph(client: FlaskClient, url: str, fmt: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    graph = Graph()
    graph.parse(data=response.data, format=FORMATS[fmt])
    return graph


def test_catalog_parses_in_every_format(client: FlaskClient, published: Catalogue) -> None:
    for fmt in FORMATS:
        graph = _graph(client, f"/catalog.{fmt}", fmt)
        catalog = URIRef(f"{BASE}/catalog")
        assert (catalog, RDF.type, DCAT.Catalog) in graph
        datasets = set(graph.objects(catalog, DCAT.dataset))
        assert datasets == {URIRef(f"{BASE}/dataset/quan-trac-nuoc")}


def test_private_and_draft_data_never_appear(client: FlaskClient, published: Catalogue) -> None:
    for fmt in FORMATS:
        body = client.get(f"/catalog.{fmt}").get_data(as_text=True)
        for secret in ("mat-noi-bo", "Bí mật", "KHÔNG CÔNG KHAI", "secret.csv", "nhap"):
            assert secret not in body
        for name in ("mat-noi-bo", "nhap", "khong-co"):
            assert client.get(f"/dataset/{name}.{fmt}").status_code == 404


def test_dataset_document_maps_dcat_ap_in_every_format(client: FlaskClient,
                                                       published: Catalogue) -> None:
    for fmt in FORMATS:
        _check_mapping(_graph(client, f"/dataset/quan-trac-nuoc.{fmt}", fmt))


def _check_mapping(graph: Graph) -> None:
    ds = URIRef(f"{BASE}/dataset/quan-trac-nuoc")
    assert (ds, RDF.type, DCAT.Dataset) in graph
    assert (ds, DCTERMS.title, Literal("Quan trắc nước mặt", lang="vi")) in graph
    assert (ds, DCTERMS.title, Literal("Surface water", lang="en")) in graph
    assert (ds, DCAT.keyword, Literal("nước", lang="vi")) in graph
    assert (ds, DCTERMS.accrualPeriodicity,
            URIRef("http://publications.europa.eu/resource/authority/frequency/MONTHLY")) in graph
    publisher = graph.value(ds, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert graph.value(publisher, FOAF.name, any=True) is not None
    contact = graph.value(ds, DCAT.contactPoint)
    assert (contact, VCARD.hasEmail, URIRef("mailto:moitruong@quangninh.gov.vn")) in graph
    period = graph.value(ds, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2020-01-01", datatype=XSD.date)
    assert graph.value(period, DCAT.endDate) == Literal("2024-06-30", datatype=XSD.date)
    assert graph.value(ds, DCTERMS.spatial) is not None
    descriptor = URIRef(f"{ds}/datapackage.json")
    assert (ds, DCAT.distribution, descriptor) in graph
    assert (descriptor, DCTERMS.conformsTo,
            URIRef("https://datapackage.org/profiles/2.0/datapackage.json")) in graph
    (dist,) = set(graph.objects(ds, DCAT.distribution)) - {descriptor}
    assert (dist, RDF.type, DCAT.Distribution) in graph
    assert (dist, DCAT.downloadURL, URIRef("http://agency.test/nuoc.csv")) in graph
    assert (dist, DCTERMS.format,
            URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")) in graph
    assert (dist, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) \
        in graph
    assert graph.value(dist, DCAT.byteSize).toPython() == 1234
    checksum = graph.value(dist, SPDX.checksum)
    assert str(graph.value(checksum, SPDX.checksumValue)) == SHA


def test_catalog_pages_with_hydra(client: FlaskClient, catalogue: Catalogue, org: str,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Ten per page instead of a hundred: the same paging with fewer datasets to create.
    monkeypatch.setattr(portal.dcat, "PAGE_SIZE", 10)
    with catalogue.unit("test") as uow:
        for number in range(15):
            create_dataset(uow, {"name": f"bo-du-lieu-{number:03d}", "owner_org": org})
        uow.commit()
    first = _graph(client, "/catalog.ttl", "ttl")
    view = URIRef(f"{BASE}/catalog.ttl?page=1")
    assert first.value(view, HYDRA.totalItems).toPython() == 15
    assert first.value(view, HYDRA.next) == URIRef(f"{BASE}/catalog.ttl?page=2")
    assert first.value(view, HYDRA.nextPage) == URIRef(f"{BASE}/catalog.ttl?page=2")
    assert len(set(first.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset))) == 10
    second = _graph(client, "/catalog.ttl?page=2", "ttl")
    assert len(set(second.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset))) == 5
    assert second.value(URIRef(f"{BASE}/catalog.ttl?page=2"), HYDRA.next) is None
    assert client.get("/catalog.ttl?page=0").status_code == 400
    assert client.get("/catalog.ttl?page=abc").status_code == 400


def test_modified_since_keeps_recent_changes(client: FlaskClient, published: Catalogue) -> None:
    recent = _graph(client, "/catalog.ttl?modified_since=2026-01-01", "ttl")
    assert len(set(recent.subjects(RDF.type, DCAT.Dataset))) == 1
    later = _graph(client, "/catalog.ttl?modified_since=2027-01-01T00:00:00Z", "ttl")
    assert len(set(later.subjects(RDF.type, DCAT.Dataset))) == 0
    assert client.get("/catalog.ttl?modified_since=yesterday").status_code == 400


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_graph_round_trips_through_rdflib(fmt: str) -> None:
    info = CatalogInfo(BASE, "Cổng dữ liệu mở", "Open Data Portal")
    package = {
        "id": "1", "name": "x-y", "title": "Tiêu đề \"có\" <dấu>", "notes": "Dòng 1\nDòng 2",
        "metadata_created": "2026-03-02T08:30:00", "metadata_modified": "2026-03-02T08:30:00",
        "tags": [{"name": "đất đai"}], "groups": [{"name": "dat-dai", "title": "Đất đai"}],
        "organization": {"name": "so", "title": "Sở", "email": "a@b.vn"},
        "license_url": "https://creativecommons.org/licenses/by/4.0/", "license_title": "CC",
        "resources": [{"id": "r1", "url": "https://x.test/a b.csv", "format": "CSV"}],
    }
    paging = Paging(1, 100, 1, f"{BASE}/catalog.ttl?page={{page}}")
    original = catalog_graph(info, [package], paging, datetime(2026, 3, 2))
    body, _ = serialize(original, fmt)
    parsed = Graph().parse(data=body, format=FORMATS[fmt])
    assert isomorphic(original, parsed)


def test_a_province_gets_its_bbox_and_centroid() -> None:
    info = CatalogInfo(BASE, "Cổng dữ liệu mở")
    graph = catalog_graph(info, [
        {"id": "1", "name": "a", "spatial": "Tỉnh Bà Rịa - Vũng Tàu"},
        {"id": "2", "name": "b", "spatial": "Huyện Vân Đồn, xã Quan Lạn",
         "temporal_end": "2024-12-31"},
        {"id": "3", "name": "c", "spatial": "Lưu vực sông Mê Kông"}])
    wkt = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
    # The gazetteer's unit (issue 22): its name, code, box and centre.
    (province,) = gazetteer().match_name("Tỉnh Bà Rịa - Vũng Tàu")
    place = URIRef(f"{BASE}/dataset/a#spatial")
    assert (place, RDF.type, DCTERMS.Location) in graph
    assert graph.value(place, DCAT.centroid) == Literal(province.centroid_wkt, datatype=wkt)
    assert graph.value(place, DCAT.bbox) == Literal(province.bbox_wkt, datatype=wkt)
    assert graph.value(place, DCTERMS.identifier) == Literal("77")
    # A commune named with its district: the commune, the source's words kept.
    commune = URIRef(f"{BASE}/dataset/b#spatial")
    assert str(graph.value(commune, SKOS.prefLabel)) == "Xã Quan Lạn"
    assert str(graph.value(commune, LOCN.geographicName)) == "Huyện Vân Đồn, xã Quan Lạn"
    assert graph.value(commune, DCAT.bbox) is not None
    # Words the gazetteer does not know: a label, no geometry.
    basin = URIRef(f"{BASE}/dataset/c#spatial")
    assert str(graph.value(basin, SKOS.prefLabel)) == "Lưu vực sông Mê Kông"
    assert graph.value(basin, DCAT.bbox) is None

"""Every DCAT feed stays valid RDF whatever a literal holds (issue 15).

Quotes, ``<``, ``{``, backslashes, newlines and control characters in titles, maintainers and
e-mails, and links with characters an IRI may not hold: written through the API, then every
feed (catalogue and dataset, Turtle, JSON-LD, RDF/XML, both profiles) is parsed back by rdflib
and checked by the DCAT-AP shapes. An e-mail becomes a ``mailto:`` IRI only when it is a plain
address; anything else stays a literal.
"""

from __future__ import annotations

import pytest
from conftest import TokenFactory
from dcat_shapes import check
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from catalogue.context import Catalogue
from catalogue.dcat import CatalogInfo, catalog_graph, serialize, to_dcat_ap_2
from catalogue.organizations.service import create_organization

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}
BASE = "http://portal.test"
VCARD_EMAIL = URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")
TITLE = 'Tiêu đề "trích" <b>đậm</b> {"@id": "x"} \\ \'\'\' """ ]]> &amp; ^^xsd:int @en\tcuối'
NOTES = "Dòng 1\nDòng 2\r\nDòng 3 \x0b\x1b[31m đỏ \x7f"
HOSTILE_EMAILS = ['a"b<c>{d}@x.vn', '"><svg/onload=alert(1)>@evil.vn', "x@y.vn}\"'",
                  "back\\slash@x.vn"]


def _create(client: FlaskClient, token: str, **fields: object) -> None:
    response = client.post("/api/3/action/package_create", json=fields,
                           headers={"Authorization": token})
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def hostile(client: FlaskClient, catalogue: Catalogue, api_token: TokenFactory) -> list[str]:
    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-la", "title": 'Sở "Lạ" <x>\nhai dòng',
                                  "email": 'so"la<{}>@x.vn',
                                  "website": 'https://so.la/"><script>{}\n'})
        uow.commit()
    token = api_token("quantri", sysadmin=True)
    names = []
    for number, email in enumerate(HOSTILE_EMAILS):
        name = f"du-lieu-la-{number}"
        _create(client, token, name=name, title=TITLE, notes=NOTES, owner_org="so-la",
                maintainer='Nguyễn "Ba" <script>\n{x}', maintainer_email=email,
                license_id="CC-BY-4.0", version='1.0"<', spatial='Quảng "Ninh" <{}>',
                resources=[{"url": 'http://agency.test/a b"<{}>|^`.csv', "name": TITLE,
                            "format": 'CSV"<', "mimetype": 'text/csv"><x',
                            "description": NOTES}])
        names.append(name)
    _create(client, token, name="du-lieu-thuong", title="Thường", owner_org="so-la",
            maintainer_email="lan.nguyen@quangninh.gov.vn")
    return names


def _parse(client: FlaskClient, url: str, fmt: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200, (url, response.data[:300])
    return Graph().parse(data=response.data, format=FORMATS[fmt])


@pytest.mark.parametrize("profile", ["dcat-ap-3", "dcat-ap-2"])
def test_hostile_text_keeps_every_feed_valid(client: FlaskClient, hostile: list[str],
                                             profile: str) -> None:
    expected_notes = "Dòng 1\nDòng 2\r\nDòng 3   [31m đỏ \x7f"  # controls → spaces
    for fmt in FORMATS:
        urls = [f"/catalog.{fmt}"] + [f"/dataset/{name}.{fmt}" for name in hostile]
        for url in urls:
            graph = _parse(client, f"{url}?profile={profile}", fmt)
            assert check(graph, profile).violations == [], url
            for name in hostile:
                node = URIRef(f"{BASE}/dataset/{name}")
                if (node, RDF.type, DCAT.Dataset) not in graph:
                    continue
                assert (node, DCTERMS.title, Literal(TITLE, lang="vi")) in graph
                assert (node, DCTERMS.description, Literal(expected_notes, lang="vi")) in graph
                contact = graph.value(node, DCAT.contactPoint)
                email = graph.value(contact, VCARD_EMAIL)
                assert isinstance(email, Literal)  # not a plain address: text, not an IRI
                assert str(email) in HOSTILE_EMAILS
                downloads = {graph.value(dist, DCAT.downloadURL)
                             for dist in graph.objects(node, DCAT.distribution)}
                # The file's address percent-encoded (the other distribution is the
                # dataset's data package descriptor).
                assert URIRef("http://agency.test/a%20b%22%3C%7B%7D%3E%7C%5E%60.csv") in downloads


def test_plain_addresses_become_mailto_iris(client: FlaskClient, hostile: list[str]) -> None:
    graph = _parse(client, "/dataset/du-lieu-thuong.ttl", "ttl")
    contact = graph.value(URIRef(f"{BASE}/dataset/du-lieu-thuong"), DCAT.contactPoint)
    assert graph.value(contact, VCARD_EMAIL) == URIRef("mailto:lan.nguyen@quangninh.gov.vn")
    publisher = URIRef(f"{BASE}/organization/so-la")
    assert graph.value(publisher, FOAF.mbox) is None  # foaf:mbox is an IRI or nothing
    assert graph.value(publisher, FOAF.homepage) == URIRef(
        "https://so.la/%22%3E%3Cscript%3E%7B%7D")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_text_no_request_can_carry_still_serialises(fmt: str) -> None:
    # What no door lets in today (NUL, lone surrogates, newlines in an e-mail) but a future
    # one might: the graph builder cleans it rather than writing a feed nobody can read.
    info = CatalogInfo(BASE, "Cổng\x00 dữ liệu", "Open\ud800 Data")
    package = {
        "id": "1\x01", "name": "x-y", "title": "\x00\x01\x02", "notes": "a\ud83d\x00b\uffff",
        "maintainer": "A\x1fB", "maintainer_email": "x@y.vn\nBcc: z@w.vn",
        "tags": [{"name": "đất\x08đai"}], "groups": [{"name": "g", "title": "\x0c"}],
        "organization": {"name": "so", "title": "\x00", "email": "a@b.vn\r\n"},
        "license_id": "other-open", "license_title": "Khác\x00",
        "resources": [{"id": "r1", "url": "https://x.test/\x00a\nb.csv", "format": "\x00",
                       "mimetype": "text/csv\x00", "sha256": "zz" * 32, "size": -1}],
    }
    for graph in (catalog_graph(info, [package]), to_dcat_ap_2(catalog_graph(info, [package]))):
        body, _ = serialize(graph, fmt)
        parsed = Graph().parse(data=body, format=FORMATS[fmt])
        assert isomorphic(graph, parsed)
        dataset = URIRef(f"{BASE}/dataset/x-y")
        assert parsed.value(dataset, DCTERMS.title) == Literal("x-y", lang="vi")
        contact = parsed.value(dataset, DCAT.contactPoint)
        assert parsed.value(contact, VCARD_EMAIL) == Literal("x@y.vn\nBcc: z@w.vn")
        assert check(parsed, "dcat-ap-3").violations == []


def test_atom_feed_stays_valid_xml_whatever_a_title_holds(client: FlaskClient,
                                                          hostile: list[str]) -> None:
    # A sibling of the RDF feeds (issue 15): the Atom feed is XML 1.0 too.
    from xml.etree import ElementTree

    response = client.get("/feeds/dataset.atom")
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.data)
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    assert TITLE in titles
    summaries = [entry.findtext(f"{atom}summary") for entry in feed.iter(f"{atom}entry")]
    assert any(s and s.startswith("Dòng 1\nDòng 2") for s in summaries)

"""The ``dcat`` source: Turtle with hydra paging, JSON-LD, broken RDF, hostile RDF/XML."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from catalogue.context import Catalogue
from tests.harvest_servers import datasets, harvest, make_source, static_server

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _dataset(name: str, base: str, rights: str = "PUBLIC") -> str:
    return f"""
<https://dulieu.example/dataset/{name}> a dcat:Dataset ;
    dct:identifier "{name}" ;
    dct:title "Di tích {name}"@vi, "Relics {name}"@en ;
    dct:description "Danh mục di tích"@vi ;
    dcat:keyword "di tích"@vi, "văn hóa"@vi ;
    dcat:theme <https://dulieu.example/chu-de/van-hoa-the-thao-du-lich> ;
    dct:license <https://creativecommons.org/licenses/by/4.0/> ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/{rights}> ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/ANNUAL> ;
    dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020-01-01"^^xsd:date ;
                   dcat:endDate "2024-12-31"^^xsd:date ] ;
    dct:modified "2024-12-31"^^xsd:date ;
    dcat:distribution <https://dulieu.example/dataset/{name}/csv> .
<https://dulieu.example/dataset/{name}/csv> a dcat:Distribution ;
    dct:title "Bảng CSV"@vi ;
    dcat:downloadURL <{base}data/{name}.csv> ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> .
<https://dulieu.example/chu-de/van-hoa-the-thao-du-lich> skos:notation "van-hoa-the-thao-du-lich" .
"""


def _catalogue(root: Path, base: str) -> None:
    (root / "data").mkdir(parents=True, exist_ok=True)
    for name in ("di-tich", "le-hoi", "bao-tang", "mat"):
        (root / "data" / f"{name}.csv").write_text("ten,huyen\nPác Bó,Hà Quảng\n",
                                                   encoding="utf-8")
    (root / "page1.ttl").write_text(
        PREFIXES + _dataset("di-tich", base) + _dataset("le-hoi", base)
        + f"<{base}page1.ttl> a hydra:PartialCollectionView ; hydra:next <{base}page2.ttl> .\n",
        encoding="utf-8")
    (root / "page2.ttl").write_text(
        PREFIXES + _dataset("bao-tang", base) + _dataset("mat", base, "NON_PUBLIC"),
        encoding="utf-8")


def test_turtle_catalogue_with_hydra_paging(catalogue: Catalogue, org: str, home: Path,
                                            tmp_path: Path) -> None:
    root = tmp_path / "dcat"
    root.mkdir()
    with static_server(root) as base:
        _catalogue(root, base)
        source = make_source("dcat", url=f"{base}page1.ttl")
        summary = harvest(catalogue, source, home)
        assert summary.counts["new"] == 3 and summary.counts["skipped"] == 1
        found = datasets(catalogue, source.name)
        relics = found["di-tich"]
        assert relics.title == "Di tích di-tich" and relics.title_en == "Relics di-tich"
        assert relics.update_frequency == "annual" and str(relics.temporal_start) == "2020-01-01"
        assert [g.name for g in relics.groups] == ["van-hoa-the-thao-du-lich"]
        assert relics.resources[0].validation_status == "valid"
        assert "mat" not in found
        assert harvest(catalogue, source, home).counts["unchanged"] == 3


def test_json_ld_catalogue(catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    root = tmp_path / "dcat"
    root.mkdir()
    with static_server(root) as base:
        _catalogue(root, base)
        graph = Graph().parse(root / "page2.ttl", format="turtle")
        (root / "catalog.jsonld").write_text(graph.serialize(format="json-ld"), encoding="utf-8")
        summary = harvest(catalogue, make_source("dcat", url=f"{base}catalog.jsonld"), home)
    assert summary.counts["new"] == 1 and summary.counts["skipped"] == 1, summary


def test_invalid_rdf_fails_the_job(catalogue: Catalogue, org: str, home: Path,
                                   tmp_path: Path) -> None:
    root = tmp_path / "dcat"
    root.mkdir()
    (root / "broken.ttl").write_text(PREFIXES + "<a> a dcat:Dataset ; dct:title \"x .\n")
    with static_server(root) as base:
        summary = harvest(catalogue, make_source("dcat", url=f"{base}broken.ttl"), home)
    assert summary.status == "failed" and "not valid turtle" in summary.message


def test_rdf_xml_entity_expansion_is_refused(catalogue: Catalogue, org: str, home: Path,
                                             tmp_path: Path) -> None:
    root = tmp_path / "dcat"
    root.mkdir()
    (root / "bomb.rdf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><x>&b;</x></rdf:RDF>')
    with static_server(root) as base:
        summary = harvest(catalogue, make_source("dcat", url=f"{base}bomb.rdf"), home)
    assert summary.status == "failed" and "RDF/XML refused" in summary.message


def test_remote_catalogue_cannot_make_us_read_local_files(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    root = tmp_path / "dcat"
    root.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    (root / "evil.ttl").write_text(PREFIXES + _dataset("evil", "").replace(
        "<data/evil.csv>", f"<{secret.as_uri()}>"), encoding="utf-8")
    with static_server(root) as base:
        summary = harvest(catalogue, make_source("dcat", url=f"{base}evil.ttl"), home)
    assert summary.counts["failed"] == 1 and summary.counts["new"] == 0

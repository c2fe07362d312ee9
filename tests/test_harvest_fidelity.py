"""Real records mapped faithfully, or held for review: licences, access rights, coverage
(issue 16 items 1, 2, 7). Every test reads real published records from
../shared/fixtures/real (see SOURCES.md there)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from real_records import REAL, ckan_record, file_records, real_packages

from harvesters.rights import (
    HOLD_ACCESS_UNKNOWN,
    HOLD_LICENCE_MISSING,
    HOLD_LICENCE_NOT_OPEN,
    HOLD_LICENCE_UNKNOWN,
    REFUSED_EMPTY,
    REFUSED_NOT_PUBLIC,
)
from licenses import get_license
from licenses.matching import find_license


def _starts(reasons: list[str], prefix: str) -> bool:
    return any(r.startswith(prefix) for r in reasons)


# ---- 1. licences fail closed ----------------------------------------------------------------

def test_every_licence_statement_in_the_real_ckan_records_maps_to_one_exact_licence() -> None:
    seen = {}
    for pkg in real_packages().values():
        for value in (pkg.get("license_id"), pkg.get("license_title"), pkg.get("license_url"),
                      pkg.get("license")):
            if value:
                found = find_license(str(value))
                seen[str(value)] = found.id if found else None
    assert seen == {
        "cc-by-igo": "CC-BY-3.0-IGO",
        "Creative Commons Attribution for Intergovernmental Organisations": "CC-BY-3.0-IGO",
        "http://creativecommons.org/licenses/by/3.0/igo/legalcode": "CC-BY-3.0-IGO",
        "cc-nc": "CC-BY-NC-2.0",
        "Creative Commons Non-Commercial (Any)": "CC-BY-NC-2.0",
        "http://creativecommons.org/licenses/by-nc/2.0/": "CC-BY-NC-2.0",
        "other-open": "other-open",
        "http://creativecommons.org/licenses/by/3.0/": "CC-BY-3.0",
    }


@pytest.mark.parametrize(("stated", "expected", "is_open"), [
    ("http://publications.europa.eu/resource/authority/licence/CC_BYNCND_3_0",
     "CC-BY-NC-ND-3.0", False),
    ("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0", "CC-BY-4.0", True),
    ("http://publications.europa.eu/resource/authority/licence/CC_BYSA_3_0", "CC-BY-SA-3.0",
     True),
    ("http://publications.europa.eu/resource/authority/licence/CC_BYND_4_0", "CC-BY-ND-4.0",
     False),
    ("http://publications.europa.eu/resource/authority/licence/CC0", "CC0-1.0", True),
    ("http://publications.europa.eu/resource/authority/licence/ODC_ODBL", "ODbL-1.0", True),
    ("http://dcat-ap.de/def/licenses/cc-zero", "CC0-1.0", True),
    ("http://dcat-ap.de/def/licenses/dl-by-de/2.0", "dl-de-by-2.0", True),
    ("https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode.vi", "CC-BY-NC-SA-4.0",
     False),
    ("https://creativecommons.org/licenses/by-sa/2.0/deed.en", "CC-BY-SA-2.0", True),
    ("https://creativecommons.org/licenses/by-nc/3.0/igo/", "CC-BY-NC-3.0-IGO", False),
    ("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
     "OGL-UK-3.0", True),
    ("uk-ogl", "OGL-UK-3.0", True), ("odc-odbl", "ODbL-1.0", True),
    ("other-closed", "other-closed", False), ("other-nc", "other-nc", False),
    ("notspecified", "not-specified", False), ("Other (Not Open)", "other-closed", False),
    ("http://www.usa.gov/publicdomain/label/1.0/", "us-pd", True),
    ("https://www.usa.gov/government-works", "us-pd", True),
    ("ca-ogl-lgo", "OGL-Canada-2.0", True),
    ("http://publications.europa.eu/resource/authority/licence/COM_REUSE", "EU-COM-REUSE",
     True),
    # titles as catalogues write them
    ("CC BY-NC 4.0", "CC-BY-NC-4.0", False), ("CC BY-SA 3.0 IGO", "CC-BY-SA-3.0-IGO", True),
    ("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
     "CC-BY-NC-SA-4.0", False),
    ("Creative Commons Attribution-NoDerivs 3.0 Unported", "CC-BY-ND-3.0", False),
    ("Creative Commons Attribution 4.0 International (CC BY 4.0)", "CC-BY-4.0", True),
    ("CC0 1.0 Universal", "CC0-1.0", True), ("cc-by-nc", "CC-BY-NC-4.0", False),
    ("Dữ liệu mở", "vn-open-data-terms", True), ("PDDL", "ODC-PDDL-1.0", True),
])
def test_licence_ids_titles_and_urls_map_to_the_exact_licence(stated: str, expected: str,
                                                               is_open: bool) -> None:
    found = find_license(stated)
    assert found is not None and found.id == expected and found.open is is_open


@pytest.mark.parametrize("stated", [
    "https://project-open-data.cio.gov/unknown-license",  # ARM's data.json
    "https://datos.madrid.es/egob/catalogo/aviso-legal",  # datos.gob.es
    "https://url.to.license",  # ckanext-dcat's afs example
    "https://creativecommons.org/licenses/by/9.0/", "hdx-other", "", "CC BY 9.9",
    "Creative Commons Namensnennung 4.0",  # a translation we do not read: unknown, held
    # Jurisdiction ports are their own legal texts, not the unported licence
    "https://creativecommons.org/licenses/by/3.0/au/",
    "http://creativecommons.org/licenses/by-sa/2.5/au",
    "https://creativecommons.org/licenses/by/3.0/vn/legalcode", "CC BY-SA 3.0 AU",
])
def test_a_licence_we_cannot_place_exactly_is_unknown_not_open(stated: str) -> None:
    assert find_license(stated) is None


def test_hdx_igo_licence_publishes_with_the_exact_licence_and_keeps_what_the_source_said(
        ) -> None:
    record = ckan_record("unesco-data-for-zimbabwe")
    assert record.license == "CC-BY-3.0-IGO" and record.hold_reasons == []
    assert record.extras["source_license_url"] == \
        "http://creativecommons.org/licenses/by/3.0/igo/legalcode"
    assert ckan_record("wfp-food-prices").license == "CC-BY-3.0-IGO"


def test_non_commercial_ckan_licence_is_kept_exactly_and_held_never_made_open() -> None:
    record = ckan_record("warandpeace", default_license="CC-BY-4.0")
    assert record.license == "CC-BY-NC-2.0"
    assert get_license(record.license) is not None and not get_license(record.license).open
    assert _starts(record.hold_reasons, HOLD_LICENCE_NOT_OPEN)
    assert (record.extras["source_license_id"], record.extras["source_license_title"]) == (
        "cc-nc", "Creative Commons Non-Commercial (Any)")


def test_ckanext_dcat_resource_licence_counts_when_the_dataset_names_none() -> None:
    record = ckan_record("test-dataset-shacl")
    assert record.license == "CC-BY-3.0"
    assert not _starts(record.hold_reasons, HOLD_LICENCE_MISSING)


def test_a_catalogue_record_naming_no_licence_is_held_not_given_the_statutory_terms() -> None:
    record = ckan_record("zimbabwe-regional-geochemical-survey")
    assert record.license == "not-specified"
    assert _starts(record.hold_reasons, HOLD_LICENCE_MISSING)
    # An agency that states its source's terms in the config gets them.
    stated = ckan_record("zimbabwe-regional-geochemical-survey", default_license="CC-BY-4.0")
    assert stated.license == "CC-BY-4.0" and stated.hold_reasons == []


def test_dcat_distribution_licence_cc_by_nc_holds_the_nobel_dataset() -> None:
    [record] = file_records("dcat", REAL / "dcat" / "dataset_sweden.rdf",
                            default_license="CC-BY-4.0")
    assert record.license == "CC-BY-NC-3.0"
    assert _starts(record.hold_reasons, HOLD_LICENCE_NOT_OPEN)
    assert record.resources[0].license == "http://creativecommons.org/licenses/by-nc/3.0/"


def test_dcat_unknown_licence_is_kept_as_stated_and_held() -> None:
    [record] = file_records("dcat", REAL / "dcat" / "dataset_gob_es.ttl",
                            default_license="CC-BY-4.0")
    assert record.license == "not-specified"
    assert record.extras["source_license_url"] == \
        "https://datos.madrid.es/egob/catalogo/aviso-legal"
    assert _starts(record.hold_reasons, HOLD_LICENCE_UNKNOWN)
    [afs] = file_records("dcat", REAL / "dcat" / "dataset_afs.ttl")
    assert _starts(afs.hold_reasons, HOLD_LICENCE_UNKNOWN) and afs.license == "not-specified"


def test_dcat_eu_licence_uris_on_distributions_map_exactly() -> None:
    [record] = file_records("dcat", REAL / "dcat" / "dataset_health.ttl")
    assert record.license == "CC-BY-NC-ND-3.0"
    assert _starts(record.hold_reasons, HOLD_LICENCE_NOT_OPEN)


def test_dcat_ap_de_licence_on_every_distribution_publishes_as_cc0() -> None:
    [record] = file_records("dcat", REAL / "dcat" / "dataset_gov_de.rdf")
    assert record.license == "CC0-1.0" and record.hold_reasons == []
    assert {r.license for r in record.resources} == {"http://dcat-ap.de/def/licenses/cc-zero"}


def test_data_json_license_urls_map_exactly() -> None:
    opm = file_records("datajson", REAL / "datajson" / "opm.data.json")
    assert {r.license for r in opm} == {"us-pd"}
    assert not any(_starts(r.hold_reasons, "Giấy phép") for r in opm)
    arm = file_records("datajson", REAL / "datajson" / "arm-first12.data.json",
                       default_license="CC-BY-4.0")
    assert arm and all(r.license == "not-specified" for r in arm)
    assert all(_starts(r.hold_reasons, HOLD_LICENCE_UNKNOWN) for r in arm)
    assert arm[0].extras["source_license_url"] == \
        "https://project-open-data.cio.gov/unknown-license"


# ---- 2. access rights -----------------------------------------------------------------------

def test_data_json_non_public_and_restricted_public_are_refused_only_public_goes_on() -> None:
    records = file_records("datajson", REAL / "datajson" / "opm.data.json")
    levels = Counter(str(e.get("accessLevel")) for e in json.loads(
        (REAL / "datajson" / "opm.data.json").read_text(encoding="utf-8"))["dataset"])
    refused = [r for r in records if r.not_publishable]
    assert len(refused) == levels["non-public"] + levels["restricted public"] == 105
    assert all(r.not_publishable.startswith(REFUSED_NOT_PUBLIC) for r in refused)
    assert "'restricted public'" in " ".join(r.not_publishable for r in refused)
    public = [r for r in records if not r.not_publishable]
    assert len(public) == levels["public"] == 29
    assert all(r.hold_reasons == [] for r in public)


def test_an_empty_data_json_record_is_refused_with_a_reason_not_published_as_dataset(
        ) -> None:
    empty, named = file_records("datajson",
                                REAL / "datajson" / "missing-dataset-fields.data.json")
    assert empty.refused_reason.startswith(REFUSED_EMPTY)
    assert empty.name == "" and empty.identifier != "dataset"
    assert named.refused_reason == "" and named.identifier == "IDF6-OPM-0001"


def test_data_json_record_without_access_level_is_held() -> None:
    [*_, named] = file_records("datajson",
                               REAL / "datajson" / "missing-dataset-fields.data.json")
    assert named.hold_reasons == []  # it says "public"
    document = json.loads((REAL / "datajson" / "missing-dataset-fields.data.json").read_text())
    entry = dict(document["dataset"][1])
    del entry["accessLevel"]
    from catalogue.datajson import parse_data_json

    [parsed] = parse_data_json({"dataset": [entry]})
    assert parsed["source_public"] is False and parsed["access_level"] == ""


def test_ckan_access_rights_uri_non_public_is_refused() -> None:
    record = ckan_record("test-dcat-1")
    assert record.not_publishable.startswith(REFUSED_NOT_PUBLIC)
    assert "NON_PUBLIC" in record.not_publishable


def test_ckan_access_rights_free_text_is_held_not_refused_nor_published() -> None:
    record = ckan_record("test-dataset-shacl")
    assert record.not_publishable == ""
    assert _starts(record.hold_reasons, HOLD_ACCESS_UNKNOWN)
    assert "Statement about access rights" in " ".join(record.hold_reasons)


def test_ckan_private_false_is_explicitly_public_and_silence_is_held() -> None:
    assert not _starts(ckan_record("unesco-data-for-zimbabwe").hold_reasons,
                       HOLD_ACCESS_UNKNOWN)
    # The ckanjs records predate CKAN's "private" flag: nothing says they are public.
    assert _starts(ckan_record("annakarenina").hold_reasons, HOLD_ACCESS_UNKNOWN)


def test_ckan_access_rights_in_extras_count_as_words_too() -> None:
    pkg = real_packages()["unesco-data-for-zimbabwe"]
    from harvesters.ckan_records import package_record

    for value, refused in (("non-public", True), ("Công khai", False), ("nội bộ", True)):
        record = package_record({**pkg, "extras": [{"key": "access_rights", "value": value}]},
                                "x", "http://ckan.test", organization_map={}, group_map={},
                                download=False)
        assert bool(record.not_publishable) is refused, value
        assert record.hold_reasons == []


def test_dcat_access_rights_public_non_public_and_missing() -> None:
    [rostock] = file_records("dcat", REAL / "dcat" / "dataset_gov_de.rdf")
    assert rostock.not_publishable == "" and rostock.hold_reasons == []
    [health] = file_records("dcat", REAL / "dcat" / "dataset_health.ttl")
    assert health.not_publishable.startswith(REFUSED_NOT_PUBLIC)
    [nobel] = file_records("dcat", REAL / "dcat" / "dataset_sweden.rdf")
    assert nobel.not_publishable == "" and _starts(nobel.hold_reasons, HOLD_ACCESS_UNKNOWN)


# ---- 7. metadata kept -----------------------------------------------------------------------

def test_dcat_schema_org_period_geonames_place_and_dublin_core_frequency_are_kept() -> None:
    [record] = file_records("dcat", REAL / "dcat" / "dataset_sweden.rdf")
    assert (record.temporal_start, record.temporal_end) == ("1905-03-01", "2013-01-05")
    assert record.spatial == "Stockholm"
    assert record.extras["geonames_id"] == "2673730"
    assert record.extras["spatial_uri"] == "http://sws.geonames.org/2673730"
    assert record.update_frequency == "daily"


def test_dcat_eu_frequency_and_dcat_period_are_kept() -> None:
    [record] = file_records("dcat", REAL / "dcat" / "dataset_health.ttl")
    assert (record.temporal_start, record.temporal_end) == ("2020-03-01", "2024-12-31")
    assert record.update_frequency == "daily"
    assert record.extras["spatial_uri"] == \
        "http://publications.europa.eu/resource/authority/country/BEL"
    assert record.extras["provenance"] == "This example dataset is partly sourced from TEHDAS2"


def test_dcat_ap_es_duration_frequency_reads_as_annual() -> None:
    [record] = file_records("dcat", REAL / "dcat" / "dataset_gob_es.ttl")
    assert record.update_frequency == "annual"


def test_dcat_ap_de_admin_unit_and_geometry_are_kept() -> None:
    [record] = file_records("dcat", REAL / "dcat" / "dataset_gov_de.rdf")
    assert record.extras["spatial_uri"].endswith("/regionalKey/130030000000")
    assert json.loads(record.extras["spatial"])["type"] == "Polygon"


def test_ckan_temporal_coverage_spatial_coverage_and_frequency_are_kept() -> None:
    record = ckan_record("test-dataset-shacl")
    assert (record.temporal_start, record.temporal_end) == ("1905-03-01", "2024-05-29")
    assert record.spatial == "Tarragona" and record.extras["geonames_id"] == "6361390"
    assert record.update_frequency == "monthly"


def test_hdx_dataset_date_frequency_places_and_upstream_source_are_kept() -> None:
    unesco = ckan_record("unesco-data-for-zimbabwe")
    assert (unesco.temporal_start, unesco.temporal_end) == ("1970-01-01", "2019-12-31")
    assert unesco.update_frequency == "quarterly" and unesco.spatial == "Zimbabwe"
    assert unesco.extras["upstream_source"] == "UNESCO Institute for Statistics (UIS)"
    wfp = ckan_record("wfp-food-prices")  # "01/01/1992-07/15/2019": HDX writes month first
    assert (wfp.temporal_start, wfp.temporal_end) == ("1992-01-01", "2019-07-15")
    assert wfp.update_frequency == "weekly"
    assert wfp.extras["upstream_source"] == "World Food Programme - VAM"


def test_data_gov_uk_extras_keep_coverage_frequency_and_the_upstream_catalogue() -> None:
    record = ckan_record("zimbabwe-regional-geochemical-survey")
    assert (record.temporal_start, record.temporal_end) == ("1982", "1986")
    assert record.update_frequency == "never"
    assert record.extras["source_frequency"] == "notPlanned"
    assert record.extras["upstream_catalogue_name"] == "Data.gov.uk"
    assert record.extras["upstream_dataset_url"].startswith("http://catalogue.data.gov.uk/")


def test_english_titles_come_only_from_text_tagged_english() -> None:
    assert ckan_record("test-dataset-multilingual").title_en == "Test DCAT dataset"
    assert ckan_record("unesco-data-for-zimbabwe").title_en == ""
    [nobel] = file_records("dcat", REAL / "dcat" / "dataset_sweden.rdf")
    assert nobel.title_en == "Linked Nobel prizes"  # xml:lang="en"
    for name in ("dataset_gov_de.rdf", "dataset_afs.ttl", "dataset_gob_es.ttl"):
        [record] = file_records("dcat", REAL / "dcat" / name)
        assert record.title and record.title_en == "", name


def test_agency_sidecar_keeps_vietnamese_dates_frequency_words_and_admin_unit_codes() -> None:
    import csv

    from harvesters.mapping import record_from_entry

    with (REAL / "vn" / "don-vi-hanh-chinh-cap-xa-2025.csv").open(encoding="utf-8") as fh:
        first = next(csv.DictReader(fh))
    entry = {"title": "Đơn vị hành chính cấp xã", "update_frequency": "hàng năm",
             "spatial": f"{first['ten_xa']} ({first['ma_xa']})",
             "temporal": f"{first['ngay_hieu_luc']}/31/12/2025"}
    record = record_from_entry("xa.csv", entry, "file:///share")
    assert (record.temporal_start, record.temporal_end) == ("2025-07-01", "2025-12-31")
    assert record.update_frequency == "annual"
    assert record.spatial == "Phường Ba Đình (00004)"
    assert record.extras["admin_unit_code"] == "00004"  # leading zeros kept: a code, not 4


def test_ckan_notspecified_maps_to_not_specified_and_holds_as_naming_no_licence() -> None:
    from real_records import judged, source

    from harvesters.ckan_records import package_record

    pkg = {**real_packages()["unesco-data-for-zimbabwe"], "license_id": "notspecified",
           "license_title": "License not specified", "license_url": ""}
    record = judged(package_record(pkg, "x", "http://ckan.test", organization_map={},
                                   group_map={}, download=False),
                    source("ckan", url="http://ckan.test", default_license="CC-BY-4.0"))
    assert record.license == "not-specified"
    assert _starts(record.hold_reasons, HOLD_LICENCE_MISSING)
    assert not _starts(record.hold_reasons, HOLD_LICENCE_NOT_OPEN)


def test_a_dcat_dataset_without_a_title_is_refused_not_published_under_its_node_id(
        tmp_path: Path) -> None:
    text = (REAL / "dcat" / "dataset_afs.ttl").read_text(encoding="utf-8")
    untitled = tmp_path / "untitled.ttl"
    untitled.write_text(text.replace('dct:title          "A test dataset on your catalogue" ;',
                                     ""), encoding="utf-8")
    [record] = file_records("dcat", untitled)
    assert record.refused_reason.startswith(REFUSED_EMPTY)
    [titled] = file_records("dcat", REAL / "dcat" / "dataset_afs.ttl")
    assert titled.refused_reason == ""


def test_hdx_data_on_request_is_held_not_published() -> None:
    from harvesters.ckan_records import package_record

    pkg = {**real_packages()["wfp-food-prices"], "is_requestdata_type": True}
    record = package_record(pkg, "x", "http://ckan.test", organization_map={}, group_map={},
                            download=False)
    assert record.not_publishable == "" and _starts(record.hold_reasons, HOLD_ACCESS_UNKNOWN)


def test_dcat_rights_in_a_publishers_own_vocabulary_are_read_from_its_label(
        tmp_path: Path) -> None:
    text = (REAL / "dcat" / "dataset_gov_de.rdf").read_text(encoding="utf-8")
    own = text.replace("http://publications.europa.eu/resource/authority/access-right/PUBLIC",
                       "https://www.opendata-hro.de/rights/r1").replace(
        "</rdf:RDF>", '<rdf:Description rdf:about="https://www.opendata-hro.de/rights/r1">'
        '<skos:prefLabel xmlns:skos="http://www.w3.org/2004/02/skos/core#">Public'
        '</skos:prefLabel></rdf:Description></rdf:RDF>')
    (tmp_path / "own.rdf").write_text(own, encoding="utf-8")
    [record] = file_records("dcat", tmp_path / "own.rdf")
    assert record.not_publishable == "" and record.hold_reasons == []


def test_data_package_licence_name_title_and_path_are_read_and_resource_licences_count(
        ) -> None:
    from real_records import judged, source

    from harvesters.registry import harvester_types
    from harvesters.runner import make_http

    war = real_packages()["warandpeace"]
    config = source("datapackage", path=str(REAL / "ckan"))
    harvester = harvester_types()["datapackage"](config, make_http(config))
    descriptor = {"name": war["name"], "title": war["title"],
                  "licenses": [{"name": war["license_id"], "title": war["license_title"],
                                "path": war["license_url"]}],
                  "resources": [{"path": "https://example.org/a.csv"}]}
    record = judged(harvester.record("x", "https://example.org/datapackage.json", descriptor),
                    config)
    assert record.license == "CC-BY-NC-2.0" and _starts(record.hold_reasons,
                                                          HOLD_LICENCE_NOT_OPEN)
    unesco = real_packages()["unesco-data-for-zimbabwe"]
    open_package = {**descriptor, "licenses": [{"name": unesco["license_id"]}],
                    "resources": [{"path": "https://example.org/a.csv",
                                   "licenses": [{"path": war["license_url"]}]}]}
    mixed = judged(harvester.record("y", "https://example.org/datapackage.json",
                                    open_package), config)
    assert mixed.license == "CC-BY-NC-2.0"  # a non-open resource licence holds the package
    assert _starts(mixed.hold_reasons, HOLD_LICENCE_NOT_OPEN)


@pytest.mark.parametrize(("said", "mimetype", "label", "kind"), [
    ("http://publications.europa.eu/resource/authority/file-type/CSV", "", "CSV", ""),
    ("https://resources.data.gov/vocab/file-type/TODO/XLSX", "", "XLSX", ""),
    ("https://www.iana.org/assignments/media-types/text/csv", "", "CSV", "text/csv"),
    ("http://example.org/formats/thing", "", "", ""),
    ("csv", "text/csv", "csv", "text/csv"),
])
def test_ckan_resource_formats_given_as_vocabulary_uris_read_as_their_label(
        said: str, mimetype: str, label: str, kind: str) -> None:
    """ckanext-dcat's vocabularies store ``format`` as a URI (held-out
    ckan_full_dataset_dcat_ap_vocabularies.json): shown and indexed as "CSV", never the URI."""
    from harvesters.ckan_records import package_record

    pkg = {"id": "p1", "name": "p1", "title": "P", "private": False, "license_id": "cc-by",
           "resources": [{"url": "http://ckan.test/r.csv", "format": said, "mimetype": mimetype}]}
    record = package_record(pkg, "p1", "http://ckan.test", organization_map={}, group_map={},
                            download=False)
    assert (record.resources[0].format, record.resources[0].mimetype) == (label, kind)

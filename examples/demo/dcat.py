"""A DCAT-AP style Turtle catalogue, written by hand so the output is stable and readable."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .meta import GROUPS, LICENSE_TITLES, LICENSE_URLS, DatasetMeta

PREFIXES = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix gsp: <http://www.opengis.net/ont/geosparql#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
EU = "http://publications.europa.eu/resource/authority"
FREQUENCY_IRIS = {
    "daily": f"{EU}/frequency/DAILY",
    "weekly": f"{EU}/frequency/WEEKLY",
    "monthly": f"{EU}/frequency/MONTHLY",
    "quarterly": f"{EU}/frequency/QUARTERLY",
    "annual": f"{EU}/frequency/ANNUAL",
    "irregular": f"{EU}/frequency/IRREG",
}
FORMATS = {  # extension -> (EU file-type IRI, IANA media type)
    "csv": (f"{EU}/file-type/CSV", "text/csv"),
    "geojson": (f"{EU}/file-type/GEOJSON", "application/geo+json"),
    "json": (f"{EU}/file-type/JSON", "application/json"),
}
PUBLIC = f"{EU}/access-right/PUBLIC"
NON_PUBLIC = f"{EU}/access-right/NON_PUBLIC"


def lit(text: str, lang: str | None = None) -> str:
    """A Turtle string literal, escaped, with an optional language tag."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


@dataclass
class Distribution:
    title: str
    file: Path  # absolute; written as a file:// IRI

    @property
    def extension(self) -> str:
        return self.file.suffix.lstrip(".")


@dataclass
class Entry:
    meta: DatasetMeta
    distributions: list[Distribution]
    public: bool = True


@dataclass
class Catalogue:
    base: str  # e.g. https://dulieu.caobang.gov.vn
    title: str
    title_en: str
    publisher: str  # organisation slug
    publisher_name: str
    email: str
    homepage: str
    spatial_label: str
    spatial_bbox: str
    entries: list[Entry] = field(default_factory=list)

    def render(self) -> str:
        org = f"<{self.base}/to-chuc/{self.publisher}>"
        spatial = f"<{self.base}/dia-ban/tinh>"
        parts = [PREFIXES]
        datasets = ",\n        ".join(f"<{self._iri(e)}>" for e in self.entries)
        parts.append(
            f"<{self.base}/catalog> a dcat:Catalog ;\n"
            f"    dct:title {lit(self.title, 'vi')}, {lit(self.title_en, 'en')} ;\n"
            f"    dct:publisher {org} ;\n"
            f"    dct:language <{EU}/language/VIE> ;\n"
            f'    dct:modified "2024-12-31"^^xsd:date ;\n'
            f"    foaf:homepage <{self.homepage}> ;\n"
            f"    dcat:themeTaxonomy <{self.base}/chu-de> ;\n"
            f"    dcat:dataset {datasets} .\n"
        )
        parts.append(
            f"{org} a foaf:Organization ;\n"
            f"    dct:identifier {lit(self.publisher)} ;\n"
            f"    foaf:name {lit(self.publisher_name, 'vi')} ;\n"
            f"    foaf:mbox <mailto:{self.email}> ;\n"
            f"    foaf:homepage <{self.homepage}> .\n"
        )
        parts.append(
            f"{spatial} a dct:Location ;\n"
            f"    skos:prefLabel {lit(self.spatial_label, 'vi')} ;\n"
            f"    dcat:bbox {lit(self.spatial_bbox)}^^gsp:wktLiteral .\n"
        )
        used_groups = sorted({g for e in self.entries for g in e.meta.groups})
        parts.append(
            f"<{self.base}/chu-de> a skos:ConceptScheme ;\n"
            f"    dct:title {lit('Lĩnh vực dữ liệu', 'vi')} .\n"
        )
        for slug in used_groups:
            parts.append(
                f"<{self.base}/chu-de/{slug}> a skos:Concept ;\n"
                f"    skos:notation {lit(slug)} ;\n"
                f"    skos:prefLabel {lit(GROUPS[slug], 'vi')} ;\n"
                f"    skos:inScheme <{self.base}/chu-de> .\n"
            )
        for license_id in sorted({e.meta.license for e in self.entries if e.meta.license}):
            parts.append(
                f"<{LICENSE_URLS[license_id]}> a dct:LicenseDocument ;\n"
                f"    dct:identifier {lit(license_id)} ;\n"
                f"    dct:title {lit(LICENSE_TITLES[license_id], 'vi')} .\n"
            )
        for entry in self.entries:
            parts.append(self._dataset(entry, org, spatial))
        return "\n".join(parts)

    def _iri(self, entry: Entry) -> str:
        return f"{self.base}/dataset/{entry.meta.name}"

    def _dataset(self, entry: Entry, org: str, spatial: str) -> str:
        meta = entry.meta
        iri = self._iri(entry)
        lines = [
            f"<{iri}> a dcat:Dataset",
            f"dct:identifier {lit(meta.name)}",
            f"dct:title {lit(meta.title, 'vi')}, {lit(meta.title_en, 'en')}",
            f"dct:description {lit(meta.description, 'vi')}",
            "dcat:keyword " + ", ".join(lit(tag, "vi") for tag in meta.tags),
            "dcat:theme " + ", ".join(f"<{self.base}/chu-de/{g}>" for g in meta.groups),
            f"dct:publisher {org}",
            "dcat:contactPoint [ a vcard:Organization ; "
            f"vcard:fn {lit(self.publisher_name, 'vi')} ; "
            f"vcard:hasEmail <mailto:{self.email}> ]",
            f"dct:accessRights <{PUBLIC if entry.public else NON_PUBLIC}>",
            f"dct:accrualPeriodicity <{FREQUENCY_IRIS[meta.update_frequency]}>",
            "dct:temporal [ a dct:PeriodOfTime ; "
            f'dcat:startDate "{meta.temporal_start}"^^xsd:date ; '
            f'dcat:endDate "{meta.temporal_end}"^^xsd:date ]',
            f"dct:spatial {spatial}",
            'dct:issued "2024-03-15"^^xsd:date',
            'dct:modified "2024-12-31"^^xsd:date',
            f"dcat:landingPage <{self.homepage}/du-lieu/{meta.name}>",
        ]
        if meta.license:
            lines.append(f"dct:license <{LICENSE_URLS[meta.license]}>")
        lines.append(
            "dcat:distribution " + ", ".join(f"<{iri}/{d.extension}>" for d in entry.distributions)
        )
        out = [" ;\n    ".join(lines) + " .\n"]
        for dist in entry.distributions:
            format_iri, media = FORMATS[dist.extension]
            dist_lines = [
                f"<{iri}/{dist.extension}> a dcat:Distribution",
                f"dct:title {lit(dist.title, 'vi')}",
                f"dcat:downloadURL <{dist.file.as_uri()}>",
                f"dcat:accessURL <{dist.file.as_uri()}>",
                f"dct:format <{format_iri}>",
                f"dcat:mediaType <http://www.iana.org/assignments/media-types/{media}>",
                f'dcat:byteSize "{dist.file.stat().st_size}"^^xsd:nonNegativeInteger',
            ]
            if meta.license:
                dist_lines.append(f"dct:license <{LICENSE_URLS[meta.license]}>")
            out.append(" ;\n    ".join(dist_lines) + " .\n")
        return "\n".join(out)

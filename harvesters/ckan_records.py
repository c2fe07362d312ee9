"""One CKAN package dict -> a SourceRecord (issue 16: faithfully, or held for review).

Real portals add much to CKAN's core fields: ckanext-dcat's ``access_rights``,
``temporal_coverage``, ``spatial_coverage``, ``frequency``, ``*_translated`` and resource
licences; ckanext-scheming's multilingual fields; HDX's ``dataset_date``,
``data_update_frequency`` and ``dataset_source``; data.gov.uk's harvested extras. What a
record says about its licence and access is judged in harvesters.rights.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from harvesters.base import SourceRecord, SourceResource
from harvesters.coverage import (
    frequency_word,
    hdx_frequency,
    hdx_period,
    iso_date,
    spatial_extras,
    widest,
)
from harvesters.mapping import slugify
from harvesters.rdf import MEDIA_LABELS, format_of
from harvesters.rights import REFUSED_NOT_PUBLIC, judge_access


def _names(items: Any, key: str = "name") -> list[str]:
    return [str(i.get(key)) for i in items or [] if isinstance(i, dict) and i.get(key)]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _translated(pkg: Mapping[str, Any], key: str, lang: str) -> str:
    """``title_translated``/``notes_translated`` (ckanext-fluent, ckanext-dcat) in ``lang``."""
    values = pkg.get(f"{key}_translated")
    return _text(values.get(lang)) if isinstance(values, Mapping) else ""


def _first_json(value: str) -> str:
    """data.gov.uk stores extras as JSON lists (``'["1982"]'``): the first item."""
    try:
        parsed = json.loads(value)
    except (ValueError, TypeError):
        return value
    if isinstance(parsed, list):
        return _text(parsed[0]) if parsed else ""
    return _text(parsed)


def _temporal(pkg: Mapping[str, Any], extras: Mapping[str, str]) -> tuple[str, str]:
    periods = [(iso_date(_text(pkg.get("temporal_start")) or extras.get("temporal_start", "")),
                iso_date(_text(pkg.get("temporal_end")) or extras.get("temporal_end", "")))]
    for period in pkg.get("temporal_coverage") or []:
        if isinstance(period, Mapping):
            periods.append((iso_date(_text(period.get("start"))),
                            iso_date(_text(period.get("end")))))
    periods.append((iso_date(_first_json(extras.get("temporal_coverage-from", ""))),
                    iso_date(_first_json(extras.get("temporal_coverage-to", "")))))
    if pkg.get("dataset_date"):
        periods.append(hdx_period(_text(pkg.get("dataset_date"))))
    return widest(periods)


def _spatial(pkg: Mapping[str, Any], extras: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """A label for ``spatial`` and the exact references for extras."""
    label = "" if _text(pkg.get("spatial")).startswith("{") else _text(pkg.get("spatial"))
    kept: dict[str, str] = {}
    geometry = ""
    for place in pkg.get("spatial_coverage") or []:
        if isinstance(place, Mapping):
            label = label or _text(place.get("text"))
            kept = kept or spatial_extras(_text(place.get("uri")))
            if not geometry and isinstance(place.get("geom"), Mapping):
                # ckanext-dcat's scheming field: the place's GeoJSON, what ext_bbox finds.
                geometry = json.dumps(place["geom"], separators=(",", ":"))
    label = label or extras.get("spatial_text", "")
    if not label and ("dataset_date" in pkg or "data_update_frequency" in pkg):
        # HDX files every dataset under the groups of the countries it covers.
        label = ", ".join(_names(pkg.get("groups"), "title"))
    kept = kept or spatial_extras(extras.get("spatial_uri", ""))
    if geometry and "spatial" not in extras:
        kept = {**kept, "spatial": geometry}
    return label, kept


def _frequency(pkg: Mapping[str, Any], extras: Mapping[str, str]) -> tuple[str, str]:
    """(our word, what the source said) for the update frequency."""
    for value in (_text(pkg.get("update_frequency")), _text(pkg.get("frequency")),
                  extras.get("frequency", ""), _first_json(extras.get("frequency-of-update",
                                                                      ""))):
        if value:
            return frequency_word(value), value
    days = _text(pkg.get("data_update_frequency"))
    if days:
        return hdx_frequency(days), f"data_update_frequency = {days}"
    return "", ""


def _upstream(pkg: Mapping[str, Any], extras: Mapping[str, str]) -> dict[str, str]:
    """Where the publisher got the data (HDX ``dataset_source``, DCAT ``provenance``) and the
    catalogue a record was itself harvested from."""
    kept = {}
    source = _text(pkg.get("dataset_source")) or _text(pkg.get("source"))
    if source:
        kept["upstream_source"] = source
    provenance = pkg.get("provenance")
    if isinstance(provenance, Mapping):
        provenance = provenance.get("vi") or provenance.get("en") or next(
            iter(provenance.values()), "")
    if _text(provenance):
        kept["provenance"] = _text(provenance)
    for key in ("harvest_dataset_url", "harvest_catalogue_name", "harvest_catalogue_url"):
        if extras.get(key):
            kept[f"upstream_{key.removeprefix('harvest_')}"] = extras[key]
    return kept


def _access(record: SourceRecord, pkg: Mapping[str, Any], extras: Mapping[str, str]) -> None:
    """Refused when private, deleted or a draft, or access rights say not public; held when
    nothing says it is public (CKAN's ``private: false`` does, or ``access_rights``)."""
    private = str(pkg.get("private")).strip().lower()  # a bool, or text from older APIs
    if private in ("true", "1", "yes"):
        record.not_publishable = f"{REFUSED_NOT_PUBLIC}: nguồn ghi private = true"
        return
    if (pkg.get("state") or "active") != "active":
        record.not_publishable = f"{REFUSED_NOT_PUBLIC}: nguồn ghi state = {pkg.get('state')!r}"
        return
    for where, value in (("access_rights", pkg.get("access_rights")),
                         ("extras.access_rights", extras.get("access_rights")),
                         ("extras.access_level", extras.get("access_level"))):
        if _text(value):
            judge_access(record, _text(value), where)
            return
    if pkg.get("is_requestdata_type") is True:
        # HDX "data on request": the metadata is public, the data is not.
        judge_access(record, "by request", "is_requestdata_type (HDX: dữ liệu theo yêu cầu)")
    elif private not in ("false", "0", "no"):
        judge_access(record, "", "private hay access_rights")


def package_record(pkg: Mapping[str, Any], identifier: str, base_url: str, *,
                   organization_map: Mapping[str, str], group_map: Mapping[str, str],
                   download: bool) -> SourceRecord:
    """The record for one package as ``package_search``/``package_show`` return it."""
    organization = _text((pkg.get("organization") or {}).get("name")) \
        if isinstance(pkg.get("organization"), Mapping) else ""
    extras = {str(e.get("key")): _text(e.get("value")) for e in pkg.get("extras") or []
              if isinstance(e, dict) and e.get("key")}
    start, end = _temporal(pkg, extras)
    spatial, spatial_kept = _spatial(pkg, extras)
    frequency, frequency_said = _frequency(pkg, extras)
    # A record without a name is named from its title (Vietnamese letters without marks) or,
    # failing that, its id (issue 16).
    name = _text(pkg.get("name")) or slugify(_text(pkg.get("title"))) \
        or slugify(_text(pkg.get("id")))
    record = SourceRecord(
        identifier=identifier, name=name,
        title=_text(pkg.get("title")) or _translated(pkg, "title", "vi") or name,
        # English only from fields tagged English, never a copy of the title.
        title_en=_text(pkg.get("title_en")) or _translated(pkg, "title", "en"),
        notes=_text(pkg.get("notes")) or _translated(pkg, "notes", "vi"),
        notes_en=_text(pkg.get("notes_en")) or _translated(pkg, "notes", "en"),
        tags=_names(pkg.get("tags")),
        groups=[group_map.get(g, g) for g in _names(pkg.get("groups"))],
        license=_text(pkg.get("license_id")) or ("" if "://" in _text(pkg.get("license"))
                                                else _text(pkg.get("license"))),
        license_title=_text(pkg.get("license_title")),
        # ckanext-dcat's ``license`` (croissant, DCAT-AP profiles) is a URL.
        license_url=_text(pkg.get("license_url")) or (
            _text(pkg.get("license")) if "://" in _text(pkg.get("license")) else ""),
        organization=organization_map.get(organization, organization),
        url=_text(pkg.get("url")),
        # The portal's own address of the record: its name, else its id as the portal has it.
        source_url=f"{base_url.rstrip('/')}/dataset/"
                   f"{_text(pkg.get('name')) or _text(pkg.get('id')) or name or identifier}",
        version=_text(pkg.get("version")), author=_text(pkg.get("author")),
        author_email=_text(pkg.get("author_email")), maintainer=_text(pkg.get("maintainer")),
        maintainer_email=_text(pkg.get("maintainer_email")),
        temporal_start=start, temporal_end=end, spatial=spatial,
        update_frequency=frequency,
        created=_text(pkg.get("metadata_created")), modified=_text(pkg.get("metadata_modified")),
        extras={**extras, **spatial_kept, **_upstream(pkg, extras)},
    )
    if frequency_said and frequency_said != frequency:
        record.extras["source_frequency"] = frequency_said
    _access(record, pkg, extras)
    for res in pkg.get("resources") or []:
        if not isinstance(res, dict) or not res.get("url"):
            continue
        fmt, mimetype = _resource_format(res)
        record.resources.append(SourceResource(
            name=_text(res.get("name")) or str(res["url"]).rsplit("/", 1)[-1],
            url=str(res["url"]), format=fmt, mimetype=mimetype,
            description=_text(res.get("description")),
            link_only=not download,
            license=_text(res.get("license")) or _text(res.get("license_id")),
            schema=res.get("schema") if isinstance(res.get("schema"), dict) else None,
            fingerprint=f"{res.get('hash') or ''}{res.get('last_modified') or ''}"
                        f"{res.get('size') or ''}",
        ))
    return record


def _resource_format(res: Mapping[str, Any]) -> tuple[str, str]:
    """A resource's format and media type. CKAN portals with ckanext-dcat's vocabularies
    store ``format`` as a vocabulary URI (the EU file-type or an IANA media type URI): the
    format shown and indexed is its label ("CSV"), never the URI."""
    said, mimetype = _text(res.get("format")), _text(res.get("mimetype"))
    if "://" not in said:
        return said, mimetype
    label, kind = format_of(said)
    return label or MEDIA_LABELS.get(kind, ""), mimetype or kind

"""Datasets in CKAN's package dict shape, plus our additions as extra keys CKAN clients ignore."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from catalogue.database import to_iso
from catalogue.datasets.model import Dataset, Resource
from catalogue.groups.model import Group
from catalogue.organizations.model import Organization
from catalogue.places.recognise import package_units, unit_refs
from licenses import get_license


def organization_dict(org: Organization) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "title": org.title,
        "title_en": org.title_en,
        "type": "organization",
        "description": org.description,
        "image_url": org.image_url,
        "image_display_url": org.image_url,
        "created": to_iso(org.created),
        "is_organization": True,
        "approval_status": "approved",
        "state": org.state,
        "email": org.email,
        "website": org.website,
        "parent": org.parent.name if org.parent else None,
    }


def group_dict(group: Group) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "title": group.title,
        "title_en": group.title_en,
        "display_name": group.title,
        "description": group.description,
        "image_display_url": group.image_url,
        "type": "group",
        "is_organization": False,
        "state": group.state,
        "created": to_iso(group.created),
    }


def resource_download_url(site_url: str, dataset_name: str, res: Resource) -> str:
    """Uploaded files are served by the portal, the way CKAN builds its download URLs."""
    if res.url_type != "upload":
        return res.url
    filename = quote(res.url.rsplit("/", 1)[-1] or "data")
    return f"{site_url.rstrip('/')}/dataset/{dataset_name}/resource/{res.id}/download/{filename}"


def resource_dict(res: Resource, dataset_name: str, site_url: str) -> dict[str, Any]:
    return {
        "id": res.id,
        "package_id": res.dataset_id,
        "position": res.position,
        "name": res.name,
        "description": res.description,
        "url": resource_download_url(site_url, dataset_name, res),
        "url_type": res.url_type or None,
        "format": res.format,
        "mimetype": res.mimetype or None,
        "size": res.size,
        "hash": f"sha256:{res.sha256}" if res.sha256 else "",
        "sha256": res.sha256,
        "created": to_iso(res.created),
        "last_modified": to_iso(res.last_modified),
        "metadata_modified": to_iso(res.last_modified or res.created),
        "state": "active",
        "schema": res.schema,
        "validation_status": res.validation_status,
        # CKAN 2.10/2.11 resource keys clients read even when empty (issue 17).
        "cache_url": None,
        "cache_last_updated": None,
        "mimetype_inner": None,
        "resource_type": None,
        "extras": res.extras or {},
    }


def validation_summary(resources: list[Resource]) -> dict[str, Any]:
    """valid / invalid / not validated, and error counts by type across resources."""
    statuses = [r.validation_status for r in resources if r.validation_status]
    error_types: dict[str, int] = {}
    for res in resources:
        for err_type, count in ((res.validation_report or {}).get("error_types") or {}).items():
            error_types[err_type] = error_types.get(err_type, 0) + int(count)
    if not statuses:
        status = "not-validated"
    elif all(s == "valid" for s in statuses):
        status = "valid"
    else:
        status = "invalid"
    return {"status": status, "error_count": sum(error_types.values()),
            "error_types": error_types}


def package_dict(ds: Dataset, site_url: str) -> dict[str, Any]:
    """The dataset as ``package_show`` returns it."""
    lic = get_license(ds.license_id)
    org = ds.organization
    resources = [resource_dict(r, ds.name, site_url) for r in ds.resources]
    tags = [{"name": t.name, "display_name": t.name, "id": t.id, "state": "active",
             "vocabulary_id": None} for t in ds.tags]
    package: dict[str, Any] = {
        "id": ds.id,
        "name": ds.name,
        "title": ds.title,
        "notes": ds.notes,
        "url": ds.url,
        "version": ds.version,
        "author": ds.author,
        "author_email": ds.author_email,
        "maintainer": ds.maintainer,
        "maintainer_email": ds.maintainer_email,
        "license_id": ds.license_id,
        "license_title": lic.title if lic else ds.license_id,
        "license_url": lic.url if lic else "",
        "isopen": bool(lic and lic.open),
        "state": ds.state,
        "private": ds.private,
        "type": ds.type,
        "metadata_created": to_iso(ds.metadata_created),
        "metadata_modified": to_iso(ds.metadata_modified),
        "owner_org": ds.owner_org_id,
        "creator_user_id": None,
        "organization": organization_dict(org) if org else None,
        "groups": [group_dict(g) for g in ds.groups],
        "tags": tags,
        "extras": [{"key": e.key, "value": e.value} for e in ds.extras],
        "resources": resources,
        "num_resources": len(resources),
        "num_tags": len(tags),
        "relationships_as_object": [],
        "relationships_as_subject": [],
        # dulieumo additions
        "title_en": ds.title_en,
        "notes_en": ds.notes_en,
        "temporal_start": ds.temporal_start.isoformat() if ds.temporal_start else None,
        "temporal_end": ds.temporal_end.isoformat() if ds.temporal_end else None,
        "spatial": ds.spatial,
        "update_frequency": ds.update_frequency,
        "access_class": ds.access_class,
        "importance": ds.importance,
        "provenance": {
            "harvest_source": ds.harvest_source,
            "source_identifier": ds.source_identifier,
            "source_url": ds.source_url,
            "retrieved_at": to_iso(ds.retrieved_at),
            "content_hash": ds.content_hash,
        },
        "validation": validation_summary(ds.resources),
    }
    # The places ``spatial`` names, as gazetteer units old or new (issue 22); the text stays.
    tables = [key for r in ds.resources
              for key in ((r.validation_report or {}).get("stats") or {}).get("place_units", [])]
    package["spatial_units"] = unit_refs(package_units(package, table_units=tables))
    return package

"""The only way to create, update or delete datasets and resources.

Each call validates input, changes rows, records a revision (history) and marks the dataset
for reindexing; the caller commits the unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, or_, select, update
from sqlalchemy.orm import Session

from catalogue import audit
from catalogue.context import UnitOfWork
from catalogue.database import new_id
from catalogue.datasets.model import Dataset, DatasetExtra, Resource, Tag
from catalogue.datasets.schema import clean_dataset, clean_resource
from catalogue.datasets.serialize import package_dict
from catalogue.dictionary.entries import PATCH_KEY, apply_entries, carry_over
from catalogue.errors import NotFound, ValidationError
from catalogue.files.store import StoredFile
from catalogue.groups.model import Group
from catalogue.history.service import record_revision
from catalogue.organizations.model import Organization

# Fields a dataset update writes straight onto the row.
SIMPLE_FIELDS = (
    "title", "title_en", "notes", "notes_en", "url", "version", "author", "author_email",
    "maintainer", "maintainer_email", "license_id", "state", "private", "type",
    "temporal_start", "temporal_end", "spatial", "update_frequency", "harvest_source",
    "source_identifier", "source_url", "retrieved_at", "content_hash",
    "access_class", "importance",  # not in DEFAULTS: a replace without them keeps the class
)
RESOURCE_FIELDS = ("url", "name", "description", "format", "mimetype", "size", "sha256",
                   "schema", "last_modified")
# Set by harvesters and validation, never by API callers.
# ``url_type`` lets a harvester attach a file it already put in the file store ("upload").
TRUSTED_RESOURCE_FIELDS = ("validation_status", "validation_report", "extras", "url_type")
DEFAULTS: dict[str, Any] = {
    "title": "", "title_en": "", "notes": "", "notes_en": "", "url": "", "version": "",
    "author": "", "author_email": "", "maintainer": "", "maintainer_email": "",
    "license_id": "not-specified", "state": "active", "private": False, "type": "dataset",
    "temporal_start": None, "temporal_end": None, "spatial": "", "update_frequency": "",
}


@dataclass(frozen=True)
class Upload:
    """A file already put in the file store, with the name the user gave it."""

    stored: StoredFile
    filename: str
    mimetype: str = ""


def get_dataset(session: Session, name_or_id: str) -> Dataset:
    """The dataset with this name or id (deleted ones too), or NotFound."""
    found = session.scalars(
        select(Dataset).where(or_(Dataset.name == name_or_id, Dataset.id == name_or_id))
    ).first()
    if found is None:
        raise NotFound(f"Dataset not found: {name_or_id}")
    return found


def get_resource(session: Session, resource_id: str) -> Resource:
    found = session.get(Resource, resource_id)
    if found is None:
        raise NotFound(f"Resource not found: {resource_id}")
    return found


def _memo(session: Session, kind: str) -> dict[str, Any]:
    """Lookups kept for the rest of this transaction, so a batch of writes (a harvest's)
    finds an agency, a group or a tag once rather than once per dataset. Entries whose
    object a rolled-back savepoint took away are found again (see :func:`_kept`)."""
    key = f"datasets.memo.{kind}"
    held = session.info.get(key)
    if held is None or held[0] is not session.get_transaction():
        held = session.info[key] = (session.get_transaction(), {})
    memo: dict[str, Any] = held[1]
    return memo


def _kept(obj: Any) -> bool:
    state = inspect(obj)
    return bool(state.persistent or state.pending)


def _organization(session: Session, name_or_id: str) -> Organization:
    memo = _memo(session, "organization")
    org = memo.get(name_or_id)
    if org is None or not _kept(org):
        org = session.scalars(select(Organization).where(
            or_(Organization.name == name_or_id, Organization.id == name_or_id))).first()
        if org is None:
            raise ValidationError({"owner_org": [f"Organization does not exist: {name_or_id}"]})
        memo[name_or_id] = org
    return org


def _groups(session: Session, names: list[str]) -> list[Group]:
    memo = _memo(session, "group")
    wanted = [n for n in names if n not in memo or not _kept(memo[n])]
    if wanted:
        found = {g.name: g for g in session.scalars(
            select(Group).where(or_(Group.name.in_(wanted), Group.id.in_(wanted))))}
        by_id = {g.id: g for g in found.values()}
        missing = [n for n in wanted if n not in found and n not in by_id]
        if missing:
            raise ValidationError({"groups": [f"Group does not exist: {', '.join(missing)}"]})
        memo.update({n: found.get(n) or by_id[n] for n in wanted})
    return [memo[n] for n in names]


def _tags(session: Session, names: list[str]) -> list[Tag]:
    memo = _memo(session, "tag")
    wanted = [n for n in names if n not in memo or not _kept(memo[n])]
    if wanted:
        memo.update({t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(wanted)))})
    tags = []
    for name in names:
        tag = memo.get(name)
        if tag is None or not _kept(tag):
            tag = memo[name] = Tag(name=name)
            session.add(tag)
        tags.append(tag)
    return tags


def _apply_resource(res: Resource, fields: Mapping[str, Any], upload: Upload | None) -> None:
    for key in RESOURCE_FIELDS + TRUSTED_RESOURCE_FIELDS:
        if key == "schema" and key in fields:
            # A new file's schema keeps the labels and units officers wrote (issue 21).
            res.schema = carry_over(res.schema, fields[key])
        elif key in fields:
            setattr(res, key, fields[key])
    if upload is not None:
        res.url = upload.filename
        res.url_type = "upload"
        res.sha256 = upload.stored.sha256
        res.size = upload.stored.size
        res.mimetype = upload.mimetype or res.mimetype
        if not res.format and "." in upload.filename:
            res.format = upload.filename.rsplit(".", 1)[-1].upper()
    elif fields.get("url") and fields["url"] != res.url:
        res.url_type = ""
    if not res.name:
        res.name = res.url.rsplit("/", 1)[-1] if res.url else ""


def _trusted_resource_fields(raw: Mapping[str, Any], trusted: bool) -> dict[str, Any]:
    return {k: raw[k] for k in TRUSTED_RESOURCE_FIELDS if trusted and k in raw}


def _sync_resources(uow: UnitOfWork, ds: Dataset, raw_list: list[Any],
                    cleaned_list: list[dict[str, Any]], trusted: bool) -> None:
    """Make the dataset's resources match the list: matched by id, else by url and name."""
    now = uow.clock.now()
    by_id = {r.id: r for r in ds.resources}
    by_url = {(r.url, r.name): r for r in ds.resources}
    kept: list[Resource] = []
    for position, (raw, fields) in enumerate(zip(raw_list, cleaned_list, strict=True)):
        res = by_id.get(fields.get("id", "")) or by_url.get(
            (fields.get("url", ""), fields.get("name", "")))
        if res is None or res in kept:
            res = Resource(id=fields.get("id") or None, created=now, extras={})
        merged = {**fields, **_trusted_resource_fields(raw, trusted)}
        before = {k: getattr(res, k, None) for k in merged}
        _apply_resource(res, merged, None)
        if before != {k: getattr(res, k, None) for k in merged} and res.created != now:
            res.last_modified = merged.get("last_modified") or now
        res.position = position
        kept.append(res)
    ds.resources = kept


def _apply_dataset(uow: UnitOfWork, ds: Dataset, data: Mapping[str, Any],
                   cleaned: dict[str, Any], *, replace: bool, trusted: bool) -> None:
    session = uow.session
    for key in SIMPLE_FIELDS:
        if key in cleaned:
            setattr(ds, key, cleaned[key])
        elif replace and key in DEFAULTS:
            setattr(ds, key, DEFAULTS[key])
    if "owner_org" in cleaned:
        ds.owner_org_id = _organization(session, cleaned["owner_org"]).id if cleaned[
            "owner_org"] else None
    if "tags" in cleaned or replace:
        ds.tags = _tags(session, cleaned.get("tags", []))
    if "groups" in cleaned or replace:
        ds.groups = _groups(session, cleaned.get("groups", []))
    if "extras" in cleaned or replace:
        wanted = cleaned.get("extras", {})
        current = {e.key: e for e in ds.extras}
        ds.extras = [current.get(k) or DatasetExtra(key=k) for k in wanted]
        for extra in ds.extras:
            extra.value = wanted[extra.key]
    if "resources" in cleaned or replace:
        _sync_resources(uow, ds, list(data.get("resources") or []),
                        cleaned.get("resources", []), trusted)
    for res in ds.resources:  # a dictionary change names resources by id (issue 21)
        columns = cleaned.get(PATCH_KEY, {}).get(res.id)
        if columns:
            res.schema = apply_entries(res.schema, columns)


def _name_taken(session: Session, name: str, except_id: str | None = None) -> bool:
    query = select(Dataset.id).where(Dataset.name == name)
    if except_id:
        query = query.where(Dataset.id != except_id)
    return session.scalars(query).first() is not None


def _finish(uow: UnitOfWork, ds: Dataset, action: str, object_id: str, message: str,
            before_modified: Any, *, created: bool = False) -> bool:
    """Record a revision if anything changed; returns whether it did.

    A dataset ``created`` in this call has no earlier revision to compare with, and every
    attribute was set here: only the collections the database orders by name (tags, groups
    and extras, in its collation) are read back, not the whole row and its five
    relationships (issue 16 item 10: the two were a third of a harvested record's writing).
    """
    ds.metadata_modified = uow.clock.now()
    uow.session.flush()
    if created:
        uow.session.expire(ds, ["tags", "groups", "extras"])
    else:
        uow.session.refresh(ds)
    snapshot = package_dict(ds, uow.catalogue.site_url)
    revision = record_revision(uow, ds.id, action, object_id, snapshot, message,
                               first=created)
    if revision is None:
        ds.metadata_modified = before_modified
        uow.session.flush()
        return False
    # Serialised once: the commit stores this dict and the harvest checks it (issue 16).
    uow.touch(ds.id, snapshot)
    return True


def create_dataset(uow: UnitOfWork, data: Mapping[str, Any], *, message: str = "",
                   trusted: bool = False) -> Dataset:
    """Create a dataset (CKAN ``package_create``). ``trusted`` lets harvesters set validation."""
    cleaned = clean_dataset(data)
    if _name_taken(uow.session, cleaned["name"]):
        raise ValidationError({"name": ["That URL is already in use."]})
    now = uow.clock.now()
    ds = Dataset(id=new_id(), name=cleaned["name"], metadata_created=now,
                 metadata_modified=now, **{k: v for k, v in DEFAULTS.items()})
    uow.session.add(ds)
    # Looking up tags, groups and the organization must not flush the half-built row (an
    # INSERT now and an UPDATE later); _finish flushes it whole.
    with uow.session.no_autoflush:
        _apply_dataset(uow, ds, data, cleaned, replace=True, trusted=trusted)
    _finish(uow, ds, "dataset.create", ds.id, message, now, created=True)
    audit.record_unit(uow, "dataset.create", f"dataset:{ds.name}", {"state": ds.state})
    return ds


def update_dataset(uow: UnitOfWork, name_or_id: str, data: Mapping[str, Any], *,
                   partial: bool = False, message: str = "", trusted: bool = False) -> Dataset:
    """Replace (``package_update``) or, with ``partial``, patch (``package_patch``) a dataset."""
    ds = get_dataset(uow.session, name_or_id)
    cleaned = clean_dataset({"name": ds.name, **data} if partial else data, partial=partial)
    if cleaned.get("name", ds.name) != ds.name and _name_taken(uow.session, cleaned["name"], ds.id):
        raise ValidationError({"name": ["That URL is already in use."]})
    if "name" in cleaned:
        ds.name = cleaned["name"]
    before_modified = ds.metadata_modified
    _apply_dataset(uow, ds, data, cleaned, replace=not partial, trusted=trusted)
    _finish(uow, ds, "dataset.update", ds.id, message, before_modified)
    audit.record_unit(uow, "dataset.update", f"dataset:{ds.name}", {"state": ds.state})
    return ds


def delete_dataset(uow: UnitOfWork, name_or_id: str, *, message: str = "") -> Dataset:
    """Withdraw a dataset: state ``deleted``; the row and its history stay."""
    ds = get_dataset(uow.session, name_or_id)
    if ds.state == "deleted":
        return ds
    before_modified = ds.metadata_modified
    ds.state = "deleted"
    _finish(uow, ds, "dataset.delete", ds.id, message, before_modified)
    audit.record_unit(uow, "dataset.delete", f"dataset:{ds.name}", {"message": message})
    return ds


def lock_dataset(session: Session, ds: Dataset) -> None:
    """Hold ``ds`` for this transaction, then read its resources afresh.

    Two uploads to one dataset at once both counted "n files so far" and both took position
    n (issue 15). A no-op UPDATE of the dataset's row takes PostgreSQL's row lock and SQLite's
    write lock, so the second waits for the first to commit and then sees its file.
    """
    session.execute(update(Dataset).where(Dataset.id == ds.id)
                    .values(metadata_modified=Dataset.metadata_modified)
                    .execution_options(synchronize_session=False))
    session.expire(ds, ["resources"])


def create_resource(uow: UnitOfWork, dataset: str, data: Mapping[str, Any], *,
                    upload: Upload | None = None, trusted: bool = False) -> Resource:
    """Add a link or an uploaded file to a dataset (CKAN ``resource_create``)."""
    ds = get_dataset(uow.session, dataset)
    fields = clean_resource(data)
    if upload is None and not fields.get("url"):
        raise ValidationError({"url": ["Missing value: give a url or upload a file"]})
    lock_dataset(uow.session, ds)
    before_modified = ds.metadata_modified
    position = max((r.position for r in ds.resources), default=-1) + 1
    res = Resource(id=fields.get("id") or None, created=uow.clock.now(), extras={},
                   position=position)
    _apply_resource(res, {**fields, **_trusted_resource_fields(data, trusted)}, upload)
    ds.resources.append(res)
    uow.session.flush()
    _finish(uow, ds, "resource.create", res.id, "", before_modified)
    audit.record_unit(uow, "resource.create", f"dataset:{ds.name}", {"resource": res.id})
    return res


def update_resource(uow: UnitOfWork, resource_id: str, data: Mapping[str, Any], *,
                    upload: Upload | None = None, partial: bool = False,
                    trusted: bool = False) -> Resource:
    """Replace or patch a resource; a new upload keeps the old file in the store."""
    res = get_resource(uow.session, resource_id)
    ds = get_dataset(uow.session, res.dataset_id)
    fields = clean_resource(data)
    if not partial:
        for key in ("name", "description", "format", "mimetype"):
            fields.setdefault(key, "")
    before_modified = ds.metadata_modified
    _apply_resource(res, {**fields, **_trusted_resource_fields(data, trusted)}, upload)
    res.last_modified = uow.clock.now()
    _finish(uow, ds, "resource.update", res.id, "", before_modified)
    audit.record_unit(uow, "resource.update", f"dataset:{ds.name}", {"resource": res.id})
    return res


def delete_resource(uow: UnitOfWork, resource_id: str) -> None:
    """Remove a resource from the dataset; its file stays in the store for older versions."""
    res = get_resource(uow.session, resource_id)
    ds = get_dataset(uow.session, res.dataset_id)
    lock_dataset(uow.session, ds)  # renumbering must not race an upload's new position
    before_modified = ds.metadata_modified
    ds.resources.remove(res)
    for position, other in enumerate(ds.resources):
        other.position = position
    _finish(uow, ds, "resource.delete", resource_id, "", before_modified)
    audit.record_unit(uow, "resource.delete", f"dataset:{ds.name}", {"resource": resource_id})

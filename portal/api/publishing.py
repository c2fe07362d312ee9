"""How an API write becomes a change: review before publishing (Sơn La 20/2023 Điều 9).

Whoever may publish in the owning organization (its admins, sysadmins) changes datasets at
once, and so does anyone on a draft. An editor's new dataset starts as a draft submitted for
review; an editor's change to a published dataset waits as a review item
(:mod:`catalogue.review.service`), so the public keeps seeing the published version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalogue.accounts.principal import Principal
from catalogue.context import UnitOfWork
from catalogue.datasets import service as datasets
from catalogue.datasets.model import Dataset, Resource
from catalogue.datasets.schema import clean_resource
from catalogue.errors import ValidationError
from catalogue.privacy.hold import hold_message
from catalogue.review import service as review
from catalogue.review.model import ReviewItem
from portal.api.auth import require
from portal.workspace.uploads import CheckedUpload

# What package_update resets when a field is left out (CKAN's replace semantics).
REPLACED_LISTS: dict[str, Any] = {"tags": [], "groups": [], "extras": [], "resources": []}


def publishes(principal: Principal, org_id: str | None) -> bool:
    """Whether ``principal``'s changes in ``org_id`` go live without review."""
    return principal.can("dataset.publish", org_id)


def direct(principal: Principal, ds: Dataset) -> bool:
    """Drafts change at once; published datasets only for those who may publish."""
    return ds.state != "active" or publishes(principal, ds.owner_org_id)


def held_upload(ds: Dataset, checked: CheckedUpload | None) -> bool:
    """Whether an upload to ``ds`` must wait for review because it holds personal data.

    Drafts are not public: the file joins them, and the dataset's own review comes later.
    """
    return checked is not None and bool(checked.personal_data) and ds.state == "active"


def pending(item: ReviewItem) -> dict[str, Any]:
    """The dulieumo addition telling a client its change waits for review."""
    return {"id": item.id, "kind": item.kind, "status": item.status,
            "message": "Submitted for review; the published version is unchanged until an "
                       "administrator of the organization approves it."}


def create_package(uow: UnitOfWork, principal: Principal, data: Mapping[str, Any]) -> Dataset:
    """``package_create``: an admin's dataset as asked; an editor's as a submitted draft."""
    return review.create_as(uow, principal, data)


def _replacement(ds: Dataset, data: Mapping[str, Any]) -> dict[str, Any]:
    """A full replacement (package_update) written as a patch, so it can wait for review."""
    patch = {key: value for key, value in datasets.DEFAULTS.items()
             if key not in ("state", "private")}
    patch.update(REPLACED_LISTS)
    patch.update(data)
    return patch


def change_package(uow: UnitOfWork, principal: Principal, name_or_id: str,
                   data: Mapping[str, Any], *, partial: bool) -> Dataset | ReviewItem:
    """``package_update``/``package_patch`` through review where needed."""
    ds = datasets.get_dataset(uow.session, name_or_id)
    require(principal, "dataset.update", ds.owner_org_id)
    changes = dict(data) if partial else _replacement(ds, data)
    if changes.get("state") == ds.state:
        del changes["state"]  # clients send whole dicts back; an unchanged state is no request
    if publishes(principal, ds.owner_org_id):
        # Publishing a draft or opening a private dataset makes its data public: screened
        # for personal data first, held for release with a justification on a hit (issue 9).
        return review.update_screened(uow, principal, ds, changes)
    return review.edit_dataset(uow, principal, ds.id, changes)


def resource_fields(res: Resource) -> dict[str, Any]:
    """A resource as the service takes it back unchanged (matched by id)."""
    fields: dict[str, Any] = {"id": res.id, "url": res.url, "name": res.name,
                              "description": res.description, "format": res.format,
                              "mimetype": res.mimetype}
    if res.size is not None:
        fields["size"] = res.size
    if res.sha256:
        fields["sha256"] = res.sha256
    if isinstance(res.schema, dict):
        fields["schema"] = res.schema
    return fields


def _propose_resources(uow: UnitOfWork, principal: Principal, ds: Dataset,
                       resources: list[dict[str, Any]], message: str) -> ReviewItem:
    return review.propose_change(uow, ds, {"resources": resources},
                                 submitted_by=principal.name, message=message, source="api")


def add_resource(uow: UnitOfWork, principal: Principal, ds: Dataset, fields: dict[str, Any],
                 checked: CheckedUpload | None) -> Resource | ReviewItem:
    """``resource_create``: at once, or as a pending change of a published dataset (always,
    when the file holds personal data: issue 9)."""
    held = held_upload(ds, checked)
    if direct(principal, ds) and not held:
        return datasets.create_resource(uow, ds.id, fields, trusted=checked is not None,
                                        upload=checked.upload if checked else None)
    title = str(fields.get("name") or (checked.upload.filename if checked else fields.get("url")))
    if checked is not None:
        upload = {**fields, "filename": checked.upload.filename,
                  "sha256": checked.upload.stored.sha256, "size": checked.upload.stored.size,
                  "mimetype": checked.upload.mimetype}
        return review.propose_change(uow, ds, {"resources_add": [upload]},
                                     submitted_by=principal.name, source="api",
                                     message=hold_message(checked.personal_data, title)
                                     if held else f"Thêm tài nguyên {title}")
    clean_resource(fields)  # refuse bad input now, not at approval
    if not fields.get("url"):
        raise ValidationError({"url": ["Missing value: give a url or upload a file"]})
    resources = [resource_fields(r) for r in ds.resources] + [fields]
    return _propose_resources(uow, principal, ds, resources, f"Thêm tài nguyên {title}")


def change_resource(uow: UnitOfWork, principal: Principal, res: Resource, fields: dict[str, Any],
                    checked: CheckedUpload | None, *, partial: bool) -> Resource | ReviewItem:
    """``resource_update``/``resource_patch``: at once, or as a pending change."""
    ds = datasets.get_dataset(uow.session, res.dataset_id)
    if held_upload(ds, checked):
        assert checked is not None
        raise ValidationError({"upload": [
            hold_message(checked.personal_data, checked.upload.filename) + "\nA published "
            "dataset's file with personal data is not replaced in place: add it with "
            "resource_create, where it waits for an administrator's review"]})
    if direct(principal, ds):
        return datasets.update_resource(uow, res.id, fields, partial=partial,
                                        trusted=checked is not None,
                                        upload=checked.upload if checked else None)
    if checked is not None:
        raise ValidationError({"upload": [
            "A published dataset's file is replaced through review: add the new file with "
            "resource_create, then delete the old one"]})
    clean_resource(fields)
    base = resource_fields(res) if partial else {"id": res.id, "url": res.url}
    resources = [{**base, **fields, "id": res.id} if r.id == res.id else resource_fields(r)
                 for r in ds.resources]
    return _propose_resources(uow, principal, ds, resources, f"Sửa tài nguyên {res.name}")


def remove_resource(uow: UnitOfWork, principal: Principal, res: Resource) -> ReviewItem | None:
    """``resource_delete``: at once, or as a pending change."""
    ds = datasets.get_dataset(uow.session, res.dataset_id)
    if direct(principal, ds):
        datasets.delete_resource(uow, res.id)
        return None
    resources = [resource_fields(r) for r in ds.resources if r.id != res.id]
    return _propose_resources(uow, principal, ds, resources, f"Xoá tài nguyên {res.name}")

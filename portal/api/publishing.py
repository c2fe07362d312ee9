"""How an API write becomes a change: review before publishing (Sơn La 20/2023 Điều 9).

Whoever may publish in the owning organization (its admins, sysadmins) changes datasets at
once, and so does anyone on a draft. An editor's new dataset starts as a draft submitted for
review; an editor's change to a published dataset waits as a review item
(:mod:`catalogue.review.service`), so the public keeps seeing the published version.

None of that is decided here: each action asks the publishing gate
(:func:`catalogue.publishing.gate.decide`, the same one the workspace and harvests ask) and
maps its answer — publish, pending, held — onto CKAN's actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalogue.accounts.principal import Principal
from catalogue.context import UnitOfWork
from catalogue.datasets import service as datasets
from catalogue.datasets.model import Dataset, Resource
from catalogue.datasets.schema import clean_resource
from catalogue.datasets.serialize import package_dict
from catalogue.errors import ValidationError
from catalogue.privacy.gate import package_after
from catalogue.privacy.hold import hold_message
from catalogue.publishing.gate import Decision, Held, Publish, decide, may_publish, screen_of
from catalogue.review import service as review
from catalogue.review.model import ReviewItem
from portal.api.auth import require
from portal.workspace.uploads import CheckedUpload

# What package_update resets when a field is left out (CKAN's replace semantics).
REPLACED_LISTS: dict[str, Any] = {"tags": [], "groups": [], "extras": [], "resources": []}


def _resource_decision(uow: UnitOfWork, principal: Principal, ds: Dataset,
                       resources: list[dict[str, Any]],
                       checked: CheckedUpload | None = None) -> Decision:
    """The gate's answer for ``ds`` with this resource list (an upload's findings screened).

    Drafts are not public: a file joins them at once, and the dataset's own review comes
    later; a published dataset's file with personal data is held (issue 9).
    """
    current = package_dict(ds, uow.catalogue.site_url)
    found = checked.personal_data if checked is not None else ()
    name = checked.upload.filename if checked is not None else ""
    return decide(principal, org_id=ds.owner_org_id, before=current,
                  after={**current, "resources": resources}, screen=screen_of(found, [name]))


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
    if may_publish(principal, ds.owner_org_id):
        # Publishers may change the state too (publish a draft by patching it): the gate
        # screens what that makes public and holds it on a hit (issue 9).
        return review.update_screened(uow, principal, ds, changes, source="api")
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
    when the file holds personal data: issue 9), as the gate decides."""
    if checked is not None:
        return review.add_upload(uow, principal, ds, fields, checked.upload,
                                 checked.personal_data, source="api")
    clean_resource(fields)  # refuse bad input now, not at approval
    if not fields.get("url"):
        raise ValidationError({"url": ["Missing value: give a url or upload a file"]})
    resources = [resource_fields(r) for r in ds.resources] + [fields]
    current = package_dict(ds, uow.catalogue.site_url)
    decision = review.gate(uow, principal, ds.owner_org_id, current,
                           package_after(current, {"resources": resources}))
    if isinstance(decision, Publish):
        return datasets.create_resource(uow, ds.id, fields)
    title = str(fields.get("name") or fields.get("url"))
    item = _propose_resources(uow, principal, ds, resources, f"Thêm tài nguyên {title}")
    if isinstance(decision, Held):
        review.hold(uow, item, decision)
    return item


def change_resource(uow: UnitOfWork, principal: Principal, res: Resource, fields: dict[str, Any],
                    checked: CheckedUpload | None, *, partial: bool) -> Resource | ReviewItem:
    """``resource_update``/``resource_patch``: at once, or as a pending change."""
    ds = datasets.get_dataset(uow.session, res.dataset_id)
    clean_resource(fields)
    base = resource_fields(res) if partial else {"id": res.id, "url": res.url}
    resources = [{**base, **fields, "id": res.id} if r.id == res.id else resource_fields(r)
                 for r in ds.resources]
    decision = _resource_decision(uow, principal, ds, resources, checked)
    if isinstance(decision, Held):
        assert checked is not None
        raise ValidationError({"upload": [
            hold_message(checked.personal_data, checked.upload.filename) + "\nA published "
            "dataset's file with personal data is not replaced in place: add it with "
            "resource_create, where it waits for an administrator's review"]})
    if isinstance(decision, Publish):
        return datasets.update_resource(uow, res.id, fields, partial=partial,
                                        trusted=checked is not None,
                                        upload=checked.upload if checked else None)
    if checked is not None:
        raise ValidationError({"upload": [
            "A published dataset's file is replaced through review: add the new file with "
            "resource_create, then delete the old one"]})
    return _propose_resources(uow, principal, ds, resources, f"Sửa tài nguyên {res.name}")


def remove_resource(uow: UnitOfWork, principal: Principal, res: Resource) -> ReviewItem | None:
    """``resource_delete``: at once, or as a pending change."""
    ds = datasets.get_dataset(uow.session, res.dataset_id)
    resources = [resource_fields(r) for r in ds.resources if r.id != res.id]
    if isinstance(_resource_decision(uow, principal, ds, resources), Publish):
        datasets.delete_resource(uow, res.id)
        return None
    return _propose_resources(uow, principal, ds, resources, f"Xoá tài nguyên {res.name}")

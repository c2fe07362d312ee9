"""Write actions: agencies publishing by API with a token.

Every change goes through the catalogue's service layer (history, index, audit) with the
principal's name as actor; permissions are checked per organization in ``auth``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import FileStorage

from catalogue.datasets import service as datasets
from catalogue.datasets.model import Resource
from catalogue.datasets.serialize import group_dict, organization_dict, package_dict, resource_dict
from catalogue.datasets.service import TRUSTED_RESOURCE_FIELDS
from catalogue.errors import NotFound, ValidationError
from catalogue.groups import service as groups
from catalogue.organizations import service as organizations
from catalogue.review.model import ReviewItem
from portal.api import publishing
from portal.api.auth import require, require_sysadmin
from portal.api.registry import ActionContext, Param, action, str_param
from portal.workspace.uploads import CheckedUpload, check_upload

PACKAGE_FIELDS = (
    Param("name", "string", "URL name: 2–100 of a-z, 0-9, - and _.", required=True),
    Param("title", "string", "Title (Vietnamese)."),
    Param("owner_org", "string", "Organization name or id.", required=True),
    Param("notes", "string", "Description (Markdown)."),
    Param("license_id", "string", "A licence id from license_list."),
    Param("private", "boolean", "Visible only to the organization."),
    Param("state", "string", "active or draft."),
    Param("tags", "array", "Tags: [{\"name\": ...}] or names."),
    Param("groups", "array", "Sectors: [{\"name\": ...}]."),
    Param("extras", "array", "[{\"key\": ..., \"value\": ...}]."),
    Param("resources", "array", "Resources (links)."),
    Param("title_en", "string", "English title."),
    Param("notes_en", "string", "English description."),
)
RESOURCE_FIELDS = (
    Param("url", "string", "Link to the data (or leave empty and upload a file)."),
    Param("name", "string", "Name."),
    Param("description", "string", "Description."),
    Param("format", "string", "Format, e.g. CSV."),
    Param("upload", "string", "A file (multipart/form-data); stored with its sha256."),
)
ORG_FIELDS = (
    Param("name", "string", "URL name.", required=True),
    Param("title", "string", "Title.", required=True),
    Param("title_en", "string", "English title."),
    Param("description", "string", "Description."),
    Param("email", "string", "Contact e-mail."),
    Param("website", "string", "Website."),
)
ID = Param("id", "string", "Name or id.", required=True)


def _org_id(ctx: ActionContext, name_or_id: str) -> str:
    with ctx.catalogue.sessions() as session:
        try:
            return organizations.get_organization(session, name_or_id).id
        except NotFound:
            raise ValidationError({"owner_org": [f"Organization does not exist: {name_or_id}"]}
                                  ) from None


def _dataset_org(ctx: ActionContext, name_or_id: str) -> str | None:
    with ctx.catalogue.sessions() as session:
        return datasets.get_dataset(session, name_or_id).owner_org_id


def _show(ctx: ActionContext, name_or_id: str) -> dict[str, Any]:
    with ctx.catalogue.sessions() as session:
        return package_dict(datasets.get_dataset(session, name_or_id), ctx.catalogue.site_url)


def _parent_checked(params: dict[str, Any]) -> dict[str, Any]:
    """The organization fields, with ``parent`` required to be a name (or empty)."""
    parent = params.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise ValidationError({"parent": ["Must be an organization name or id"]})
    return params


def _without_upload(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if not isinstance(v, FileStorage)}


# -- datasets ---------------------------------------------------------------------------


def _package_answer(ctx: ActionContext, dataset_id: str,
                    item: ReviewItem | None = None) -> dict[str, Any]:
    out = _show(ctx, dataset_id)
    if item is not None:
        out["pending_review"] = publishing.pending(item)
    return out


@action(writes=True, params=PACKAGE_FIELDS)
def package_create(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset; an editor's starts as a draft submitted for review, an admin's is
    published as asked."""
    owner = str_param(params, "owner_org")
    if not owner and not ctx.principal.sysadmin:
        raise ValidationError({"owner_org": ["Missing value"]})
    require(ctx.principal, "dataset.create", _org_id(ctx, owner) if owner else None)
    data = _without_upload(params)
    if not data.get("license_id"):
        # An agency naming no licence publishes under the statutory open-data terms (Law on
        # E-Transactions 2023 Art. 43, Decree 194/2025): the `default_license` setting.
        data["license_id"] = ctx.catalogue.settings.get("default_license") or "not-specified"
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        ds = publishing.create_package(uow, ctx.principal, data)
        uow.commit()
        dataset_id = ds.id
    return _show(ctx, dataset_id)


def _update(ctx: ActionContext, params: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    name_or_id = str_param(params, "id") or str_param(params, "name", required=True)
    require(ctx.principal, "dataset.update", _dataset_org(ctx, name_or_id))
    new_owner = str_param(params, "owner_org")
    if new_owner:  # moving a dataset needs rights in the receiving organization too
        require(ctx.principal, "dataset.create", _org_id(ctx, new_owner))
    data = {k: v for k, v in _without_upload(params).items() if k != "id"}
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        result = publishing.change_package(uow, ctx.principal, name_or_id, data, partial=partial)
        uow.commit()
        if isinstance(result, ReviewItem):
            return _package_answer(ctx, result.dataset_id, result)
        dataset_id = result.id
    return _package_answer(ctx, dataset_id)


@action(writes=True, params=(ID, *PACKAGE_FIELDS[1:]))
def package_update(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset: fields left out are reset (CKAN semantics); use patch to change some.
    An editor's change to a published dataset waits for review (``pending_review``)."""
    if "name" not in params and str_param(params, "id"):
        with ctx.catalogue.sessions() as session:
            params = {**params, "name": datasets.get_dataset(session, params["id"]).name}
    return _update(ctx, params, partial=False)


@action(writes=True, params=(ID, *PACKAGE_FIELDS[1:]))
def package_patch(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Change only the fields given (through review for an editor on a published dataset)."""
    return _update(ctx, params, partial=True)


@action(writes=True, params=(ID,))
def package_delete(ctx: ActionContext, params: dict[str, Any]) -> None:
    """Withdraw a dataset (state ``deleted``; its history stays)."""
    name_or_id = str_param(params, "id", required=True)
    require(ctx.principal, "dataset.delete", _dataset_org(ctx, name_or_id))
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        datasets.delete_dataset(uow, name_or_id)
        uow.commit()
    return None


# -- resources --------------------------------------------------------------------------


def _checked_upload(ctx: ActionContext, params: dict[str, Any]) -> CheckedUpload | None:
    """The uploaded file, content-checked, stored by sha256 and validated (as in the
    workspace), or None when the resource is a link."""
    storage = params.get("upload")
    if not isinstance(storage, FileStorage):
        return None
    return check_upload(ctx.catalogue, storage)


def _with_validation(fields: dict[str, Any], checked: CheckedUpload | None) -> dict[str, Any]:
    if checked is None:
        return fields
    out = {**fields, "format": fields.get("format") or checked.format}
    if checked.validation_status:
        report = dict(checked.validation_report)
        schema = report.pop("schema", None)
        out.update(validation_status=checked.validation_status, validation_report=report)
        if isinstance(schema, dict) and schema and not isinstance(fields.get("schema"), dict):
            out["schema"] = schema
    return out


def _resource_fields(params: dict[str, Any]) -> dict[str, Any]:
    # Callers never set validation results themselves: those come from our validator.
    return {k: v for k, v in _without_upload(params).items()
            if k not in TRUSTED_RESOURCE_FIELDS and k not in ("package_id", "id")}


def _resource_answer(ctx: ActionContext, result: Resource | ReviewItem | str,
                     fields: dict[str, Any]) -> dict[str, Any]:
    if isinstance(result, ReviewItem):
        return {**{k: v for k, v in fields.items() if k != "validation_report"},
                "package_id": result.dataset_id, "pending_review": publishing.pending(result)}
    resource_id = result if isinstance(result, str) else result.id
    with ctx.catalogue.sessions() as session:
        res = datasets.get_resource(session, resource_id)
        ds = datasets.get_dataset(session, res.dataset_id)
        return resource_dict(res, ds.name, ctx.catalogue.site_url)


@action(writes=True, multipart=True, params=(
    Param("package_id", "string", "Dataset name or id.", required=True), *RESOURCE_FIELDS))
def resource_create(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Add a link, or a file uploaded as multipart ``upload`` (checked, stored by sha256,
    validated when tabular); through review for an editor on a published dataset."""
    dataset = str_param(params, "package_id", required=True)
    require(ctx.principal, "dataset.update", _dataset_org(ctx, dataset))
    checked = _checked_upload(ctx, params)
    fields = _with_validation(_resource_fields(params), checked)
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        ds = datasets.get_dataset(uow.session, dataset)
        result = publishing.add_resource(uow, ctx.principal, ds, fields, checked)
        uow.commit()
        answer: Resource | ReviewItem | str = result if isinstance(result, ReviewItem) \
            else result.id
    return _resource_answer(ctx, answer, fields)


def _change_resource(ctx: ActionContext, params: dict[str, Any], *,
                     partial: bool) -> dict[str, Any]:
    resource_id = str_param(params, "id", required=True)
    with ctx.catalogue.sessions() as session:
        dataset_id = datasets.get_resource(session, resource_id).dataset_id
    require(ctx.principal, "dataset.update", _dataset_org(ctx, dataset_id))
    checked = _checked_upload(ctx, params)
    fields = _with_validation(_resource_fields(params), checked)
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        res = datasets.get_resource(uow.session, resource_id)
        result = publishing.change_resource(uow, ctx.principal, res, fields, checked,
                                            partial=partial)
        uow.commit()
        answer: Resource | ReviewItem | str = result if isinstance(result, ReviewItem) \
            else resource_id
    return _resource_answer(ctx, answer, fields)


@action(writes=True, multipart=True, params=(
    Param("id", "string", "Resource id.", required=True), *RESOURCE_FIELDS))
def resource_update(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace a resource's fields (and file, when one is uploaded)."""
    return _change_resource(ctx, params, partial=False)


@action(writes=True, multipart=True, params=(
    Param("id", "string", "Resource id.", required=True), *RESOURCE_FIELDS))
def resource_patch(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Change only the resource fields given."""
    return _change_resource(ctx, params, partial=True)


@action(writes=True, params=(Param("id", "string", "Resource id.", required=True),))
def resource_delete(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any] | None:
    """Remove a resource from its dataset (stored files stay for older versions)."""
    resource_id = str_param(params, "id", required=True)
    with ctx.catalogue.sessions() as session:
        dataset_id = datasets.get_resource(session, resource_id).dataset_id
    require(ctx.principal, "dataset.update", _dataset_org(ctx, dataset_id))
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        item = publishing.remove_resource(uow, ctx.principal,
                                          datasets.get_resource(uow.session, resource_id))
        uow.commit()
        return {"pending_review": publishing.pending(item)} if item is not None else None


# -- organizations and groups -----------------------------------------------------------


@action(writes=True, params=(*ORG_FIELDS, Param("parent", "string", "Parent organization.")))
def organization_create(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create an organization (sysadmins only)."""
    require_sysadmin(ctx.principal, "create organizations")
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        org = organizations.create_organization(uow, _parent_checked(params))
        uow.commit()
        return organization_dict(org)


@action(writes=True, params=(ID, *ORG_FIELDS[1:]))
def organization_patch(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Change an organization's descriptive fields (its admins and sysadmins)."""
    name_or_id = str_param(params, "id", required=True)
    with ctx.catalogue.sessions() as session:
        org_id = organizations.get_organization(session, name_or_id).id
    require(ctx.principal, "organization.manage", org_id)
    data = {k: v for k, v in _parent_checked(params).items() if k not in ("id", "name")}
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        org = organizations.update_organization(uow, org_id, data)
        uow.commit()
        return organization_dict(org)


@action(writes=True, params=ORG_FIELDS[:4])
def group_create(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a group (sector; sysadmins only)."""
    require_sysadmin(ctx.principal, "create groups")
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        group = groups.create_group(uow, params)
        uow.commit()
        return group_dict(group)


@action(writes=True, params=(ID, *ORG_FIELDS[1:4]))
def group_patch(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Change a group's descriptive fields (sysadmins only)."""
    name_or_id = str_param(params, "id", required=True)
    require_sysadmin(ctx.principal, "change groups")
    with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
        group = groups.update_group(uow, name_or_id, {k: v for k, v in params.items()
                                                      if k not in ("id", "name")})
        uow.commit()
        return group_dict(group)


@action(writes=True, params=(
    Param("id", "string", "Group name or id.", required=True),
    Param("object", "string", "Dataset name or id.", required=True),
    Param("object_type", "string", "Must be `package`.", required=True),
    Param("capacity", "string", "`public` (ignored for datasets)."),
))
def member_create(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Put a dataset in a group (sector); needs edit rights on the dataset."""
    group_ref = str_param(params, "id", required=True)
    dataset = str_param(params, "object", required=True)
    object_type = str_param(params, "object_type", required=True)
    if object_type != "package":
        raise ValidationError({"object_type": ["Only datasets (package) can be added here; "
                                               "organization roles are managed in the portal"]})
    require(ctx.principal, "dataset.update", _dataset_org(ctx, dataset))
    with ctx.catalogue.sessions() as session:
        group = groups.get_group(session, group_ref)
        ds = datasets.get_dataset(session, dataset)
        current = [g.name for g in ds.groups]
        group_id, group_name, dataset_id = group.id, group.name, ds.id
    answer: dict[str, Any] = {
        "group_id": group_id, "table_name": "package", "table_id": dataset_id,
        "capacity": str_param(params, "capacity", default="public"), "state": "active"}
    if group_name not in current:
        with ctx.catalogue.unit(ctx.principal.name, ip=ctx.request.remote_addr) as uow:
            result = publishing.change_package(uow, ctx.principal, dataset_id,
                                               {"groups": current + [group_name]}, partial=True)
            uow.commit()
            if isinstance(result, ReviewItem):
                answer["pending_review"] = publishing.pending(result)
    return answer

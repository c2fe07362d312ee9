"""Review before publishing: draft → submitted → published (or rejected with a comment).

Editors create drafts and submit them; their changes to a published dataset wait as a pending
``change`` item, so the public keeps seeing the published version until an admin approves.
Approving applies the change through the dataset service (history, audit, reindex follow).
Sơn La 20/2023 Điều 9: data is checked before it is published.

Whether a change applies now, waits or is held is not decided here but by the one publishing
gate (:func:`catalogue.publishing.gate.decide`); every function below that changes a dataset
asks it and acts on the answer, whichever door (API, workspace, harvest, restore) called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue import audit
from catalogue.accounts.principal import Principal
from catalogue.context import Catalogue, UnitOfWork
from catalogue.datasets import service as datasets
from catalogue.datasets.model import Dataset, Resource
from catalogue.datasets.serialize import package_dict
from catalogue.errors import Conflict, NotAuthorized, NotFound, ValidationError
from catalogue.files.store import StoredFile
from catalogue.history.service import diff_snapshots, latest_revision
from catalogue.organizations.service import get_organization
from catalogue.privacy.gate import (
    PersonalDataHeld,
    PublicationScreen,
    is_hold,
    package_after,
    publication_screen,
)
from catalogue.privacy.screen import Finding
from catalogue.publishing.gate import Decision, Held, Pending, Publish, decide, screen_of
from catalogue.review.model import ReviewItem

# What the owning agency sees for each dataset on its dashboard.
STATUS_LABELS = {"draft": "nháp", "submitted": "chờ duyệt", "published": "đã công bố",
                 "rejected": "bị trả lại", "deleted": "đã rút"}


COMPUTED_KEYS = frozenset({"id", "metadata_created", "license_title", "license_url", "isopen",
                           "creator_user_id", "relationships_as_object",
                           "relationships_as_subject", "organization", "state", "type"})


def _require(principal: Principal, permission: str, org_id: str | None) -> None:
    if not principal.can(permission, org_id):
        who = "anonymous users" if principal.is_anonymous else f"user {principal.name}"
        raise NotAuthorized(f"Access denied: {who} may not {permission}")


def _org_id(uow: UnitOfWork, data: Mapping[str, Any], current: str | None) -> str | None:
    if data.get("owner_org"):
        return get_organization(uow.session, str(data["owner_org"])).id
    return current


def _open_item(session: Session, dataset_id: str, kind: str | None = None) -> ReviewItem | None:
    query = select(ReviewItem).where(ReviewItem.dataset_id == dataset_id,
                                     ReviewItem.status == "submitted")
    if kind is not None:
        query = query.where(ReviewItem.kind == kind)
    return session.scalars(query.order_by(ReviewItem.submitted_at.desc())).first()


def dataset_status(session: Session, ds: Dataset) -> str:
    """draft, submitted, published, rejected or deleted (see STATUS_LABELS)."""
    if ds.state == "deleted":
        return "deleted"
    if ds.state == "active":
        return "published"
    last = session.scalars(select(ReviewItem).where(
        ReviewItem.dataset_id == ds.id, ReviewItem.kind == "publish")
        .order_by(ReviewItem.submitted_at.desc())).first()
    if last is not None and last.status in ("submitted", "rejected"):
        return last.status
    return "draft"


def pending_changes(session: Session, dataset_id: str) -> list[ReviewItem]:
    return list(session.scalars(select(ReviewItem).where(
        ReviewItem.dataset_id == dataset_id, ReviewItem.status == "submitted")
        .order_by(ReviewItem.submitted_at)))


def create_draft(uow: UnitOfWork, principal: Principal, data: Mapping[str, Any]) -> Dataset:
    """A new dataset, unpublished until reviewed (admins may still publish it at once)."""
    org_id = _org_id(uow, data, None)
    if org_id is None:
        raise ValidationError({"owner_org": ["Missing value: a dataset belongs to an agency"]})
    _require(principal, "dataset.create", org_id)
    return datasets.create_dataset(uow, {**data, "state": "draft"})


def create_as(uow: UnitOfWork, principal: Principal, data: Mapping[str, Any]) -> Dataset:
    """Create a dataset as ``principal`` may (for the API's ``package_create``).

    The agency's admins get what they ask for; an editor's dataset starts as a draft and,
    when they asked for it to be active, is submitted for review at once.
    """
    org_id = _org_id(uow, data, None)
    if org_id is None and not principal.sysadmin:
        raise ValidationError({"owner_org": ["Missing value: a dataset belongs to an agency"]})
    _require(principal, "dataset.create", org_id)
    from catalogue.datasets.schema import clean_dataset

    clean_dataset(data)  # malformed input (tags: [1, 2]) is refused before screening it
    decision = gate(uow, principal, org_id, None, data)
    if isinstance(decision, Publish):
        return datasets.create_dataset(uow, data)
    ds = datasets.create_dataset(uow, {**data, "state": "draft"})
    item = _submit_draft(uow, ds, principal.name, "", "api")
    if isinstance(decision, Held):
        hold(uow, item, decision)
    return ds


def gate(uow: UnitOfWork, principal: Principal, org_id: str | None,
         before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> Decision:
    """The publishing gate's answer for a change from ``before`` to ``after``, with what
    it would newly make public screened for personal data."""
    return decide(principal, org_id=org_id, before=before, after=after,
                  screen=_screen(uow, after, before=before))


def edit_dataset(uow: UnitOfWork, principal: Principal, name_or_id: str,
                 changes: Mapping[str, Any], *, message: str = "") -> Dataset | ReviewItem:
    """Change a dataset as ``principal`` may: drafts and admins' edits apply at once;
    an editor's change to a published dataset becomes a pending review item."""
    ds = datasets.get_dataset(uow.session, name_or_id)
    _require(principal, "dataset.update", ds.owner_org_id)
    new_org = _org_id(uow, changes, ds.owner_org_id)
    if new_org != ds.owner_org_id:
        _require(principal, "dataset.update", new_org)
    if "state" in changes and changes["state"] != ds.state:
        raise ValidationError({"state": ["Publish through review, withdraw by deleting"]})
    return update_screened(uow, principal, ds, changes, message=message)


def update_screened(uow: UnitOfWork, principal: Principal, ds: Dataset,
                    changes: Mapping[str, Any], *, message: str = "",
                    source: str = "workspace") -> Dataset | ReviewItem:
    """Apply a patch as the gate decides: at once (drafts, an admin's clean change), as a
    pending change (an editor's change to a published dataset), or held when it would newly
    make personal data public (opening a private dataset, publishing a draft, text with ID
    numbers) until a release with a justification (issue 9)."""
    from catalogue.datasets.schema import clean_dataset

    clean_dataset({"name": ds.name, **changes}, partial=True)  # malformed input: refused first
    current = package_dict(ds, uow.catalogue.site_url)
    decision = gate(uow, principal, ds.owner_org_id, current, package_after(current, changes))
    if isinstance(decision, Publish):
        return datasets.update_dataset(uow, ds.id, changes, partial=True, message=message)
    item = propose_change(uow, ds, changes, submitted_by=principal.name, message=message,
                          source=source)
    if isinstance(decision, Held):
        hold(uow, item, decision)
    return item


def propose_change(uow: UnitOfWork, ds: Dataset, changes: Mapping[str, Any], *,
                   submitted_by: str, message: str = "", source: str = "workspace",
                   trusted: bool = False) -> ReviewItem:
    """Keep ``changes`` (a patch) apart from the published dataset until approved."""
    from catalogue.datasets.schema import clean_dataset

    clean_dataset({"name": ds.name, **changes}, partial=True)  # refuse bad input now
    revision = latest_revision(uow.session, ds.id)
    item = ReviewItem(dataset_id=ds.id, organization_id=ds.owner_org_id, kind="change",
                      proposed=_jsonable(changes), trusted=trusted,
                      base_revision=revision.number if revision else 0, source=source,
                      submitted_by=submitted_by, submitted_at=uow.clock.now(), message=message)
    uow.session.add(item)
    uow.session.flush()
    audit.record_unit(uow, "review.submit", f"dataset:{ds.name}",
                      {"item": item.id, "kind": "change", "source": source})
    return item


def add_upload(uow: UnitOfWork, principal: Principal, ds: Dataset, fields: Mapping[str, Any],
               upload: datasets.Upload, personal_data: Sequence[Finding], *,
               source: str = "workspace") -> Resource | ReviewItem:
    """Attach a checked upload as the gate decides: at once (drafts, an admin's clean file),
    as a pending change, or held when the file's personal data would be published (issue 9).

    ``personal_data`` is what the upload check found in the file (kinds, columns, rows).
    """
    title = str(fields.get("name") or upload.filename)
    pending = {**fields, "filename": upload.filename, "sha256": upload.stored.sha256,
               "size": upload.stored.size, "mimetype": upload.mimetype}
    current = package_dict(ds, uow.catalogue.site_url)
    decision = decide(principal, org_id=ds.owner_org_id, before=current,
                      after=package_after(current, {"resources_add": [pending]}),
                      screen=screen_of(personal_data, [title]))
    if isinstance(decision, Publish):
        return datasets.create_resource(uow, ds.id, fields, upload=upload, trusted=True)
    item = propose_change(uow, ds, {"resources_add": [pending]}, submitted_by=principal.name,
                          source=source, message="" if isinstance(decision, Held)
                          else f"Thêm tài nguyên {title}")
    if isinstance(decision, Held):
        hold(uow, item, decision)
    return item


def _jsonable(data: Mapping[str, Any]) -> dict[str, Any]:
    import json

    return dict(json.loads(json.dumps(dict(data), default=str)))


def submit(uow: UnitOfWork, principal: Principal, name_or_id: str, *, message: str = "",
           source: str = "workspace") -> ReviewItem:
    """Ask for a draft to be published."""
    ds = datasets.get_dataset(uow.session, name_or_id)
    _require(principal, "dataset.update", ds.owner_org_id)
    return _submit_draft(uow, ds, principal.name, message, source)


def _submit_draft(uow: UnitOfWork, ds: Dataset, by: str, message: str,
                  source: str) -> ReviewItem:
    if ds.state != "draft":
        raise Conflict(f"Only drafts are submitted for publication; {ds.name} is {ds.state}")
    existing = _open_item(uow.session, ds.id, "publish")
    if existing is not None:
        return existing
    revision = latest_revision(uow.session, ds.id)
    item = ReviewItem(dataset_id=ds.id, organization_id=ds.owner_org_id, kind="publish",
                      base_revision=revision.number if revision else 0, source=source,
                      submitted_by=by, submitted_at=uow.clock.now(), message=message)
    uow.session.add(item)
    uow.session.flush()
    audit.record_unit(uow, "review.submit", f"dataset:{ds.name}",
                      {"item": item.id, "kind": "publish", "source": source})
    return item


def get_item(session: Session, item_id: str) -> ReviewItem:
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound(f"Review item not found: {item_id}")
    return item


def _deciding(uow: UnitOfWork, principal: Principal, item_id: str
              ) -> tuple[ReviewItem, Dataset]:
    item = get_item(uow.session, item_id)
    ds = datasets.get_dataset(uow.session, item.dataset_id)
    _require(principal, "dataset.publish", ds.owner_org_id)
    if item.status != "submitted":
        raise Conflict(f"This item was already {item.status}")
    return item, ds


def _screen(uow: UnitOfWork, after: Mapping[str, Any], *,
            before: Mapping[str, Any] | None = None) -> PublicationScreen:
    return publication_screen(uow.catalogue.files, after, before=before,
                              this_year=uow.clock.now().year)


def hold(uow: UnitOfWork, item: ReviewItem, held: Held) -> None:
    """Mark an item as held: personal data (kinds, columns, rows; never values) and the
    source's reasons, named in its message."""
    item.message = held.message() + (f"\n\n{item.message}" if item.message else "")
    ds = uow.session.get(Dataset, item.dataset_id)
    audit.record_unit(uow, "privacy.hold" if held.personal_data else "review.hold",
                      f"dataset:{ds.name if ds else item.dataset_id}",
                      {"item": item.id, "source": item.source, "reasons": list(held.reasons)})


def _item_change(uow: UnitOfWork, item: ReviewItem,
                 ds: Dataset) -> tuple[dict[str, Any], dict[str, Any]]:
    """The package now and as approving ``item`` would leave it."""
    current = package_dict(ds, uow.catalogue.site_url)
    after = ({**current, "state": "active"} if item.kind == "publish"
             else package_after(current, item.proposed or {}))
    return current, after


def _item_decision(uow: UnitOfWork, principal: Principal, item: ReviewItem,
                   ds: Dataset) -> Decision:
    """The gate's answer for approving ``item`` (a reviewer who may publish: never Pending)."""
    current, after = _item_change(uow, item, ds)
    return gate(uow, principal, ds.owner_org_id, current, after)


def publication_hold(uow: UnitOfWork, principal: Principal, item: ReviewItem,
                     ds: Dataset) -> str | None:
    """Why approving ``item`` must wait for a release, or None: the item is a hold already,
    or the gate holds what it would make public (screened as it stands now)."""
    if is_hold(item.message):
        return item.message
    decision = _item_decision(uow, principal, item, ds)
    return decision.message() if isinstance(decision, Held) else None


def approve(uow: UnitOfWork, principal: Principal, item_id: str, *, comment: str = "",
            personal_data_released: bool = False) -> Dataset:
    """Publish the draft, or apply the pending change, through the dataset service.

    Raises :class:`PersonalDataHeld` when it would make personal data public, unless an
    admin releases it (``personal_data_released``, from :func:`catalogue.privacy.hold.release`
    which records the justification).
    """
    item, ds = _deciding(uow, principal, item_id)
    if not personal_data_released:
        held = publication_hold(uow, principal, item, ds)
        if held is not None:
            raise PersonalDataHeld(item.id, held)
    return _apply(uow, principal, item, ds, comment)


def approve_or_hold(uow: UnitOfWork, principal: Principal, item_id: str, *,
                    comment: str = "") -> Dataset | ReviewItem:
    """Approve, or, when personal data would become public, keep the item in the queue
    marked as held (for the reviewer's "approve" button and an admin's direct publish)."""
    item, ds = _deciding(uow, principal, item_id)
    if is_hold(item.message):
        return item
    decision = _item_decision(uow, principal, item, ds)
    if isinstance(decision, Held):
        hold(uow, item, decision)
        return item
    if isinstance(decision, Pending):  # not reached: _deciding required dataset.publish
        raise NotAuthorized(f"Access denied: user {principal.name} may not publish")
    return _apply(uow, principal, item, ds, comment)


def publish_now(uow: UnitOfWork, principal: Principal, name_or_id: str) -> Dataset | ReviewItem:
    """An admin publishes a draft of their agency at once (submit and approve), screened
    first: personal data keeps it a draft, held in the review queue (issue 9).

    A hold made by screening stored files is looked at again, so a fixed draft goes out;
    a harvest's hold (its remote files are not stored) waits for a release.
    """
    ds = datasets.get_dataset(uow.session, name_or_id)
    _require(principal, "dataset.publish", ds.owner_org_id)
    earlier = _open_item(uow.session, ds.id, "publish")
    if earlier is not None and is_hold(earlier.message):
        if earlier.submitted_by.startswith("harvest:") or isinstance(
                _item_decision(uow, principal, earlier, ds), Held):
            return earlier
        earlier.status, earlier.decided_by = "withdrawn", principal.name
        earlier.decided_at, earlier.comment = uow.clock.now(), "screened again: nothing found"
    item = _submit_draft(uow, ds, principal.name, "", "workspace")
    return approve_or_hold(uow, principal, item.id)


def _apply(uow: UnitOfWork, principal: Principal, item: ReviewItem, ds: Dataset,
           comment: str) -> Dataset:
    note = f"Approved by {principal.name}" + (f": {comment}" if comment else "")
    if item.kind == "publish":
        ds = datasets.update_dataset(uow, ds.id, {"state": "active"}, partial=True, message=note)
    else:
        proposed = dict(item.proposed or {})
        uploads = proposed.pop("resources_add", [])
        if proposed:
            ds = datasets.update_dataset(uow, ds.id, proposed, partial=True,
                                         message=item.message or note, trusted=item.trusted)
        for upload in uploads:
            _add_uploaded(uow, ds, upload)
    item.status, item.decided_by, item.decided_at = "approved", principal.name, uow.clock.now()
    item.comment = comment
    audit.record_unit(uow, "review.approve", f"dataset:{ds.name}",
                      {"item": item.id, "kind": item.kind, "submitted_by": item.submitted_by})
    return ds


def _add_uploaded(uow: UnitOfWork, ds: Dataset, upload: Mapping[str, Any]) -> None:
    """Attach a file uploaded with a pending change (already in the file store)."""
    stored = StoredFile(key=upload["sha256"], sha256=upload["sha256"], size=int(upload["size"]))
    # The Table Schema too: without it an approved table could not be typed (issue 21).
    fields = {k: upload[k] for k in ("name", "description", "format", "schema",
                                     "validation_status", "validation_report") if k in upload}
    datasets.create_resource(uow, ds.id, fields, trusted=True, upload=datasets.Upload(
        stored=stored, filename=upload["filename"], mimetype=upload.get("mimetype", "")))


def reject(uow: UnitOfWork, principal: Principal, item_id: str, *, comment: str) -> ReviewItem:
    """Send it back with a comment the editor sees; the dataset is unchanged."""
    if not comment.strip():
        raise ValidationError({"comment": ["Missing value: say what to fix"]})
    item, ds = _deciding(uow, principal, item_id)
    item.status, item.decided_by, item.decided_at = "rejected", principal.name, uow.clock.now()
    item.comment = comment.strip()
    audit.record_unit(uow, "review.reject", f"dataset:{ds.name}",
                      {"item": item.id, "kind": item.kind, "comment": item.comment})
    return item


def withdraw(uow: UnitOfWork, principal: Principal, item_id: str) -> ReviewItem:
    """The submitter (or an editor of the agency) takes the request back."""
    item = get_item(uow.session, item_id)
    _require(principal, "dataset.update", item.organization_id)
    if item.status != "submitted":
        raise Conflict(f"This item was already {item.status}")
    item.status, item.decided_by, item.decided_at = "withdrawn", principal.name, uow.clock.now()
    audit.record_unit(uow, "review.withdraw", f"dataset-id:{item.dataset_id}", {"item": item.id})
    return item


def queue(session: Session, principal: Principal, *, status: str = "submitted") -> list[ReviewItem]:
    """Items ``principal`` may decide on (their agencies', every one for a sysadmin)."""
    query = select(ReviewItem).where(ReviewItem.status == status)
    if not principal.sysadmin:
        orgs = [o for o in principal.roles if principal.can("dataset.publish", o)]
        query = query.where(ReviewItem.organization_id.in_(orgs))
    return list(session.scalars(query.order_by(ReviewItem.submitted_at)))


def item_diff(catalogue: Catalogue, item: ReviewItem) -> list[dict[str, Any]]:
    """Field changes the item would make: against nothing for a new dataset, against the
    published version for a change (worked out by applying it and rolling back)."""
    with catalogue.unit("preview") as uow:
        return _simulate(uow, item)  # the unit closes uncommitted: nothing is kept


def _simulate(uow: UnitOfWork, item: ReviewItem) -> list[dict[str, Any]]:
    site_url = uow.catalogue.site_url
    ds = datasets.get_dataset(uow.session, item.dataset_id)
    current = package_dict(ds, site_url)
    if item.kind == "publish":
        # Everything is new: show what the editor filled in, not empty or computed keys.
        return [c for c in diff_snapshots(None, current)
                if c["new"] not in (None, "", [], {}) and c["field"] not in COMPUTED_KEYS]
    proposed = dict(item.proposed or {})
    uploads = proposed.pop("resources_add", [])
    savepoint = uow.session.begin_nested()
    try:
        if proposed:
            datasets.update_dataset(uow, ds.id, proposed, partial=True, trusted=item.trusted)
        after = package_dict(datasets.get_dataset(uow.session, ds.id), site_url)
    finally:
        savepoint.rollback()
    changes = diff_snapshots(current, after)
    changes += [{"field": "resources (new)", "old": None, "new": u.get("name", "")}
                for u in uploads]
    return changes


def submit_harvested(uow: UnitOfWork, data: Mapping[str, Any], *, source: str,
                     message: str = "") -> ReviewItem | None:
    """For harvest sources configured with ``publish = "review"``: queue, never publish.

    ``data`` is the package dict the harvester would have written (with ``name`` and
    ``owner_org``; validation fields on resources are kept, as with ``trusted=True``).
    A new dataset is created as a draft and submitted; a draft is updated in place; a
    published dataset gets a pending change (replacing this source's earlier pending one).
    Returns None when a published dataset would not change.
    """
    by = f"harvest:{source}"
    try:
        ds = datasets.get_dataset(uow.session, str(data.get("name", "")))
    except NotFound:
        ds = datasets.create_dataset(uow, {**data, "state": "draft"}, message=message,
                                     trusted=True)
        return _submit_draft(uow, ds, by, message, by)
    if ds.state != "active":
        datasets.update_dataset(uow, ds.id, {**data, "state": "draft"}, message=message,
                                trusted=True)
        return _submit_draft(uow, ds, by, message, by)
    for earlier in pending_changes(uow.session, ds.id):
        if earlier.kind == "change" and earlier.source == by:
            earlier.status, earlier.decided_by = "withdrawn", by
            earlier.decided_at, earlier.comment = uow.clock.now(), "superseded by a newer harvest"
    patch = {k: v for k, v in data.items() if k not in ("id", "state")}
    probe = ReviewItem(dataset_id=ds.id, kind="change", proposed=_jsonable(patch), trusted=True)
    if not _simulate(uow, probe):
        return None
    return propose_change(uow, ds, patch, submitted_by=by, message=message, source=by,
                          trusted=True)


def hold_harvested(uow: UnitOfWork, data: Mapping[str, Any], *, source: str,
                   held: Held) -> ReviewItem | None:
    """Queue a harvested record the gate held, its message naming why (personal data found in
    its files or metadata, the source's reasons). None if a published dataset would not
    change."""
    item = submit_harvested(uow, data, source=source, message=held.message())
    if item is not None:
        audit.record_unit(uow, "privacy.hold" if held.personal_data else "review.hold",
                          f"dataset:{data.get('name')}",
                          {"item": item.id, "source": source, "reasons": list(held.reasons)})
    return item

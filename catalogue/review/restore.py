"""Restoring a dataset to an earlier version: a new revision equal to the old snapshot.

Nothing is rewritten: the restore is one more version, made through the dataset service,
so history, audit and search follow as for any change (Bình Phước draft 2023 Điều 19:
every restore is logged).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from catalogue import audit
from catalogue.accounts.principal import Principal
from catalogue.context import UnitOfWork
from catalogue.datasets import service as datasets
from catalogue.datasets.model import Dataset
from catalogue.datasets.serialize import package_dict
from catalogue.errors import NotAuthorized
from catalogue.history.service import get_revision
from catalogue.publishing.gate import Held, Publish
from catalogue.review import service as review
from catalogue.review.model import ReviewItem

# Keys of a package dict the service computes itself.
COMPUTED = ("id", "metadata_created", "metadata_modified", "num_resources", "num_tags",
            "organization", "validation", "creator_user_id", "revision_id", "license_title",
            "license_url", "isopen", "relationships_as_object", "relationships_as_subject")


def _resource_input(res: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in res.items() if k not in ("package_id", "position", "created",
                                                      "metadata_modified", "state", "hash")}
    if res.get("url_type") == "upload":
        # The snapshot shows the download address; the row keeps the file name.
        out["url"] = unquote(str(res.get("url", "")).rsplit("/", 1)[-1])
    return out


def snapshot_input(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A package dict from history turned back into service input."""
    data = {k: v for k, v in snapshot.items() if k not in COMPUTED}
    data["owner_org"] = snapshot.get("owner_org") or (snapshot.get("organization") or {}).get("id")
    data["resources"] = [_resource_input(r) for r in snapshot.get("resources", [])]
    data.update({k: v for k, v in (snapshot.get("provenance") or {}).items() if v})
    data.pop("provenance", None)
    return data


def restore_version(uow: UnitOfWork, principal: Principal, name_or_id: str,
                    number: int) -> Dataset | ReviewItem:
    """Make version ``number`` the current one again (admins of the owning agency).

    A version that would newly make personal data public (a file removed since, a draft
    restored to a published version) is not applied: it waits in the review queue as a held
    change, released only with a justification (issue 9).
    """
    ds = datasets.get_dataset(uow.session, name_or_id)
    if not principal.can("dataset.publish", ds.owner_org_id):
        raise NotAuthorized(f"Access denied: user {principal.name} may not restore versions")
    revision = get_revision(uow.session, ds.id, number)
    data = snapshot_input(revision.snapshot)
    if data.get("owner_org") and not principal.can("dataset.publish", data["owner_org"]):
        raise NotAuthorized("Access denied: that version belongs to another agency")
    current = package_dict(ds, uow.catalogue.site_url)
    decision = review.gate(uow, principal, ds.owner_org_id, current, {**current, **data})
    if not isinstance(decision, Publish):  # Held (a restorer may publish: never Pending)
        item = review.propose_change(uow, ds, data, submitted_by=principal.name,
                                     message=f"Restore version {number}", source="restore",
                                     trusted=True)
        if isinstance(decision, Held):
            review.hold(uow, item, decision)
        return item
    restored = datasets.update_dataset(uow, ds.id, data, message=f"Restored version {number}",
                                       trusted=True)
    audit.record_unit(uow, "dataset.restore", f"dataset:{restored.name}", {"version": number})
    return restored

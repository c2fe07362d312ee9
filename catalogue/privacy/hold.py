"""Holding a resource with personal data for review, and releasing it with a justification.

A hit never publishes: the dataset goes to the review queue (a draft for a new dataset, a
pending change for a published one) with a message naming kinds, columns and row positions,
never values. An agency admin may release it only with a written justification, which the
review item and the audit log keep (Personal Data Protection Law 91/2025/QH15; issue 9).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from catalogue import audit
from catalogue.accounts.principal import Principal
from catalogue.context import UnitOfWork
from catalogue.datasets.model import Dataset
from catalogue.errors import ValidationError
from catalogue.privacy.gate import HOLD_PREFIX, hold_message
from catalogue.privacy.screen import Finding
from catalogue.review import service as review
from catalogue.review.model import ReviewItem

__all__ = ["HOLD_PREFIX", "hold_for_review", "hold_message", "release"]


def hold_for_review(uow: UnitOfWork, data: Mapping[str, Any], *, source: str,
                    findings: Iterable[Finding], resource: str = "") -> ReviewItem | None:
    """Queue a harvested or uploaded dataset instead of publishing it.

    ``data`` is the package dict that would have been written (with ``name`` and
    ``owner_org``). Returns the review item (None if a published dataset would not change).
    """
    message = hold_message(list(findings), resource)
    item = review.submit_harvested(uow, data, source=source, message=message)
    if item is not None:
        audit.record_unit(uow, "privacy.hold", f"dataset:{data.get('name')}",
                          {"item": item.id, "source": source})
    return item


def release(uow: UnitOfWork, principal: Principal, item_id: str, *,
            justification: str) -> Dataset:
    """An agency admin publishes held data anyway, saying why (kept in the item and audit)."""
    if len(justification.strip()) < 20:
        raise ValidationError({"justification": [
            "Explain in a sentence why publishing this personal data is lawful "
            "(at least 20 characters)"]})
    dataset = review.approve(uow, principal, item_id, comment=justification.strip(),
                             personal_data_released=True)
    audit.record_unit(uow, "privacy.release", f"dataset:{dataset.name}",
                      {"item": item_id, "justification": justification.strip()})
    return dataset

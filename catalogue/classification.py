"""Data classification under the Law on Data 60/2024/QH15, Article 13 (issue 9).

Agencies classify each dataset by access — ``open`` (anyone), ``shared`` (between state
agencies only), ``private`` (the owning agency) — and by importance — ``core``, ``important``,
``other``. Only open datasets are ever public: the portal, the API, DCAT and data.json, feeds,
the sitemap and search all ask :func:`is_public`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ACCESS_CLASSES = ("open", "shared", "private")
IMPORTANCE_LEVELS = ("core", "important", "other")
DEFAULT_ACCESS_CLASS = "open"
DEFAULT_IMPORTANCE = "other"
# The least-open class a harvested record gets when its source marks it non-public and the
# harvest config names no other non-open default.
NON_PUBLIC_FALLBACK = "private"

ACCESS_LABELS = {
    "open": ("Dữ liệu mở", "Open data"),
    "shared": ("Dữ liệu dùng chung", "Shared between state agencies"),
    "private": ("Dữ liệu riêng", "Private to the agency"),
}
IMPORTANCE_LABELS = {
    "core": ("Dữ liệu cốt lõi", "Core data"),
    "important": ("Dữ liệu quan trọng", "Important data"),
    "other": ("Dữ liệu khác", "Other data"),
}


def _get(package: Any, key: str, default: Any = None) -> Any:
    """Read a field from a package dict or a Dataset row alike."""
    if isinstance(package, Mapping):
        return package.get(key, default)
    return getattr(package, key, default)


def access_class_of(package: Any) -> str:
    """The dataset's access class; rows and dicts from before classification count as open."""
    value = _get(package, "access_class") or DEFAULT_ACCESS_CLASS
    return str(value)


def is_public(package: Any) -> bool:
    """Whether anyone may see the dataset: open, active and not private."""
    return (access_class_of(package) == "open" and _get(package, "state", "active") == "active"
            and not _get(package, "private", False))


def visible_to(package: Any, principal: Any) -> bool:
    """Whether ``principal`` (a ``catalogue.accounts.principal.Principal``) may see a dataset.

    Public datasets: everyone. ``shared``: any signed-in account holding a viewer role or above
    in any agency (Art. 13: shared between state agencies). ``private`` and drafts: members of
    the owning agency, as ``dataset.read_private`` decides. Sysadmins see everything.
    """
    if is_public(package):
        return True
    if principal is None or principal.is_anonymous:
        return False
    if principal.sysadmin:
        return True
    org_id = _get(package, "owner_org") or _get(package, "owner_org_id")
    if principal.can("dataset.read_private", org_id):
        return True
    state = _get(package, "state", "active")
    return (access_class_of(package) == "shared" and state == "active"
            and any(principal.roles.values()))


def check_access_class(value: Any) -> str | None:
    """The error message for a bad access class, or None."""
    if value not in ACCESS_CLASSES:
        return f"Must be one of {', '.join(ACCESS_CLASSES)}"
    return None


def check_importance(value: Any) -> str | None:
    """The error message for a bad importance level, or None."""
    if value not in IMPORTANCE_LEVELS:
        return f"Must be one of {', '.join(IMPORTANCE_LEVELS)}"
    return None


def harvested_access_class(*, source_public: bool | None, source_default: str = "open",
                           requested: str | None = None) -> str:
    """The access class a harvested record gets.

    ``source_public`` is what the agency system says (False: restricted, internal, private,
    unpublished; None: it says nothing). ``source_default`` is the harvest config's class
    for the source; ``requested`` is a class the record itself names. A record its source
    marks non-public never comes out ``open``: only a person reclassifying it can open it.
    """
    for value in (source_default, requested):
        if value is not None and check_access_class(value):
            raise ValueError(f"unknown access class {value!r}; expected one of "
                             f"{', '.join(ACCESS_CLASSES)}")
    chosen = requested or source_default
    if source_public is False and chosen == "open":
        return source_default if source_default != "open" else NON_PUBLIC_FALLBACK
    return chosen


def may_change_automatically(current: str, new: str) -> bool:
    """Whether an automatic update (a re-harvest) may move a dataset from ``current`` to ``new``.

    Automatic updates may close data further (open -> shared -> private) but never open it:
    a class an agency or a reviewer set stays until a person changes it.
    """
    return ACCESS_CLASSES.index(new) >= ACCESS_CLASSES.index(current)


def public_conditions() -> tuple[Any, ...]:
    """SQL conditions selecting exactly the datasets :func:`is_public` accepts.

    For listings, feeds, sitemaps and data.json:
    ``select(Dataset).where(*public_conditions())``.
    """
    from catalogue.datasets.model import Dataset

    return (Dataset.access_class == "open", Dataset.state == "active",
            Dataset.private.is_(False))

"""What of a dataset's provenance is the agency's internal detail, hidden from outsiders.

A harvest remembers where each record came from: a web address for CKAN, DCAT or data.json
sources, but ``file:///srv/share/…`` for a file share and a database address for an SQL
source. Those name the agency's internal machines and folders; the public dataset page shows
a source address only when it is a web address, and the API does the same for every caller
who is not an editor of the owning agency (the stranger's finding: ``package_show`` gave
them out). Pure functions over ``package_show`` dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

WEB = ("http://", "https://")


def is_web_address(value: object) -> bool:
    """Whether ``value`` is an http(s) address anyone may open."""
    return isinstance(value, str) and value.lower().startswith(WEB)


def resource_for_outsiders(resource: Mapping[str, Any]) -> dict[str, Any]:
    """``resource`` without an ``extras.source_url`` that is not a web address."""
    out = dict(resource)
    extras = out.get("extras")
    if isinstance(extras, Mapping) and "source_url" in extras \
            and not is_web_address(extras["source_url"]):
        out["extras"] = {k: v for k, v in extras.items() if k != "source_url"}
    return out


def package_for_outsiders(package: Mapping[str, Any]) -> dict[str, Any]:
    """``package`` with internal source addresses emptied: the dataset's
    ``provenance.source_url`` (kept as ``""``, the key CKAN clients read stays) and each
    resource's ``extras.source_url``. The dict given is not changed (it may be cached)."""
    out = dict(package)
    provenance = out.get("provenance")
    if isinstance(provenance, Mapping) and provenance.get("source_url") \
            and not is_web_address(provenance["source_url"]):
        out["provenance"] = {**provenance, "source_url": ""}
    resources = out.get("resources")
    if isinstance(resources, list):
        out["resources"] = [resource_for_outsiders(r) if isinstance(r, Mapping) else r
                            for r in resources]
    return out


def _value_for_outsiders(field: str, value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    if field == "provenance":
        return package_for_outsiders({"provenance": value})["provenance"]
    if field.startswith("resources[") and field.endswith("]"):
        return resource_for_outsiders(value)
    if field.startswith("resources[") and field.endswith("].extras"):
        return resource_for_outsiders({"extras": value})["extras"]
    return value


def changes_for_outsiders(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A version's field changes (catalogue.history) without internal source addresses in
    their old and new values; a change left with nothing to show is dropped."""
    out = []
    for change in changes:
        field = str(change.get("field") or "")
        old = _value_for_outsiders(field, change.get("old"))
        new = _value_for_outsiders(field, change.get("new"))
        if old != new:
            out.append({**change, "old": old, "new": new})
    return out

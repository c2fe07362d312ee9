"""Source types, found through the ``dulieumo.harvesters`` entry-point group."""

from __future__ import annotations

from importlib.metadata import entry_points

from harvesters.base import Harvester

GROUP = "dulieumo.harvesters"


def harvester_types() -> dict[str, type[Harvester]]:
    """Every installed source type by name (ours are registered like third-party ones)."""
    types: dict[str, type[Harvester]] = {}
    for entry in entry_points(group=GROUP):
        cls = entry.load()
        if not (isinstance(cls, type) and issubclass(cls, Harvester)):
            raise TypeError(f"entry point {entry.name} = {entry.value} is not a Harvester class")
        types[entry.name] = cls
    return types

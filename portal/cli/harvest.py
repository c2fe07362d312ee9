"""``dulieumo harvest ...``: check config, run and list harvest jobs (issue 3 fills this in)."""

from __future__ import annotations

import click


@click.group("harvest")
def harvest_group() -> None:
    """Harvest datasets from agency systems."""


def register(group: click.Group) -> None:
    group.add_command(harvest_group)

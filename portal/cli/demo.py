"""``dulieumo demo``: a home with the demo agencies harvested, then serve it."""

from __future__ import annotations

import click


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Stop after harvesting.")
def demo_command(no_serve: bool) -> None:
    """Create the demo home, harvest the demo agencies and serve the portal."""
    raise click.ClickException("The demo needs the harvesters (issue 3)")


def register(group: click.Group) -> None:
    group.add_command(demo_command)

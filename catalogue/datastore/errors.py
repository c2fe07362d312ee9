"""What the datastore refuses, and why (issue 21).

``QueryError`` is the caller's mistake (an unknown field, a filter value that is not a number,
SQL that is not one read-only SELECT): the API answers 400 with the message. ``LoadError`` is
a file that cannot become a table; its message is Vietnamese because it is shown as is on the
resource page, in the workspace and in the harvest report.
"""

from __future__ import annotations

from catalogue.errors import CatalogueError


class QueryError(CatalogueError):
    """A search, filter, sort or SQL statement the datastore refuses (HTTP 400)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class QueryTimeout(QueryError):
    """A statement cut by the statement timeout."""


class LoadError(CatalogueError):
    """A file that cannot be loaded; ``message`` is the Vietnamese reason shown to people."""

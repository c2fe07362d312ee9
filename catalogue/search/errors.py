"""Domain errors raised by the search package."""

from __future__ import annotations


class SearchError(Exception):
    """Base class for search failures the caller can act on."""


class SearchQueryError(SearchError):
    """The query, ``fq`` filter or sort string cannot be understood.

    The portal maps it to a 400/``Search Query Error`` like CKAN's
    ``SearchQueryError``; ``message`` says what was wrong and where.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

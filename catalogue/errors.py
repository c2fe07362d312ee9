"""Domain exceptions. The portal maps each to HTTP once, in one handler."""

from __future__ import annotations


class CatalogueError(Exception):
    """Base of every error the catalogue raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CatalogueError):
    """The named object does not exist (or the caller may not know it exists)."""


class NotAuthorized(CatalogueError):
    """The caller may not do this."""


class Conflict(CatalogueError):
    """The change clashes with the current state (e.g. a name already taken)."""


class ValidationError(CatalogueError):
    """Input failed validation; ``errors`` maps each field to its messages, as CKAN does."""

    def __init__(self, errors: dict[str, list[str]], message: str = "Validation error") -> None:
        super().__init__(message)
        self.errors = errors

    def __str__(self) -> str:
        details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in self.errors.items())
        return f"{self.message}: {details}" if details else self.message


class ConfigError(CatalogueError):
    """Configuration is malformed; the message names the file, the key and what is expected."""

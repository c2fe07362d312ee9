"""Personal-data screening before publishing (issue 9; Personal Data Protection Law 91/2025/QH15).

Pure functions: they read rows and metadata and report *where* personal data seems to be
(kind, column, sample row positions, counts), never the values themselves, so a report can be
logged, stored and shown to reviewers without disclosing what it protects.
"""

from catalogue.privacy.screen import (
    SCREENED_FORMATS,
    Finding,
    ScreeningResult,
    screen_file,
    screen_metadata,
    screen_table,
    screen_text,
)

__all__ = ["SCREENED_FORMATS", "Finding", "ScreeningResult", "screen_file", "screen_metadata",
           "screen_table", "screen_text"]

"""Errors raised by the ingest layer.

Every message names the file (or codebook) and says what was expected, so it can be
shown to a person as is.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base class of every ingest error."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RejectedFile(IngestError):
    """The file is not a survey export we can read (empty, binary, no layout, no delimiter)."""


class CodebookError(IngestError):
    """The codebook itself is invalid (schema or semantic check)."""


class CodebookMismatch(IngestError):
    """The codebook does not fit the export (missing columns, labels not on the scale).

    ``problems`` holds one line per problem; the message joins them.
    """

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = list(problems or [message])

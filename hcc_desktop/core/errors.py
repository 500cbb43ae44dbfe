"""Errors a person can act on.

Every refusal names the field (or file and line) and what was expected, because the
operator at 03:00 during a hurricane must fix the input, not read a traceback.
"""

from __future__ import annotations


class HccError(Exception):
    """Base of every error this program reports to a user."""


class ValidationError(HccError):
    """Refused input: the store was not changed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFoundError(ValidationError):
    """A referenced record does not exist (or was deleted)."""


class Cancelled(Exception):
    """The operator cancelled long work (an export, a document, a restore) before it
    wrote anything. One class for every such job, so the GUI's workers and the
    command line tell a cancel from a failure the same way wherever it was raised."""


class StoreError(HccError):
    """The store cannot be opened or used as asked (newer schema, corrupt, locked)."""

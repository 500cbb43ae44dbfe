"""The GUI's one funnel for calling a service that writes.

Services refuse bad input with a ValidationError that names the field; the store is
then unchanged. Every panel and dialog reacts to a refusal the same way, so it is done
here once: a message box that says what was refused and why, or (for forms) the error
handed back so the form can show it next to the field. Writes are small and run on the
GUI thread; the change-set they produce reaches every panel through AppContext.changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from hcc_desktop.core.errors import HccError, ValidationError

T = TypeVar("T")


def run_op(parent: QWidget | None, title: str, fn: Callable[[], T]) -> T | None:
    """Call `fn`; on a refusal show it and return None."""
    try:
        return fn()
    except ValidationError as exc:
        QMessageBox.warning(parent, title, refusal_text(exc))
    except HccError as exc:
        QMessageBox.critical(parent, title, str(exc))
    return None


def refusal_text(exc: ValidationError) -> str:
    field = exc.field.replace("_", " ")
    return f"Not saved — {field}: {exc.message}.\n\nNothing was changed."


def try_op(fn: Callable[[], T]) -> tuple[T | None, ValidationError | None]:
    """Call `fn` and hand a refusal back instead of showing it (forms show it inline)."""
    try:
        return fn(), None
    except ValidationError as exc:
        return None, exc

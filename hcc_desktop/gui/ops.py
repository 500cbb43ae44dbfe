"""The former write funnel, kept only for hcc_desktop/gui/interop until those dialogs
move to gui.operations (they are being edited elsewhere). New code uses
`CollectionOp(...).run_now()` and `.failure(cb, only=ValidationError)` instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.gui.operations import CollectionOp, refusal_text

__all__ = ["refusal_text", "run_op", "try_op"]

T = TypeVar("T")


def run_op(parent: QWidget | None, title: str, fn: Callable[[], T]) -> T | None:
    """Call `fn`; on a refusal show it and return None."""
    return CollectionOp(parent, lambda _p: fn(), title=title).run_now()


def try_op(fn: Callable[[], T]) -> tuple[T | None, ValidationError | None]:
    """Call `fn` and hand a refusal back instead of showing it."""
    refused: list[ValidationError] = []
    result = CollectionOp(None, lambda _p: fn()).failure(refused.append, only=ValidationError)
    value = result.run_now()
    return value, (refused[0] if refused else None)

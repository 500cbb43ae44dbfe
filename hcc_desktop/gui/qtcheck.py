"""Refuse a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 on Python 3.11 drops a reference to None (and to True/False) on every
call that returns one: `label.setText(...)`, `index.data()` of an empty cell, a
delegate's `super().paint(...)`. On Python 3.12+ those objects are immortal and nothing
happens; on 3.11 the count of None reaches zero after a few thousand calls and the
interpreter aborts ("Fatal Python error: none_dealloc"), seconds into a session. An EOC
console that dies mid-shift is worse than one that will not start, so the check runs
first and names the fix. It measures the fault itself instead of trusting version
numbers, so a fixed 6.12.x passes.
"""

from __future__ import annotations

import os
import sys

FIX = "pip install 'PySide6-Essentials>=6.7,<6.12'"
SKIP_ENV = "HCC_SKIP_QT_CHECK"


def refcount_fault() -> str | None:
    """A message when the installed binding leaks references to None, else None."""
    if os.environ.get(SKIP_ENV):
        return None
    import PySide6
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(50):
        probe.setObjectName("probe")  # a void call: returns None
    drift = sys.getrefcount(None) - before
    if drift >= 0:
        return None
    return (
        f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} corrupts "
        f"reference counts (None lost {-drift} references in 50 calls) and would crash "
        f"within minutes. Install a working release: {FIX}"
    )

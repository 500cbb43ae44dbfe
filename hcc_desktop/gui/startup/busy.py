"""A restore's progress while no window is open.

A restore runs between two windows (File → Restore closes the window, the store is
replaced, the window opens again) or before the first one (a damaged store at start):
there is no window for a panel's progress, and without one an operator sees nothing at
all for the seconds a large store takes to copy and check, and may well start the
program a second time. So the work runs on a worker thread while a small modal
"Restoring…" dialog keeps the screen alive; it offers no Cancel, because the last step
swaps files and must not be stopped half way (what comes before it leaves the store as
it was on any failure).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

T = TypeVar("T")

#: Work done sooner than this shows no dialog at all (a small store's restore).
SHOW_AFTER_MS = 400


def run_with_busy_dialog(title: str, label: str, work: Callable[[], T]) -> T:
    """`work()` on a worker thread, with a busy dialog after `SHOW_AFTER_MS`; returns
    its result or raises its exception, on the GUI thread."""
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the GUI thread, re-raised there
            failure.append(exc)
        finally:
            done.set()

    dialog = QProgressDialog(label, "", 0, 0)
    dialog.setObjectName("busyDialog")
    dialog.setWindowTitle(title)
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setValue(0)
    worker = threading.Thread(target=run, name="restore", daemon=True)
    worker.start()
    try:
        while not done.wait(0.03):
            QApplication.processEvents()
    finally:
        dialog.close()
        dialog.deleteLater()
    worker.join()
    if failure:
        raise failure[0]
    return outcome[0]

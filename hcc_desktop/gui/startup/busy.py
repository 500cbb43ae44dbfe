"""A restore's progress while no window is open.

A restore runs between two windows (File → Restore closes the window, the store is
replaced, the window opens again) or before the first one (a damaged store at start):
there is no window for a panel's progress, and without one an operator sees nothing at
all for the seconds a large store takes to copy and check, and may well start the
program a second time. So the work runs on a worker thread while a small modal
"Restoring…" dialog keeps the screen alive. Its Cancel asks the work to stop; the work
stops at its next check and leaves the store as it was, unless it has reached its last
step (swapping files, a few renames), which it finishes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

T = TypeVar("T")

#: Work done sooner than this shows no dialog at all (a small store's restore).
SHOW_AFTER_MS = 400

#: What the work is given: whether the operator pressed Cancel.
Stop = Callable[[], bool]


def run_with_busy_dialog(
    title: str, label: str, work: Callable[[Stop], T], *, cancel: str | None = None
) -> T:
    """`work(stop)` on a worker thread, with a busy dialog after `SHOW_AFTER_MS`; returns
    its result or raises its exception (Cancelled when it stopped on a cancel), on the
    GUI thread. With `cancel` (the button's text) the dialog offers a Cancel button;
    pressing it makes `stop()` true and leaves the dialog up, saying it is cancelling,
    until the work has actually stopped."""
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()
    stopping = threading.Event()

    def run() -> None:
        try:
            outcome.append(work(stopping.is_set))
        except BaseException as exc:  # handed to the GUI thread, re-raised there
            failure.append(exc)
        finally:
            done.set()

    dialog = QProgressDialog(label, cancel or "", 0, 0)
    dialog.setObjectName("busyDialog")
    dialog.setWindowTitle(title)
    if cancel is None:
        dialog.setCancelButton(None)
    else:
        # QProgressDialog hides itself on Cancel; the work may need a moment to reach
        # its next check, and a vanished dialog looks like a finished restore.
        dialog.canceled.disconnect(dialog.cancel)
        dialog.canceled.connect(lambda: _cancelling(dialog, stopping))
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    worker = threading.Thread(target=run, name="restore", daemon=True)
    worker.start()
    try:
        while not done.wait(0.03):
            QApplication.processEvents()
    finally:
        # reset() stops the timer that shows the dialog after SHOW_AFTER_MS: closing
        # alone leaves it running, and a quick restore's dialog then popped up later,
        # empty, over the window it reopened.
        dialog.reset()
        dialog.close()
        dialog.deleteLater()
    worker.join()
    if failure:
        raise failure[0]
    return outcome[0]


def _cancelling(dialog: QProgressDialog, stopping: threading.Event) -> None:
    stopping.set()
    dialog.setLabelText("Cancelling… the store is left as it was.")
    for button in dialog.findChildren(QPushButton):
        button.setEnabled(False)

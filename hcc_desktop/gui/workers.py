"""Long work off the GUI thread, with a progress dialog that can cancel it.

A job is a plain function `fn(progress) -> result` that reads the store (SQLite in WAL
mode lets it read while the GUI thread writes) and calls `progress.step(done, total)`
now and then; `step` raises `Cancelled` once the operator pressed Cancel, so a job
stops at its next step without any Qt in it. The result comes back on the GUI thread
through a queued signal. Callers do not use `Job` directly: gui.operations wraps it
in QueryOp and CollectionOp (error dialogs, newest-wins reloads).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QWidget

from hcc_desktop.core.errors import Cancelled, HccError

log = logging.getLogger(__name__)
#: The dialog appears only for jobs that take longer than this (ms).
PROGRESS_DELAY_MS = 600


class Progress:
    """What a job sees of the GUI: a way to report progress and to learn of a cancel."""

    def __init__(self, signals: _Signals | None = None) -> None:
        """Without `signals` (work run on the GUI thread) steps report to no one."""
        self._signals = signals
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def step(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        if self._signals is None:
            return
        try:
            self._signals.progress.emit(done, total)
        except RuntimeError:  # the window that wanted the result is gone
            self._cancel.set()
            raise Cancelled from None


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)  # the exception itself: callers tell refusals from faults
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], signals: _Signals, progress: Progress):
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._signals = signals
        self._progress = progress

    def run(self) -> None:
        try:
            result = self._fn(self._progress)
        except Cancelled:
            self._emit(self._signals.cancelled)
        except Exception as exc:  # reported to the GUI, which shows it
            if self._progress.cancelled:
                # Work that stops on a cancel by raising (an abandoned SQLite read) was
                # cancelled, not faulty.
                self._emit(self._signals.cancelled)
                return
            if not isinstance(exc, HccError):  # a refusal is expected; a fault is logged
                log.error("Background job failed", exc_info=exc)
            self._emit(self._signals.failed, exc)
        else:
            if self._progress.cancelled:
                self._emit(self._signals.cancelled)
            else:
                self._emit(self._signals.finished, result)

    @staticmethod
    def _emit(signal: Any, *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the window closed while the job ran
            signal.emit(*args)


class Job(QObject):
    """One background run. `finished(result)`, `failed(message)` or `cancelled()` is
    emitted exactly once, on the GUI thread; after `failed`, `error` holds the
    exception."""

    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        fn: Callable[[Progress], Any],
        *,
        pool: QThreadPool,
        title: str = "",
        parent_widget: QWidget | None = None,
        show_progress: bool = True,
        cancellable: bool = True,
        counts: str = "",
    ) -> None:
        """`counts` names what `progress.step` counts ("rows"): the bar then reads
        "1200 of 5000 rows", which tells the operator more than a percentage."""
        super().__init__(parent_widget)
        self._signals = _Signals()
        self.progress = Progress(self._signals)
        self.done = False
        self.error: Exception | None = None
        self.dialog: QProgressDialog | None = None
        if show_progress:
            self.dialog = QProgressDialog(title or "Working…", "Cancel", 0, 0, parent_widget)
            self.dialog.setWindowTitle(title or "Working")
            # Not modal: a modal QProgressDialog runs the event loop inside setValue(),
            # and a result delivered in there re-enters the job while it reports.
            self.dialog.setWindowModality(Qt.WindowModality.NonModal)
            self.dialog.setMinimumDuration(PROGRESS_DELAY_MS)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
            if not cancellable:  # a write past its point of no return: no false promise
                self.dialog.setCancelButton(None)
            bar = self.dialog.findChild(QProgressBar)
            if counts and bar is not None:
                bar.setFormat(f"%v of %m {counts}")
            self.dialog.setValue(0)
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._signals.cancelled.connect(self._on_cancelled)
        pool.start(_Runnable(fn, self._signals, self.progress))

    def cancel(self) -> None:
        self.progress.cancel()

    def _on_progress(self, done: int, total: int) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.setMaximum(max(total, 1))
            self.dialog.setValue(min(done, max(total, 1)))

    def _close(self) -> None:
        self.done = True
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = None

    def _on_finished(self, result: object) -> None:
        self._close()
        self.finished.emit(result)

    def _on_failed(self, exc: Exception) -> None:
        self._close()
        self.error = exc
        self.failed.emit(describe(exc))

    def _on_cancelled(self) -> None:
        self._close()
        self.cancelled.emit()


def describe(exc: BaseException) -> str:
    """`Type: message`, the one line a failed job reports."""
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()

"""Run work once a window has painted its first frame.

At start-up the operator waits for the window, not for the map's library or the EEI
grid's rows: the main window paints its frame (menus, toolbar, docks, the overview's
header) first and then builds its panels and starts their reads (gui.main_window).
"After the first frame" is the first Paint event the window itself receives, plus one
turn of the event loop, so the children painted in the same pass are on screen too.

A window that is shown but never painted (minimised at start, a platform that exposes
it late) must not wait for ever: the work also runs `FALLBACK_MS` after the show.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

#: Longest wait after the window is shown for a paint that does not come.
FALLBACK_MS = 1000


class AfterFirstPaint(QObject):
    """Calls `work` once, after `window`'s first painted frame."""

    def __init__(self, window: QWidget, work: Callable[[], object]) -> None:
        super().__init__(window)
        self._window = window
        self._work: Callable[[], object] | None = work
        self._fallback = QTimer(self, singleShot=True, interval=FALLBACK_MS)
        self._fallback.timeout.connect(self._run)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and self._work is not None:
            kind = event.type()
            if kind == QEvent.Type.Paint:
                QTimer.singleShot(0, self._run)
            elif kind == QEvent.Type.Show and not self._fallback.isActive():
                self._fallback.start()
        return False

    def run_now(self) -> None:
        """Do the work at once (something needs it before the first frame)."""
        self._run()

    def _run(self) -> None:
        work, self._work = self._work, None
        if work is None:
            return
        self._fallback.stop()
        self._window.removeEventFilter(self)
        work()

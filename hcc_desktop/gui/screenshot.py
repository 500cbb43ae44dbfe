"""Screenshot mode: open the window on a store, wait until every panel has loaded,
save the whole window as a PNG and quit. Used for documentation, for checking the
default layout at a given size, and by the tests.

Waiting polls `is_loaded()` instead of sleeping a fixed time, so a small store is
captured at once and a big one is not captured half-drawn; a timeout still writes the
picture (with what is there) and reports which panels were not ready.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from hcc_desktop.gui.main_window import MainWindow

POLL_MS = 50
#: Polls to wait after everything reports loaded, for layouts and charts to settle.
SETTLE_POLLS = 3


def capture(window: MainWindow, path: Path, size: tuple[int, int], timeout_s: float = 60) -> int:
    """0 when the picture shows fully loaded panels, 2 after a timeout, 1 on failure."""
    window.resize(*size)
    window.show()
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s
    state = {"settled": 0, "timed_out": False}

    def poll() -> None:
        if window.all_loaded():
            state["settled"] += 1
        else:
            state["settled"] = 0
        if state["settled"] >= SETTLE_POLLS:
            loop.quit()
        elif time.monotonic() > deadline:
            state["timed_out"] = True
            loop.quit()

    timer = QTimer(interval=POLL_MS)
    timer.timeout.connect(poll)
    timer.start()
    loop.exec()
    timer.stop()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        print(f"{path}: could not write the screenshot", file=sys.stderr)
        return 1
    if state["timed_out"]:
        waiting = [n for n, p in window.panels.items() if not p.is_loaded()]
        if not window.overview.is_loaded():
            waiting.append("overview")
        print(
            f"{path}: written after {timeout_s:.0f} s although not every panel had loaded "
            f"({', '.join(waiting)})",
            file=sys.stderr,
        )
        return 2
    return 0

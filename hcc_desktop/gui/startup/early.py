"""What start-up decides before the store's libraries are loaded: which store to open,
and whether it looks sound enough to show the window's frame before opening it.

"Looks sound" is cheap and conservative: a file (not a server: a server may ask for a
password first), whose first bytes are SQLite's header, whose lock no running copy
holds. Anything else gets the questions first, exactly as before (gui.startup.session),
and the window after them. A store that passes here and still fails to open gets the
same dialog, over the frame. This module imports Qt, the standard library and
other Qt-only modules of the GUI.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QWidget

from hcc_desktop.core.pgurl import is_server_location
from hcc_desktop.gui.first_paint import AfterFirstPaint
from hcc_desktop.paths import STORE_ENV, default_store_path

#: QSettings key of the store the operator chose (preferences, "Choose another store").
STORE_KEY = "store/path"
#: Where a store is: a file, or an EOC server's connection string (kept as text: a
#: Path would fold the `//` of the URL).
Location = Path | str
#: Longest wait for the frame's first paint before the store is opened anyway.
PAINT_WAIT_MS = 300

SQLITE_HEADER = b"SQLite format 3\x00"


def as_location(value: object) -> Location:
    """A store location from the command line or the settings: a server's connection
    string stays text, anything else is a path."""
    if isinstance(value, str) and is_server_location(value):
        return value
    return Path(str(value))


def preferred_store(path: Location, settings: QSettings) -> Location:
    """The store to open: the one given (--store, HCC_STORE), else the one chosen in the
    preferences (a file or a server), else the default in the user data folder."""
    path = as_location(path)
    if os.environ.get(STORE_ENV) or path != default_store_path():
        return path
    chosen = settings.value(STORE_KEY)
    return as_location(chosen) if chosen else path


def looks_openable(location: Location) -> bool:
    """True when the store will most likely open without a question (see above)."""
    if isinstance(location, str):
        return False
    try:
        with location.open("rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                return False
    except OSError:
        return False
    return not _locked(location)


def _locked(path: Path) -> bool:
    from PySide6.QtCore import QLockFile

    lock = QLockFile(f"{path}.lock")
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        lock.unlock()
        return False
    return True


def wait_for_paint(window: QWidget, timeout_ms: int = PAINT_WAIT_MS) -> None:
    """Let the event loop turn until `window` has painted (or `timeout_ms` passed), so
    the operator sees the frame while the store opens."""
    loop = QEventLoop()
    painted = AfterFirstPaint(window, loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    painted.run_now()  # stop watching: after a timeout the paint no longer matters
    painted.deleteLater()

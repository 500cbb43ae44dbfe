"""Start the GUI: the entry point the CLI calls (`hcc_desktop.gui.app.run`).

Order matters: the Qt binding is checked before anything else (see qtcheck), the
application names are set before any QSettings is made, unexpected errors are routed to
the log file and a dialog before anything can fail, the store is opened (or created by
the first-start dialog, or refused with a dialog saying why) before the operator is
asked (the remembered operators are per station), and the store is closed only after
the worker threads that read it have finished.

A restore from backup closes the window, replaces the store and opens it again in the
same process, so the operator does not have to find the program and start it again.

The store may be an EOC server (`--store postgresql://...`): then there is no lock
file and no daily copy, and the title and status bar name the server (no password).

What the operator waits for is the window, so it comes first: when the store to open
is a file that looks sound (gui.startup.early: SQLite's header, nobody's lock), the
window's frame (menus, toolbar, docks in the saved layout) is shown and painted before
SQLAlchemy, the models and the store are loaded; the store is then probed and opened
as before (any problem is the same dialog, over the frame) and the frame becomes the
window on it (MainWindow.attach). Nothing here imports the store's libraries at module
level for the same reason.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hcc_desktop.core.actor import Actor

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWidget

    from hcc_desktop.core.store import Store
    from hcc_desktop.gui.main_window import MainWindow
    from hcc_desktop.gui.startup.session import Session

DEFAULT_SIZE = (1600, 1000)
SCREENSHOT_ACTOR = Actor("Screenshot", "Screenshot mode")
#: Set by the CLI's --operator / --position: sign in without asking.
OPERATOR_ENV = "HCC_OPERATOR"
POSITION_ENV = "HCC_POSITION"
#: Screenshot mode: docks to bring to the front first (comma-separated objectNames such
#: as "incidentLogDock"), so the user guide's pictures can show each panel.
SCREENSHOT_DOCKS_ENV = "HCC_SCREENSHOT_DOCKS"
#: How often a long-running window checks whether today's backup exists yet.
BACKUP_CHECK_MS = 60 * 60 * 1000

log = logging.getLogger("hcc_desktop.gui")


def _location(store_path: Path | str) -> Path | str:
    """A server's connection string stays text (a Path would fold its `//`)."""
    from hcc_desktop.core.pgurl import is_server_location

    return store_path if is_server_location(store_path) else Path(store_path)


def run(
    store_path: Path | str,
    argv: Sequence[str] | None = None,
    *,
    screenshot: Path | None = None,
    size: tuple[int, int] | None = None,
) -> int:
    """Open the main window on the store; with `screenshot`, save a PNG of it and exit.
    `argv` is what QApplication receives (program name first).

    Returns the process exit code: 0 done (or the operator quit), 1 the store could not
    be opened or the picture not written, 2 screenshot taken before every panel had
    loaded, 3 the Qt binding is unusable.
    """
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from hcc_desktop.gui import qtcheck, settings

    fault = qtcheck.refcount_fault()
    if fault:
        print(fault, file=sys.stderr)
        return 3
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    settings.set_application_names()
    if screenshot is not None:
        return _screenshot(_location(store_path), Path(screenshot), size or DEFAULT_SIZE)

    from hcc_desktop import logs
    from hcc_desktop.gui.startup import dialogs, errors

    def show(summary: str, log_file: Path) -> None:
        dialogs.show_error(summary, log_file, QApplication.activeWindow())

    hooks = (sys.excepthook, threading.excepthook)
    logs.install_excepthook(show)
    previous_qt_handler = errors.install_qt_message_log()
    prefs = settings.app_settings()
    try:
        from hcc_desktop.gui.zone import apply_display_zone

        apply_display_zone(prefs)
        return _session_loop(app, prefs, _location(store_path), size)  # type: ignore[arg-type]
    except Exception as exc:  # the last net: a dialog with the log file, never a traceback
        written = logs.log_exception(type(exc), exc, exc.__traceback__, where="start-up")
        show(logs.describe(exc), written)
        return 1
    finally:  # a caller that goes on (the tests, the self-test) gets its own hooks back
        sys.excepthook, threading.excepthook = hooks
        errors.restore(previous_qt_handler)


def _screenshot(store_path: Path | str, out: Path, size: tuple[int, int]) -> int:
    """Screenshot mode: no dialogs at all (it runs unattended); a store that cannot be
    opened is one line on stderr and exit 1."""
    from PySide6.QtCore import QThreadPool

    from hcc_desktop.core.errors import StoreError
    from hcc_desktop.core.opening import open_store
    from hcc_desktop.gui import settings
    from hcc_desktop.gui.context import AppContext
    from hcc_desktop.gui.main_window import MainWindow
    from hcc_desktop.gui.screenshot import capture

    try:
        store = open_store(store_path)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    try:
        ctx = AppContext(store, SCREENSHOT_ACTOR)
        window = MainWindow(ctx, settings.app_settings(), restore_layout=False)
        try:
            docks = [d.strip() for d in os.environ.get(SCREENSHOT_DOCKS_ENV, "").split(",")]
            if any(docks):
                from PySide6.QtWidgets import QApplication

                window.resize(*size)
                window.show()
                QApplication.processEvents()  # the default layout is applied on show
                for name in filter(None, docks):
                    window.show_dock(name)
            return capture(window, out, size)
        finally:
            window.close()
            window.deleteLater()
            QThreadPool.globalInstance().waitForDone(10_000)
            ctx.detach()
    finally:
        store.close()


def _sign_in(prefs: QSettings, session: Session) -> Actor | None:
    from hcc_desktop.gui import settings
    from hcc_desktop.gui.dialogs.operator_dialog import choose_operator

    if session.actor is not None:
        settings.remember_operator(prefs, session.store.site_id, session.actor)
        return session.actor
    if os.environ.get(OPERATOR_ENV, "").strip():
        actor = Actor(os.environ[OPERATOR_ENV].strip(), os.environ.get(POSITION_ENV, ""))
        settings.remember_operator(prefs, session.store.site_id, actor)
        return actor
    return choose_operator(prefs, session.store)


def _early_frame(
    prefs: QSettings, store_path: Path | str, size: tuple[int, int] | None
) -> MainWindow | None:
    """The window's frame, shown and painted, when the store looks sound enough to
    open without a question; else None (a dialog will come first, as before)."""
    from hcc_desktop.gui.main_window import MainWindow
    from hcc_desktop.gui.startup import early

    location = early.preferred_store(store_path, prefs)
    if not early.looks_openable(location):
        return None
    frame = MainWindow(None, prefs, restore_layout=True)
    frame.statusBar().showMessage(f"Opening {location}…")
    if size:
        frame.resize(*size)
    frame.show()
    early.wait_for_paint(frame)
    return frame


def _session_loop(
    app: QApplication, prefs: QSettings, store_path: Path | str, size: tuple[int, int] | None
) -> int:
    """Open the store, run the window; after a restore, open the store again."""
    return _run_sessions(app, prefs, store_path, size, _early_frame(prefs, store_path, size))


def _run_sessions(
    app: QApplication,
    prefs: QSettings,
    store_path: Path | str,
    size: tuple[int, int] | None,
    frame: MainWindow | None,
) -> int:
    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QMessageBox

    from hcc_desktop.core.errors import StoreError
    from hcc_desktop.gui.context import AppContext
    from hcc_desktop.gui.main_window import MainWindow
    from hcc_desktop.gui.startup import session as ss

    try:
        session = ss.open_store(ss.preferred_store(store_path, prefs), prefs, parent=frame)
    except BaseException:
        _discard(frame)
        raise
    if session is None:
        _discard(frame)
        return 0
    try:
        while True:
            ss.current = session
            actor = _sign_in(prefs, session)
            if actor is None:
                return 0
            session.actor = actor
            ctx = AppContext(session.store, actor)
            if frame is not None:
                window, frame = frame, None
                window.attach(ctx)
            else:
                window = MainWindow(ctx, prefs, restore_layout=True)
            if session.read_only:
                window.setWindowTitle(
                    f"{window.windowTitle()} — read-only copy of {Path(session.path).name}"
                )
            store = session.store
            copies = not session.read_only and not store.is_server
            if copies:
                timer = QTimer(window, interval=BACKUP_CHECK_MS)
                timer.timeout.connect(lambda w=window, s=store: _daily_backup(w, s))
                timer.start()
            if session.message:
                QTimer.singleShot(0, lambda c=ctx, m=session.message: c.message.emit(m))
            try:
                if size:
                    window.resize(*size)
                window.show()
                if copies:
                    from hcc_desktop.gui.startup.integrity import check_in_background

                    _daily_backup(window, store)  # the day's first copy, once up
                    check_in_background(window, Path(store.path))
                code = int(app.exec())
            finally:
                window.close()
                window.deleteLater()
                QThreadPool.globalInstance().waitForDone(10_000)
                ctx.detach()
            if code != ss.RESTART_EXIT or session.pending_restore is None:
                return code
            session.store.close()
            try:
                message = ss.finish_restore(session)
            except (StoreError, OSError) as exc:
                message = f"The backup was not restored: {exc}"
                QMessageBox.warning(None, "Restore failed", message)
            path = session.path
            session.close()
            ss.current = None
            reopened = ss.open_store(path, prefs)
            if reopened is None:
                return 0
            reopened.actor = actor
            reopened.message = message
            session = reopened
    finally:
        _discard(frame)  # still a frame: no window was made on the store
        ss.current = None
        session.close()


def _discard(frame: MainWindow | None) -> None:
    """Close a frame that never became the window (the store was refused or the
    operator did not sign in), without saving its layout over the operator's."""
    if frame is not None:
        frame.save_layout_on_close = False
        frame.close()
        frame.deleteLater()


def _daily_backup(window: QWidget, store: Store) -> None:
    """Today's copy unless there is one (at start, then hourly for a window left open
    for days: an EOC runs through the night), made off the GUI thread: copying a large
    store must not hold the window. A failed copy is logged; the shift goes on."""
    from hcc_desktop.core import backups
    from hcc_desktop.gui.operations import QueryOp

    (
        QueryOp(window, lambda _p: backups.daily(store), title="No daily backup")
        .failure(lambda exc: log.warning("daily backup of %s failed: %s", store.path, exc))
        .run_in_background()
    )

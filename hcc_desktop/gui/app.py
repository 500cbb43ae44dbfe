"""Start the GUI: the entry point the CLI calls (`hcc_desktop.gui.app.run`).

Order matters: the Qt binding is checked before anything else (see qtcheck), the
application names are set before any QSettings is made, the store is opened before the
operator is asked (the remembered operators are per station), and the store is closed
only after the worker threads that read it have finished.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

DEFAULT_SIZE = (1600, 1000)
SCREENSHOT_ACTOR = Actor("Screenshot", "Screenshot mode")
#: Set by the CLI's --operator / --position: sign in without asking.
OPERATOR_ENV = "HCC_OPERATOR"
POSITION_ENV = "HCC_POSITION"


def run(
    store_path: Path | str,
    argv: Sequence[str] | None = None,
    *,
    screenshot: Path | None = None,
    size: tuple[int, int] | None = None,
) -> int:
    """Open the main window on the store; with `screenshot`, save a PNG of it and exit.
    `argv` is what QApplication receives (program name first).

    Returns the process exit code: 0 done, 1 the store could not be opened or the
    picture not written, 2 screenshot taken before every panel had loaded, 3 the Qt
    binding is unusable.
    """
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication, QMessageBox

    from hcc_desktop.gui import qtcheck, settings

    fault = qtcheck.refcount_fault()
    if fault:
        print(fault, file=sys.stderr)
        return 3
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    settings.set_application_names()
    try:
        store = Store.open(store_path)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        if screenshot is None:
            QMessageBox.critical(None, "hcc-desktop cannot open the store", str(exc))
        return 1
    from hcc_desktop.gui.context import AppContext
    from hcc_desktop.gui.dialogs.operator_dialog import choose_operator
    from hcc_desktop.gui.main_window import MainWindow

    prefs = settings.app_settings()
    try:
        if screenshot is not None:
            actor: Actor | None = SCREENSHOT_ACTOR
        elif os.environ.get(OPERATOR_ENV, "").strip():
            actor = Actor(os.environ[OPERATOR_ENV].strip(), os.environ.get(POSITION_ENV, ""))
            settings.remember_operator(prefs, store.site_id, actor)
        else:
            actor = choose_operator(prefs, store)
        if actor is None:
            return 0
        ctx = AppContext(store, actor)
        window = MainWindow(ctx, prefs, restore_layout=screenshot is None)
        try:
            if screenshot is not None:
                from hcc_desktop.gui.screenshot import capture

                return capture(window, Path(screenshot), size or DEFAULT_SIZE)
            if size:
                window.resize(*size)
            window.show()
            return int(app.exec())
        finally:
            window.close()
            window.deleteLater()
            QThreadPool.globalInstance().waitForDone(10_000)
            ctx.detach()
    finally:
        store.close()

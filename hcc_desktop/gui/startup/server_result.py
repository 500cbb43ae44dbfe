"""The Test connection button's outcome, said under the connection string: the same
in the first-start dialog and in Preferences (green what was found, red why not)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from hcc_desktop.gui.startup.server_check import ServerProblem, check_server

OK_STYLE = "color: #1b5e20"
PROBLEM_STYLE = "color: #b71c1c"


def say(label: QLabel, text: str, *, ok: bool) -> None:
    label.setText(text)
    label.setStyleSheet(OK_STYLE if ok else PROBLEM_STYLE)
    label.show()


def test_into(label: QLabel, location: str) -> bool:
    """Connect to `location` (a wait cursor meanwhile: the check may take the whole
    connect timeout) and say in `label` what was found or why it failed."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        info = check_server(location)
    except ServerProblem as exc:
        say(label, str(exc), ok=False)
        return False
    finally:
        QGuiApplication.restoreOverrideCursor()
    say(label, info.describe(), ok=True)
    return True

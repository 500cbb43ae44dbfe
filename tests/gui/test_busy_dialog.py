"""The "Restoring…" dialog shown while a restore runs with no window open: it appears
when the work takes a while, the work's result or refusal comes back on the GUI
thread, and it is gone afterwards."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from hcc_desktop.core.errors import Cancelled, StoreError
from hcc_desktop.gui.startup.busy import run_with_busy_dialog

pytestmark = pytest.mark.gui


def _busy() -> QProgressDialog | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "busyDialog" and widget.isVisible():
            assert isinstance(widget, QProgressDialog)
            return widget
    return None


def test_a_slow_restore_shows_the_dialog_and_returns_its_result(qtbot: Any, tmp_path: Path) -> None:
    seen = threading.Event()
    shot = tmp_path / "busy.png"

    def watch() -> None:
        dialog = _busy()
        if dialog is None:
            QTimer.singleShot(20, watch)
            return
        assert dialog.grab().save(str(shot))
        seen.set()

    QTimer.singleShot(0, watch)

    def work(stop: Any) -> str:
        assert seen.wait(10), "the dialog never showed"
        assert not stop()
        return "restored"

    assert run_with_busy_dialog("Restore from a backup", "Restoring eoc.sqlite…", work) == (
        "restored"
    )
    assert _busy() is None and shot.exists()


def test_a_refusal_comes_back_as_it_was_raised(qtbot: Any) -> None:
    def work(stop: Any) -> None:
        raise StoreError("eoc-1-import.point: this restore point cannot be used")

    with pytest.raises(StoreError, match="cannot be used"):
        run_with_busy_dialog("Restore from a backup", "Restoring…", work)
    assert _busy() is None


def test_cancel_asks_the_work_to_stop_and_keeps_the_dialog_up_until_it_has(
    qtbot: Any, tmp_path: Path
) -> None:
    """Cancel makes `stop()` true; the dialog stays, says it is cancelling, and cannot be
    pressed again, until the work has stopped; its Cancelled comes back as raised."""
    pressed = threading.Event()
    shot = tmp_path / "cancelling.png"
    states: list[tuple[bool, str, bool]] = []

    def press() -> None:
        dialog = _busy()
        if dialog is None:
            QTimer.singleShot(20, press)
            return
        [button] = dialog.findChildren(QPushButton)
        assert button.text() == "Cancel" and button.isEnabled()
        button.click()
        QTimer.singleShot(50, look)

    def look() -> None:
        dialog = _busy()
        assert dialog is not None, "the dialog went away before the work stopped"
        [button] = dialog.findChildren(QPushButton)
        states.append((dialog.isVisible(), dialog.labelText(), button.isEnabled()))
        assert dialog.grab().save(str(shot))
        pressed.set()

    QTimer.singleShot(0, press)

    def work(stop: Any) -> None:
        assert pressed.wait(10), "Cancel was never pressed"
        assert stop()
        raise Cancelled

    with pytest.raises(Cancelled):
        run_with_busy_dialog(
            "Restore from a backup", "Restoring eoc.sqlite…", work, cancel="Cancel"
        )
    assert states == [(True, "Cancelling… the store is left as it was.", False)]
    assert _busy() is None and shot.exists()


def test_without_a_cancel_text_there_is_no_button(qtbot: Any) -> None:
    buttons: list[int] = []
    looked = threading.Event()

    def look() -> None:  # on the GUI thread, as every look at a widget must be
        dialog = _busy()
        if dialog is None:
            QTimer.singleShot(20, look)
            return
        buttons.append(len(dialog.findChildren(QPushButton)))
        looked.set()

    QTimer.singleShot(0, look)

    def work(stop: Any) -> None:
        assert looked.wait(10), "the dialog never showed"

    run_with_busy_dialog("Restore from a backup", "Restoring…", work)
    assert buttons == [0]

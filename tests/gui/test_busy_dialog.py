"""The "Restoring…" dialog shown while a restore runs with no window open: it appears
when the work takes a while, the work's result or refusal comes back on the GUI
thread, and it is gone afterwards."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from hcc_desktop.core.errors import StoreError
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

    def work() -> str:
        assert seen.wait(10), "the dialog never showed"
        return "restored"

    assert run_with_busy_dialog("Restore from a backup", "Restoring eoc.sqlite…", work) == (
        "restored"
    )
    assert _busy() is None and shot.exists()


def test_a_refusal_comes_back_as_it_was_raised(qtbot: Any) -> None:
    def work() -> None:
        raise StoreError("eoc-1-import.point: this restore point cannot be used")

    with pytest.raises(StoreError, match="cannot be used"):
        run_with_busy_dialog("Restore from a backup", "Restoring…", work)
    assert _busy() is None

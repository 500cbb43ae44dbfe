"""Start-up tests the store with SQLite's quick check; once the window is up, the full
integrity check and the day's first copy run in the background. A store that fails the
check gets a dialog that says so and how to restore, and the window stays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from hcc_desktop import logs
from hcc_desktop.core import backups
from hcc_desktop.gui import app as gui_app
from hcc_desktop.gui.settings import set_application_names
from hcc_desktop.gui.startup import integrity, probe
from hcc_desktop.gui.startup.probe import Kind, Problem
from tests.conftest import copy_store
from tests.store_faults import damage_pages

pytestmark = pytest.mark.gui


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    return copy_store(template_store, tmp_path / "eoc.sqlite")


def test_full_check_of_a_sound_and_a_damaged_store(store_path: Path) -> None:
    assert probe.full_check(store_path) is None
    damage_pages(store_path)
    found = probe.full_check(store_path)
    assert found is not None and found.kind is Kind.CORRUPT and found.detail
    assert probe.diagnose(store_path) is not None  # the quick check at start sees it too


def test_a_store_failing_the_full_check_gets_a_dialog_after_the_window_opens(
    qtbot: Any, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index that disagrees with its table passes the quick check at start; the
    background check finds it and says what to do, over the open window."""
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    monkeypatch.setenv(gui_app.OPERATOR_ENV, "Dana Reyes")
    set_application_names()
    checked: list[Path] = []

    def full_check(path: Path) -> Problem:
        checked.append(path)
        return Problem(Kind.CORRUPT, path, "row 12 missing from index ix_log_entries_time")

    monkeypatch.setattr(integrity, "full_check", full_check)
    shown: list[tuple[str, str, bool]] = []

    def critical(parent: Any, title: str, text: str, *_a: Any, **_k: Any) -> int:
        shown.append((title, text, parent is not None and parent.isVisible()))
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))

    def app_exec() -> int:
        qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(app_exec))
    assert gui_app.run(store_path, ["hcc-desktop"]) == 0
    assert checked == [store_path]
    title, text, over_window = shown[0]
    assert title == integrity.TITLE and over_window
    assert str(store_path) in text and "ix_log_entries_time" in text
    assert "Restore from backup" in text


def test_the_days_first_copy_is_made_once_the_window_is_up(
    qtbot: Any, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    monkeypatch.setenv(gui_app.OPERATOR_ENV, "Dana Reyes")
    set_application_names()
    before_window: list[int] = []
    made = backups.daily

    def daily(store: Any, **kwargs: Any) -> Any:
        windows = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"]
        before_window.append(sum(w.isVisible() and w.attached() for w in windows))
        return made(store, **kwargs)

    monkeypatch.setattr(backups, "daily", daily)

    def app_exec() -> int:
        qtbot.waitUntil(lambda: bool(backups.list_backups(store_path)), timeout=20_000)
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(app_exec))
    assert gui_app.run(store_path, ["hcc-desktop"]) == 0
    assert before_window == [1]  # made while the window was up, on the store
    assert [b.reason for b in backups.list_backups(store_path)] == ["daily"]

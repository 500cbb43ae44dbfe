"""The main window paints its frame before it builds its panels or starts their reads:
the docks hold a placeholder until the first frame, the panels' reloads wait for it,
and a panel wanted earlier (an action used at once) is built on demand."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from hcc_desktop.gui import operations
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import QueryOp, busy
from hcc_desktop.gui.settings import app_settings, set_application_names
from tests.gui.conftest import LOAD_TIMEOUT_MS, close_window

pytestmark = pytest.mark.gui


def test_the_window_module_loads_without_the_map_and_chart_libraries() -> None:
    """What the first frame needs must not pull in pyqtgraph and numpy (a panel's
    module may: panels are imported after the first frame)."""
    code = (
        "import sys, hcc_desktop.gui.main_window, hcc_desktop.gui.app;"
        "print(sorted(m for m in ('pyqtgraph', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_a_panel_reload_waits_until_reads_are_released(qtbot: Any) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    ran: list[str] = []
    operations.hold_reads()
    try:
        QueryOp(owner, lambda _p: "first").supersede("reload").success(
            ran.append
        ).run_in_background()
        QueryOp(owner, lambda _p: "second").supersede("reload").success(
            ran.append
        ).run_in_background()
        assert busy(owner, "reload")  # held counts as loading: the panel is not loaded
        qtbot.wait(50)
        assert ran == []
        # Work the operator asked for (no supersede key) is never held.
        asked = QueryOp(owner, lambda _p: "asked").success(ran.append).run_in_background()
        assert asked is not None
        qtbot.waitUntil(lambda: ran == ["asked"], timeout=5_000)
    finally:
        operations.release_reads()
    # Only the newest of the held reloads runs.
    qtbot.waitUntil(lambda: ran == ["asked", "second"], timeout=5_000)
    assert not busy(owner, "reload")


def test_docks_show_placeholders_until_the_first_frame(qtbot: Any, ctx: AppContext) -> None:
    from hcc_desktop.gui.main_window import MainWindow

    set_application_names()
    window = MainWindow(ctx, app_settings(), restore_layout=False)
    qtbot.addWidget(window)
    try:
        assert window.panels == {} and not window.all_built()
        assert all(isinstance(d.widget(), QLabel) for d in window.docks.values())
        assert operations.reads_held()
        assert not window.all_loaded()
        window.resize(1600, 1000)
        window.show()
        qtbot.waitUntil(window.all_loaded, timeout=LOAD_TIMEOUT_MS)
        assert not operations.reads_held()
        assert set(window.panels) == set(window.docks)
        assert all(d.widget() is window.panels[n] for n, d in window.docks.items())
    finally:
        close_window(window)


def test_an_action_used_before_its_panel_exists_builds_it(qtbot: Any, ctx: AppContext) -> None:
    from hcc_desktop.gui.actions import ActionId
    from hcc_desktop.gui.main_window import MainWindow

    set_application_names()
    window = MainWindow(ctx, app_settings(), restore_layout=False)
    qtbot.addWidget(window)
    try:
        assert "incidentLogDock" not in window.panels
        window.actions_[ActionId.LOG_ENTRY].trigger()  # Ctrl+L before the first frame
        log_panel = window.panels["incidentLogDock"]
        assert window.docks["incidentLogDock"].widget() is log_panel
        assert not operations.reads_held()  # a panel in use reads at once
        window.resize(1600, 1000)
        window.show()
        qtbot.waitUntil(window.all_loaded, timeout=LOAD_TIMEOUT_MS)
        assert window.panels["incidentLogDock"] is log_panel  # built once
    finally:
        close_window(window)

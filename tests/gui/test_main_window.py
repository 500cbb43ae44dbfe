"""The main window: docks and their layout, the action registry, undo, the incident
and period switchers, and the dialogs that open incidents and periods."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QDialog, QDockWidget, QMenu

from hcc_desktop.core.services import incidents, log
from hcc_desktop.core.services.common import Actor
from hcc_desktop.gui import layout
from hcc_desktop.gui.actions import ACTIONS, MENUS, ActionId, check_shortcuts
from hcc_desktop.gui.dialogs.incident_dialog import IncidentDialog
from hcc_desktop.gui.dialogs.operator_dialog import OperatorDialog
from hcc_desktop.gui.dialogs.period_dialog import PeriodDialog
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.settings import app_settings, remember_operator, remembered_operators
from tests.gui.conftest import close_window, open_window

pytestmark = pytest.mark.gui

DOCKS = (
    "memberMapDock",
    "membersDock",
    "incidentLogDock",
    "resourceTrackerDock",
    "eeiGridDock",
    "syncDock",
)


def _view_action(window: Any, dock: str) -> Any:
    menu = window.menuBar().findChild(QMenu, "menu.view")
    wanted = window.panels[dock].VIEW_ACTION.value
    return next(a for a in menu.actions() if a.objectName() == wanted)


def test_every_dock_exists_with_its_object_name(main_window: Any) -> None:
    for name in DOCKS:
        dock = main_window.findChild(QDockWidget, name)
        assert dock is not None, name
        assert isinstance(dock.widget(), Panel)
        assert dock.widget().is_loaded()
        assert dock.features() & QDockWidget.DockWidgetFeature.DockWidgetFloatable
        assert dock.features() & QDockWidget.DockWidgetFeature.DockWidgetClosable


def test_closed_docks_come_back_from_the_view_menu(qtbot: Any, main_window: Any) -> None:
    for name in DOCKS:
        dock = main_window.findChild(QDockWidget, name)
        dock.close()
        assert dock.isHidden()
        action = _view_action(main_window, name)
        assert not action.isChecked()
        action.trigger()
        assert not dock.isHidden(), name
        assert action.isChecked()


def test_layout_saves_and_restores(qtbot: Any, ctx: Any) -> None:
    first = open_window(qtbot, ctx)
    log_dock = first.findChild(QDockWidget, "incidentLogDock")
    members = first.findChild(QDockWidget, "membersDock")
    log_dock.setFloating(True)
    members.close()
    close_window(first)  # saves the layout on close
    second = open_window(qtbot, ctx)
    try:
        assert second.findChild(QDockWidget, "incidentLogDock").isFloating()
        assert second.findChild(QDockWidget, "membersDock").isHidden()
        assert not second.findChild(QDockWidget, "eeiGridDock").isHidden()
    finally:
        close_window(second)


def test_unreadable_or_old_layout_falls_back_to_default(qtbot: Any, ctx: Any) -> None:
    settings = app_settings()
    settings.setValue(layout.KEY_STATE, QByteArray(b"not a window state"))
    settings.setValue(layout.KEY_VERSION, layout.LAYOUT_VERSION)
    settings.sync()
    window = open_window(qtbot, ctx)
    try:
        for name in DOCKS:
            dock = window.findChild(QDockWidget, name)
            assert not dock.isHidden() and not dock.isFloating(), name
        window.findChild(QDockWidget, "membersDock").close()
        window.save_layout()
        settings.setValue(layout.KEY_VERSION, layout.LAYOUT_VERSION - 1)
        assert not layout.restore(window, window.docks, settings)
        assert not window.findChild(QDockWidget, "membersDock").isHidden()
    finally:
        close_window(window)


def test_reset_layout(main_window: Any) -> None:
    main_window.findChild(QDockWidget, "eeiGridDock").setFloating(True)
    main_window.findChild(QDockWidget, "membersDock").close()
    main_window.actions_[ActionId.RESET_LAYOUT].trigger()
    for name in DOCKS:
        dock = main_window.findChild(QDockWidget, name)
        assert not dock.isHidden() and not dock.isFloating(), name


def test_actions_are_declared_once_each_with_a_shortcut(main_window: Any) -> None:
    assert check_shortcuts() == []
    in_menus = [item for items in MENUS.values() for item in items if item is not None]
    assert sorted(in_menus) == sorted(spec.id for spec in ACTIONS)
    for spec in ACTIONS:
        action = main_window.actions_[spec.id]
        assert not action.shortcut().isEmpty(), spec.id
        assert action.objectName() == spec.id.value


def test_undo_mirrors_the_core(qtbot: Any, main_window: Any) -> None:
    ctx = main_window.ctx
    undo = main_window.actions_[ActionId.UNDO]
    entry = log.add_entry(ctx.store, actor=ctx.actor, incident_id=ctx.incident_id, text="Oops")
    qtbot.waitUntil(lambda: undo.text() == "&Undo 1 log entries", timeout=5000)
    assert undo.isEnabled()
    panel = main_window.panels["incidentLogDock"]
    qtbot.waitUntil(lambda: panel.model.row_of(entry) >= 0, timeout=5000)
    redo = main_window.actions_[ActionId.REDO]
    assert not redo.isEnabled() and redo.shortcut().toString() == "Ctrl+Shift+Z"
    undo.trigger()
    qtbot.waitUntil(lambda: panel.model.row_of(entry) == -1, timeout=5000)  # retracted
    # Undo goes on to the change before (not to this undo); Redo names what it brings back.
    qtbot.waitUntil(lambda: redo.text() == "&Redo 1 log entries", timeout=5000)
    assert redo.isEnabled() and undo.text() != "&Undo 1 log entries"
    redo.trigger()
    qtbot.waitUntil(lambda: panel.model.row_of(entry) >= 0, timeout=5000)  # back
    qtbot.waitUntil(lambda: undo.text() == "&Undo 1 log entries", timeout=5000)
    qtbot.waitUntil(lambda: not redo.isEnabled(), timeout=5000)
    assert redo.text() == "&Redo"


def test_switching_incident_and_period(qtbot: Any, main_window: Any, scenario: Any) -> None:
    ctx = main_window.ctx
    other = incidents.create_incident(
        ctx.store, actor=ctx.actor, name="Cyber attack", incident_type="cyber",
        make_current=False,
    )  # fmt: skip
    combo = main_window.switchers.incident
    assert combo.findData(other) >= 0
    combo.setCurrentIndex(combo.findData(other))
    combo.activated.emit(combo.currentIndex())
    assert ctx.incident_id == other and ctx.period is None
    qtbot.waitUntil(main_window.all_loaded, timeout=10_000)
    assert main_window.panels["eeiGridDock"].model.rowCount() == 0
    assert incidents.current_incident(ctx.store).id == other
    combo.setCurrentIndex(combo.findData(scenario.incident_id))
    combo.activated.emit(combo.currentIndex())
    assert ctx.period == 3
    main_window.actions_[ActionId.PREV_PERIOD].trigger()
    assert ctx.period == 2
    qtbot.waitUntil(main_window.all_loaded, timeout=10_000)
    assert main_window.panels["eeiGridDock"].model.grid.period == 2


def test_new_incident_dialog(qtbot: Any, main_window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def fill(dialog: IncidentDialog) -> int:
        dialog.save()  # no name: refused in place
        assert not dialog.banner.isVisible() or dialog.errors.labels["name"].text()
        dialog.name.setText("Winter storm Elsa")
        dialog.kind.setCurrentIndex(dialog.kind.findData("winter_storm"))
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(IncidentDialog, "exec", fill)
    main_window.actions_[ActionId.NEW_INCIDENT].trigger()
    ctx = main_window.ctx
    current = incidents.current_incident(ctx.store)
    assert current.name == "Winter storm Elsa" and ctx.incident_id == current.id
    assert ctx.period == 1
    assert "Winter storm Elsa" in main_window.switchers.incident.currentText()


def test_new_period_dialog(qtbot: Any, main_window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def accept(dialog: PeriodDialog) -> int:
        dialog.save()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(PeriodDialog, "exec", accept)
    main_window.actions_[ActionId.NEW_PERIOD].trigger()
    assert main_window.ctx.period == 4
    assert main_window.switchers.period.currentData() == 4


def test_operator_is_remembered_per_station(qtbot: Any, populated: Any) -> None:
    settings = app_settings()
    remember_operator(settings, populated.site_id, Actor("Ann Lee", "Duty Officer"))
    remember_operator(settings, populated.site_id, Actor("Bo Chen", "ESF-8 Desk"))
    known = remembered_operators(settings, populated.site_id)
    assert [a.name for a in known] == ["Bo Chen", "Ann Lee"]
    assert remembered_operators(settings, "another-station") == []
    dialog = OperatorDialog(populated.station_name, known)
    qtbot.addWidget(dialog)
    assert dialog.actor() == Actor("Bo Chen", "ESF-8 Desk")
    dialog.previous.setCurrentIndex(2)
    assert dialog.actor() == Actor("Ann Lee", "Duty Officer")


def test_status_bar_names_operator_store_and_station(main_window: Any) -> None:
    bar = main_window.status
    assert main_window.ctx.actor.name in bar.operator.text()
    assert str(main_window.ctx.store.path) in bar.store.text()
    assert main_window.ctx.store.station_name in bar.station.text()

"""The main window: the situation overview in the centre, every other panel in a dock
that can float, tab, close and come back from the View menu, menus and shortcuts
from the action registry, and the operator, station and store in the status bar.

The window wires; it decides nothing. Panels load and refresh themselves from the
context's signals, and every change goes through a core service.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QWidget,
)

from hcc_desktop.core.services import undo
from hcc_desktop.gui import layout
from hcc_desktop.gui.actions import DOCK_ACTIONS, ActionId, ActionRegistry
from hcc_desktop.gui.bindings import bind_actions
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.incident_dialog import IncidentDialog
from hcc_desktop.gui.dialogs.operator_dialog import choose_operator
from hcc_desktop.gui.dialogs.period_dialog import PeriodDialog
from hcc_desktop.gui.drops import route_drop
from hcc_desktop.gui.feature_bindings import bind_features
from hcc_desktop.gui.operations import CollectionOp
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.eei_grid import EEIGridPanel
from hcc_desktop.gui.panels.incident_log import IncidentLogPanel
from hcc_desktop.gui.panels.members import MembersPanel
from hcc_desktop.gui.panels.overview import OverviewPanel
from hcc_desktop.gui.panels.resource_tracker import ResourceTrackerPanel
from hcc_desktop.gui.status_bar import StatusBar
from hcc_desktop.gui.switchers import Switchers

if TYPE_CHECKING:
    from hcc_desktop.gui.sync.folder import FolderSync


def dock_panel_classes() -> list[type[Panel]]:
    """The dock panels. The member map and the sync dock are built separately and may be
    absent from a build; their docks are added when their modules import."""
    optional: list[type[Panel]] = []
    try:
        from hcc_desktop.gui.panels.member_map import MemberMapPanel
    except ImportError:
        pass
    else:
        optional.append(MemberMapPanel)
    core: list[type[Panel]] = [MembersPanel, IncidentLogPanel, ResourceTrackerPanel, EEIGridPanel]
    try:
        from hcc_desktop.gui.sync.panel import SyncPanel
    except ImportError:
        return [*optional, *core]
    return [*optional, *core, SyncPanel]


def undo_text(summary: str) -> str:
    """The Edit menu's text for undoing `summary` (the core lets an undo be undone)."""
    if summary.startswith("Undo: "):
        return f"&Undo the undo of {summary.removeprefix('Undo: ')}"
    return f"&Undo {summary}"


class MainWindow(QMainWindow):
    def __init__(
        self, ctx: AppContext, settings: QSettings, *, restore_layout: bool = True
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.settings = settings
        self.save_layout_on_close = restore_layout
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"hcc-desktop — {ctx.store.station_name}")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.actions_ = ActionRegistry(self)
        self.menus = self.actions_.build_menus(self.menuBar())
        self.toolbar = QToolBar("Incident", objectName="mainToolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.switchers = Switchers(ctx, self.toolbar)
        self.actions_.build_toolbar(self.toolbar)
        self.overview = OverviewPanel(ctx)
        self.setCentralWidget(self.overview)
        self.panels: dict[str, Panel] = {}
        self.docks: dict[str, QDockWidget] = {}
        for cls in dock_panel_classes():
            self._add_dock(cls(ctx))
        self.status = StatusBar(ctx, self)
        self.setStatusBar(self.status)
        self.folder_sync = _folder_sync(ctx, self)
        bind_actions(self)
        bind_features(self)
        self.setAcceptDrops(True)
        ctx.changed.connect(self._on_changes)
        ctx.actor_changed.connect(lambda _a: self.update_undo())
        self.resize(1600, 1000)
        restored = False
        if restore_layout:
            restored = layout.restore(self, self.docks, settings)
        else:
            layout.apply_default(self, self.docks)
        self._size_on_show = not restored
        self.switchers.choose_initial()
        self.update_undo()
        QTimer.singleShot(0, self._initial_load)

    # ------------------------------------------------------------ docks
    def _add_dock(self, panel: Panel) -> None:
        dock = QDockWidget(panel.TITLE, self)
        dock.setObjectName(panel.DOCK_NAME)
        dock.setWidget(panel)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.panels[panel.DOCK_NAME] = panel
        self.docks[panel.DOCK_NAME] = dock
        action_id = DOCK_ACTIONS.get(panel.DOCK_NAME)
        if action_id is not None:
            action = self.actions_[action_id]
            dock.visibilityChanged.connect(
                lambda _v, a=action, d=dock: a.setChecked(not d.isHidden())
            )

    def toggle_dock(self, name: str) -> None:
        """Show and raise a closed or buried dock; hide one that is already in front."""
        dock = self.docks.get(name)
        if dock is None:
            return
        if dock.isHidden():
            dock.show()
            dock.raise_()
            dock.widget().setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif dock.visibleRegion().isEmpty():
            dock.raise_()
        else:
            dock.hide()
        action_id = DOCK_ACTIONS.get(name)
        if action_id is not None:
            self.actions_[action_id].setChecked(not dock.isHidden())

    def show_dock(self, name: str) -> QWidget | None:
        dock = self.docks.get(name)
        if dock is None:
            return None
        dock.show()
        dock.raise_()
        return dock.widget()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._size_on_show:  # dock sizes only take once the window is laid out
            self._size_on_show = False
            QTimer.singleShot(0, lambda: layout.size_default(self, self.docks))

    def save_layout(self) -> None:
        layout.save(self, self.settings)

    def reset_layout(self) -> None:
        layout.reset(self, self.docks, self.settings)
        QTimer.singleShot(0, lambda: layout.size_default(self, self.docks))

    # ------------------------------------------------------------ commands
    def reload_all(self) -> None:
        self.switchers.refresh_incidents()
        self.switchers.refresh_periods()
        self.overview.reload()
        for panel in self.panels.values():
            panel.reload()

    def _initial_load(self) -> None:
        """Our panels schedule their first load themselves (coalescing the incident and
        period signals of start-up); a panel built elsewhere is asked once, here."""
        for panel in self.panels.values():
            if not hasattr(panel, "_reload_timer"):
                panel.reload()

    def all_loaded(self) -> bool:
        return self.overview.is_loaded() and all(p.is_loaded() for p in self.panels.values())

    def _on_changes(self, changes: object) -> None:
        entities = getattr(changes, "entities", set())
        if entities & {"incident", "period"}:
            self.switchers.refresh_incidents()
            self.switchers.refresh_periods()
        self.update_undo()

    def update_undo(self) -> None:
        action = self.actions_[ActionId.UNDO]
        last = undo.last_undoable(self.ctx.store, actor=self.ctx.actor)
        action.setEnabled(last is not None)
        action.setText(undo_text(last.summary) if last else "&Undo")

    def undo(self) -> None:
        result = CollectionOp(
            self,
            lambda _p: undo.undo_last(self.ctx.store, actor=self.ctx.actor),
            title="Nothing undone",
        ).run_now()
        if result is not None:
            extra = f"; {result.skipped} later change(s) by others kept" if result.skipped else ""
            self.ctx.message.emit(f"Undone: {result.summary}{extra}")
        self.update_undo()

    def new_incident(self) -> None:
        dialog = IncidentDialog(self.ctx.store, self.ctx.actor, self)
        if dialog.exec() and dialog.incident_id:
            self.switchers.refresh_incidents()
            self.switchers.select_incident(dialog.incident_id)

    def new_period(self) -> None:
        if not self.ctx.incident_id:
            self.ctx.message.emit("Open or create an incident first (Ctrl+Shift+N)")
            return
        dialog = PeriodDialog(self.ctx.store, self.ctx.actor, self.ctx.incident_id, self)
        if dialog.exec() and dialog.number:
            self.switchers.refresh_periods()
            self.ctx.set_period(dialog.number)

    def change_operator(self) -> None:
        actor = choose_operator(self.settings, self.ctx.store, self)
        if actor is not None:
            self.ctx.set_actor(actor)

    def selected_request(self) -> str | None:
        """The request selected in the resource tracker (the ICS 213RR default)."""
        panel = self.panels.get("resourceTrackerDock")
        current = getattr(panel, "current_id", None)
        return (current() or None) if callable(current) else None

    def open_stations(self) -> None:
        from hcc_desktop.gui.sync.stations import StationsDialog

        StationsDialog(self.ctx, self).exec()

    def sync_folder_now(self) -> None:
        if self.folder_sync is None or self.folder_sync.folder is None:
            QMessageBox.information(
                self,
                "No shared folder",
                "No shared folder is set for this station. Choose one in File → "
                "Preferences; the program then drops its package there and imports "
                "trusted packages from other stations on a timer.",
            )
            return
        self.folder_sync.run_now()
        self.ctx.message.emit(f"Syncing with the shared folder {self.folder_sync.folder}…")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths and route_drop(self, paths):
            event.acceptProposedAction()

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def about(self) -> None:
        from hcc_desktop.gui.dialogs.help_dialog import show_about

        show_about(self, self.ctx)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.save_layout_on_close:
            self.save_layout()
        if self.folder_sync is not None:
            self.folder_sync.timer.stop()
        QThreadPool.globalInstance().waitForDone(10_000)
        super().closeEvent(event)


def _folder_sync(ctx: AppContext, window: MainWindow) -> FolderSync | None:
    """The shared-folder timer, when this build has sync (it starts only if a folder is
    set in the preferences)."""
    try:
        from hcc_desktop.gui.sync.folder import FolderSync
    except ImportError:
        return None
    return FolderSync(ctx, window)

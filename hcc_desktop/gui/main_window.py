"""The main window: the situation overview in the centre, every other panel in a dock
that can float, tab, close and come back from the View menu, menus and shortcuts
from the action registry, and the operator, station and store in the status bar.

The window wires; it decides nothing. Panels load and refresh themselves from the
context's signals, and every change goes through a core service. The docks come from
one list (gui.panels.registry.PANELS) and each panel declares its own actions, so
nothing here names a panel's dock or methods; the window's own actions are the
WINDOW_ACTIONS table below, and the File/Interchange features gui.feature_bindings.

Start-up order: the window makes its menus, toolbar, overview and every dock (with a
"Loading…" placeholder), restores the layout and paints that frame; only then are the
panels imported and built, visible docks first, one per turn of the event loop, and
the reads of every panel start (gui.operations holds them until the first frame). An
action used before its panel exists builds that panel at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStatusBar,
    QToolBar,
    QWidget,
)

from hcc_desktop.gui import layout
from hcc_desktop.gui.actions import SPECS, ActionId, ActionRegistry
from hcc_desktop.gui.drops import route_drop
from hcc_desktop.gui.feature_bindings import bind_features, guarded
from hcc_desktop.gui.first_paint import AfterFirstPaint
from hcc_desktop.gui.panels.registry import PANELS, DockSpec
from hcc_desktop.gui.reads import hold_reads, release_reads
from hcc_desktop.gui.switchers import Switchers

if TYPE_CHECKING:
    from hcc_desktop.gui.context import AppContext
    from hcc_desktop.gui.panels.base import Panel
    from hcc_desktop.gui.panels.overview import OverviewPanel
    from hcc_desktop.gui.status_bar import StatusBar
    from hcc_desktop.gui.sync.folder import FolderSync

P = TypeVar("P", bound="Panel")

#: The window's own actions: id → name of a MainWindow method (no arguments).
WINDOW_ACTIONS: dict[ActionId, str] = {
    ActionId.CHANGE_OPERATOR: "change_operator",
    ActionId.QUIT: "close",
    ActionId.UNDO: "undo",
    ActionId.REDO: "redo",
    ActionId.REFRESH: "reload_all",
    ActionId.SWITCH_INCIDENT: "switch_incident",
    ActionId.NEW_INCIDENT: "new_incident",
    ActionId.NEW_PERIOD: "new_period",
    ActionId.PREV_PERIOD: "previous_period",
    ActionId.NEXT_PERIOD: "next_period",
    ActionId.STATIONS: "open_stations",
    ActionId.SYNC_FOLDER_NOW: "sync_folder_now",
    ActionId.RESET_LAYOUT: "reset_layout",
    ActionId.FULL_SCREEN: "toggle_full_screen",
    ActionId.SHORTCUTS: "show_shortcuts",
    ActionId.ABOUT: "about",
}
#: Window actions that open a feature: a failure is a dialog, never a lost click.
GUARDED = {ActionId.STATIONS: "Stations", ActionId.SYNC_FOLDER_NOW: "Shared folder"}


def undo_text(summary: str | None) -> str:
    """The Edit menu's text for undoing the change `summary` (or a redo of it)."""
    from hcc_desktop.core.services.undo import change_text

    return "&Undo" if summary is None else f"&Undo {change_text(summary)}"


def redo_text(summary: str | None) -> str:
    """The Edit menu's text for redoing what the undo `summary` took back."""
    from hcc_desktop.core.services.undo import change_text

    return "&Redo" if summary is None else f"&Redo {change_text(summary)}"


class MainWindow(QMainWindow):
    """`MainWindow(ctx, settings)` is the window on a store. `MainWindow(None, settings)`
    is its frame before the store is open (gui.app shows it while the store's libraries
    load and the store is probed and opened); `attach(ctx)` then makes it the window on
    that store. The frame has the menus, the toolbar's buttons and switchers, every dock
    in the operator's layout and an empty overview and status bar; nothing in it acts
    until it is attached."""

    overview: OverviewPanel
    status: StatusBar
    folder_sync: FolderSync

    def __init__(
        self, ctx: AppContext | None, settings: QSettings, *, restore_layout: bool = True
    ) -> None:
        super().__init__()
        hold_reads()  # released after the first frame (_after_first_paint)
        self._first_paint = AfterFirstPaint(self, self._painted)
        self._frame_shown = False
        self._ctx: AppContext | None = None
        self.settings = settings
        self.save_layout_on_close = restore_layout
        self.setObjectName("mainWindow")
        self.setWindowTitle("hcc-desktop")
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
        self.switchers = Switchers(None, self.toolbar)
        self.actions_.build_toolbar(self.toolbar)
        self.setCentralWidget(QWidget(objectName="overviewPlaceholder"))
        #: The panels built so far, by dock name (all of them once `all_built`).
        self.panels: dict[str, Panel] = {}
        self.docks: dict[str, QDockWidget] = {}
        self.specs: dict[str, DockSpec] = {}
        #: Docks whose panel is not built yet, in the order they will be.
        self._pending: list[str] = []
        for spec in PANELS:
            self._add_dock(spec)
        self.setStatusBar(QStatusBar())
        self.resize(1600, 1000)
        restored = False
        if restore_layout:
            restored = layout.restore(self, self.docks, settings)
        else:
            layout.apply_default(self, self.docks)
        self._size_on_show = not restored
        #: The layout's sizes are given again once the panels in view are built:
        #: placeholders and an empty overview do not ask for the room the panels do, so
        #: Qt shares the window out differently (a restored map dock came back wider).
        self._sizes_due: Callable[[], object] | None = (
            (lambda: layout.restore_docks(self, settings))
            if restored
            else (lambda: layout.size_default(self, self.docks))
        )
        if ctx is not None:
            self.attach(ctx)

    @property
    def ctx(self) -> AppContext:
        assert self._ctx is not None, "the window is not attached to a store yet"
        return self._ctx

    def attached(self) -> bool:
        return self._ctx is not None

    def attach(self, ctx: AppContext) -> None:
        """Make the frame the window on `ctx`'s store: title, overview, status bar,
        switchers, actions; the panels follow once the frame has been painted."""
        from hcc_desktop.gui.panels.overview import OverviewPanel
        from hcc_desktop.gui.status_bar import StatusBar
        from hcc_desktop.gui.sync.folder import FolderSync

        self._ctx = ctx
        title = f"hcc-desktop — {ctx.store.station_name}"
        if ctx.store.is_server:
            title += f" — EOC server {ctx.store.label}"
        self.setWindowTitle(title)
        self.switchers.attach(ctx)
        self.overview = OverviewPanel(ctx)
        self.setCentralWidget(self.overview)
        self.status = StatusBar(ctx, self)
        self.setStatusBar(self.status)
        self.folder_sync = FolderSync(ctx, self)
        self._bind_actions()
        bind_features(self)
        self.setAcceptDrops(True)
        ctx.changed.connect(self._on_changes)
        ctx.server_state.connect(self._server_state)
        ctx.actor_changed.connect(lambda _a: self.update_undo())
        self.switchers.choose_initial()
        self.update_undo()
        if self._frame_shown:
            QTimer.singleShot(0, self._after_first_paint)

    def _painted(self) -> None:
        self._frame_shown = True
        if self.attached():
            self._after_first_paint()

    # ------------------------------------------------------------ docks
    def _add_dock(self, spec: DockSpec) -> None:
        dock = QDockWidget(spec.TITLE, self)
        dock.setObjectName(spec.DOCK_NAME)
        dock.setWidget(_placeholder())
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.specs[spec.DOCK_NAME] = spec
        self.docks[spec.DOCK_NAME] = dock
        self._pending.append(spec.DOCK_NAME)
        action = self.actions_[spec.VIEW_ACTION]
        dock.visibilityChanged.connect(lambda _v, a=action, d=dock: a.setChecked(not d.isHidden()))

    def _after_first_paint(self) -> None:
        """The frame is on screen: start the overview's read, then build the panels,
        those in view first, one per turn of the event loop so that the window keeps
        answering (each starts its own read as it is built)."""
        release_reads()
        self._pending.sort(key=lambda name: self.docks[name].visibleRegion().isEmpty())
        QTimer.singleShot(0, self._build_next)

    def _build_next(self) -> None:
        if self._pending:
            self._build(self._pending[0])
            QTimer.singleShot(0, self._build_next)
        in_view = [n for n in self._pending if not self.docks[n].isHidden()]
        if self._sizes_due is not None and not in_view:
            sizes, self._sizes_due = self._sizes_due, None
            sizes()

    def _build(self, name: str) -> Panel:
        """Import, make and dock the panel of dock `name` (at most once)."""
        if name in self.panels:
            return self.panels[name]
        if not self._frame_shown:
            self._first_paint.run_now()  # a panel wanted early: its reads may start now
        spec = self.specs[name]
        panel = spec.load()(self.ctx)
        self._pending.remove(name)
        self.panels[name] = panel
        dock = self.docks[name]
        placeholder = dock.widget()
        dock.setWidget(panel)
        placeholder.deleteLater()
        for action_id in spec.ACTIONS:
            if SPECS[action_id].scope == name:
                self.actions_.attach(action_id, panel.scope_widget())
        if not panel.LOADS_ITSELF:
            panel.schedule_reload()
        return panel

    def all_built(self) -> bool:
        return not self._pending

    def panel(self, cls: type[P]) -> P | None:
        """The window's panel of class `cls`, built now if it was not yet (None if
        this window has none)."""
        for panel in self.panels.values():
            if isinstance(panel, cls):
                return panel
        for name, spec in self.specs.items():
            if name not in self.panels and spec.cls == cls.__name__ and spec.load() is cls:
                built = self._build(name)
                return built if isinstance(built, cls) else None
        return None

    def _bind_actions(self) -> None:
        """Bind the window's own actions, then each panel's: a panel command first
        brings its dock forward, so a shortcut pressed while the dock is closed or
        tabbed away still does what it says where the operator sees it. An action
        scoped to a panel (Ctrl+C in the grid) only fires there, so it needs no
        bringing forward."""
        a = self.actions_
        for action_id, name in WINDOW_ACTIONS.items():
            slot: Callable[[], object] = getattr(self, name)
            if action_id in GUARDED:
                slot = guarded(self, GUARDED[action_id], slot)
            a.bind(action_id, slot)
        for dock_name, spec in self.specs.items():
            a.bind(spec.VIEW_ACTION, lambda n=dock_name: self.toggle_dock(n))
            for action_id, name in spec.ACTIONS.items():
                if SPECS[action_id].scope == dock_name:
                    a.bind(action_id, self._call(dock_name, name))
                else:
                    a.bind(action_id, self._via(dock_name, self._call(dock_name, name)))

    def _call(self, dock_name: str, method: str) -> Callable[[], object]:
        """The panel's method, found when the action fires (the panel is built then if
        it was not yet)."""
        return lambda: getattr(self._build(dock_name), method)()

    def _via(self, dock_name: str, fn: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            self.show_dock(dock_name)
            fn()

        return run

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
        self.actions_[self.specs[name].VIEW_ACTION].setChecked(not dock.isHidden())

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
        self._sizes_due = None
        layout.reset(self, self.docks, self.settings)
        QTimer.singleShot(0, lambda: layout.size_default(self, self.docks))

    # ------------------------------------------------------------ commands
    def reload_all(self) -> None:
        self.switchers.refresh_incidents()
        self.switchers.refresh_periods()
        self.overview.reload()
        for panel in self.panels.values():
            panel.reload()

    def _server_state(self, up: bool) -> None:
        """Back on the EOC server: what the other seats changed meanwhile was not heard,
        so every panel reads again."""
        if up:
            self.reload_all()
            self.update_undo()

    def all_loaded(self) -> bool:
        return (
            self.attached()
            and self.all_built()
            and self.overview.is_loaded()
            and all(p.is_loaded() for p in self.panels.values())
        )

    def _on_changes(self, changes: object) -> None:
        entities = getattr(changes, "entities", set())
        if entities & {"incident", "period"}:
            self.switchers.refresh_incidents()
            self.switchers.refresh_periods()
        self.update_undo()

    def update_undo(self) -> None:
        """Name the operator's last change on the Undo action and the last undo on the
        Redo action. Read off the GUI thread after every change (the search runs back
        through the station's change sets, which a busy season makes long); the newest
        read wins."""
        from hcc_desktop.core.services import undo
        from hcc_desktop.gui.operations import QueryOp

        store, actor = self.ctx.store, self.ctx.actor

        def read(_progress: object) -> tuple[str | None, str | None]:
            last = undo.last_undoable(store, actor=actor)
            back = undo.last_redoable(store, actor=actor)
            return (last.summary if last else None, back.summary if back else None)

        def show(summaries: tuple[str | None, str | None]) -> None:
            for action_id, summary, text in (
                (ActionId.UNDO, summaries[0], undo_text),
                (ActionId.REDO, summaries[1], redo_text),
            ):
                action = self.actions_[action_id]
                action.setEnabled(summary is not None)
                action.setText(text(summary))

        def unread(exc: Exception) -> None:
            # The action keeps its last name: the next change reads it again, and a
            # lost server or a locked store is told by the write that meets it.
            logging.getLogger(__name__).warning("the Undo action was not named: %s", exc)

        (
            QueryOp(self, read, title="Undo not named")
            .supersede("undo-text")
            .success(show)
            .failure(unread)
            .run_in_background()
        )

    def undo(self) -> None:
        from hcc_desktop.core.services import undo

        self._take_back(undo.undo_last, "undone")

    def redo(self) -> None:
        from hcc_desktop.core.services import undo

        self._take_back(undo.redo_last, "redone")

    def _take_back(self, service: Any, done: str) -> None:
        """Run an undo or redo service; the status bar says what it did."""
        from hcc_desktop.gui.operations import CollectionOp

        result = CollectionOp(
            self,
            lambda _p: service(self.ctx.store, actor=self.ctx.actor),
            title=f"Nothing {done}",
        ).run_now()
        if result is not None:
            extra = f"; {result.skipped} later change(s) by others kept" if result.skipped else ""
            self.ctx.message.emit(f"{done.capitalize()}: {result.summary}{extra}")
        self.update_undo()

    def new_incident(self) -> None:
        from hcc_desktop.gui.dialogs.incident_dialog import IncidentDialog

        dialog = IncidentDialog(self.ctx.store, self.ctx.actor, self)
        if dialog.exec() and dialog.incident_id:
            self.switchers.refresh_incidents()
            self.switchers.select_incident(dialog.incident_id)

    def new_period(self) -> None:
        from hcc_desktop.gui.dialogs.period_dialog import PeriodDialog

        if not self.ctx.incident_id:
            self.ctx.message.emit("Open or create an incident first (Ctrl+Shift+N)")
            return
        dialog = PeriodDialog(self.ctx.store, self.ctx.actor, self.ctx.incident_id, self)
        if dialog.exec() and dialog.number:
            self.switchers.refresh_periods()
            self.ctx.set_period(dialog.number)

    def change_operator(self) -> None:
        from hcc_desktop.gui.dialogs.operator_dialog import choose_operator

        actor = choose_operator(self.settings, self.ctx.store, self)
        if actor is not None:
            self.ctx.set_actor(actor)

    def switch_incident(self) -> None:
        self.switchers.open_incident_list()

    def previous_period(self) -> None:
        self.switchers.step_period(-1)

    def next_period(self) -> None:
        self.switchers.step_period(+1)

    def show_shortcuts(self) -> None:
        from hcc_desktop.gui.dialogs.help_dialog import ShortcutsDialog

        ShortcutsDialog(self.actions_, self).exec()

    def selected_request(self) -> str | None:
        """The request selected in the resource tracker (the ICS 213RR default)."""
        from hcc_desktop.gui.panels.resource_tracker import ResourceTrackerPanel

        tracker = self.panel(ResourceTrackerPanel)
        return (tracker.current_id() or None) if tracker is not None else None

    def open_stations(self) -> None:
        from hcc_desktop.gui.sync.stations import StationsDialog

        StationsDialog(self.ctx, self).exec()

    def sync_folder_now(self) -> None:
        if self.folder_sync.folder is None:
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
        self._first_paint.run_now()
        release_reads()  # never leave reads held for the next window
        self._pending.clear()
        if self.save_layout_on_close:
            self.save_layout()
        if self.attached():
            self.folder_sync.timer.stop()
        QThreadPool.globalInstance().waitForDone(10_000)
        super().closeEvent(event)


def _placeholder() -> QWidget:
    """What a dock shows until its panel is built (a fraction of a second)."""
    label = QLabel("Loading…", objectName="dockPlaceholder")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("color: #777")
    return label

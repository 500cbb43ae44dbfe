"""The shape every dock panel shares (after Spyder's plugins): a title, a stable
objectName for its dock, its actions, and one `on_changes` method that refreshes only
what the change-set touched.

A panel declares itself as data, so the main window needs no panel-specific code:
`ACTIONS` maps the registry's action ids to the panel's own zero-argument methods, and
`VIEW_ACTION` is the View menu action that shows its dock. The window binds them all
(gui.main_window), bringing the dock forward before a panel command runs.

Loading: a panel reads the store only off the GUI thread (gui.operations.QueryOp).
`LOADS_ITSELF` says who starts the first read: a panel that sets it schedules its
first load on construction (`schedule_reload`, which also coalesces the incident and
period signals of start-up into one read); the window asks every other panel once it
has built it. The main window builds its panels after its first frame
(gui.main_window), so a panel's module may import what it likes."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from hcc_desktop.core.versions import Changes
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import Progress, QueryOp, describe

T = TypeVar("T")


class Panel(QWidget):
    #: Dock title shown to the operator.
    TITLE: str = ""
    #: objectName of the QDockWidget that holds the panel (stable: saved layouts use it).
    DOCK_NAME: str = ""
    #: Entities whose changes this panel shows; others are ignored cheaply.
    WATCHES: frozenset[str] = frozenset()
    #: Action id → name of the method (no arguments) that carries it out.
    ACTIONS: ClassVar[dict[ActionId, str]] = {}
    #: The View menu action that shows (or hides) this panel's dock.
    VIEW_ACTION: ClassVar[ActionId | None] = None
    #: True: the panel schedules its first load itself (see the module docstring).
    LOADS_ITSELF: ClassVar[bool] = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(self.DOCK_NAME.removesuffix("Dock") + "Panel")
        self._reload_timer = QTimer(self, singleShot=True, interval=0)
        self._reload_timer.timeout.connect(self.reload)
        if self.LOADS_ITSELF:
            self._reload_timer.start()  # first load, once the window is up
        ctx.changed.connect(self._maybe_changes)

    def schedule_reload(self) -> None:
        """Reload once control is back in the event loop; requests made before then
        (an incident and a period switched together) make one reload."""
        self._reload_timer.start()

    def _maybe_changes(self, changes: Changes) -> None:
        if not self.WATCHES or changes.entities & self.WATCHES:
            self.on_changes(changes)

    def on_changes(self, changes: Changes) -> None:
        """Refresh the rows `changes` touched (default: reload everything)."""
        self.reload()

    def reload(self) -> None:
        """Load (again) from the store for the incident and period in view."""

    def scope_widget(self) -> QWidget:
        """Where an action scoped to this panel (ActionSpec.scope) takes its shortcut."""
        return self

    def is_loaded(self) -> bool:
        """True once the panel shows data (screenshot mode waits for every panel)."""
        return True

    def read_in_background(
        self, read: Callable[[Progress], T], fill: Callable[[T], None], *, failed: str
    ) -> None:
        """A panel's reload: `read` runs off the GUI thread and the newest read wins
        (an incident switched twice shows the second), `fill` shows what it returns.
        A failed read leaves what is shown and says `failed` in the status bar; the
        panel counts as loaded either way, so screenshot mode never waits for it."""
        self._loaded = False
        (
            QueryOp(self, read, title=failed)
            .supersede("reload")
            .success(fill)
            .failure(lambda exc: self._read_failed(failed, exc))
            .run_in_background()
        )

    def _read_failed(self, failed: str, exc: Exception) -> None:
        self._loaded = True
        self.ctx.message.emit(f"{failed}: {describe(exc)}")

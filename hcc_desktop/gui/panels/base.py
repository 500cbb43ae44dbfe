"""The shape every dock panel shares (after Spyder's plugins): a title, a stable
objectName for its dock, its actions, and one `on_changes` method that refreshes only
what the change-set touched."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from hcc_desktop.core.versions import Changes
from hcc_desktop.gui.context import AppContext


class Panel(QWidget):
    #: Dock title shown to the operator.
    TITLE: str = ""
    #: objectName of the QDockWidget that holds the panel (stable: saved layouts use it).
    DOCK_NAME: str = ""
    #: Entities whose changes this panel shows; others are ignored cheaply.
    WATCHES: frozenset[str] = frozenset()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(self.DOCK_NAME.removesuffix("Dock") + "Panel")
        ctx.changed.connect(self._maybe_changes)

    def _maybe_changes(self, changes: Changes) -> None:
        if not self.WATCHES or changes.entities & self.WATCHES:
            self.on_changes(changes)

    def on_changes(self, changes: Changes) -> None:
        """Refresh the rows `changes` touched (default: reload everything)."""
        self.reload()

    def reload(self) -> None:
        """Load (again) from the store for the incident and period in view."""

    def is_loaded(self) -> bool:
        """True once the panel shows data (screenshot mode waits for every panel)."""
        return True

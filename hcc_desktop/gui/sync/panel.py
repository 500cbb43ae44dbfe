"""The Sync dock: stations with their last package received and sent and their clock
warnings; the open conflicts with both values side by side; the import history.

The dock reloads on every change (any change may have come by import), so its three
reads run together off the GUI thread (`read_sync`) and only the tables are filled
here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import HccError
from hcc_desktop.core.store import Store
from hcc_desktop.core.versions import Changes
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.fmt import local
from hcc_desktop.gui.operations import CollectionOp, Progress, busy
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.sync import conflicts, history

AMBER = QColor("#fff3cd")


@dataclass(frozen=True)
class SyncData:
    """One read of the dock: stations, import history and open conflicts."""

    stations: list[history.StationSummary]
    imports: list[tuple[m.ImportRecord, str]]
    conflicts: list[conflicts.ConflictView]


def read_sync(store: Store) -> SyncData:
    """Everything the dock shows, read in one pass (Qt-free: runs in a QueryOp)."""
    return SyncData(
        stations=list(history.station_summaries(store)),
        imports=list(history.import_history(store)),
        conflicts=list(conflicts.list_conflicts(store)),
    )


def _show_value(value: Any) -> str:
    if isinstance(value, dict):
        return "\n".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _fill(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    table.setSortingEnabled(False)
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    table.setSortingEnabled(True)


def _table() -> QTableWidget:
    t = QTableWidget()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return t


class ConflictView(QWidget):
    """The open conflicts on the left; the chosen one's values side by side on the
    right, each with a button to keep it, and one to enter another value."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[conflicts.ConflictView] = []
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.list = QListWidget()
        self.list.setObjectName("conflictList")
        self.list.currentRowChanged.connect(self._show)
        self.detail = QWidget()
        self.detail_layout = QHBoxLayout(self.detail)
        split.addWidget(self.list)
        split.addWidget(self.detail)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def load(self, items: list[conflicts.ConflictView]) -> None:
        """Show the open conflicts (read off the GUI thread by the dock)."""
        keep = self.list.currentRow()
        self.items = items
        self.list.clear()
        for c in self.items:
            QListWidgetItem(f"{c.label} — {c.unit}", self.list)
        if self.items:
            self.list.setCurrentRow(min(max(keep, 0), len(self.items) - 1))
        else:
            self._show(-1)

    def _clear_detail(self) -> None:
        while self.detail_layout.count():
            item = self.detail_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    def _show(self, row: int) -> None:
        self._clear_detail()
        if not 0 <= row < len(self.items):
            self.detail_layout.addWidget(QLabel("No open conflicts."))
            return
        c = self.items[row]
        for side in c.sides:
            self.detail_layout.addWidget(self._card(c, side))
        other = QPushButton("Enter another value…")
        other.setObjectName(f"other_{c.id[:8]}")
        other.clicked.connect(lambda: self._enter(c))
        self.detail_layout.addWidget(other, 0, Qt.AlignmentFlag.AlignBottom)

    def _card(self, c: conflicts.ConflictView, side: conflicts.Side) -> QFrame:
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QVBoxLayout(card)
        head = QLabel(f"<b>{side.station}</b>" + (" — shown now" if side.winner else ""))
        lay.addWidget(head)
        lay.addWidget(QLabel(f"{side.operator or ''}\n{local(side.at)}"))
        value = QLabel(_show_value(side.value))
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = value.font()
        font.setPointSize(font.pointSize() + 2)
        value.setFont(font)
        lay.addWidget(value, 1)
        keep = QPushButton("Keep this value")
        keep.setObjectName(f"keep_{side.version_id[:8]}")
        keep.clicked.connect(lambda: self._resolve(c, keep=side.version_id))
        lay.addWidget(keep)
        return card

    def _enter(self, c: conflicts.ConflictView) -> None:
        current = next((s.value for s in c.sides if s.winner), "")
        text, ok = QInputDialog.getText(
            self, "Resolve conflict", f"New value for {c.unit}:", text=_show_value(current)
        )
        if not ok:
            return
        try:
            value = conflicts.parse_typed(c, text)
        except HccError as exc:
            QMessageBox.warning(self, "Conflict not resolved", str(exc))
            return
        self._resolve(c, value=value)

    def _resolve(
        self, c: conflicts.ConflictView, *, keep: str | None = None, value: Any = None
    ) -> None:
        done = (
            CollectionOp(
                self,
                lambda _p: (
                    conflicts.resolve(
                        self.ctx.store,
                        actor=self.ctx.actor,
                        conflict_id=c.id,
                        keep=keep,
                        value=value,
                    )
                    or True
                ),
            )
            .failure(
                lambda exc: QMessageBox.warning(self, "Conflict not resolved", str(exc)),
                only=HccError,
            )
            .run_now()
        )
        if not done:
            return
        self.ctx.message.emit(f"Conflict on {c.label} resolved; export a package to share it")
        # The resolution is a change: the dock reloads on it (SyncPanel.on_changes).


class SyncPanel(Panel):
    TITLE = "Sync"
    DOCK_NAME = "syncDock"
    WATCHES = frozenset()  # any change may come from an import: reload on every change
    VIEW_ACTION = ActionId.SHOW_SYNC
    LOADS_ITSELF = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tabs = QTabWidget(self)
        self.stations = _table()
        self.stations.setObjectName("syncStations")
        self.conflicts = ConflictView(ctx)
        self.imports = _table()
        self.imports.setObjectName("syncImports")
        self.tabs.addTab(self.stations, "Stations")
        self.tabs.addTab(self.conflicts, "Conflicts")
        self.tabs.addTab(self.imports, "Imports")
        self.banner = QLabel()
        bold = QFont()
        bold.setBold(True)
        self.banner.setFont(bold)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs)
        self._loaded = False
        ctx.imported.connect(self.reload)

    def on_changes(self, changes: Changes) -> None:
        self.reload()

    def reload(self) -> None:
        """Read stations, imports and conflicts off the GUI thread, then fill the tabs."""
        store = self.ctx.store

        def read(_progress: Progress) -> SyncData:
            return read_sync(store)

        self.read_in_background(read, self._fill, failed="Sync dock not updated")

    def _fill(self, data: SyncData) -> None:
        summaries = data.stations
        rows = []
        for s in summaries:
            trust_text = (
                "this station"
                if s.is_self
                else "revoked"
                if s.revoked
                else "trusted"
                if s.trusted
                else "not trusted"
            )
            rows.append(
                [
                    s.name,
                    trust_text,
                    local(s.last_received) if not s.is_self else "",
                    local(s.last_sent),
                    str(s.packages) if not s.is_self else "",
                    str(s.clock_warnings) if s.clock_warnings else "",
                    s.fingerprint,
                ]
            )
        _fill(
            self.stations,
            [
                "Station",
                "Trust",
                "Last received",
                "Last sent",
                "Packages",
                "Clock warnings",
                "Fingerprint",
            ],
            rows,
        )
        sent = self.stations.horizontalHeaderItem(3)
        if sent is not None:
            sent.setToolTip(
                "Another station's row: the last package made for it (only what it lacks). "
                "This station's row: the last package written, for any station."
            )
        for r, s in enumerate(summaries):
            if s.clock_warnings:
                for c in range(self.stations.columnCount()):
                    self.stations.item(r, c).setBackground(AMBER)
        entries = data.imports
        _fill(
            self.imports,
            ["Imported", "From", "New", "Known", "Conflicts", "Clock warnings", "Package"],
            [
                [
                    local(r.imported_at),
                    name,
                    str(r.new_versions),
                    str(r.known_versions),
                    str(r.conflicts),
                    str(r.clock_warnings),
                    r.package_id[:8],
                ]
                for r, name in entries
            ],
        )
        self.conflicts.load(data.conflicts)
        n = len(self.conflicts.items)
        self.tabs.setTabText(1, f"Conflicts ({n})" if n else "Conflicts")
        self.banner.setText(
            f"{n} open conflict{'s' if n != 1 else ''}: choose which value to keep" if n else ""
        )
        self.banner.setVisible(bool(n))
        self._loaded = True

    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload")

"""The rows of an import preview as a table model: every row of the file accepted or
refused, and a tick per accepted row that the operator may clear to leave it out.

A model rather than a QTableWidget because a spreadsheet may hold 200,000 rows: a
widget item per cell would cost millions of objects before the dialog opens, while
the model holds the strings once and the view asks only for what it shows.

A wide EEI row gives several preview rows (one per element) from one line of the file;
the import keeps or leaves whole lines, so ticking one of them ticks them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

REFUSED_BG = QBrush(QColor("#ffe0e0"))
REFUSED_TIP = "Refused: cannot be imported"
CHECK_HEADER = "Import"
Index = QModelIndex | QPersistentModelIndex


@dataclass
class PreviewRows:
    """What the preview shows, built off the GUI thread from a service's preview:
    the headers after the tick column, the cells of each row, whether each row was
    accepted, and the line of the file it came from."""

    headers: list[str]
    cells: list[list[str]]
    accepted: list[bool]
    lines: list[int]
    note: str = ""
    chosen: set[int] = field(init=False)

    def __post_init__(self) -> None:
        self.chosen = {line for line, ok in zip(self.lines, self.accepted, strict=True) if ok}


class PreviewModel(QAbstractTableModel):
    """Column 0 is the tick (accepted rows only); the others are `rows.headers`."""

    #: The set of lines to import changed (the Import button counts them).
    chosen_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.rows = PreviewRows([], [], [], [])

    def show(self, rows: PreviewRows) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()
        self.chosen_changed.emit()

    def chosen_lines(self) -> set[int]:
        return set(self.rows.chosen)

    # ------------------------------------------------------------ the model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows.cells)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows.headers) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return CHECK_HEADER if section == 0 else self.rows.headers[section - 1]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        ok = self.rows.accepted[r]
        if role == Qt.ItemDataRole.BackgroundRole:
            return None if ok else REFUSED_BG
        if c == 0:
            if role == Qt.ItemDataRole.CheckStateRole and ok:
                chosen = self.rows.lines[r] in self.rows.chosen
                return Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole and not ok:
                return REFUSED_TIP
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows.cells[r][c - 1]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.column() == 0:
            if self.rows.accepted[index.row()]:
                return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A tick or untick: applies to every row of the same line of the file."""
        if (
            role != Qt.ItemDataRole.CheckStateRole
            or not index.isValid()
            or index.column() != 0
            or not self.rows.accepted[index.row()]
        ):
            return False
        line = self.rows.lines[index.row()]
        # Views hand the state over as an int, code as the enum.
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(value)
        if state == Qt.CheckState.Checked:
            self.rows.chosen.add(line)
        else:
            self.rows.chosen.discard(line)
        # Rows of one line sit together in the preview, but a refresh of the whole
        # column is cheap and does not rely on that.
        self.dataChanged.emit(
            self.index(0, 0), self.index(self.rowCount() - 1, 0), [Qt.ItemDataRole.CheckStateRole]
        )
        self.chosen_changed.emit()
        return True

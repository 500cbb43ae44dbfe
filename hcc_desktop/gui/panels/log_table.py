"""The incident log's table view: time-ordered only (the model sorts in SQL by time and
nothing else, so other headers keep the indicator on Time), rows selected whole, and
selection by entry id, fetching further pages when the entry is not loaded yet; a row
just saved flashes (the selection lights up amber for a moment) so the operator sees
where the entry went without reading the times."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from hcc_desktop.gui.models import log_rows as lr
from hcc_desktop.gui.models.log_model import LogTableModel

WIDTHS = {
    lr.TIME: 122,
    lr.PRIORITY: 72,
    lr.CATEGORY: 100,
    lr.TEXT: 430,
    lr.MEMBER: 150,
    lr.OPERATOR: 170,
    lr.STATION: 110,
}
FLASH = QColor("#ffd54f")
FLASH_MS = 1600


class LogTable(QTableView):
    def __init__(self, model: LogTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logView")
        self.log_model = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        for col, width in WIDTHS.items():
            self.setColumnWidth(col, width)
        header.setSortIndicator(lr.TIME, Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._header_clicked)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        #: True while the selected row is lit up (tests and screenshots look at it).
        self.flashing = False
        self._plain = QPalette(self.palette())
        self._flash_timer = QTimer(self, singleShot=True, interval=FLASH_MS)
        self._flash_timer.timeout.connect(self._end_flash)

    def flash_selection(self) -> None:
        """Light the selected rows up in amber for FLASH_MS, in an active window or not
        (the operator may already be typing the next entry)."""
        if not self.flashing:
            self._plain = QPalette(self.palette())
        lit = QPalette(self._plain)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            lit.setColor(group, QPalette.ColorRole.Highlight, FLASH)
            lit.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#000000"))
        self.setPalette(lit)
        self.flashing = True
        self._flash_timer.start()

    def _end_flash(self) -> None:
        self.setPalette(self._plain)
        self.flashing = False

    def _header_clicked(self, section: int) -> None:
        header = self.horizontalHeader()
        if section != lr.TIME:
            newest = self.log_model.newest_first
            order = Qt.SortOrder.DescendingOrder if newest else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(lr.TIME, order)
            return
        self.log_model.sort(lr.TIME, header.sortIndicatorOrder())

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.log_model.row_id(r) for r in rows if self.log_model.row_id(r)]

    def current_id(self) -> str:
        """The entry an action applies to: the current row if selected, else the first."""
        index = self.currentIndex()
        ids = self.selected_ids()
        if index.isValid() and self.log_model.row_id(index.row()) in ids:
            return self.log_model.row_id(index.row())
        return ids[0] if ids else ""

    def select_loaded(self, entry_id: str, *, clear: bool = True) -> bool:
        """Select and show `entry_id` if its row is loaded; False if it is not."""
        model = self.log_model
        row = model.row_of(entry_id)
        if row < 0:
            return False
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        if clear:
            flags |= QItemSelectionModel.SelectionFlag.Clear
        index = model.index(row, 0)
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)
        return True

"""The situation unit's review of significant events: nominated entries wait here to
be approved (then they reach the overview and the briefing) or declined.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.gui import fmt
from hcc_desktop.gui.models.log_reads import Review

COLUMNS = ("Time", "Operator", "Category", "Priority", "Entry", "Nominated by", "Note")
STATES = (("Awaiting review", "nominated"), ("Approved", "approved"), ("Declined", "declined"))


class SignificantReview(QWidget):
    #: entry id, approve?
    decided = Signal(str, bool)
    count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ids: list[str] = []
        self.state = QComboBox(objectName="reviewState")
        for label, key in STATES:
            self.state.addItem(label, key)
        self.approve = QPushButton("Approve", objectName="reviewApprove")
        self.decline = QPushButton("Decline…", objectName="reviewDecline")
        self.approve.clicked.connect(lambda: self._decide(True))
        self.decline.clicked.connect(lambda: self._decide(False))
        self.hint = QLabel("Approved events appear in the overview and the briefing.")
        self.hint.setStyleSheet("color: #555")
        self.hint.setWordWrap(True)
        self.hint.setMinimumWidth(80)
        self.table = QTableWidget(0, len(COLUMNS), objectName="reviewTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        bar = QHBoxLayout()
        bar.addWidget(self.state)
        bar.addWidget(self.hint, 1)
        bar.addWidget(self.approve)
        bar.addWidget(self.decline)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def show(self, review: Review) -> None:
        """Show what log_reads.read_review read (off the GUI thread) for a state."""
        key, entries, pending = review.state, review.entries, review.pending
        if key != (self.state.currentData() or "nominated"):
            return  # the operator chose another state meanwhile; its read follows
        self.ids = [e.id for e in entries]
        self.table.setRowCount(len(entries))
        for i, e in enumerate(entries):
            who = f"{e.operator} ({e.position})" if e.position else e.operator
            values = (
                fmt.local(e.occurred_at),
                who,
                fmt.label(e.category),
                fmt.label(e.priority),
                e.text,
                e.significant_by,
                e.significant_note,
            )
            for j, v in enumerate(values):
                item = QTableWidgetItem(str(v or ""))
                if j == 4:
                    item.setToolTip(str(v or ""))
                self.table.setItem(i, j, item)
        self.table.resizeColumnToContents(0)
        can_decide = key == "nominated"
        self.approve.setEnabled(can_decide)
        self.decline.setEnabled(can_decide)
        self.count_changed.emit(pending)

    def selected_id(self) -> str:
        row = self.table.currentRow()
        return self.ids[row] if 0 <= row < len(self.ids) else ""

    def _decide(self, approve: bool) -> None:
        entry = self.selected_id()
        if entry:
            self.decided.emit(entry, approve)

    def select_entry(self, entry_id: str) -> None:
        if entry_id in self.ids:
            self.table.selectRow(self.ids.index(entry_id))
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

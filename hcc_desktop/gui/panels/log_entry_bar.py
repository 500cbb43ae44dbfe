"""The quick-entry line under the incident log: type, Enter, done.

An ICS 214 is written while the phone is still ringing, so the line keeps its category
between entries (a run of "communication" lines is common) but falls back to routine
priority after each one, so that one urgent line does not make the next ones urgent.

What became of the line is said beside it, where the operator's eyes are: "Logged
14:32" in green, or in red why nothing was logged (an empty line, a refusal). The red
line stays until an entry is logged, so a refusal is not missed during a phone call.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.enums import LOG_CATEGORIES, LOG_PRIORITIES
from hcc_desktop.gui import fmt


class LogEntryBar(QWidget):
    #: text, category, priority, member id ("" for none)
    submitted = Signal(str, str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category = QComboBox(objectName="logEntryCategory")
        for c in LOG_CATEGORIES:
            self.category.addItem(fmt.label(c), c)
        self.priority = QComboBox(objectName="logEntryPriority")
        for p in LOG_PRIORITIES:
            self.priority.addItem(fmt.label(p), p)
        self.member = QComboBox(objectName="logEntryMember")
        self.member.setMinimumContentsLength(10)
        self.member.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.set_members({})
        self.line = QLineEdit(objectName="logEntryLine")
        self.line.setPlaceholderText("New log entry — type and press Enter  (Ctrl+L)")
        self.line.setMaxLength(64 * 1024)
        self.line.returnPressed.connect(self.submit)
        self.add = QPushButton("Log it")
        self.add.clicked.connect(self.submit)
        self.note = QLabel(objectName="logEntryNote")
        self.note.setWordWrap(True)
        self.note.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.category)
        row.addWidget(self.priority)
        row.addWidget(self.member)
        row.addWidget(self.line, 1)
        row.addWidget(self.add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.note)

    def set_members(self, members: dict[str, str]) -> None:
        current = self.member.currentData() or ""
        self.member.blockSignals(True)
        self.member.clear()
        self.member.addItem("— no member —", "")
        for org_id, name in sorted(members.items(), key=lambda kv: kv[1].lower()):
            self.member.addItem(name, org_id)
        found = self.member.findData(current)
        self.member.setCurrentIndex(max(found, 0))
        self.member.blockSignals(False)

    def submit(self) -> None:
        text = self.line.text().strip()
        if not text:
            why = "is empty" if not self.line.text() else "holds only spaces"
            self.refuse(f"Nothing logged: the entry line {why}. Type what happened, then Enter.")
            self.line.setFocus()
            return
        self.submitted.emit(
            text,
            self.category.currentData() or "general",
            self.priority.currentData() or "routine",
            self.member.currentData() or "",
        )

    def accepted(self, confirmation: str = "") -> None:
        """The entry is in the store: clear the line for the next one, and any red
        line of an earlier refusal with it."""
        self.line.clear()
        self.priority.setCurrentIndex(0)
        self.member.setCurrentIndex(0)
        self._say(confirmation, "#2e7d32")

    def refuse(self, message: str) -> None:
        """Say in red, beside the line, why nothing was logged; the text stays typed."""
        self._say(message, "#b71c1c")

    def _say(self, text: str, colour: str) -> None:
        self.note.setStyleSheet(f"color: {colour}; font-weight: bold")
        self.note.setText(text)
        self.note.setVisible(bool(text))

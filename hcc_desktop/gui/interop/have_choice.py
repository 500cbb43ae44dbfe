"""What to do with a hospital of an EDXL-HAVE file that matched no facility: a
combo of "skip", "add as new facility" and every member, the likely ones first.

Member names are long and lists of a hundred members are common, so the combo is
editable and searches any part of the name or town as the operator types.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from hcc_desktop.interop.have_match import NEW, SKIP, HavePreview, Member, suggestions

SKIP_TEXT = "Skip — values not recorded"
NEW_TEXT = "Add as new facility"
#: Member names are long: the popup is at least this wide so they are not elided.
POPUP_WIDTH = 460


class MemberCombo(QComboBox):
    """What to do with one unmatched hospital: skip it, add it as a new facility, or
    record it as a member (typed to search: any part of the name or town)."""

    def __init__(self, preview: HavePreview, index: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"haveChoice{index}")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(28)
        self.addItem(SKIP_TEXT, SKIP)
        self.addItem(NEW_TEXT, NEW)
        self.setItemData(0, QBrush(QColor("#8b1a1a")), Qt.ItemDataRole.ForegroundRole)
        self.setItemData(1, QBrush(QColor("#1b5e20")), Qt.ItemDataRole.ForegroundRole)
        likely = suggestions(preview, index)
        if likely:
            self.insertSeparator(self.count())
            for mb in likely:
                self.addItem(f"{_member_text(mb)}  (suggested)", mb.id)
        self.insertSeparator(self.count())
        for mb in sorted(preview.members, key=lambda mb: (mb.name.lower(), mb.id)):
            self.addItem(_member_text(mb), mb.id)
        self.view().setMinimumWidth(POPUP_WIDTH)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        completer.popup().setMinimumWidth(POPUP_WIDTH)
        self.lineEdit().setPlaceholderText("Type to search members")
        self.lineEdit().editingFinished.connect(self._settle)
        self.setToolTip(
            "Skip: its values are not recorded. Add as new facility: a hospital member "
            "is made from the file's name, address and location. A member: its values "
            "are recorded for that member. Mappings are remembered for later files."
        )

    def _settle(self) -> None:
        """Typed text that names no item goes back to the current choice."""
        found = self.findText(self.currentText(), Qt.MatchFlag.MatchFixedString)
        if found >= 0 and self.itemData(found) is not None:
            self.setCurrentIndex(found)
        else:
            self.setEditText(self.itemText(self.currentIndex()))

    def choice(self) -> str:
        return str(self.currentData() or SKIP)

    def choose(self, value: str) -> None:
        found = self.findData(value)
        if found >= 0:
            self.setCurrentIndex(found)


def _member_text(mb: Member) -> str:
    return f"{mb.name} — {mb.town}" if mb.town else mb.name


def _member_text(mb: Member) -> str:
    return f"{mb.name} — {mb.town}" if mb.town else mb.name

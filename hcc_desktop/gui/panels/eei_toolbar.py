"""The EEI grid's bar: the period's timeliness in one line, a facility search, the
category shown, and the validation and history buttons.

The buttons are tool buttons and the summary drops words when it is short of room
(elide.FittingLabel): the grid shares the bottom of the window with the member
directory, and a wide bar would widen the whole window. The on-time, late and missing
counts are the last to go: at 1280×720 a right-hand cut left "on ti…" and hid them.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QWidget,
)

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.gui.elide import FittingLabel

VALIDATIONS = (("validated", "Validate"), ("questioned", "Question…"), ("rejected", "Reject…"))
KEYS = {"validated": "F6", "questioned": "F7", "rejected": "F8"}


class EEIToolbar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = FittingLabel()
        self.summary.setObjectName("eeiTimeliness")
        self.category = QComboBox(objectName="eeiCategory")
        self.category.addItem("All categories", "")
        for code, label in load_catalog().categories.items():
            self.category.addItem(label, code)
        self.category.setMinimumContentsLength(8)
        self.category.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.find = QLineEdit(placeholderText="Find facility…", clearButtonEnabled=True)
        self.find.setObjectName("eeiFind")
        self.find.setMaximumWidth(220)
        self.find.setMinimumWidth(90)
        self.buttons: dict[str, QToolButton] = {}
        for state, text in VALIDATIONS:
            button = QToolButton(text=text, objectName=f"eei_{state}")
            what = text.rstrip("…")
            button.setToolTip(f"{what} the selected values, cells or whole rows ({KEYS[state]})")
            self.buttons[state] = button
        self.history_button = QToolButton(text="History", checkable=True)
        self.history_button.setToolTip("Chart the selected value over the periods (Ctrl+H)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.find)
        layout.addWidget(self.category)
        for button in (*self.buttons.values(), self.history_button):
            layout.addWidget(button)

"""A note beside an EEI cell: what became of the value just typed.

The operator's eyes are on the cell they edited, not on a bar above the grid or a box
in the middle of the screen, so the outcome is drawn right under that cell: "Saved"
in green (gone after a few seconds), or in red why the value was refused (until the
next value is saved or the operator moves on). It is a child of the grid's viewport
and never takes the focus, so it does not swallow the next click or keystroke as the
old modal box did.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

OK_MS = 4000
MAX_WIDTH = 420
STYLE = {
    "ok": "background: #e8f5e9; color: #1b5e20; border: 1px solid #2e7d32;",
    "error": "background: #ffebee; color: #b71c1c; border: 1px solid #c62828;",
}


class CellNote(QLabel):
    def __init__(self, viewport: QWidget) -> None:
        super().__init__(viewport)
        self.setObjectName("eeiCellNote")
        self.setWordWrap(True)
        bold = self.font()
        bold.setBold(True)
        self.setFont(bold)  # set here, not in the style sheet, so the width is measured
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        #: "ok", "error" or "" (hidden): what the note says now (tests look).
        self.kind = ""
        self._timer = QTimer(self, singleShot=True, interval=OK_MS)
        self._timer.timeout.connect(self.clear)
        self.hide()

    def show_at(self, cell: QRect, text: str, kind: str) -> None:
        """Show `text` under `cell` (above it near the bottom edge), inside the view."""
        self.kind = kind
        self.setText(text)
        self.setStyleSheet(f"QLabel {{ {STYLE[kind]} padding: 3px 6px; }}")
        area = self.parentWidget().rect()
        wanted = self.fontMetrics().horizontalAdvance(text) + 24  # padding and border
        self.setFixedWidth(max(120, min(wanted, MAX_WIDTH, area.width() - 8)))
        self.adjustSize()
        x = max(2, min(cell.left(), area.right() - self.width() - 2))
        y = cell.bottom() + 2
        if y + self.height() > area.bottom():
            y = max(2, cell.top() - self.height() - 2)
        self.move(x, y)
        self.show()
        self.raise_()
        if kind == "ok":
            self._timer.start()
        else:
            self._timer.stop()

    def clear(self) -> None:
        self._timer.stop()
        self.kind = ""
        self.hide()

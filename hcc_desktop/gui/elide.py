"""Combo boxes and labels that show their whole text when there is room, and "…" with
the whole text in the tooltip when there is not.

A plain QComboBox sized for a fixed number of characters cuts its text mid-word
("Active [exe", "Any membe"), and the operator cannot tell what is chosen. These ask
for room for their current text (so layouts and toolbars give it when they can), may
be squeezed below that, and then elide instead of clipping.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)

#: Characters an elided widget keeps at the least (with "…"): enough to recognise.
MIN_CHARS = 8


class ElidingCombo(QComboBox):
    """A combo box sized to its current choice (up to `max_width` px, 0: no limit)
    that elides the text when squeezed; its tooltip always names the current choice
    in full, then `tip`. With `shrink=False` it is never squeezed below its choice
    (up to `max_width`): a toolbar shrinks what it can before it moves actions into
    its overflow menu, and the incident in view matters more than a button."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        tip: str = "",
        max_width: int = 0,
        shrink: bool = True,
    ) -> None:
        super().__init__(parent)
        self._tip = tip
        self._shrink = shrink
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        if max_width:
            self.setMaximumWidth(max_width)
        self.currentIndexChanged.connect(lambda _i: self.refresh_tip())
        self.currentIndexChanged.connect(lambda _i: self.updateGeometry())
        self.refresh_tip()

    def set_tip(self, tip: str) -> None:
        self._tip = tip
        self.refresh_tip()

    def refresh_tip(self) -> None:
        """Name the current choice (call after changing items with signals blocked)."""
        parts = [p for p in (self.currentText(), self._tip) if p]
        self.setToolTip("\n".join(parts))
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        """Room for the current choice in full (capped at the maximum width): the
        drop-down list shows the others in full anyway."""
        hint = super().sizeHint()
        wanted = self.fontMetrics().horizontalAdvance(self.currentText()) + self._chrome() + 4
        return QSize(min(wanted, self.maximumWidth()), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if not self._shrink:
            return QSize(self.sizeHint().width(), hint.height())
        short = self.fontMetrics().averageCharWidth() * MIN_CHARS + self._chrome()
        return QSize(min(self.sizeHint().width(), short), hint.height())

    def _chrome(self) -> int:
        """Pixels the frame and arrow take besides the text (measured on a wide box:
        a box not laid out yet may be narrower than its frame)."""
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        opt.rect = QRect(0, 0, 400, max(self.height(), 24))
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        return max(400 - field.width(), 24)

    def shown_text(self) -> str:
        """The current text as painted (elided when the box is narrower than it)."""
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        return self.fontMetrics().elidedText(
            self.currentText(), Qt.TextElideMode.ElideRight, field.width()
        )

    def is_elided(self) -> bool:
        return self.shown_text() != self.currentText()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.isEditable():
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        opt.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)


class ElidedLabel(QLabel):
    """One line of plain text that elides at the right edge when the label is
    narrower than the text, with the whole text in the tooltip (then only)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = " ".join(text.split())  # one line: newlines would be cut anyway
        self._refit()

    def full_text(self) -> str:
        return self._full

    def is_elided(self) -> bool:
        return self.text() != self._full

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 4, hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * MIN_CHARS, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def _refit(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, max(self.width() - 2, 0)
        )
        if shown != self.text():
            self.setText(shown)
        self.setToolTip(self._full if shown != self._full else "")

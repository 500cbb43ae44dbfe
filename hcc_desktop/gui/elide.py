"""Combo boxes and labels that show their whole text when there is room, and "…" with
the whole text in the tooltip when there is not.

A plain QComboBox sized for a fixed number of characters cuts its text mid-word
("Active [exe", "Any membe"), and the operator cannot tell what is chosen. These ask
for room for their current text (so layouts and toolbars give it when they can), may
be squeezed below that, and then elide instead of clipping.

A path label (ElidedLabel with a path_prefix) cuts the folders, not the file name;
a FittingLabel drops the least important words of a rich-text line (its variants)
so that the numbers at its end stay readable.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPaintEvent, QResizeEvent, QTextDocument
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


def elide_path(metrics: QFontMetrics, text: str, width: int, *, prefix: str = "") -> str:
    """`text` (after `prefix`, "Store: ") fitted into `width` px, cutting the middle of
    the path's folders first: the file name is what tells two stores apart
    ("…/exercise.sqlite" against "…/live.sqlite"), and a right-hand cut
    ("/tmp/lay/a.sqlit") hides exactly that. Only when the prefix and the file name
    alone do not fit is the file name itself cut in the middle, keeping its extension."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    head = prefix if prefix and text.startswith(prefix) else ""
    body = text[len(head) :]
    cut = max(body.rfind("/"), body.rfind("\\"))
    folders, name = (body[: cut + 1], body[cut + 1 :]) if cut >= 0 else ("", body)

    def fits(shown: str) -> bool:
        return metrics.horizontalAdvance(shown) <= width

    room = width - metrics.horizontalAdvance(head + name)
    if folders and room > metrics.horizontalAdvance("…"):
        for slack in (0, 2, 4):  # a whole line measures a pixel or two off its parts
            shown = metrics.elidedText(folders, Qt.TextElideMode.ElideMiddle, room - slack)
            if shown and shown != "…" and fits(head + shown + name):
                return head + shown + name
    short = head + "…" + body[cut:]  # "…/name": still a path, folders in the tooltip
    if folders and fits(short):
        return short
    room = width - metrics.horizontalAdvance(head)
    for slack in (0, 2, 4):
        shown = head + metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, max(room - slack, 0))
        if fits(shown):
            return shown
    return shown


def _least_path(text: str, prefix: str = "") -> str:
    """What a path label keeps at the least: the prefix, "…/" and the file name."""
    cut = max(text.rfind("/"), text.rfind("\\"))
    if cut < len(prefix):
        return text
    return text[: len(prefix)] + "…" + text[cut:]


class ElidedLabel(QLabel):
    """One line of plain text that elides when the label is narrower than the text,
    with the whole text in the tooltip (then only).

    Elided at the right edge by default; `path_prefix` (say "Store: ") makes it a
    path label that cuts the folders in the middle and keeps the file name
    (elide_path). Widths count the label's contents margins: a status bar gives its
    labels margins, and text measured against the whole width was clipped by them
    without the "…" that says there is more."""

    def __init__(
        self, text: str = "", parent: QWidget | None = None, *, path_prefix: str | None = None
    ) -> None:
        super().__init__(parent)
        self._full = ""
        self._path_prefix = path_prefix
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = " ".join(text.split())  # one line: newlines would be cut anyway
        self._refit()
        self.updateGeometry()  # a longer text asks for more room

    def full_text(self) -> str:
        return self._full

    def is_elided(self) -> bool:
        return self.text() != self._full

    def _chrome(self) -> int:
        """Pixels of the label's width that are not text: margins on both sides."""
        m = self.contentsMargins()
        return m.left() + m.right() + 2 * self.margin()

    def text_room(self) -> int:
        """Pixels the text may take (what it is elided to): the width less margins."""
        return max(self.width() - self._chrome() - 2, 0)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        wanted = self.fontMetrics().horizontalAdvance(self._full) + 4 + self._chrome()
        return QSize(wanted, hint.height())

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        least = metrics.averageCharWidth() * MIN_CHARS
        if self._path_prefix is not None:
            # A path label keeps room for its prefix and file name ("Store: …/a.sqlite").
            least = max(
                least, metrics.horizontalAdvance(_least_path(self._full, self._path_prefix)) + 4
            )
        return QSize(
            min(least + self._chrome(), self.sizeHint().width()), super().sizeHint().height()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def _refit(self) -> None:
        metrics, room = self.fontMetrics(), self.text_room()
        if self._path_prefix is not None:
            shown = elide_path(metrics, self._full, room, prefix=self._path_prefix)
        else:
            shown = metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        if shown != self.text():
            self.setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


def rich_text_width(text: str, font: QFont) -> float:
    """Width in px of rich text on one line in `font` (as a QLabel lays it out)."""
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setDefaultFont(font)
    doc.setHtml(text)
    return doc.idealWidth()


def plain_text(text: str) -> str:
    """Rich text as the words it shows (for a tooltip or a test)."""
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


class FittingLabel(QLabel):
    """One line of rich text given as variants, fullest first and each shorter one
    dropping what matters least (set_variants): the label shows the first variant
    that fits its width, so that a narrow dock drops words ("EEIs due …", the period)
    rather than the numbers at the end, which a right-hand cut ("on ti…") hid. When a
    shorter variant is shown the fullest is in the tooltip. The label asks for the
    fullest variant's width and will not shrink below the shortest's: the last
    variant is what must stay readable."""

    def __init__(self, parent: QWidget | None = None, *, tip: str = "") -> None:
        super().__init__(parent)
        self._variants: list[str] = [""]
        self._widths: list[float] = [0.0]
        self._tip = tip
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_variants(self, variants: list[str]) -> None:
        """The texts to choose from, fullest first (one: always that one)."""
        self._variants = [v for v in variants if v] or [""]
        font = self.font()
        self._widths = [rich_text_width(v, font) for v in self._variants]
        self._refit()
        self.updateGeometry()

    def full_text(self) -> str:
        """The fullest variant (rich text), whatever is shown."""
        return self._variants[0]

    def is_shortened(self) -> bool:
        return self.text() != self._variants[0]

    def text_room(self) -> int:
        m = self.contentsMargins()
        return max(self.width() - m.left() - m.right() - 2 * self.margin(), 0)

    def _chrome(self) -> int:
        m = self.contentsMargins()
        return m.left() + m.right() + 2 * self.margin() + 2

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(math.ceil(self._widths[0]) + self._chrome(), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(math.ceil(min(self._widths)) + self._chrome(), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.set_variants(self._variants)

    def _refit(self) -> None:
        room = self.text_room() - 1  # rounding: a fit to the pixel may lose a glyph
        shown = self._variants[-1]
        for text, width in zip(self._variants, self._widths, strict=True):
            if width <= room:
                shown = text
                break
        if shown != self.text():
            self.setText(shown)
        parts = [plain_text(self._variants[0])] if shown != self._variants[0] else []
        if self._tip:
            parts.append(self._tip)
        self.setToolTip("\n".join(parts))

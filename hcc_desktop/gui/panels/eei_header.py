"""A horizontal header in two bands: the catalog category spanning its elements on
top, each element's label (wrapped) below.

Fifty columns of bed counts are unreadable without the grouping, and Qt's header has
no spanning sections; each section paints its slice of the category band, with the
text drawn in the whole group's rectangle clipped to the slice, so the slices join
into one label. The header repaints fully on horizontal scroll so the slices agree.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QWidget

from hcc_desktop.gui.models.eei_model import CATEGORY_ROLE

BAND_TINTS = (QColor("#dfe8f3"), QColor("#e9e2f2"))
LABEL_LINES = 3
MAX_LINES = 3


class GroupedHeader(QHeaderView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self._groups: dict[int, tuple[int, int, int]] | None = None
        self.sectionCountChanged.connect(lambda *_: self.invalidate_groups())

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self.invalidate_groups)
        self.invalidate_groups()

    def _band_height(self) -> int:
        return QFontMetrics(self.font()).height() + 6

    def sizeHint(self) -> QSize:
        """Tall enough for the most wrapped label (at least LABEL_LINES lines)."""
        hint = super().sizeHint()
        metrics = QFontMetrics(self.font())
        tallest = metrics.lineSpacing() * LABEL_LINES
        most = metrics.lineSpacing() * MAX_LINES
        model = self.model()
        # Measuring every label (a text layout each, four times per grid load) can only
        # matter when the labels may take more lines than the floor.
        for section in range(self.count() if model is not None and tallest < most else 0):
            if self.isSectionHidden(section):
                continue
            text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
            box = QRect(0, 0, max(self.sectionSize(section) - 6, 20), 1000)
            flags = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
            tallest = max(tallest, metrics.boundingRect(box, flags, text).height())
        tallest = min(tallest, most)
        return QSize(hint.width(), self._band_height() + tallest + 8)

    def _category(self, logical: int) -> str:
        model = self.model()
        if model is None:
            return ""
        return str(model.headerData(logical, Qt.Orientation.Horizontal, CATEGORY_ROLE) or "")

    def invalidate_groups(self) -> None:
        """Call after hiding or showing sections (Qt has no signal for it)."""
        self._groups = None
        self.updateGeometry()
        self.viewport().update()

    def _group(self, logical: int) -> tuple[int, int, int]:
        """(first, last, group number) of the run of visible sections sharing a category."""
        if self._groups is None:
            self._groups = {}
            runs: list[list[int]] = []
            previous = None
            for visual in range(self.count()):
                section = self.logicalIndex(visual)
                if self.isSectionHidden(section):
                    continue
                name = self._category(section)
                if not runs or name != previous:
                    runs.append([])
                runs[-1].append(section)
                previous = name
            for number, run in enumerate(runs):
                for section in run:
                    self._groups[section] = (run[0], run[-1], number)
        return self._groups.get(logical, (logical, logical, 0))

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        if not rect.isValid():
            return
        band = self._band_height()
        top = QRect(rect.left(), rect.top(), rect.width(), band)
        bottom = QRect(rect.left(), rect.top() + band, rect.width(), rect.height() - band)
        first, last, group = self._group(logical)
        painter.save()
        painter.fillRect(top, BAND_TINTS[group % 2])
        painter.setPen(QPen(QColor("#9aa5b1")))
        if logical == first:
            painter.drawLine(top.topLeft(), top.bottomLeft())
        painter.drawLine(top.bottomLeft(), top.bottomRight())
        whole = QRect(
            self.sectionViewportPosition(first),
            rect.top(),
            self.sectionViewportPosition(last)
            + self.sectionSize(last)
            - self.sectionViewportPosition(first),
            band,
        )
        visible = whole.intersected(self.viewport().rect()).adjusted(4, 0, -4, 0)
        painter.setClipRect(top)
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#1f2d3d"))
        painter.drawText(
            visible,
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            self._category(logical),
        )
        painter.restore()

        opt = QStyleOptionHeader()
        self.initStyleOption(opt)
        opt.rect = bottom
        opt.section = logical
        opt.text = ""
        if self.selectionModel() is not None and self.highlightSections():
            model_index = self.model().index(0, logical) if self.model() else None
            if model_index is not None and self.selectionModel().columnIntersectsSelection(
                logical, model_index.parent()
            ):
                opt.state |= QStyle.StateFlag.State_On
        painter.save()
        self.style().drawControl(QStyle.ControlElement.CE_Header, opt, painter, self)
        text = str(self.model().headerData(logical, Qt.Orientation.Horizontal) or "")
        painter.setPen(self.palette().buttonText().color())
        painter.drawText(
            bottom.adjusted(3, 2, -3, -2),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            text,
        )
        painter.restore()

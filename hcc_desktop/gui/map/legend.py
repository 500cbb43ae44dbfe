"""Overlays fixed to the map's corners: the legend and the caption (marker count).

The legend collapses to a small "Legend ▸" chip and expands again on a click (the
map's toolbar has the same toggle): expanded, it covers a good part of a small map,
and an operator who knows the colours wants the map. The panel remembers the choice.

pyqtgraph's LegendItem is built for curves: each row is a 20-px sample plus a text
item in a grid layout that keeps empty rows after clear(), so a legend refreshed on
every filter change grows taller each time, and it lays out and paints a dozen text
items on every frame. These overlays measure their text once, paint it once into a
pixmap, and on every frame only draw that pixmap: the map's paint time stays the
markers'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap

from hcc_desktop.gui.map import style
from hcc_desktop.gui.map.alerts import GROUPS, fill_brush, legend_pen

SWATCH = 16.0  # width of the symbol column, px
PAD = 6.0
TEXT = "#263238"
ALIGN = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
#: The legend's first row (expanded) and all of it (collapsed): what a click does.
HIDE_TITLE = "Legend ▾"
SHOW_TITLE = "Legend ▸"


@dataclass(frozen=True)
class Entry:
    """A legend row: a heading (symbol None) or a symbol with its label."""

    label: str
    symbol: Any = None
    brush: QBrush | None = None
    size: float = 10.0
    #: Outline of the symbol; None uses the legend's (the markers') outline.
    pen: QPen | None = None


class _Overlay(pg.GraphicsWidgetAnchor, pg.GraphicsWidget):  # LegendItem's base order
    """Pixel-sized (ignores the view's zoom), painted from a cached pixmap."""

    def __init__(self, point_size: float) -> None:
        pg.GraphicsWidget.__init__(self)
        pg.GraphicsWidgetAnchor.__init__(self)
        self.setFlag(self.GraphicsItemFlag.ItemIgnoresTransformations)
        self.font = QFont()
        self.font.setPointSizeF(point_size)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self._pixmap: QPixmap | None = None
        self._dpr = 0.0
        self.setZValue(100)

    def _resize(self, width: float, height: float) -> None:
        self._pixmap = None
        self.prepareGeometryChange()
        self.setGeometry(QRectF(0, 0, width, height))
        self.update()

    def draw(self, p: QPainter) -> None:
        """Paint the overlay's content at (0, 0) in logical pixels."""

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.width(), self.height())

    def paint(self, p: QPainter, *args: Any) -> None:
        if self.width() <= 0 or self.height() <= 0:
            return
        device = p.device()
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        if self._pixmap is None or dpr != self._dpr:
            pixmap = QPixmap(int(self.width() * dpr + 1), int(self.height() * dpr + 1))
            pixmap.setDevicePixelRatio(dpr)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            self.draw(painter)
            painter.end()
            self._pixmap, self._dpr = pixmap, dpr
        p.drawPixmap(QPointF(0, 0), self._pixmap)

    def mouseClickEvent(self, ev: Any) -> None:
        ev.accept()  # a click on an overlay is not a click on the map

    def hoverEvent(self, ev: Any) -> None:
        return


class MapLegend(_Overlay):
    """Headings and rows of symbol + label on a white, slightly transparent card,
    under a "Legend ▾" title; a click collapses it to the title alone (and back)."""

    #: Emitted with the new state when a click collapses (False) or expands (True).
    expanded_changed = Signal(bool)

    def __init__(self, pen: QPen, point_size: float = 8.0) -> None:
        super().__init__(point_size)
        self._entries: list[Entry] = []
        self._pen = pen
        self._row = max(QFontMetricsF(self.font).height(), SWATCH) + 1
        self.expanded = True

    def set_entries(self, entries: list[Entry]) -> None:
        self._entries = list(entries)
        self._relayout()

    def set_expanded(self, expanded: bool) -> None:
        """Show the whole legend, or only its title (a small chip)."""
        if expanded != self.expanded:
            self.expanded = expanded
            self._relayout()

    def _rows(self) -> list[Entry]:
        title = Entry(HIDE_TITLE if self.expanded else SHOW_TITLE)
        return [title, *self._entries] if self.expanded else [title]

    def _relayout(self) -> None:
        metrics, bold = QFontMetricsF(self.font), QFontMetricsF(self.bold)
        width = 0.0
        rows = self._rows()
        for e in rows:
            if e.symbol is None:
                width = max(width, bold.horizontalAdvance(e.label))
            else:
                width = max(width, SWATCH + 4 + metrics.horizontalAdvance(e.label))
        pad = PAD if self.expanded else PAD / 2
        self._resize(width + 2 * PAD + 2, len(rows) * self._row + 2 * pad)

    def entries(self) -> list[Entry]:
        return list(self._entries)

    def mouseClickEvent(self, ev: Any) -> None:
        ev.accept()  # a click on the legend is not a click on the map
        if ev.button() == Qt.MouseButton.LeftButton:
            self.set_expanded(not self.expanded)
            self.expanded_changed.emit(self.expanded)

    def draw(self, p: QPainter) -> None:
        p.setPen(QPen(QColor("#9aa4ab")))
        p.setBrush(QBrush(QColor(255, 255, 255, 230)))
        p.drawRoundedRect(self.boundingRect().adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        y = PAD if self.expanded else PAD / 2
        for e in self._rows():
            p.setPen(QColor(TEXT))
            if e.symbol is None:
                p.setFont(self.bold)
                p.drawText(QRectF(PAD, y, self.width() - 2 * PAD, self._row), ALIGN, e.label)
            else:
                p.save()
                p.translate(QPointF(PAD + SWATCH / 2, y + self._row / 2))
                drawSymbol(p, e.symbol, e.size, e.pen or self._pen, e.brush)
                p.restore()
                p.setFont(self.font)
                left = PAD + SWATCH + 4
                p.drawText(QRectF(left, y, self.width() - left - PAD, self._row), ALIGN, e.label)
            y += self._row


class MapCaption(_Overlay):
    """One line of small text with a faint backing, for counts and notes."""

    def __init__(self, point_size: float = 8.0) -> None:
        super().__init__(point_size)
        self.text = ""

    def set_text(self, text: str) -> None:
        if text == self.text:
            return
        self.text = text
        metrics = QFontMetricsF(self.font)
        self._resize(metrics.horizontalAdvance(text) + 8, metrics.height() + 4)

    def draw(self, p: QPainter) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(255, 255, 255, 170)))
        p.drawRoundedRect(self.boundingRect(), 2, 2)
        p.setPen(QColor("#37474f"))
        p.setFont(self.font)
        p.drawText(self.boundingRect().adjusted(4, 0, -4, 0), ALIGN, self.text)


def legend_entries(
    types: list[str],
    groups: list[str],
    colour_by: str = style.BY_STATUS,
    memberships: list[str] | None = None,
) -> list[Entry]:
    """The legend's rows: what the colour means (every EEI status, or with
    `colour_by` membership the membership statuses drawn, headed "Colour: membership"
    so nobody reads a lapsed member as one that has not reported), the member types
    drawn (types sharing a symbol share a row) and the CAP alert groups drawn."""
    if colour_by == style.BY_MEMBERSHIP:
        entries = [Entry("Colour: membership")]
        drawn = set(memberships or ())
        keys = [k for k in style.MEMBERSHIP_COLOURS if k in drawn]
        keys += sorted(k for k in drawn if k not in style.MEMBERSHIP_COLOURS)
        for key in keys:
            entries.append(Entry(style.membership_label(key), "o", style.membership_brush(key)))
    else:
        entries = [Entry("EEI status")]
        for key in style.STATUS_ORDER:
            entries.append(Entry(style.STATUS_LABELS[key], "o", style.status_brush(key)))
    by_symbol: dict[str, list[str]] = {}
    for t in types:
        by_symbol.setdefault(style.symbol_for(t), []).append(t)
    if by_symbol:
        entries.append(Entry("Member type"))
    for symbol, group in by_symbol.items():
        label = style.legend_label(group)
        entries.append(Entry(label, symbol, style.legend_type_brush(), style.size_for(group[0])))
    if groups:
        entries.append(Entry("CAP alert areas"))
    for group in groups:
        entries.append(Entry(GROUPS[group][1], "s", fill_brush(group), 12.0, legend_pen(group)))
    return entries

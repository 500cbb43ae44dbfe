"""Overlays fixed to the map's corners: the legend and the caption (marker count).

The legend is given the height above the caption (set_max_height) and flows into
columns when it is taller, so the two never overlap on a short map.

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
#: The member types' heading; on a short map the section folds to this row.
TYPES = "Member type"
TYPES_FOLDED = "Member type ▸ (click)"
TYPES_OPEN = "Member type ▾"


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
        #: Tallest the legend may be, px (0: no limit); see set_max_height.
        self._max_height = 0.0
        #: The operator opened the member types folded on a short map.
        self.types_open = False
        #: The member types are folded to their heading now (a short map).
        self.types_folded = False
        #: The rows of each column as laid out, and each column's left edge and width.
        self._columns: list[list[Entry]] = []
        self._lefts: list[float] = []
        self._col_widths: list[float] = []

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

    def set_max_height(self, height: float) -> None:
        """The room the map leaves the legend above its count line. A legend taller
        than that flows into more columns (breaking between its sections where it can)
        instead of running over the count and past the map's foot: at 1280×720 the
        one-column legend was taller than the whole map."""
        if abs(height - self._max_height) >= 1:
            self._max_height = height
            self._relayout()

    def columns(self) -> list[list[Entry]]:
        """The rows of each column as laid out (the title row first)."""
        return [list(c) for c in self._columns]

    def _row_width(self, e: Entry) -> float:
        if e.symbol is None:
            return QFontMetricsF(self.bold).horizontalAdvance(e.label)
        return SWATCH + 4 + QFontMetricsF(self.font).horizontalAdvance(e.label)

    def _relayout(self) -> None:
        pad = PAD if self.expanded else PAD / 2
        rows = self._rows()
        per_column = len(rows)
        if self.expanded and self._max_height > 0:
            per_column = max(int((self._max_height - 2 * pad) // self._row), 3)
        # Too short for one column: the member types (the markers' shapes, which a
        # tooltip names anyway) fold to their heading before the legend grows a second
        # column over most of a small map; the colours are what must be read. A click
        # on the heading opens them (in columns).
        self.types_folded = False
        if len(rows) > per_column and any(e.label == TYPES for e in rows):
            rows = fold_types(rows, folded=not self.types_open)
            self.types_folded = not self.types_open
        self._columns = flow(rows, per_column)
        self._col_widths = [max(self._row_width(e) for e in c) for c in self._columns]
        self._lefts, left = [], PAD
        for w in self._col_widths:
            self._lefts.append(left)
            left += w + 2 * PAD
        tallest = max(len(c) for c in self._columns)
        self._resize(left + 2, tallest * self._row + 2 * pad)

    def entries(self) -> list[Entry]:
        return list(self._entries)

    def row_at(self, pos: QPointF) -> Entry | None:
        """The row drawn at `pos` (the legend's own pixels), None between rows."""
        top = PAD if self.expanded else PAD / 2
        for column, x, width in zip(self._columns, self._lefts, self._col_widths, strict=True):
            if x - PAD <= pos.x() < x + width + PAD:
                i = int((pos.y() - top) // self._row)
                return column[i] if 0 <= i < len(column) and pos.y() >= top else None
        return None

    def mouseClickEvent(self, ev: Any) -> None:
        ev.accept()  # a click on the legend is not a click on the map
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        row = self.row_at(ev.pos())
        if self.expanded and row is not None and row.label in (TYPES_FOLDED, TYPES_OPEN):
            self.set_types_open(row.label == TYPES_FOLDED)
            return
        self.set_expanded(not self.expanded)
        self.expanded_changed.emit(self.expanded)

    def set_types_open(self, shown: bool) -> None:
        """Open (or fold again) the member types folded on a short map."""
        if shown != self.types_open:
            self.types_open = shown
            self._relayout()

    def draw(self, p: QPainter) -> None:
        p.setPen(QPen(QColor("#9aa4ab")))
        p.setBrush(QBrush(QColor(255, 255, 255, 230)))
        p.drawRoundedRect(self.boundingRect().adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        top = PAD if self.expanded else PAD / 2
        for column, x, width in zip(self._columns, self._lefts, self._col_widths, strict=True):
            y = top
            for e in column:
                p.setPen(QColor(TEXT))
                if e.symbol is None:
                    p.setFont(self.bold)
                    p.drawText(QRectF(x, y, width + PAD, self._row), ALIGN, e.label)
                else:
                    p.save()
                    p.translate(QPointF(x + SWATCH / 2, y + self._row / 2))
                    drawSymbol(p, e.symbol, e.size, e.pen or self._pen, e.brush)
                    p.restore()
                    p.setFont(self.font)
                    left = x + SWATCH + 4
                    text = QRectF(left, y, width - SWATCH - 4 + PAD, self._row)
                    p.drawText(text, ALIGN, e.label)
                y += self._row


def fold_types(rows: list[Entry], *, folded: bool) -> list[Entry]:
    """`rows` with the member types' heading marked foldable: alone (its rows left
    out) when `folded`, else with a "▾" that folds them again."""
    out: list[Entry] = []
    skipping = False
    for e in rows:
        if e.symbol is None:
            skipping = folded and e.label == TYPES
            if e.label == TYPES:
                out.append(Entry(TYPES_FOLDED if folded else TYPES_OPEN))
                continue
        if not skipping:
            out.append(e)
    return out


def flow(rows: list[Entry], per_column: int) -> list[list[Entry]]:
    """`rows` in columns of at most `per_column` rows. A section (a heading and its
    rows) starts a new column when it does not fit in what is left of the current
    one but fits in a column of its own; a longer section runs on into the next
    column, and a heading is never left alone at the foot of a column."""
    sections: list[list[Entry]] = []
    for e in rows:
        if e.symbol is None and sections and sections[-1][-1].symbol is not None:
            sections.append([e])  # a heading after symbol rows starts a section
        elif sections:
            sections[-1].append(e)
        else:
            sections.append([e])
    columns: list[list[Entry]] = [[]]
    for section in sections:
        room = per_column - len(columns[-1])
        if len(section) > room and columns[-1] and (len(section) <= per_column or room < 2):
            columns.append([])
        for e in section:
            if len(columns[-1]) >= per_column:
                columns.append([])
            columns[-1].append(e)
    return [c for c in columns if c]


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
        self._resize(metrics.horizontalAdvance(text) + 8, self.line_height())

    def line_height(self) -> float:
        """The caption's height, px, with or without a text yet (the legend's room
        above it is known before the first count)."""
        return QFontMetricsF(self.font).height() + 4

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

"""The basemap as graphics items: land fills, county lines, state lines.

The markers must stay the bulk of the map's paint time (the benchmark compares the map
with a bare scatter plot), and Qt's raster engine is slow at one thing the basemap
needs: a long antialiased line wider than one pixel (a state border at 1.6 px cost
30 ms a frame, stroked as one big polygon). Drawn as separate segments, already in
device pixels, in one `drawLines` call, the same border costs about 2 ms, because each
segment is rasterised on its own. So outlines are `OutlineItem`s holding their
segments.

Coordinates are plain lon/lat; the view's locked aspect ratio (cos latitude) makes the
shapes look right without projecting anything.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QGraphicsPathItem

from hcc_desktop.core import basemap

WATER = "#e6eef5"
LAND_COALITION = "#fdfcf8"
LAND_NEIGHBOUR = "#efeee9"
STATE_LINE = "#5f6b73"
COUNTY_LINE = "#b4b9bd"
STATE_WIDTH = 1.6
COUNTY_WIDTH = 0.8

Z_LAND = -30
Z_COUNTY = -20
Z_STATE = -10


class OutlineItem(pg.GraphicsObject):
    """Outlines drawn as independent line segments, mapped to device pixels here.

    A cosmetic pen wider than one pixel is stroked through Qt's general path stroker
    even for plain lines when the painter carries the view's scale, so the segments are
    transformed with numpy (once per view change) and drawn untransformed."""

    def __init__(self, outlines: list[basemap.Outline], colour: str, width: float) -> None:
        super().__init__()
        rings = [r for o in outlines for r in o.rings if len(r) > 1]
        if rings:
            starts = np.concatenate([r[:-1] for r in rings])
            ends = np.concatenate([r[1:] for r in rings])
            self._segments = np.hstack([starts, ends])  # (n, 4): x0, y0, x1, y1
            lo = np.minimum(starts, ends).min(axis=0)
            hi = np.maximum(starts, ends).max(axis=0)
            self._rect = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        else:
            self._segments = np.empty((0, 4))
            self._rect = QRectF()
        self._pen = QPen(QColor(colour))
        self._pen.setWidthF(width)
        # Square caps close the joints between segments; round caps cost 4x as much.
        self._pen.setCapStyle(Qt.PenCapStyle.SquareCap)
        self._key: tuple[float, ...] | None = None
        self._device_lines: list[QLineF] = []

    def segment_count(self) -> int:
        return len(self._segments)

    def boundingRect(self) -> QRectF:
        return self._rect

    def _lines_for(self, t: QTransform) -> list[QLineF]:
        key = (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy())
        if key != self._key:
            seg = self._segments
            x = seg[:, 0::2] * t.m11() + seg[:, 1::2] * t.m21() + t.dx()
            y = seg[:, 0::2] * t.m12() + seg[:, 1::2] * t.m22() + t.dy()
            self._device_lines = [
                QLineF(x0, y0, x1, y1)
                for (x0, x1), (y0, y1) in zip(x.tolist(), y.tolist(), strict=True)
            ]
            self._key = key
        return self._device_lines

    def paint(self, p: QPainter, *args: Any) -> None:
        lines = self._lines_for(p.transform())
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(self._pen)
        p.drawLines(lines)
        p.restore()


def _fill(outlines: list[basemap.Outline], colour: str) -> QGraphicsPathItem:
    """Filled shapes: one QPainterPath, odd-even rule so holes stay holes."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    for outline in outlines:
        for ring in outline.rings:
            path.addPolygon(QPolygonF([QPointF(x, y) for x, y in ring.tolist()]))
    item = QGraphicsPathItem(path)
    item.setPen(QPen(Qt.PenStyle.NoPen))
    item.setBrush(QBrush(QColor(colour)))
    item.setZValue(Z_LAND)
    return item


def basemap_items() -> list[Any]:
    """Land (the coalition's states lighter than their neighbours), then county
    outlines (thin, grey), then state outlines (thicker, dark)."""
    states = list(basemap.states())
    counties = OutlineItem(list(basemap.counties()), COUNTY_LINE, COUNTY_WIDTH)
    counties.setZValue(Z_COUNTY)
    borders = OutlineItem(states, STATE_LINE, STATE_WIDTH)
    borders.setZValue(Z_STATE)
    return [
        _fill([s for s in states if not s.coalition], LAND_NEIGHBOUR),
        _fill([s for s in states if s.coalition], LAND_COALITION),
        counties,
        borders,
    ]

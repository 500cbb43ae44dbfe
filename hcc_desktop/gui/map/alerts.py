"""CAP alert areas on the member map: translucent shapes under the markers, so the
duty officer sees which members sit inside a warning without reading the alert.

The shapes (polygons, circles, county geocodes) come from interop.areas, already as
(lon, lat) rings; this item only draws them. Severe and extreme alerts are magenta,
the rest teal: neither colour is used by the status markers, so an alert never reads
as a facility's status. A dashed outline keeps the markers inside readable.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPolygonF

from hcc_desktop.interop.areas import AlertShape

Z_ALERTS = 0  # above the basemap (negative z), below the markers

SEVERE = frozenset({"Extreme", "Severe"})
#: group -> (outline colour, legend label)
GROUPS: dict[str, tuple[str, str]] = {
    "severe": ("#c2185b", "Severe or extreme alert"),
    "other": ("#00838f", "Other alert"),
}
FILL_ALPHA = 48
OUTLINE_WIDTH = 2.0


def group_of(shape: AlertShape) -> str:
    return "severe" if shape.severity in SEVERE else "other"


@cache
def outline_pen(group: str) -> QPen:
    pen = QPen(QColor(GROUPS[group][0]))
    pen.setWidthF(OUTLINE_WIDTH)
    pen.setCosmetic(True)
    pen.setStyle(Qt.PenStyle.DashLine)
    return pen


@cache
def fill_brush(group: str) -> QBrush:
    colour = QColor(GROUPS[group][0])
    colour.setAlpha(FILL_ALPHA)
    return QBrush(colour)


@cache
def legend_pen(group: str) -> QPen:
    """The legend swatch's outline: solid (a dash does not show on 10 px)."""
    pen = QPen(QColor(GROUPS[group][0]))
    pen.setWidthF(1.5)
    pen.setCosmetic(True)
    return pen


def _path(shape: AlertShape) -> QPainterPath:
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    for ring in shape.rings:
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in ring]))
        path.closeSubpath()
    return path


class AlertAreasItem(pg.GraphicsObject):
    """Every active alert's shapes in one item: one path per alert, painted worst
    last so a severe warning is never hidden under a minor one."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: list[AlertShape] = []
        self._paths: list[tuple[QPainterPath, str]] = []
        self._rect = QRectF()
        self.setZValue(Z_ALERTS)

    def set_shapes(self, shapes: list[AlertShape]) -> None:
        self.prepareGeometryChange()
        ordered = sorted(shapes, key=lambda s: group_of(s) == "severe")
        self.shapes = ordered
        self._paths = [(_path(s), group_of(s)) for s in ordered]
        rect = QRectF()
        for path, _ in self._paths:
            rect = rect.united(path.boundingRect())
        self._rect = rect
        self.update()

    def groups(self) -> list[str]:
        """The colour groups drawn, in legend order."""
        present = {g for _, g in self._paths}
        return [g for g in GROUPS if g in present]

    def shapes_at(self, x: float, y: float) -> list[AlertShape]:
        """Alerts whose area covers view point (lon x, lat y), worst first."""
        point = QPointF(x, y)
        return [s for s, (p, _) in zip(self.shapes, self._paths, strict=True)
                if p.contains(point)][::-1]  # fmt: skip

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: Any) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for path, group in self._paths:
            p.setPen(outline_pen(group))
            p.setBrush(fill_brush(group))
            p.drawPath(path)

"""The member map's plot and its geometry: the basemap under a view locked to the
coalition's aspect, the extent that fits the markers, and when a selected marker
needs the view moved to it.

Kept apart from the panel because it is arithmetic on degrees and pixels that the
panel only calls: what to fit, not when.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF

from hcc_desktop.core import basemap
from hcc_desktop.gui.map.layers import WATER, basemap_items

#: Smallest extent "Fit coalition" zooms to, in degrees (one member alone: a town).
MIN_FIT_SPAN = 0.25
FIT_PADDING = 0.06
#: Markers within this share of the view's edge count as off-screen when selected.
EDGE_MARGIN = 0.04
#: The most of the view's width the legend may claim when the view is fitted.
LEGEND_SHARE = 0.45


def make_plot() -> tuple[pg.PlotWidget, pg.ViewBox, float]:
    """A bare plot (no axes, buttons or menus) with the basemap drawn; returns the
    plot, its view and the aspect ratio it is locked to."""
    plot = pg.PlotWidget(background=WATER)
    plot.setObjectName("memberMapPlot")
    item = plot.getPlotItem()
    for axis in ("left", "bottom"):
        item.hideAxis(axis)
    item.hideButtons()
    item.setMenuEnabled(False)
    item.layout.setContentsMargins(0, 0, 0, 0)
    view = item.getViewBox()
    view.setMenuEnabled(False)
    view.disableAutoRange()
    view.setDefaultPadding(0.0)
    # Degrees of longitude shrink with cos(latitude): lock the aspect so that one
    # km is as long east-west as north-south at the middle of the coalition.
    _, y0, _, y1 = basemap.coalition_bounds()
    aspect = math.cos(math.radians((y0 + y1) / 2))
    view.setAspectLocked(True, ratio=aspect)
    view.setLimits(minXRange=0.01, minYRange=0.01)
    for layer in basemap_items():
        view.addItem(layer, ignoreBounds=True)
    return plot, view, aspect


def fit_range(
    lon: np.ndarray, lat: np.ndarray, *, aspect: float, reserved_px: float, view_px: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(x range, y range) showing every point (or CT and MA when there is none), with
    `reserved_px` on the left of a `view_px` wide view left free for the legend so
    that it covers no marker."""
    if len(lon):
        x0, x1, y0, y1 = lon.min(), lon.max(), lat.min(), lat.max()
    else:
        x0, y0, x1, y1 = basemap.coalition_bounds()
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w = max(x1 - x0, MIN_FIT_SPAN / aspect) * (1 + 2 * FIT_PADDING)
    h = max(y1 - y0, MIN_FIT_SPAN) * (1 + 2 * FIT_PADDING)
    x0, x1 = cx - w / 2, cx + w / 2
    if reserved_px > 0 and view_px > 0:
        share = min(LEGEND_SHARE, reserved_px / view_px)
        x0 -= w * share / (1 - share)
    return (float(x0), float(x1)), (float(cy - h / 2), float(cy + h / 2))


def recentred(rect: QRectF, x: float, y: float) -> QRectF | None:
    """The view rectangle moved to centre (x, y) when that point is outside `rect`
    or near its edge; None when it is well inside (the view stays put)."""
    inner = rect.adjusted(
        rect.width() * EDGE_MARGIN,
        rect.height() * EDGE_MARGIN,
        -rect.width() * EDGE_MARGIN,
        -rect.height() * EDGE_MARGIN,
    )
    if inner.contains(QPointF(x, y)):
        return None
    return QRectF(x - rect.width() / 2, y - rect.height() / 2, rect.width(), rect.height())

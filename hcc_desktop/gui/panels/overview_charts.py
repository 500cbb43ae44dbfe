"""The overview's two trend charts (pyqtgraph): beds available by type over the
operational periods, and how many facilities were on diversion or closed in each.

Bed availability falling period after period is the earliest sign that a region needs
patient movement or an alternate care site, so the lines share one axis. Titles and
legends are labels above the plots rather than items inside them, so that they never
cover a line when the window is small.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hcc_desktop.gui.models.overview_data import Trends

PALETTE = ("#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037")
DIVERSION = "#ef8f00"
CLOSED = "#c62828"


def _plot() -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.showGrid(x=False, y=True, alpha=0.25)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    plot.setMinimumHeight(70)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setTextPen("#333")
        plot.getAxis(axis).setPen("#999")
    return plot


def _caption(title: str, keys: list[tuple[str, str]], mark: str) -> str:
    legend = " &nbsp; ".join(
        f"<span style='color:{colour}'>{mark}</span>&nbsp;{label}" for label, colour in keys
    )
    return f"<b>{title}</b><br><span style='color:#333'>{legend}</span>"


class TrendCharts(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewCharts")
        self.beds_caption = QLabel(objectName="bedsCaption")
        self.beds_caption.setWordWrap(True)
        self.beds = _plot()
        self.diversion_caption = QLabel(
            _caption(
                "Facilities on diversion / closed or evacuating, per period",
                [("On diversion", DIVERSION), ("Closed / evacuating", CLOSED)],
                "■",
            )
        )
        self.diversion = _plot()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.beds_caption)
        layout.addWidget(self.beds, 3)
        layout.addWidget(self.diversion_caption)
        layout.addWidget(self.diversion, 2)

    def show_trends(self, t: Trends) -> None:
        self.beds.clear()
        self.diversion.clear()
        ticks = [[(p, f"P{p}") for p in t.periods]]
        for plot in (self.beds, self.diversion):
            plot.getAxis("bottom").setTicks(ticks)
        keys = [(label, PALETTE[i % len(PALETTE)]) for i, label in enumerate(t.beds)]
        self.beds_caption.setText(
            _caption("Beds available, summed over facilities, per period", keys, "━")
        )
        if not t.periods:
            return
        self._show_beds(t)
        self._show_diversions(t)

    def _show_beds(self, t: Trends) -> None:
        # Med/surg counts run in the thousands and burn beds in the tens: a log axis keeps
        # every line readable when the sizes differ that much.
        present = [v for vs in t.beds.values() for v in vs if not math.isnan(v) and v > 0]
        log_y = bool(present) and max(present) / min(present) > 20
        self.beds.setLogMode(y=log_y)
        for i, (label, values) in enumerate(t.beds.items()):
            colour = PALETTE[i % len(PALETTE)]
            pairs = [(p, v) for p, v in zip(t.periods, values, strict=True) if not math.isnan(v)]
            if log_y:
                pairs = [(p, v) for p, v in pairs if v > 0]
            self.beds.plot(
                [p for p, _ in pairs],
                [v for _, v in pairs],
                name=label,
                pen=pg.mkPen(colour, width=2),
                symbol="o",
                symbolSize=6,
                symbolBrush=colour,
                symbolPen=colour,
            )
        self.beds.setXRange(min(t.periods) - 0.3, max(t.periods) + 0.3, padding=0)
        self.beds.enableAutoRange(axis="y")

    def _show_diversions(self, t: Trends) -> None:
        width = 0.35
        for offset, heights, colour, name in (
            (-width / 2, t.diversion, DIVERSION, "On diversion"),
            (width / 2, t.closed, CLOSED, "Closed / evacuating"),
        ):
            self.diversion.addItem(
                pg.BarGraphItem(
                    x=[p + offset for p in t.periods],
                    height=heights,
                    width=width,
                    brush=colour,
                    pen=pg.mkPen(colour),
                    name=name,
                )
            )
        top = max([*t.diversion, *t.closed, 1])
        self.diversion.setYRange(0, top + 0.3, padding=0)
        self.diversion.setXRange(min(t.periods) - 0.5, max(t.periods) + 0.5, padding=0)
        step = max(1, math.ceil(top / 4))
        self.diversion.getAxis("left").setTicks([[(v, str(v)) for v in range(0, top + 1, step)]])

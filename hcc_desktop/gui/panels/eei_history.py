"""A facility's value of one element over the operational periods, as a small chart
beside the EEI grid: is the ICU filling up, is the fuel running down?

Choice values (facility status, EMS traffic) are plotted as steps on their choice
list, so a facility going Normal → Compromised → Evacuating reads as a rising line.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hcc_desktop.core.catalog import Element
from hcc_desktop.gui import fmt

LINE = "#1565c0"


class CellHistory(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eeiCellHistory")
        self.title = QLabel("Select a cell to see its history over periods.")
        self.title.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.addWidget(self.title)
        self._plot: pg.PlotWidget | None = None
        self.points: list[tuple[int, Any]] = []

    @property
    def plot(self) -> pg.PlotWidget:
        """The chart, made the first time the history is shown or drawn: the grid opens
        with its history hidden, and a pyqtgraph plot cost more than the rest of the
        grid panel's construction."""
        if self._plot is None:
            plot = pg.PlotWidget(background="w")
            plot.setMinimumSize(220, 180)
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setLabel("bottom", "Operational period")
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            self._layout.addWidget(plot, 1)
            self._plot = plot
        return self._plot

    def setVisible(self, visible: bool) -> None:
        if visible:
            # Made before the splitter beside the grid sizes this widget for showing
            # (from its size hint, which the plot decides).
            self.plot  # noqa: B018
        super().setVisible(visible)

    def clear(self, message: str = "") -> None:
        self.points = []
        if self._plot is not None:
            self._plot.clear()
        self.title.setText(message or "Select a cell to see its history over periods.")

    def show_history(self, facility: str, el: Element, history: list[tuple[int, Any, str]]) -> None:
        self.plot.clear()
        self.points = [(p, v) for p, v, _ in history if v is not None]
        unit = f" ({el.unit})" if el.unit else ""
        self.title.setText(f"<b>{facility}</b><br>{el.label}{unit}")
        left = self.plot.getAxis("left")
        if not self.points:
            self.title.setText(self.title.text() + "<br><i>no reports yet</i>")
            left.setTicks(None)
            return
        xs = [p for p, _ in self.points]
        if el.value_type == "choice":
            ys = [el.choices.index(v) if v in el.choices else -1 for _, v in self.points]
            left.setTicks([[(i, c) for i, c in enumerate(el.choices)]])
            self.plot.setYRange(-0.5, len(el.choices) - 0.5)
            self.plot.plot(
                xs,
                ys,
                stepMode=None,
                pen=pg.mkPen(LINE, width=2),
                symbol="o",
                symbolBrush=LINE,
                symbolSize=7,
            )
        elif el.value_type in ("integer", "number", "percent", "yesno"):
            ys = [float(v) for _, v in self.points]
            left.setTicks(None)
            self.plot.enableAutoRange(axis="y")
            self.plot.plot(
                xs, ys, pen=pg.mkPen(LINE, width=2), symbol="o", symbolBrush=LINE, symbolSize=7
            )
        else:
            left.setTicks(None)
            texts = "; ".join(f"P{p}: {fmt.number(v)}" for p, v in self.points)
            self.title.setText(self.title.text() + f"<br>{texts}")
        self.plot.getAxis("bottom").setTicks([[(x, str(x)) for x in xs]])
        self.plot.setXRange(min(xs) - 0.5, max(xs) + 0.5)

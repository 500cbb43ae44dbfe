"""The risk dock's heat map (pyqtgraph): probability up, severity across, the field
coloured by the relative risk a hazard placed there would have, and every hazard of
the assessment placed on it with its name.

Planners read an HVA as "which hazards sit in the top-right corner", which the ranked
table alone does not show; drawing the bands from the same formula as the table
(`hva.relative_risk`) keeps the two from disagreeing.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hcc_desktop.core.services.hva import HazardRow

#: Relative-risk bands (lower bound %, colour, label) shared by the table and the map.
#: The KP tool gives no bands; these quarters are the program's own reading aid.
BANDS: tuple[tuple[int, str, str], ...] = (
    (50, "#ef9a9a", "High (50 % and over)"),
    (25, "#ffcc80", "Elevated (25-49 %)"),
    (10, "#fff59d", "Moderate (10-24 %)"),
    (0, "#e8f5e9", "Low (under 10 %)"),
)


def band_colour(risk: int) -> QColor:
    """The background of a relative risk in the table and on the map."""
    for floor, colour, _label in BANDS:
        if risk >= floor:
            return QColor(colour)
    return QColor(BANDS[-1][1])


def severity(row: HazardRow) -> int:
    """The six impact and mitigation scores added, as the tool's spreadsheet does."""
    return sum(v for k, v in row.scores.items() if k != "probability")


class HvaHeatMap(QWidget):
    """Probability (0-3) × severity (0-18), hazards placed; `show_rows` redraws."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hvaHeatMap")
        legend = " &nbsp; ".join(
            f"<span style='background:{c}'>&nbsp;&nbsp;&nbsp;</span>&nbsp;{label}"
            for _f, c, label in BANDS
        )
        self.caption = QLabel(
            "<b>Heat map</b>: probability × severity; each number is a hazard's rank in "
            f"the table<br>{legend}"
        )
        self.caption.setWordWrap(True)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("left", "Probability (0 N/A - 3 high)")
        self.plot.setLabel("bottom", "Severity (sum of six scores, 0-18)")
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTextPen("#333")
            self.plot.getAxis(axis).setPen("#999")
        self.plot.getAxis("left").setTicks([[(i, str(i)) for i in range(4)]])
        self.plot.getAxis("bottom").setTicks([[(i, str(i)) for i in range(0, 19, 3)]])
        self.plot.setXRange(-0.5, 18.5, padding=0)
        self.plot.setYRange(-0.5, 3.5, padding=0)
        self._background()
        self._items: list[pg.GraphicsObject] = []
        self.placed: dict[str, tuple[int, int]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot, 1)

    def _background(self) -> None:
        """Cells coloured by the risk a hazard in them would have."""
        image = np.zeros((19, 4, 4), dtype=np.ubyte)
        for s in range(19):
            for p in range(4):
                c = band_colour(round(100 * p * s / 54))
                image[s, p] = (c.red(), c.green(), c.blue(), 255)
        item = pg.ImageItem(image, levels=(0, 255))
        item.setRect(-0.5, -0.5, 19, 4)
        item.setZValue(-10)
        self.plot.addItem(item)

    def show_rows(self, rows: list[HazardRow], selected: str = "") -> None:
        """Place each hazard at (severity, probability); several in one cell fan out."""
        for item in self._items:
            self.plot.removeItem(item)
        self._items.clear()
        self.placed = {}
        cells: dict[tuple[int, int], list[HazardRow]] = defaultdict(list)
        for r in rows:
            cells[(severity(r), r.scores["probability"])].append(r)
        for (s, p), group in cells.items():
            for i, r in enumerate(group):
                # Several hazards in one cell stack, four to a column.
                x, y = s - 0.2 + 0.4 * (i // 4), p + 0.33 - 0.22 * (i % 4)
                chosen = r.id == selected
                label = pg.TextItem(
                    html=f"<b style='color:{'#b71c1c' if chosen else '#111'};"
                    f"font-size:{'12pt' if chosen else '9pt'}'>{r.rank}</b>",
                    anchor=(0.5, 0.5),
                )
                label.setPos(x, y)
                label.setToolTip(f"{r.rank}. {r.name}: {r.risk} %")
                self.plot.addItem(label)
                self._items.append(label)
                self.placed[r.id] = (s, p)

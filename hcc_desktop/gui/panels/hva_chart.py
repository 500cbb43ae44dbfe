"""The risk dock's heat map (pyqtgraph): probability up, severity across, the field
coloured by the relative risk a hazard placed there would have, and every hazard of
the assessment placed on it with its name.

Planners read an HVA as "which hazards sit in the top-right corner", which the ranked
table alone does not show; drawing the bands from the same formula as the table
(`hva.relative_risk`) keeps the two from disagreeing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QTextOption
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


#: Size of the ranks on the map, and the least it shrinks to on a narrow map so that
#: the ranks of cells side by side do not run together ("13" beside "14" as "1314").
#: The chosen hazard's is the same size (in red): choosing one moves nothing.
RANK_POINTS = 9.0
MIN_RANK_POINTS = 6.0
CHOSEN = "#b71c1c"


def line_text(tokens: Sequence[str]) -> str:
    """One line of a cell: ranks joined by ", ", a closing "+n" count after a space."""
    if tokens and tokens[-1].startswith("+"):
        return " ".join(t for t in (", ".join(tokens[:-1]), tokens[-1]) if t)
    return ", ".join(tokens)


def cell_lines(
    ranks: Sequence[str], fits: Callable[[str], bool], max_lines: int
) -> list[list[str]]:
    """The ranks of one cell laid out as lines of tokens: side by side ("13, 10") while
    a line fits the cell's width, one line under another while the lines fit its
    height, and the rest counted ("13, 10 +2") rather than drawn. Ranks drawn at fixed
    offsets ran together ("1310" for 13 and 10) whenever the map was narrow; the comma,
    the line break and the count keep each number one number."""
    lines: list[list[str]] = []
    shown = 0
    for rank in ranks:
        if lines and fits(line_text([*lines[-1], rank])):
            lines[-1].append(rank)
        elif len(lines) < max(1, max_lines):
            lines.append([rank])
        else:
            break
        shown += 1
    if shown == len(ranks):
        return lines
    last = lines[-1]
    while last and not fits(line_text([*last, f"+{len(ranks) - shown}"])):
        last.pop()
        shown -= 1
    last.append(f"+{len(ranks) - shown}")
    return lines


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
        #: Each occupied cell's label (its tooltip names every hazard in the cell).
        self.labels: dict[tuple[int, int], pg.TextItem] = {}
        self._cells: dict[tuple[int, int], list[HazardRow]] = defaultdict(list)
        self._selected = ""
        self.placed: dict[str, tuple[int, int]] = {}
        #: Each occupied cell's text as drawn, lines joined by a line break.
        self.cell_text: dict[tuple[int, int], str] = {}
        self.plot.getViewBox().sigResized.connect(self._draw_cells)
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
        """Place each hazard at (severity, probability): one label per cell with the
        ranks of every hazard in it (see `cell_lines`), its tooltip naming them all."""
        self._cells = defaultdict(list)
        self._selected = selected
        self.placed = {}
        for r in rows:
            cell = (severity(r), r.scores["probability"])
            self._cells[cell].append(r)
            self.placed[r.id] = cell
        for group in self._cells.values():
            group.sort(key=lambda r: r.rank)
        self._draw_cells()

    def _draw_cells(self, *_args: object) -> None:
        """(Re)draw the cell labels for the cells' size on screen now: how many ranks
        fit side by side and one under another depends on the map's size."""
        for item in self.labels.values():
            self.plot.removeItem(item)
        self.labels = {}
        self.cell_text = {}
        cell_w, cell_h = self._cell_pixels()
        widest = max((len(str(r.rank)) for g in self._cells.values() for r in g), default=1)
        font = QFont(self.font())
        font.setBold(True)
        size = RANK_POINTS
        while True:
            font.setPointSizeF(size)
            metrics = QFontMetricsF(font)
            if size <= MIN_RANK_POINTS or metrics.horizontalAdvance("8" * widest) + 4 <= cell_w:
                break
            size -= 0.5
        # Room for each number with a little air, so that the ranks of two cells side
        # by side do not meet either.
        room = cell_w - 4
        max_lines = int((cell_h - 2) // metrics.lineSpacing())

        def fits(text: str) -> bool:
            return metrics.horizontalAdvance(text) <= room

        for (s, p), group in self._cells.items():
            ranks = [str(r.rank) for r in group]
            chosen = next((str(r.rank) for r in group if r.id == self._selected), "")
            lines = cell_lines(ranks, fits, max_lines)
            if chosen and not any(chosen in line for line in lines):
                # The chosen hazard is never hidden in the count: it goes first.
                ranks.remove(chosen)
                lines = cell_lines([chosen, *ranks], fits, max_lines)
            self.cell_text[(s, p)] = "\n".join(line_text(line) for line in lines)
            label = pg.TextItem(anchor=(0.5, 0.5))
            document = label.textItem.document()
            document.setDocumentMargin(0)
            label.setFont(font)
            # Lines centred on each other need the document's width; no wrapping but ours.
            option = QTextOption(Qt.AlignmentFlag.AlignHCenter)
            option.setWrapMode(QTextOption.WrapMode.NoWrap)
            document.setDefaultTextOption(option)
            label.setTextWidth(max(metrics.horizontalAdvance(line_text(x)) for x in lines) + 1)
            label.setHtml(self._html(lines, chosen))
            label.setPos(s, p)
            label.setToolTip("\n".join(f"{r.rank}. {r.name}: {r.risk} %" for r in group))
            self.plot.addItem(label)
            self.labels[(s, p)] = label

    def _cell_pixels(self) -> tuple[float, float]:
        """A cell's width and height on screen (the axes span one unit per cell)."""
        px, py = self.plot.getViewBox().viewPixelSize()
        return (1 / px if px > 0 else 16.0), (1 / py if py > 0 else 60.0)

    @staticmethod
    def _html(lines: list[list[str]], chosen: str) -> str:
        """The lines (centred by the label's document), the chosen hazard's rank in red."""

        def token(t: str) -> str:
            return f"<span style='color:{CHOSEN}'>{t}</span>" if t == chosen else t

        body = "<br>".join(line_text([token(t) for t in line]) for line in lines)
        return f"<span style='color:#111'>{body}</span>"

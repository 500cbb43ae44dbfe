"""Trend charts over the incident's operational periods (reportlab.graphics).

Three small multiples rather than one chart with two scales: inpatient beds run in the
thousands and ICU beds in the tens, and a reader compares shapes, not axes. Under each
period the number of facilities that reported is printed, because a fall in the sum of
beds may be a fall in the number of reports.

A chart with nothing to draw (a new incident, or no facility has reported the figure)
says so in words inside its plot rather than showing an empty grid or failing: reportlab
cannot draw a line through no points, and an empty grid reads as "zero beds".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from hcc_desktop.reports.briefing_model import TrendPoint
from hcc_desktop.reports.fonts import SANS, SANS_BOLD
from hcc_desktop.reports.styles import ACCENT, INK, MUTED, RULE, STATUS_COLOURS

TITLE_SIZE = 8
TITLE_LEADING = 9.5
STATUS_TITLE = "Facilities on diversion / closed or evacuating"
LABEL_SIZE = 6.5
#: Least space between two category labels side by side.
LABEL_GAP = 4
#: Room left of the value axis (its labels and the rotated axis caption) and below
#: the category axis (two lines of category labels and the axis caption).
LEFT = 38
BOTTOM = 32
X_CAPTION = "operational period · facilities reporting"
NOTE_SIZE = 7.5
NOTE_LEADING = 9


def _axis_style(chart: HorizontalLineChart | VerticalBarChart, top: float, step: float) -> None:
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dde2e6")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.strokeColor = RULE


def _nice_top(peak: float, *, whole: bool = False) -> tuple[float, float]:
    """An axis maximum a little above `peak` and a step giving 3-5 grid lines."""
    if peak <= 0:
        return (4, 1) if whole else (10, 2)
    if whole and peak <= 4:
        return peak + 1, 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if peak / step <= 4.5:
            top = (int(peak // step) + 1) * step
            return top, step
    step = 10 ** len(str(int(peak)))
    return (int(peak // step) + 1) * step, step


def _categories(points: Sequence[TrendPoint], plot_width: float) -> list[str]:
    """Each period's two label lines; when a long incident leaves too little room under
    each period for them, only every k-th period (and always the newest) is labelled,
    so labels never run into each other."""
    labels = [f"P{p.period}\n{p.reporting} rep." for p in points]
    if not labels:
        return labels
    lines = [line for label in labels for line in label.split("\n")]
    every = _label_every(lines, plot_width, len(labels))
    return _thinned(labels, every)


def _label_every(texts: Sequence[str], plot_width: float, slots: int) -> int:
    """Label every k-th of `slots` side by side so that the widest of `texts` fits."""
    widest = max((stringWidth(t, SANS, LABEL_SIZE) for t in texts), default=0)
    room = plot_width / max(1, slots)
    return max(1, math.ceil((widest + LABEL_GAP) / room))


def _thinned(labels: Sequence[str], every: int) -> list[str]:
    """Every `every`-th label, counted back from the newest one there is (always kept)."""
    last = max((i for i, label in enumerate(labels) if label), default=0)
    return [label if (last - i) % every == 0 else "" for i, label in enumerate(labels)]


def title_lines(title: str, width: float) -> list[str]:
    """The title broken into lines no wider than the chart: the last chart of a row
    ends at the page's right margin, and a title drawn past it is cut off."""
    return simpleSplit(title, SANS_BOLD, TITLE_SIZE, width) or [title]


def _head(rows: int) -> float:
    """Height of a title of `rows` lines above the plot."""
    return TITLE_SIZE + (rows - 1) * TITLE_LEADING


def _frame(width: float, height: float, title: str, unit: str, rows: int) -> Drawing:
    """The drawing with its title (wrapped, in `rows` lines' room so that charts side
    by side keep their plots level), and both axes captioned: the value axis with its
    unit, the category axis with what its two label lines are."""
    d = Drawing(width, height)
    for i, line in enumerate(title_lines(title, width)):
        y = height - TITLE_SIZE - i * TITLE_LEADING
        d.add(String(0, y, line, fontName=SANS_BOLD, fontSize=TITLE_SIZE))
    plot_middle_y = BOTTOM + (height - BOTTOM - _head(rows) - 16) / 2
    caption = Group(
        String(0, 0, unit, fontName=SANS, fontSize=LABEL_SIZE, fillColor=MUTED, textAnchor="middle")
    )
    caption.transform = (0, 1, -1, 0, LABEL_SIZE, plot_middle_y)  # turned 90° to read upwards
    d.add(caption)
    d.add(
        String(
            LEFT + (width - LEFT - 10) / 2,
            1,
            X_CAPTION,
            fontName=SANS,
            fontSize=LABEL_SIZE,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    return d


def _place(
    chart: HorizontalLineChart | VerticalBarChart, width: float, height: float, rows: int
) -> None:
    chart.x, chart.y = LEFT, BOTTOM
    chart.width, chart.height = width - LEFT - 10, height - BOTTOM - _head(rows) - 16


def line_chart(
    points: Sequence[TrendPoint],
    values: Sequence[float | None],
    title: str,
    width: float,
    unit: str = "beds available",
    *,
    title_rows: int = 1,
    no_data: str = "No reports yet",
) -> Drawing:
    """`title_rows`: room for at least that many title lines (see `title_lines`).
    `no_data`: the words shown in the plot when no period has a value (a new incident,
    or nobody has reported this figure); a single value is drawn as a point with its
    figure, since a line needs two."""
    height = width * 0.68
    rows = max(title_rows, len(title_lines(title, width)))
    d = _frame(width, height, title, unit, rows)
    chart = HorizontalLineChart()
    _place(chart, width, height, rows)
    data = list(values)
    known = [v for v in data if v is not None]
    # One series per run of consecutive periods with a value: a line drawn straight
    # across a period nobody reported would show a figure for it that nobody gave.
    runs = _runs(data)
    chart.data = [tuple(v if a <= i < b else None for i, v in enumerate(data)) for a, b in runs]
    chart.data = chart.data or [tuple(data) or (None,)]
    top, step = _nice_top(max(known, default=0))
    _axis_style(chart, top, step)
    chart.categoryAxis.categoryNames = _categories(points, chart.width) or [""]
    for i in range(len(chart.data)):
        chart.lines[i].strokeColor = ACCENT
        chart.lines[i].strokeWidth = 1.6
        chart.lines[i].symbol = makeMarker("FilledCircle", size=3.5, fillColor=ACCENT)
    values_text = [f"{v:,.0f}" if v is not None else "" for v in data] or [""]
    every = _label_every(values_text, chart.width, len(values_text))
    chart.lineLabelFormat = "values"
    shown = _thinned(values_text, every)
    # reportlab looks a label up by the point's place among the row's values, not by
    # its period: labels by period put each figure after a gap on the wrong point.
    chart.lineLabelArray = [shown[a:b] for a, b in runs] or [shown]
    chart.lineLabels.fontName = SANS
    chart.lineLabels.fontSize = LABEL_SIZE
    chart.lineLabels.fillColor = INK
    chart.lineLabels.dy = 5
    # reportlab draws the joined line as one polyline of the known points, and refuses
    # one with none ("Polyline must have 2 or more points"); one point is a marker.
    chart.joinedLines = 1 if len(known) >= 2 else 0
    if not known:
        chart.valueAxis.visibleLabels = 0  # a 0-10 scale would read as a figure
    d.add(chart)
    if not known:
        d.add(_note(chart, no_data))
    elif len(known) == 1:
        # Under the point, clear of its value label, unless the point is on the axis.
        d.add(_note(chart, "Reported in one period only", at_bottom=known[0] > 0))
    return d


def _runs(values: Sequence[float | None]) -> list[tuple[int, int]]:
    """(start, end) of each run of consecutive values that are not None."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, v in enumerate([*values, None]):
        if v is not None and start is None:
            start = i
        elif v is None and start is not None:
            runs.append((start, i))
            start = None
    return runs


def status_chart(points: Sequence[TrendPoint], width: float, *, title_rows: int = 1) -> Drawing:
    """Facilities on diversion, and closed or evacuating, per period."""
    height = width * 0.68
    rows = max(title_rows, len(title_lines(STATUS_TITLE, width)))
    d = _frame(width, height, STATUS_TITLE, "facilities", rows)
    chart = VerticalBarChart()
    _place(chart, width, height, rows)
    chart.data = [
        tuple(p.diversion for p in points),
        tuple(p.closed_or_evacuating for p in points),
    ]
    peak = max((max(p.diversion, p.closed_or_evacuating) for p in points), default=0)
    top, step = _nice_top(peak, whole=True)
    _axis_style(chart, top, step)
    chart.categoryAxis.categoryNames = _categories(points, chart.width)
    chart.bars[0].fillColor = colors.HexColor(STATUS_COLOURS["diversion"])
    chart.bars[1].fillColor = colors.HexColor(STATUS_COLOURS["closed"])
    chart.bars.strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 8
    # Two counts side by side over each period, or none when a long incident leaves the
    # bars too narrow for them (the whole-number grid still reads).
    counts = [[str(v) for v in series] for series in chart.data]
    room = chart.width / max(1, len(points)) - chart.groupSpacing
    widest = max((stringWidth(t, SANS, LABEL_SIZE) for row in counts for t in row), default=0)
    fits = 2 * widest + LABEL_GAP <= room
    # Bars of height 0 are invisible: an empty plot must say whether nobody reported
    # or every report was open, not leave the reader to guess.
    empty = None
    reported = any(p.reporting for p in points)
    if peak == 0:
        empty = "None reported on diversion, closed or evacuating" if reported else "No reports yet"
        if not reported:
            chart.valueAxis.visibleLabels = 0  # as in line_chart: no figure to scale
    chart.barLabelFormat = "values"
    chart.barLabelArray = counts if fits and not empty else [["" for _ in r] for r in counts]
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = LABEL_SIZE
    chart.barLabels.nudge = 5
    d.add(chart)
    legend_y = height - _head(rows) - 9
    for i, (label, key) in enumerate((("diversion", "diversion"), ("closed/evac.", "closed"))):
        x = width - 110 + i * 52
        d.add(_swatch(x, legend_y, STATUS_COLOURS[key]))
        d.add(String(x + 7, legend_y, label, fontName=SANS, fontSize=LABEL_SIZE, fillColor=MUTED))
    if empty:
        d.add(_note(chart, empty))
    return d


def _note(
    chart: HorizontalLineChart | VerticalBarChart, text: str, *, at_bottom: bool = False
) -> Group:
    """`text` wrapped to the plot's width, centred in the plot (or just above its
    category axis, clear of a lone point's value label), on white so that the grid
    lines behind it do not strike through the words."""
    lines = simpleSplit(text, SANS, NOTE_SIZE, chart.width - 8) or [text]
    block = NOTE_SIZE + (len(lines) - 1) * NOTE_LEADING
    middle_x = chart.x + chart.width / 2
    top = chart.y + 4 + block if at_bottom else chart.y + (chart.height + block) / 2
    g = Group()
    wide = max(stringWidth(line, SANS, NOTE_SIZE) for line in lines)
    g.add(
        Rect(
            middle_x - wide / 2 - 3,
            top - block - 2.5,
            wide + 6,
            block + 4.5,
            fillColor=colors.white,
            strokeColor=None,
        )
    )
    for i, line in enumerate(lines):
        y = top - NOTE_SIZE - i * NOTE_LEADING + 1.5
        note = String(middle_x, y, line, fontName=SANS, fontSize=NOTE_SIZE, fillColor=MUTED)
        note.textAnchor = "middle"
        g.add(note)
    return g


def _swatch(x: float, y: float, colour: str) -> Rect:
    return Rect(x, y, 5, 5, fillColor=colors.HexColor(colour), strokeColor=None)

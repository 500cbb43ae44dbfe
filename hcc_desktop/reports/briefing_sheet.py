"""What every briefing section builder shares: the data, the clock, the frame size, and
the small table helpers (column widths, figures, the two-up list)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import LongTable, Paragraph, Table, TableStyle

from hcc_desktop.core.lifecycle import LABELS
from hcc_desktop.reports.briefing_model import BriefingData
from hcc_desktop.reports.cellstyles import styled_table
from hcc_desktop.reports.fonts import printable
from hcc_desktop.reports.styles import (
    BODY,
    CELL,
    CELL_HEAD,
    PADDING,
    STATUS_COLOURS,
    esc,
    grid,
    para,
    paragraph,
)
from hcc_desktop.reports.timefmt import Clock


@dataclass
class Sheet:
    """One briefing being laid out. `sensitive_printed` is decided before the first
    flowable (it sets the marking on the cover and on every page)."""

    d: BriefingData
    clock: Clock
    width: float
    height: float
    sensitive_printed: bool = False


def boxed(s: Sheet, markup: str, bg: colors.Color, border: colors.Color) -> Table:
    t = Table([[para(markup, BODY, markup=True)]], colWidths=[s.width])
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), bg),
                ("BOX", (0, 0), (-1, -1), 1, border),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return t


def two_up(
    s: Sheet,
    cells: list[tuple[str, str, str]],
    head: tuple[str, str, str],
    shares: tuple[float, float, float] = (0.55, 0.25, 0.2),
) -> Table:
    """A long list of short rows in two columns side by side, to save paper; `shares`
    divides each half among its three columns."""
    half = (len(cells) + 1) // 2
    left, right = cells[:half], cells[half:]
    col = (s.width - 8) / 2
    one = [col * x for x in shares]
    widths = [*one, 8, *one]
    data: list[list[Any]] = [
        [fit(h, w, CELL_HEAD) for h, w in zip((*head, "", *head), widths, strict=True)]
    ]
    for i in range(half):
        a = left[i]
        b = right[i] if i < len(right) else ("", "", "")
        data.append([fit(x, w) for x, w in zip((*a, "", *b), widths, strict=True)])
    style = grid(rows=len(data))
    style.add("BACKGROUND", (3, 0), (3, -1), colors.white)
    style.add("LINEBELOW", (3, 0), (3, -1), 0, colors.white)
    style.add("LINEABOVE", (3, 0), (3, 0), 0, colors.white)
    return listing(data, widths, style)


def listing(data: list[list[Any]], widths: Sequence[float], style: TableStyle) -> Table:
    """A table of rows that may run over several pages, its header row repeated on
    each, styled with `style` (cell styles shared between alike cells: see
    cellstyles). reportlab's LongTable measures rows only until the page is full when
    it splits; a plain Table measures every remaining row again at every page break,
    so a list of 500 facilities over 12 pages would be measured 12 times. A row taller
    than what is left of the page (a long log entry) is split inside the row rather
    than refused with a LayoutError."""
    return styled_table(LongTable, data, style, colWidths=list(widths), repeatRows=1, splitInRow=1)


def fill(widths: Sequence[float], total: float) -> list[float]:
    """Column widths in inches, one of them 0 meaning "the rest"."""
    fixed = sum(w for w in widths) * inch
    rest = max(total - fixed, 0.8 * inch)
    return [w * inch if w else rest for w in widths]


def whole(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}"


def signed(value: float) -> str:
    return f"{value:+,.0f}".replace("-", "−")


def status_word(status: str) -> str:
    return LABELS.get(status, status)


def status_hex(key: str) -> str:
    return STATUS_COLOURS.get(key, "#9e9e9e")


def fit(text: object, width: float, style: ParagraphStyle = CELL) -> str | Paragraph:
    """A plain string when the text fits its column on one line, else a wrapping
    Paragraph. A table draws a string cell in the table's own font for a fraction of
    a Paragraph's cost, which is most of what a 500-facility annex costs; the table
    style must then give the column the same font as `style` (grid() does for CELL and
    for the header row)."""
    t = printable("" if text is None else str(text))
    if "\n" not in t and stringWidth(t, style.fontName, style.fontSize) <= width - PADDING:
        return t
    return paragraph(esc(t), style)


def snug(texts: list[str], head: str, cap: float, style: ParagraphStyle = CELL) -> float:
    """A column width in inches just wide enough for its longest text (at most `cap`),
    so the facility name beside it wraps less."""
    widest = max(
        [stringWidth(t, style.fontName, style.fontSize) for t in texts]
        + [stringWidth(head, CELL_HEAD.fontName, CELL_HEAD.fontSize)]
    )
    return min((widest + PADDING + 1) / inch, cap)


def fit_lines(lines: list[str], width: float, style: ParagraphStyle = CELL) -> str | Paragraph:
    """Several short lines in one cell: a multi-line string when every line fits."""
    lines = [printable(x) for x in lines]
    if all(stringWidth(x, style.fontName, style.fontSize) <= width - PADDING for x in lines):
        return "\n".join(lines)
    return Paragraph("<br/>".join(esc(x) for x in lines), style)


def status_strip(
    style: TableStyle,
    column: int,
    rows: list[str],
    *,
    first_row: int = 1,
    skip: tuple[str, ...] = (),
) -> None:
    """Colour a narrow column by each row's facility status (the map's colours): a
    strip the eye runs down, next to the status word that carries the meaning."""
    for i, key in enumerate(rows, start=first_row):
        if key not in skip:
            style.add("BACKGROUND", (column, i), (column, i), colors.HexColor(status_hex(key)))

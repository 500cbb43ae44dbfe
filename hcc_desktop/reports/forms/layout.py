"""The look of the FEMA/HICS forms: numbered blocks in ruled boxes, the form's title bar,
check boxes, a section label set sideways, and the footer every page of a form carries.

Filled forms go into binders and get read next to blank ones, so block numbers and
titles are exactly those of the printed forms, in the same places, and a value never
replaces a title: "1. Incident Name:" stays, the name follows it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from hcc_desktop.reports.fonts import SANS, SANS_BOLD
from hcc_desktop.reports.pages import (
    EXERCISE_MARKING,
    SENSITIVE_MARKING,
    Margins,
    Progress,
    render_story,
    write_atomically,
)
from hcc_desktop.reports.styles import ALERT, HEAD_BG, INK, MUTED, esc

MARGIN = 0.5 * inch
#: Space between the page's top margin and the form's title bar (the continuation
#: line of later pages sits in the margin above it).
FRAME_GAP = 6
LINE = 0.6
BOX = 1.1

LABEL = ParagraphStyle("form_label", fontName=SANS_BOLD, fontSize=7.5, leading=9.5, textColor=INK)
VALUE = ParagraphStyle("form_value", fontName=SANS, fontSize=8.5, leading=10.5, textColor=INK)
SMALL = ParagraphStyle("form_small", fontName=SANS, fontSize=7, leading=8.5, textColor=INK)
HEAD = ParagraphStyle(
    "form_head", fontName=SANS_BOLD, fontSize=7.5, leading=9, textColor=INK, alignment=TA_CENTER
)
TITLE = ParagraphStyle(
    "form_title", fontName=SANS_BOLD, fontSize=12, leading=15, textColor=INK, alignment=TA_CENTER
)
HINT = ParagraphStyle("form_hint", fontName=SANS, fontSize=6.5, leading=8, textColor=MUTED)

CHECKED = "☒"
UNCHECKED = "☐"


def block(
    number: str | int | None, title: str, value: object = "", *, below: bool = False
) -> Paragraph:
    """'7. Requested by Name/Position: value' in one paragraph; `below` starts the
    value on the next line (for blocks the form gives several lines)."""
    label = f"{number}. {title}" if number not in (None, "") else title
    text = f"<b>{esc(label)}</b>"
    shown = esc(value) if value not in (None, "") else ""
    if shown:
        text += ("<br/>" if below else " ") + shown
    return Paragraph(text, VALUE)


def labelled(number: str | int | None, title: str, markup: str) -> Paragraph:
    """A block whose value is our own markup (check boxes, sub-fields)."""
    label = f"{number}. {title}" if number not in (None, "") else title
    return Paragraph(f"<b>{esc(label)}</b> {markup}", VALUE)


def check(checked: bool, label: str) -> str:
    return f"{CHECKED if checked else UNCHECKED} {esc(label)}"


def sub(label: str, value: object) -> str:
    """A sub-field inside a block: 'Date From: 2026-11-20'."""
    return f'<font name="{SANS_BOLD}" size="7">{esc(label)}</font> {esc(value or "")}'


def form_style(extra: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    return TableStyle(
        [
            ("BOX", (0, 0), (-1, -1), BOX, INK),
            ("INNERGRID", (0, 0), (-1, -1), LINE, INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            *extra,
        ]
    )


def boxes(
    rows: list[list[Any]], widths: Sequence[float], *, min_height: float = 0, **kw: Any
) -> Table:
    """One ruled row (or several) of blocks across the form."""
    heights = [min_height or None] * len(rows) if min_height else None
    t = Table(rows, colWidths=list(widths), rowHeights=heights, **kw)
    t.setStyle(form_style())
    return t


def title_bar(text: str, width: float) -> Table:
    t = Table([[Paragraph(esc(text), TITLE)]], colWidths=[width])
    t.setStyle(form_style([("BACKGROUND", (0, 0), (-1, -1), HEAD_BG)]))
    return t


class SideLabel(Flowable):
    """A section name set sideways, as the ICS 213 RR labels Requestor, Logistics and
    Finance down its left edge."""

    def __init__(self, text: str, width: float = 14) -> None:
        super().__init__()
        self.text = text
        self.width = width
        self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, 10

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFont(SANS_BOLD, 9)
        c.setFillColor(INK)
        c.rotate(90)
        c.drawString(0, -self.width + 4, self.text)
        c.restoreState()


@dataclass(frozen=True)
class FormFooter:
    """What every page of a form prints: the exercise marking, the sensitivity marking
    when the form carries protected EEIs, a continuation line naming the incident on
    the pages after the first, and the form number with "Page N of M"."""

    form: str
    continuation: str
    exercise: bool = False
    sensitive: bool = False
    prepared: str = ""
    #: False when the form draws its own page line (ICS 214 puts it in block 8).
    page_line: bool = True

    def draw(self, c: Canvas, page: int, total: int) -> None:
        width, height = c._pagesize
        c.saveState()
        top, bottom = height - 0.22 * inch, 0.14 * inch
        if self.sensitive:
            _centred(c, SENSITIVE_MARKING, width / 2, top, ALERT, box=True)
            _centred(c, SENSITIVE_MARKING, width / 2, bottom, ALERT, box=True)
            top, bottom = top - 14, bottom + 14
        if self.exercise:
            _centred(c, EXERCISE_MARKING, width / 2, top, ALERT)
            _centred(c, EXERCISE_MARKING, width / 2, bottom, ALERT)
        if page > 1:
            c.setFont(SANS, 7.5)
            c.setFillColor(MUTED)
            c.drawString(MARGIN, height - MARGIN - 4, f"{self.continuation} (continued)")
        c.setFillColor(INK)
        c.setFont(SANS_BOLD, 8)
        if self.page_line:
            c.drawString(MARGIN, 0.5 * inch, f"{self.form}, Page {page} of {total}")
        if self.prepared:
            c.setFont(SANS, 7)
            c.setFillColor(MUTED)
            c.drawRightString(width - MARGIN, 0.5 * inch, self.prepared)
        c.restoreState()


def write_form(
    out: Path,
    story: list[Flowable],
    footer: FormFooter,
    *,
    pagesize: tuple[float, float],
    top: float,
    bottom: float,
    progress: Progress | None,
    span: tuple[int, int, int],
    title: str,
    author: str,
    also: Callable[[Canvas, int, int], None] | None = None,
) -> tuple[int, int]:
    """Lay a form out on its margins with its footer on every page (and `also`, for a
    form that draws more per page) and replace `out` in one step. Returns the page
    count and the bytes written; the three forms differ only in these arguments."""
    pages = [0]

    def decorate(c: Canvas, page: int, total: int) -> None:
        footer.draw(c, page, total)
        if also is not None:
            also(c, page, total)
        pages[0] = total

    def render(buffer: io.BytesIO) -> None:
        render_story(
            buffer,
            story,
            pagesize=pagesize,
            margins=Margins(MARGIN, MARGIN, top, bottom),
            decorate=decorate,
            progress=progress,
            span=span,
            title=title,
            author=author,
            creator="hcc-desktop",
        )

    written = write_atomically(out, render)
    return pages[0], written


def _centred(
    c: Canvas, text: str, x: float, y: float, colour: colors.Color, *, box: bool = False
) -> None:
    c.setFont(SANS_BOLD, 8)
    c.setFillColor(colour)
    c.drawCentredString(x, y, text)
    if box:
        w = c.stringWidth(text, SANS_BOLD, 8)
        c.setStrokeColor(colour)
        c.setLineWidth(0.8)
        c.rect(x - w / 2 - 5, y - 3, w + 10, 12, stroke=1, fill=0)

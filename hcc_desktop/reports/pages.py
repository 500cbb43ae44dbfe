"""Page furniture drawn on every page once the page count is known ("Page 3 of 7"),
and the one way documents are written to disk.

The canvas keeps each finished page's drawing state and replays them at `save()`, when
the total is known: one layout pass instead of building the document twice. Header,
footer and markings are therefore drawn on top of the page content, last.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas as rl_canvas

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.reports.fonts import SANS, SANS_BOLD
from hcc_desktop.reports.styles import ALERT, INK, MUTED, RULE

PAPERS: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}

#: Every page of a document about protected EEIs says so, top and bottom, like a
#: classification marking: pages get separated at the copier.
SENSITIVE_MARKING = "SENSITIVE — contains protected EEIs; not for public release"
PUBLIC_MARKING = "PUBLIC VERSION — protected EEIs withheld"
EXERCISE_MARKING = "EXERCISE — EXERCISE — EXERCISE"

Decorate = Callable[[rl_canvas.Canvas, int, int], None]


class Cancelled(Exception):
    """The operator cancelled the document; nothing was written."""


def page_size(paper: str) -> tuple[float, float]:
    try:
        return PAPERS[paper.lower()]
    except KeyError:
        raise ValidationError(
            "paper", f"expected one of {', '.join(PAPERS)}, got {paper!r}"
        ) from None


@dataclass(frozen=True)
class Furniture:
    """What the standard header and footer say."""

    header_left: str
    header_right: str
    footer_left: str
    marking: str | None = None
    marking_is_alert: bool = True
    exercise: bool = False
    page_prefix: str = ""

    def draw(self, c: rl_canvas.Canvas, page: int, total: int) -> None:
        width, height = c._pagesize
        left, right = 0.6 * inch, width - 0.6 * inch
        c.saveState()
        top = height - 0.38 * inch
        if self.marking:
            _marking(c, self.marking, width / 2, top + 2, alert=self.marking_is_alert)
            _marking(c, self.marking, width / 2, 0.22 * inch, alert=self.marking_is_alert)
        if self.exercise:
            c.setFont(SANS_BOLD, 8.5)
            c.setFillColor(ALERT)
            c.drawCentredString(width / 2, top - 11, EXERCISE_MARKING)
            c.drawCentredString(width / 2, 0.38 * inch, EXERCISE_MARKING)
        c.setFillColor(MUTED)
        c.setFont(SANS, 7.5)
        c.drawString(left, top - 24, _fit(c, self.header_left, (right - left) * 0.62))
        c.drawRightString(right, top - 24, _fit(c, self.header_right, (right - left) * 0.36))
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(left, top - 28, right, top - 28)
        base = 0.52 * inch
        c.line(left, base + 10, right, base + 10)
        c.setFillColor(INK)
        c.drawString(left, base, _fit(c, self.footer_left, (right - left) * 0.7))
        c.setFont(SANS_BOLD, 8)
        c.drawRightString(right, base, f"{self.page_prefix}Page {page} of {total}")
        c.restoreState()


def _marking(c: rl_canvas.Canvas, text: str, x: float, y: float, *, alert: bool) -> None:
    c.setFont(SANS_BOLD, 8)
    w = c.stringWidth(text, SANS_BOLD, 8)
    c.setStrokeColor(ALERT if alert else INK)
    c.setFillColor(ALERT if alert else INK)
    c.setLineWidth(0.8)
    c.rect(x - w / 2 - 5, y - 3, w + 10, 12, stroke=1, fill=0)
    c.drawCentredString(x, y, text)


def _fit(c: rl_canvas.Canvas, text: str, width: float) -> str:
    """Shorten a header line with an ellipsis rather than run it into the margin."""
    font, size = c._fontname, c._fontsize
    if c.stringWidth(text, font, size) <= width:
        return text
    while text and c.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def numbered_canvas(decorate: Decorate) -> type[rl_canvas.Canvas]:
    """A canvas class for `doc.build(..., canvasmaker=...)` that calls
    `decorate(canvas, page, total)` on every page once the total is known."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                decorate(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def write_atomically(out: Path, render: Callable[[io.BytesIO], None]) -> int:
    """Render into memory, then replace `out` in one step: a failed or cancelled
    document never leaves half a PDF where the printer queue would pick it up.
    Returns the size in bytes."""
    buffer = io.BytesIO()
    render(buffer)
    data = buffer.getvalue()
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError("out", f"{folder}: no such folder")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


Progress = Callable[[int, int], "bool | None"]


def step(progress: Progress | None, done: int, total: int) -> None:
    """Report progress; a callback that returns False cancels (the sync modules'
    convention), one that raises (the GUI worker's) cancels with its own exception."""
    if progress is not None and progress(done, total) is False:
        raise Cancelled("cancelled by the operator")

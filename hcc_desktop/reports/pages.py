"""Page furniture drawn on every page once the page count is known ("Page 3 of 7"),
and the one way documents are written to disk.

The canvas keeps each finished page's drawing state and replays them at `save()`, when
the total is known: one layout pass instead of building the document twice. Header,
footer and markings are therefore drawn on top of the page content, last.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from hcc_desktop.core.errors import Cancelled, ValidationError
from hcc_desktop.core.files import check_out_folder
from hcc_desktop.core.paper import resolve_paper
from hcc_desktop.reports.fonts import SANS, SANS_BOLD, printable
from hcc_desktop.reports.styles import ALERT, INK, MUTED, RULE

PAPERS: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}

#: Every page of a document about protected EEIs says so, top and bottom, like a
#: classification marking: pages get separated at the copier.
SENSITIVE_MARKING = "SENSITIVE — contains protected EEIs; not for public release"
PUBLIC_MARKING = "PUBLIC VERSION — protected EEIs withheld"
EXERCISE_MARKING = "EXERCISE — EXERCISE — EXERCISE"

Decorate = Callable[[rl_canvas.Canvas, int, int], None]


def page_size(paper: str | None) -> tuple[float, float]:
    """The page for `paper` ('letter' or 'a4'); None is the locale's default
    (`core.paper.default_paper`: Letter in the US and its neighbours, else A4)."""
    try:
        return PAPERS[resolve_paper(paper).lower()]
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
    text = printable(text)
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
            # reportlab starts every page in Helvetica, which is neither embedded nor
            # able to print "Jérôme"; start in the bundled font instead, so that the
            # file refers to no font it does not carry.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or SANS
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


def check_out(out: Path) -> Path:
    """Refuse, naming the field "out", a path that cannot take the PDF, before any of
    the work: a missing folder, a folder given as the file, a folder that is not
    writable. A briefing of a large incident takes seconds to lay out, and the operator
    should learn of a typo in the path at once, not after the wait. The same check as
    every other file the program writes (`core.files.check_out_folder`)."""
    return check_out_folder(out, "out", hint="a file name ending in .pdf")


def write_atomically(out: Path, render: Callable[[io.BytesIO], None]) -> int:
    """Render into memory, then replace `out` in one step: a failed or cancelled
    document never leaves half a PDF where the printer queue would pick it up.
    Returns the size in bytes. A file system that refuses the file is reported as a
    refusal of "out" naming the file asked for (not our temporary one)."""
    out = check_out(out)
    buffer = io.BytesIO()
    render(buffer)
    data = buffer.getvalue()
    folder = out.parent if str(out.parent) else Path(".")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        why = exc.strerror or str(exc)
        raise ValidationError("out", f"{out}: cannot write the PDF there ({why})") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


Progress = Callable[[int, int], "bool | None"]


def step(progress: Progress | None, done: int, total: int) -> None:
    """Report progress; a callback that returns False cancels (the sync modules'
    convention), one that raises (the GUI worker's) cancels with its own exception."""
    if progress is not None and progress(done, total) is False:
        raise Cancelled("cancelled by the operator")


@dataclass(frozen=True)
class Margins:
    left: float
    right: float
    top: float
    bottom: float


def render_story(
    buffer: io.BytesIO,
    story: list[Flowable],
    *,
    pagesize: tuple[float, float],
    margins: Margins,
    decorate: Decorate,
    progress: Progress | None = None,
    span: tuple[int, int, int] = (0, 0, 1),
    **info: str,
) -> None:
    """Lay `story` out into `buffer` and draw the furniture on every page.

    The frame has no padding (SimpleDocTemplate's has 6 pt), so text, tables, the page
    header's rule and the footer all start at the same left edge. Layout is most of a
    large document's time, so it reports progress (from span[0] to span[1] of
    span[2]) as flowables are placed and at every page: a cancel is honoured within a
    page, not only after the last one."""
    width = pagesize[0] - margins.left - margins.right
    height = pagesize[1] - margins.top - margins.bottom
    frame = Frame(
        margins.left,
        margins.bottom,
        width,
        height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margins.left,
        rightMargin=margins.right,
        topMargin=margins.top,
        bottomMargin=margins.bottom,
        pageTemplates=[PageTemplate(id="page", frames=[frame])],
        **info,
    )
    if progress is not None:
        doc.setProgressCallBack(_layout_progress(progress, *span))
    with _binary_streams():
        doc.build(story, canvasmaker=numbered_canvas(decorate))


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    """Write page streams Flate-compressed but not also ASCII85-encoded (reportlab's
    default, for 7-bit mail of the 1990s): a quarter smaller, and without its
    C accelerator reportlab spends a tenth of a large briefing's time on the encoding.
    The setting is read while the document is written, so it is set only around it."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _layout_progress(
    progress: Progress, start: int, end: int, total: int
) -> Callable[[str, int], None]:
    state = {"size": 1, "last": -1}

    def report(kind: str, value: int) -> None:
        if kind == "SIZE_EST":
            state["size"] = max(int(value), 1)
            return
        if kind not in ("PROGRESS", "PAGE"):
            return
        done = state["last"]
        if kind == "PROGRESS":
            # The count of placed flowables falls back when a table splits (its rest
            # goes back on the list): progress never moves backwards.
            placed = start + (end - start) * min(int(value), state["size"]) // state["size"]
            done = max(placed, state["last"], start)
        if kind == "PAGE" or done != state["last"]:
            state["last"] = max(done, start)
            step(progress, state["last"], total)

    return report


def write_paged(
    out: Path,
    story: list[Flowable],
    furniture: Furniture,
    *,
    pagesize: tuple[float, float],
    margins: Margins,
    title: str,
    author: str,
    subject: str,
    progress: Progress | None = None,
    span: tuple[int, int, int] = (1, 2, 2),
) -> tuple[int, int]:
    """Lay `story` out with `furniture` (header, footer, "page N of M", markings) on
    every page and replace `out` in one step; returns (pages, bytes). `span` is the
    share of `progress` the layout reports over (first step, last step, total)."""
    pages = [0]

    def decorate(c: Any, page: int, total: int) -> None:
        furniture.draw(c, page, total)
        pages[0] = total

    def render(buffer: io.BytesIO) -> None:
        render_story(
            buffer,
            story,
            pagesize=pagesize,
            margins=margins,
            decorate=decorate,
            progress=progress,
            span=span,
            title=title,
            author=author,
            subject=subject,
            creator="hcc-desktop",
        )

    written = write_atomically(Path(out), render)
    return pages[0], written

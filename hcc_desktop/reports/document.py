"""What the preparedness documents (AAR/IP, HVA, membership report, plans register)
share: the page margins of the briefing, the standard header and footer with "Page N
of M" and the DRAFT marking, one atomic write, and the house table.

They are one office's papers, filed next to the briefing, so they use its furniture
(`pages.Furniture`) and write through `pages.write_atomically` rather than a copy of
either: a fix to the page line or to the atomic write reaches every document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table

from hcc_desktop.core.store import Store
from hcc_desktop.reports.fonts import COND, COND_BOLD, printable
from hcc_desktop.reports.keep import captioned
from hcc_desktop.reports.pages import (
    Furniture,
    Margins,
    Progress,
    write_paged,
)
from hcc_desktop.reports.styles import (
    ALERT,
    CELL,
    CELL_HEAD,
    CELL_RIGHT,
    H2,
    NOTE,
    PADDING,
    esc,
    grid,
    para,
)

MARGIN = 0.6 * inch
TOP = 0.95 * inch
BOTTOM = 0.85 * inch
#: HSEEP: the cover and the header and footer of every page say "Draft" on every
#: version but the final one. Boxed in red by `Furniture.marking`.
DRAFT_MARKING = "DRAFT — not final"


@dataclass(frozen=True)
class DocumentResult:
    path: Path
    pages: int
    bytes: int
    #: The document is marked DRAFT on its cover and every page.
    draft: bool
    title: str


def write_document(
    out: Path,
    story: list[Flowable],
    furniture: Furniture,
    *,
    pagesize: tuple[float, float],
    title: str,
    author: str,
    subject: str,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Lay `story` out with `furniture` on every page and replace `out` in one step;
    returns (pages, bytes)."""
    return write_paged(
        out,
        story,
        furniture,
        pagesize=pagesize,
        margins=Margins(MARGIN, MARGIN, TOP, BOTTOM),
        title=title,
        author=author,
        subject=subject,
        progress=progress,
    )


def body_width(pagesize: tuple[float, float]) -> float:
    return pagesize[0] - 2 * MARGIN


def today_in(store: Store, zone: tzinfo | None) -> dt.date:
    """Today on the store's clock in the printed zone: what "overdue" is judged
    against, the same day the CLI's lists use."""
    moment = dt.datetime.fromtimestamp(store.wall() / 1000, tz=dt.UTC)
    return moment.astimezone(zone).date() if zone else moment.astimezone().date()


def house_table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    right_cols: Sequence[int] = (),
    header_rows: int = 1,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """The briefing's table: header repeated on every page, rows split inside a long
    cell rather than stopping the document."""
    t = Table(
        [list(r) for r in rows],
        colWidths=list(widths),
        repeatRows=header_rows,
        splitInRow=1,
    )
    style = grid(header_rows=header_rows, rows=len(rows), right_cols=right_cols)
    for cmd in extra:
        style.add(*cmd)
    t.setStyle(style)
    return t


def text_width(*texts: str, bold: bool = True) -> float:
    """The width of a column that prints the widest of `texts` on one line (dates,
    short headings): wrapping "2026-11-07" after "2026-11-0" misleads."""
    font = COND_BOLD if bold else COND
    return max(stringWidth(printable(t), font, 8) for t in texts) + PADDING + 2


DATE_WIDTH_SAMPLE = "2026-12-31"


def widths(total: float, fixed: Sequence[float | None], shares: Sequence[float]) -> list[float]:
    """Column widths: the `fixed` ones as given, the None ones sharing what is left in
    proportion to `shares` (one share per None column)."""
    left = total - sum(f for f in fixed if f is not None)
    it = iter(shares)
    scale = left / sum(shares)
    return [f if f is not None else next(it) * scale for f in fixed]


#: Body rows up to which a table is kept whole on one page.
SHORT_TABLE_ROWS = 12


def heads(*names: str) -> list[Paragraph]:
    return [para(n, CELL_HEAD) for n in names]


def cells(*values: object, right: Sequence[int] = ()) -> list[Paragraph]:
    """Table cells from stored values; `right`: the indices of numbers, set flush right
    (a Paragraph ignores the table's ALIGN)."""
    return [
        para("" if v is None else v, CELL_RIGHT if i in right else CELL)
        for i, v in enumerate(values)
    ]


def section(
    title: str,
    table: Table,
    intro: str | None = None,
    *,
    markup: bool = False,
    style: ParagraphStyle = H2,
) -> list[Flowable]:
    """A heading (and an intro line) kept on the page of the table's first rows."""
    caption: list[Flowable] = [Paragraph(esc(title), style)]
    if intro:
        caption.append(para(intro, NOTE, markup=markup))
    body_rows = len(table._cellvalues) - (
        table.repeatRows if isinstance(table.repeatRows, int) else 1
    )
    if body_rows <= SHORT_TABLE_ROWS:
        return [KeepTogether([*caption, table])]
    return captioned(caption, table)


def flag(text: str) -> str:
    """A warning word in a cell (OVERDUE), bold and red: the word carries it, the
    colour only draws the eye."""
    return f'<font name="{COND_BOLD}" color="#{ALERT.hexval()[2:]}">{esc(text)}</font>'

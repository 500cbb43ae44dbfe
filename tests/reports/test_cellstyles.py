"""Tables styled with shared cell styles (reports.cellstyles) get, cell by cell, the
same style as reportlab's own setStyle gives them."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import LongTable, Table, TableStyle

from hcc_desktop.reports.briefing_sheet import status_strip
from hcc_desktop.reports.cellstyles import cell_styles, split_commands, styled_table
from hcc_desktop.reports.styles import ALERT, COND_BOLD, grid

ATTRIBUTES = (
    "fontname", "fontsize", "leading", "leftPadding", "rightPadding", "topPadding",
    "bottomPadding", "firstLineIndent", "color", "alignment", "background", "valign",
    "href", "direction", "shaping", "destination",
)  # fmt: skip


def _looks(table: Table) -> list[list[tuple[Any, ...]]]:
    return [[tuple(getattr(c, a) for a in ATTRIBUTES) for c in row] for row in table._cellStyles]


def _both(data: list[list[Any]], style: TableStyle) -> tuple[Table, Table]:
    theirs = LongTable(data, repeatRows=1)
    theirs.setStyle(style)
    return styled_table(LongTable, data, style, repeatRows=1), theirs


def _rows(n: int, cols: int) -> list[list[Any]]:
    return [[f"r{i}c{j}" for j in range(cols)] for i in range(n)]


def test_house_grid_with_per_cell_commands_styles_every_cell_alike() -> None:
    data = _rows(40, 7)
    style = grid(rows=len(data), right_cols=(4, 5), bold_cols=(0,))
    style.add("LEFTPADDING", (3, 0), (3, -1), 0)
    style.add("RIGHTPADDING", (3, 0), (3, -1), 0)
    status_strip(style, 3, ["open", "closed", "limited"] * 13, skip=("open",))
    for i in (2, 7, 30):
        style.add("TEXTCOLOR", (4, i), (4, i), ALERT)
        style.add("FONTNAME", (4, i), (4, i), COND_BOLD)
    style.add("FONT", (1, -3), (2, -1), COND_BOLD, 9)
    style.add("ALIGN", (-2, 1), (-1, 5), "CENTER")
    mine, theirs = _both(data, style)
    assert _looks(mine) == _looks(theirs)
    assert mine._bkgrndcmds == theirs._bkgrndcmds
    assert mine._linecmds == theirs._linecmds
    # Alike cells share one style: a handful of styles, not one per cell.
    assert len({id(c) for row in mine._cellStyles for c in row}) < 40


def test_ranges_past_the_edges_are_read_as_reportlab_reads_them() -> None:
    data = _rows(5, 3)
    style = TableStyle(
        [
            ("FONTSIZE", (0, 0), (10, 10), 7),  # clipped to the table
            ("LEADING", (5, 0), (9, -1), 20),  # starts past the last column: nothing
            ("VALIGN", (-5, -9), (1, 1), "MIDDLE"),  # negative past the start: from 0
            ("TOPPADDING", (2, 3), (1, 4), 9),  # empty range
            ("BACKGROUND", (0, 0), (-1, 0), colors.grey),
            ("SPAN", (0, 4), (1, 4)),
        ]
    )
    mine, theirs = _both(data, style)
    assert _looks(mine) == _looks(theirs)
    assert mine._spanCmds == theirs._spanCmds


def test_commands_are_parted_by_what_they_style() -> None:
    cell, other = split_commands(grid(rows=9).getCommands())
    assert {c[0] for c in other} == {"LINEBELOW", "LINEABOVE", "BACKGROUND", "ROWBACKGROUNDS"}
    assert "FONTNAME" in {c[0] for c in cell}
    assert cell_styles(0, 0, cell) == []

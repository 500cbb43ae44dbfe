"""A table's caption stays on the page of the table's first rows.

A heading at the foot of a page with its table on the next is read as an empty
section ("Reported late" and nothing under it). reportlab's keepWithNext alone is not
enough: it binds a heading to one flowable only (not through an intro line to the
table), and bound to a long table it moves the whole table to a new page, leaving a
blank half page behind. `captioned` instead asks for room for the caption plus the
table's header and first rows; where there is none the caption goes to the next page
with them, and the rest of the table flows on as usual.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import CondPageBreak, Flowable, Table

#: Body rows that must follow a caption on its page (fewer if the table has fewer).
FIRST_ROWS = 2


class TableStart(CondPageBreak):
    """A conditional page break sized, when it is laid out, to the caption and the
    first rows of the table that follows (their height depends on the page width)."""

    def __init__(self, caption: Sequence[Flowable], table: Table, rows: int = FIRST_ROWS) -> None:
        super().__init__(0)
        self._caption = list(caption)
        self._table = table
        self._rows = rows

    def __repr__(self) -> str:
        return f"TableStart(height={self.height:.1f}, rows={self._rows})"

    def needed(self, width: float, height: float) -> float:
        """Height of the caption plus the table's header rows and first body rows, or
        more than `height` when they do not fit in it."""
        need = 0.0
        for f in self._caption:
            need += f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
        repeat = self._table.repeatRows
        head = repeat if isinstance(repeat, int) else len(repeat)
        count = min(head + self._rows, len(self._table._cellvalues))
        self._table.wrap(width, max(height - need, 1.0))  # measures rows until full
        first = list(self._table._rowHeights[:count])
        if any(h is None for h in first):  # measuring stopped before them: no room
            return height + 1
        return need + self._table.getSpaceBefore() + float(sum(first))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        frame = self._doctemplateAttr("frame")
        if frame is None or getattr(frame, "_atTop", False):
            return 0, 0  # a fresh page is as good as it gets
        self.height = self.needed(available_width, available_height)
        return super().wrap(available_width, available_height)


def captioned(
    caption: Sequence[Flowable], table: Table, *, rows: int = FIRST_ROWS
) -> list[Flowable]:
    """`caption` (a heading, maybe an intro line) then `table`, the caption kept on
    the page of the table's header and first `rows` rows. The caption's own
    keepWithNext is switched off: it would move the whole table instead."""
    for f in caption:
        f.__dict__["keepWithNext"] = 0
    return [TableStart(caption, table, rows), *caption, table]

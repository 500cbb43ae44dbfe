"""Tables whose cell styles are worked out once per distinct style, not once per cell.

reportlab gives every cell of a table its own CellStyle and applies each style command
to every cell of its range in turn: the house style (grid()) is a dozen commands over
the whole table, so a 500-row annex cost some 50,000 Python calls to style before a
line of it was laid out. Almost every cell of a table ends up in one of a handful of
styles (header, body, a bold or right-aligned column), so here the commands are
applied row by row to shared styles: a row that looks like a row already seen gets the
same style objects, and a command meets each distinct style once.

The result is the same attribute values in every cell as reportlab's own setStyle
would give (tests/reports/test_cellstyles.py compares them). Sharing is safe because
reportlab only reads a cell's style while laying out and drawing; the one place it
writes to one (a row split inside a vertically centred cell) is not used by these
tables, whose cells are aligned to the top.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from reportlab.platypus import Table, TableStyle
from reportlab.platypus.tables import CellStyle, _setCellStyle

#: The commands that set a cell's own style (what reportlab's _setCellStyle handles);
#: rules, backgrounds and spans are kept by the table as commands and drawn per range.
CELL_COMMANDS = frozenset(
    {
        "FONT", "FONTNAME", "FACE", "SIZE", "FONTSIZE", "LEADING", "TEXTCOLOR", "ALIGN",
        "ALIGNMENT", "VALIGN", "LEFTPADDING", "RIGHTPADDING", "TOPPADDING",
        "BOTTOMPADDING", "HREF", "DESTINATION", "DIRECTION", "SHAPING",
    }
)  # fmt: skip

T = TypeVar("T", bound=Table)


def styled_table(kind: type[T], data: list[list[Any]], style: TableStyle, **kw: Any) -> T:
    """`kind(data, **kw)` styled with `style`, its cell styles shared between cells
    that look alike (see the module's docstring)."""
    cell, other = split_commands(style.getCommands())
    ncols = max((len(row) for row in data), default=0)
    table = kind(data, cellStyles=cell_styles(len(data), ncols, cell), **kw)
    if other:
        table.setStyle(TableStyle(other))
    return table


def split_commands(
    commands: Sequence[tuple[Any, ...]],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(cell style commands over plain ranges, every other command), each in order:
    the two kinds touch different state of a table, so their order between them does
    not matter. Commands on the special rows of a split stay with the others."""
    cell, other = [], []
    for cmd in commands:
        plain = cmd[0] in CELL_COMMANDS and all(isinstance(x, int) for x in (*cmd[1], *cmd[2]))
        (cell if plain else other).append(cmd)
    return cell, other


def cell_styles(
    nrows: int, ncols: int, commands: Sequence[tuple[Any, ...]]
) -> list[list[CellStyle]]:
    """The cell styles of an `nrows` x `ncols` table after `commands` (cell style
    commands, as TableStyle takes them), with equal styles shared."""
    start = tuple([CellStyle("cell")] * ncols)
    rows: list[tuple[CellStyle, ...]] = [start] * nrows
    for op, (sc, sr), (ec, er), *values in commands:
        sc, ec = max(_index(sc, ncols), 0), min(_index(ec, ncols), ncols - 1)
        sr, er = max(_index(sr, nrows), 0), min(_index(er, nrows), nrows - 1)
        # The memos hold their keys, so an id is never reused while it is a key.
        row_memo: dict[tuple[CellStyle, ...], tuple[CellStyle, ...]] = {}
        cell_memo: dict[CellStyle, CellStyle] = {}
        for i in range(sr, er + 1):
            row = rows[i]
            new = row_memo.get(row)
            if new is None:
                cells = list(row)
                for j in range(sc, ec + 1):
                    old = cells[j]
                    changed = cell_memo.get(old)
                    if changed is None:
                        changed = cell_memo[old] = _copy(old)
                        _setCellStyle([[changed]], 0, 0, op, values)
                    cells[j] = changed
                new = row_memo[row] = tuple(cells)
            rows[i] = new
    return [list(row) for row in rows]


def _index(index: int, size: int) -> int:
    """reportlab's reading of a cell index (Table.normCellRange): negative counts from
    the end; the caller clips the start up to 0 and the end down to the last."""
    return index + size if index < 0 else index


def _copy(style: CellStyle) -> CellStyle:
    """A new style with the same attributes. Not CellStyle.copy: it copies its own
    bound `copy` method onto the new style, so a copy of a copy is a copy of the
    first one."""
    new = CellStyle(style.name)
    new.__dict__.update(style.__dict__)
    return new

"""What the preparedness docks (risk, plans, exercises, improvement plan, capability
dashboard) share: today's date as the operator sees it, a read-only table filled from
plain rows with per-cell colour, and pick-lists built from the enums.

Kept apart from the response panels because these docks judge "overdue" against a day,
not an operational period, and because they are small tables that do not need a model
class each: a QTableWidget refilled on every read is enough at a few hundred rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
)

from hcc_desktop.core.store import Store

#: Overdue text and background: the same red as the refusals, so "late" reads alike.
OVERDUE_FG = QColor("#b71c1c")
OVERDUE_BG = QColor("#ffcdd2")
DUE_SOON_BG = QColor("#fff3c4")
CURRENT_BG = QColor("#d7f0d2")
#: Widest a column opens at (the operator can widen it); long texts are elided.
MAX_COLUMN = 340


def today(store: Store) -> dt.date:
    """The operator's local date on the store's clock (what the CLI uses too), so the
    GUI and `plans list` agree on what is overdue, and tests can fix the day."""
    return dt.datetime.fromtimestamp(store.wall() / 1000).astimezone().date()


@dataclass(frozen=True)
class Cell:
    """One cell: its text, and optionally a background, a text colour, bold, a tip."""

    text: str
    bg: QColor | None = None
    fg: QColor | None = None
    bold: bool = False
    tip: str = ""
    align_right: bool = False


def cell(value: Any) -> Cell:
    return value if isinstance(value, Cell) else Cell("" if value is None else str(value))


def make_table(name: str, headers: Sequence[str]) -> QTableWidget:
    """A read-only, row-selecting table the way every preparedness dock shows one."""
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(22)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill(table: QTableWidget, rows: Iterable[tuple[str, Sequence[Any]]]) -> None:
    """Refill `table` with (key, cells) rows; the key is kept in column 0's UserRole so
    a selection survives the refill (the row that was selected is selected again)."""
    keep = current_key(table)
    table.setSortingEnabled(False)
    rows = list(rows)
    table.setRowCount(len(rows))
    for i, (key, values) in enumerate(rows):
        for j, raw in enumerate(values):
            c = cell(raw)
            item = QTableWidgetItem(c.text)
            if c.bg is not None:
                item.setBackground(QBrush(c.bg))
            if c.fg is not None:
                item.setForeground(QBrush(c.fg))
            if c.bold:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            if c.tip:
                item.setToolTip(c.tip)
            if c.align_right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if j == 0:
                item.setData(Qt.ItemDataRole.UserRole, key)
            table.setItem(i, j, item)
    table.resizeColumnsToContents()
    for j in range(table.columnCount()):  # a long issue must not push the rest away
        table.setColumnWidth(j, min(table.columnWidth(j), MAX_COLUMN))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    if keep:
        select_key(table, keep)


def current_key(table: QTableWidget) -> str:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return str(item.data(Qt.ItemDataRole.UserRole) or "") if item else ""


def select_key(table: QTableWidget, key: str) -> bool:
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
            table.setCurrentCell(row, 0)
            return True
    return False


def combo(items: Mapping[str, str], blank: str | None = None, name: str = "") -> QComboBox:
    """A pick-list of (key → label); `blank` first with key "" when given."""
    box = QComboBox(objectName=name) if name else QComboBox()
    if blank is not None:
        box.addItem(blank, "")
    for key, label in items.items():
        box.addItem(label, key)
    return box


def choose(box: QComboBox, key: str | None) -> None:
    box.setCurrentIndex(max(box.findData(key or ""), 0))

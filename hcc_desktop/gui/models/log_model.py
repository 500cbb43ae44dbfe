"""The incident log as a lazily fetched table (Anki's browser model, Spyder's
collections editor): the model knows the filtered total and holds only the pages the
view scrolled to; `canFetchMore`/`fetchMore` bring the next page from SQL.

Filtering and ordering run in SQLite through the log service. A change-set patches the
loaded rows in place (dataChanged, or inserts and removes at the right position), so
the operator's selection and scroll position survive an import or a colleague's entry;
only a new filter resets the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from hcc_desktop.core.services import log
from hcc_desktop.core.store import Store
from hcc_desktop.gui.models import log_rows as lr

Index = QModelIndex | QPersistentModelIndex
PAGE = 200

NEW_BG = QBrush(QColor("#fff3bf"))
PRIORITY_FG = {"urgent": QBrush(QColor("#b71c1c")), "important": QBrush(QColor("#9a5b00"))}
CORRECTED_FG = QBrush(QColor("#8a8a8a"))
SIGNIFICANT_FG = QBrush(QColor("#6a1b9a"))


class LogTableModel(QAbstractTableModel):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.flt: log.LogFilter | None = None
        self.newest_first = True
        self.total = 0
        self.rows: list[lr.LogRow] = []
        self.members: Mapping[str, str] = {}
        self.seen_seq = 0
        self.fetches = 0  # pages fetched since the last reset (tests check laziness)
        self._bold = QFont()
        self._bold.setBold(True)
        self._strike = QFont()
        self._strike.setStrikeOut(True)

    # ------------------------------------------------------------ loading
    def set_filter(
        self,
        flt: log.LogFilter | None,
        *,
        members: Mapping[str, str],
        seen_seq: int,
        newest_first: bool | None = None,
    ) -> None:
        self.beginResetModel()
        self.flt = flt
        self.members = members
        self.seen_seq = seen_seq
        if newest_first is not None:
            self.newest_first = newest_first
        self.rows = []
        self.fetches = 0
        self.total = log.count_entries(self.store, flt=flt) if flt else 0
        self._fetch_page()
        self.endResetModel()

    def _fetch_page(self) -> list[lr.LogRow]:
        if self.flt is None or len(self.rows) >= self.total:
            return []
        page = lr.fetch_page(
            self.store,
            self.flt,
            offset=len(self.rows),
            limit=PAGE,
            newest_first=self.newest_first,
            members=self.members,
            seen_seq=self.seen_seq,
        )
        self.fetches += 1
        if len(page) < PAGE:
            self.total = len(self.rows) + len(page)  # the store shrank meanwhile
        self.rows.extend(page)
        return page

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self.canFetchMore():
            return
        start = len(self.rows)
        assert self.flt is not None
        page = lr.fetch_page(
            self.store,
            self.flt,
            offset=start,
            limit=PAGE,
            newest_first=self.newest_first,
            members=self.members,
            seen_seq=self.seen_seq,
        )
        self.fetches += 1
        if not page:
            self.total = start
            return
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self.rows.extend(page)
        self.endInsertRows()
        if len(page) < PAGE:
            self.total = len(self.rows)

    # ------------------------------------------------------------ patching
    def apply_changes(self, ids: set[str]) -> int:
        """Bring rows touched by a change-set up to date; returns rows added."""
        if self.flt is None or not ids:
            return 0
        fresh = {e.id: e for e in lr.matching(self.store, self.flt, ids)}
        position = {r.id: i for i, r in enumerate(self.rows)}
        for rid in sorted((r for r in ids if r in position), key=position.get, reverse=True):
            i = position[rid]
            if rid in fresh:
                row = lr.make_row(fresh[rid], self.members)
                self.rows[i] = row
                lr.annotate(self.store, [row], self.seen_seq)
                self._row_changed(i)
            else:  # retracted, or no longer passes the filter
                self.beginRemoveRows(QModelIndex(), i, i)
                del self.rows[i]
                self.endRemoveRows()
                self.total -= 1
        added = 0
        new_rows = [lr.make_row(e, self.members) for rid, e in fresh.items() if rid not in position]
        lr.annotate(self.store, new_rows, self.seen_seq)
        for row in sorted(new_rows, key=lambda r: r.key, reverse=not self.newest_first):
            self.total += 1
            at = self._insert_position(row.key)
            if at < len(self.rows) or len(self.rows) == self.total - 1:
                self.beginInsertRows(QModelIndex(), at, at)
                self.rows.insert(at, row)
                self.endInsertRows()
                added += 1
            # else: it sorts after the loaded window; fetchMore brings it in order.
        self._refresh_links({r.corrects_id for r in new_rows if r.corrects_id})
        return added

    def _insert_position(self, key: tuple[str, str]) -> int:
        for i, r in enumerate(self.rows):
            if (key > r.key) if self.newest_first else (key < r.key):
                return i
        return len(self.rows)

    def _refresh_links(self, corrected: set[str]) -> None:
        """A new correction changes the "corrected by" link of the entry it corrects."""
        if not corrected:
            return
        for i, r in enumerate(self.rows):
            if r.id in corrected:
                lr.annotate(self.store, [r], self.seen_seq)
                self._row_changed(i)

    def mark_all_seen(self, seq: int) -> None:
        self.seen_seq = seq
        if self.rows:
            lr.annotate(self.store, self.rows, seq)
            last = self.index(len(self.rows) - 1, len(lr.COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _row_changed(self, i: int) -> None:
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(lr.COLUMNS) - 1))

    # ------------------------------------------------------------ access
    def row_id(self, row: int) -> str:
        return self.rows[row].id if 0 <= row < len(self.rows) else ""

    def row_of(self, entry_id: str) -> int:
        for i, r in enumerate(self.rows):
            if r.id == entry_id:
                return i
        return -1

    def entry(self, row: int) -> lr.LogRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # ------------------------------------------------------------ Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(lr.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return r.cells[col]
        if role == Qt.ItemDataRole.BackgroundRole:
            return NEW_BG if r.new else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.corrected_by:
                return CORRECTED_FG
            if col == lr.PRIORITY:
                return PRIORITY_FG.get(r.priority)
            if col == lr.LINK and r.significant in ("nominated", "approved"):
                return SIGNIFICANT_FG
            return None
        if role == Qt.ItemDataRole.FontRole:
            if col == lr.TEXT and r.corrected_by:
                return self._strike
            if r.new or (col == lr.PRIORITY and r.priority == "urgent"):
                return self._bold
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == lr.TEXT:
                return r.text
            if col == lr.LINK and r.cells[lr.LINK]:
                return "Double-click to go to the linked entry"
            if r.new:
                return "Arrived by import since you last marked the log read"
            return None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return lr.COLUMNS[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Only time order exists in SQL (an ICS 214 is chronological); other columns
        are filtered, not sorted."""
        if column != lr.TIME or self.flt is None:
            return
        newest_first = order == Qt.SortOrder.DescendingOrder
        if newest_first != self.newest_first:
            self.set_filter(
                self.flt, members=self.members, seen_seq=self.seen_seq, newest_first=newest_first
            )

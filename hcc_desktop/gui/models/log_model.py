"""The incident log as a lazily paged table (Anki's browser model, Spyder's
collections editor): the model knows the filtered total and holds only the pages the
view scrolled to; `canFetchMore`/`fetchMore` bring the next page.

The filtered total comes separately, after the first page: counting a long log is the
one read that grows with its length (a million entries: a scan of the whole index), so
the first page is shown without waiting for it. Until it arrives `total` is None and
`more` (the last page read was full) decides whether the view may fetch further.

The model never reads the store: filtering and ordering run in SQLite through the log
service, on a worker thread (gui.panels.log_loader runs the reads of
models.log_reads in QueryOps). `fetchMore` asks for the next page with
`page_wanted(offset)` and the page is appended when it arrives; a new filter or
order asks for a reset with `reset_wanted`. A change-set's rows are patched in place
(dataChanged, or inserts and removes at the right position), so the operator's
selection and scroll position survive an import or a colleague's entry.

`epoch` counts the changes to the loaded rows' positions: a page read before a patch
moved the rows would land at the wrong offset, so it is dropped and asked for again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from hcc_desktop.core.services import log
from hcc_desktop.gui.models import log_rows as lr

Index = QModelIndex | QPersistentModelIndex
PAGE = 200

NEW_BG = QBrush(QColor("#fff3bf"))
PRIORITY_FG = {"urgent": QBrush(QColor("#b71c1c")), "important": QBrush(QColor("#9a5b00"))}
CORRECTED_FG = QBrush(QColor("#8a8a8a"))
SIGNIFICANT_FG = QBrush(QColor("#6a1b9a"))


class LogTableModel(QAbstractTableModel):
    #: The view wants the page starting at this row (see the module docstring).
    page_wanted = Signal(int)
    #: The order changed: the rows must be read again.
    reset_wanted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.flt: log.LogFilter | None = None
        self.newest_first = True
        #: The filtered total; None while it is being counted (see the module docstring).
        self.total: int | None = 0
        #: Whether rows may follow the loaded ones, as far as the pages read tell.
        self.more = False
        self.rows: list[lr.LogRow] = []
        self.members: Mapping[str, str] = {}
        self.seen_seq = 0
        self.fetches = 0  # pages fetched since the last reset (tests check laziness)
        self.epoch = 0
        #: Offset of the page asked for and not yet arrived (None: none in flight).
        self.pending: int | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self._strike = QFont()
        self._strike.setStrikeOut(True)

    # ------------------------------------------------------------ loading
    def reset(
        self,
        flt: log.LogFilter | None,
        *,
        members: Mapping[str, str],
        seen_seq: int,
        rows: list[lr.LogRow],
        total: int | None = None,
    ) -> None:
        """Show a new filter's first page (read by log_reads.read_first); `total` is
        the count when it is known already, else it follows through `set_total`."""
        self.beginResetModel()
        self.flt = flt
        self.members = members
        self.seen_seq = seen_seq
        self.rows = list(rows)
        self.more = len(rows) >= PAGE
        # A short first page is the whole filtered log: its length is the total.
        self.total = max(total, len(rows)) if self.more and total is not None else None
        if not self.more:
            self.total = len(rows)
        self.fetches = 1 if flt is not None and rows else 0
        self.epoch += 1
        self.pending = None
        self.endResetModel()

    def set_total(self, total: int) -> None:
        """The count arrived (read after the first page, for the same filter)."""
        if self.total is None:
            self.total = max(total, len(self.rows))

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return self.more if self.total is None else len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Ask for the next page; it is appended when it arrives (add_page)."""
        if parent.isValid() or not self.canFetchMore() or self.pending is not None:
            return
        self.pending = len(self.rows)
        self.page_wanted.emit(self.pending)

    def add_page(self, offset: int, epoch: int, page: list[lr.LogRow]) -> None:
        """Append the page read for `offset`; one read before the rows moved is
        dropped and asked for again."""
        if epoch != self.epoch or offset != len(self.rows):
            if self.pending == offset:
                self.pending = None
                self.fetchMore()
            return
        self.pending = None
        self.fetches += 1
        self.add_rows(page)
        self.more = len(page) >= PAGE
        if not self.more:
            self.total = len(self.rows)  # the end (and the store may have shrunk meanwhile)

    def add_rows(self, rows: list[lr.LogRow]) -> None:
        """Append rows read in order after the loaded ones (a page, or the pages up to
        an entry "go to" looks for)."""
        if not rows:
            self.total = len(self.rows)
            self.more = False
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()
        if self.total is not None:
            self.total = max(self.total, len(self.rows))
        self.epoch += 1

    # ------------------------------------------------------------ patching
    def apply_patch(
        self, ids: set[str] | frozenset[str], fresh: Mapping[str, lr.LogRow], relinks: lr.Links
    ) -> int:
        """Bring rows touched by a change-set up to date (read by
        log_reads.read_patch); returns rows added."""
        if self.flt is None or not ids:
            return 0
        position = {r.id: i for i, r in enumerate(self.rows)}
        for rid in sorted((r for r in ids if r in position), key=position.get, reverse=True):
            i = position[rid]
            if rid in fresh:
                self.rows[i] = fresh[rid]
                self._row_changed(i)
            else:  # retracted, or no longer passes the filter
                self.beginRemoveRows(QModelIndex(), i, i)
                del self.rows[i]
                self.endRemoveRows()
                if self.total is not None:
                    self.total -= 1
                self.epoch += 1
        added = 0
        new_rows = [row for rid, row in fresh.items() if rid not in position]
        for row in sorted(new_rows, key=lambda r: r.key, reverse=not self.newest_first):
            at = self._insert_position(row.key)
            # A row after the loaded window is fetchMore's to bring in order, unless
            # every row is loaded already.
            if at < len(self.rows) or not self.canFetchMore():
                self.beginInsertRows(QModelIndex(), at, at)
                self.rows.insert(at, row)
                self.endInsertRows()
                self.epoch += 1
                added += 1
            if self.total is not None:  # while counting, the count will include it
                self.total += 1
        self._refresh_links(relinks)
        return added

    def _insert_position(self, key: tuple[str, str]) -> int:
        for i, r in enumerate(self.rows):
            if (key > r.key) if self.newest_first else (key < r.key):
                return i
        return len(self.rows)

    def _refresh_links(self, relinks: lr.Links) -> None:
        """A new correction changes the "corrected by" link of the entry it corrects."""
        if not relinks:
            return
        for i, r in enumerate(self.rows):
            if r.id in relinks:
                lr.apply_links([r], relinks)
                self._row_changed(i)

    def mark_all_seen(self, seq: int) -> None:
        """Everything up to `seq` (the store's newest version) was seen: no row is new."""
        self.seen_seq = seq
        for r in self.rows:
            r.new = False
        if self.rows:
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
            self.newest_first = newest_first
            self.reset_wanted.emit()

"""Resource requests of the incident in view, as a table.

An incident has tens to a few hundred requests, so the model holds them all and a
QSortFilterProxyModel sorts them; the status and priority filters still run in SQL
through the service. Overdue requests (open past their needed-by time) are red and
bold, because a late fuel delivery is how a hospital ends up evacuating.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.services import requests
from hcc_desktop.gui import fmt
from hcc_desktop.gui.import_marks import decorate

Index = QModelIndex | QPersistentModelIndex
#: What the logistics desk scans first (status, priority, needed-by) comes first, so it
#: stays in view when the dock is narrow.
COLUMNS = (
    "Number",
    "Status",
    "Priority",
    "Needed by",
    "Resource",
    "Qty",
    "Requester",
    "Deliver to",
    "Supplier",
    "Last change",
)
NUMBER, STATUS, PRIORITY, NEEDED, RESOURCE, QTY, REQUESTER, DELIVER, SUPPLIER, CHANGED = range(
    len(COLUMNS)
)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

OVERDUE_BG = QBrush(QColor("#f6b8b3"))
URGENT_FG = QBrush(QColor("#b71c1c"))
CLOSED_FG = QBrush(QColor("#888888"))
STATUS_BG = {
    "draft": QBrush(QColor("#eeeeee")),
    "submitted": QBrush(QColor("#dfe8f3")),
    "approved": QBrush(QColor("#d7efd8")),
    "sourcing": QBrush(QColor("#fde7a6")),
    "committed": QBrush(QColor("#d7efd8")),
    "in_transit": QBrush(QColor("#cfe3f7")),
    "delivered": QBrush(QColor("#c8e6c9")),
}


class RequestsModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[m.ResourceRequest] = []
        self.members: Mapping[str, str] = {}
        self.now_iso = ""
        self._bold = QFont()
        self._bold.setBold(True)
        #: Requests changed by an imported package the operator has not marked seen.
        self.fresh: set[str] = set()
        #: request id → the status version read with the row shown (requests_seen).
        self.status_seen: dict[str, str] = {}

    def set_fresh(self, fresh: set[str]) -> None:
        self.fresh = fresh
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def set_rows(
        self,
        rows: list[m.ResourceRequest],
        members: Mapping[str, str],
        now_iso: str,
        status_seen: Mapping[str, str] | None = None,
    ) -> None:
        self.beginResetModel()
        self.rows, self.members, self.now_iso = rows, members, now_iso
        self.status_seen = dict(status_seen or {})
        self.endResetModel()

    def replace(self, fresh: m.ResourceRequest) -> bool:
        """Patch one request in place; False when it is not shown."""
        for i, r in enumerate(self.rows):
            if r.id == fresh.id:
                self.rows[i] = fresh
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
                return True
        return False

    def request(self, row: int) -> m.ResourceRequest | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, request_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == request_id), -1)

    def overdue(self, r: m.ResourceRequest) -> bool:
        return requests.is_overdue(r, self.now_iso)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def _text(self, r: m.ResourceRequest, col: int) -> str:
        if col == NUMBER:
            return r.number or ""
        if col == REQUESTER:
            return self.members.get(r.requester_org_id or "", "") or (r.requested_by or "")
        if col == RESOURCE:
            return (
                f"{r.resource_kind} — {r.resource_type}"
                if r.resource_type
                else (r.resource_kind or "")
            )
        if col == QTY:
            return f"{fmt.number(r.quantity)} {r.unit or ''}".strip()
        if col == PRIORITY:
            return fmt.label(r.priority)
        if col == NEEDED:
            when = fmt.local(r.needed_by, short=True)
            return f"⚠ {when} — overdue" if self.overdue(r) else when
        if col == DELIVER:
            return r.deliver_to or ""
        if col == SUPPLIER:
            return r.supplier or ""
        if col == STATUS:
            return lifecycle.LABELS.get(r.status or "", r.status or "")
        return fmt.local(r.status_at, short=True)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if col == 0 and (mark := decorate(role, r.id in self.fresh)) is not None:
            return mark
        if role == SORT_ROLE:
            if col == PRIORITY:
                return requests.PRIORITY_ORDER.get(r.priority or "", 9)
            if col == QTY:
                return float(r.quantity or 0)
            if col == NEEDED:
                return r.needed_by or "9999"
            if col == STATUS:
                return lifecycle.STATUSES.index(r.status) if r.status in lifecycle.STATUSES else 99
            if col == CHANGED:
                return r.status_at or ""
            return self._text(r, col).lower()
        if role == Qt.ItemDataRole.BackgroundRole:
            if col == NEEDED and self.overdue(r):
                return OVERDUE_BG
            if col == STATUS:
                return STATUS_BG.get(r.status or "")
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.status in lifecycle.TERMINAL:
                return CLOSED_FG
            if col == PRIORITY and r.priority == "urgent":
                return URGENT_FG
            return None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if self.overdue(r) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.overdue(r):
                return f"Overdue: needed by {fmt.local(r.needed_by)} and still {r.status}"
            return r.description or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == QTY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

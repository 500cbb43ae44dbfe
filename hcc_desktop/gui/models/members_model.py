"""The member directory as a table: every member and facility of the coalition with
its latest operating status in the incident in view.

A coalition has hundreds of members, not millions, so the model holds them all; the
filter proxy below matches text, member type and membership without a query per key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.services import status
from hcc_desktop.gui import fmt
from hcc_desktop.gui.import_marks import decorate

Index = QModelIndex | QPersistentModelIndex
#: Status and 24/7 phone come right after the name: in a narrow dock they are what the
#: duty officer needs, and type or region can scroll out of sight.
COLUMNS = ("Name", "Status", "24/7 phone", "Type", "Membership", "Region", "Town", "Last report")
NAME, STATUS, PHONE, TYPE, MEMBERSHIP, REGION, TOWN, REPORTED = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

STATUS_BG = {
    "closed": QBrush(QColor("#f6b8b3")),
    "evacuating": QBrush(QColor("#f6b8b3")),
    "diversion": QBrush(QColor("#f9c9a0")),
    "limited": QBrush(QColor("#fde7a6")),
    "open": QBrush(QColor("#d7efd8")),
}
NOT_REPORTED_BG = QBrush(QColor("#e0e0e0"))
STATUS_ORDER = {s: i for i, s in enumerate(status.STATUSES)}


class MembersModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[m.Organization] = []
        self.regions: Mapping[str, str] = {}
        self.statuses: Mapping[str, status.FacilityStatus] = {}
        self.expected: set[str] = set()
        #: Members changed by an imported package the operator has not marked seen.
        self.fresh: set[str] = set()

    def set_fresh(self, fresh: set[str]) -> None:
        self.fresh = fresh
        if self.rows:
            self.dataChanged.emit(self.index(0, NAME), self.index(len(self.rows) - 1, NAME))

    def set_rows(
        self,
        rows: list[m.Organization],
        regions: Mapping[str, str],
        statuses: Mapping[str, status.FacilityStatus],
        expected: set[str] | None = None,
    ) -> None:
        """`expected`: members that owe EEIs in the incident in view; those without a
        status show as not reported, the others stay blank."""
        self.beginResetModel()
        self.rows, self.regions, self.statuses = rows, regions, statuses
        self.expected = expected or set()
        self.endResetModel()

    def org(self, row: int) -> m.Organization | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, org_id: str) -> int:
        return next((i for i, o in enumerate(self.rows) if o.id == org_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def text(self, o: m.Organization, col: int) -> str:
        st = self.statuses.get(o.id)
        if col == NAME:
            return o.name or ""
        if col == TYPE:
            return MEMBER_TYPES.get(o.member_type or "", o.member_type or "")
        if col == MEMBERSHIP:
            return MEMBERSHIPS.get(o.membership or "", o.membership or "")
        if col == REGION:
            return self.regions.get(o.region_id or "", "")
        if col == TOWN:
            return o.town or ""
        if col == PHONE:
            return o.phone_24_7 or o.phone or ""
        if col == STATUS:
            if st is not None:
                return st.label
            return status.STATUSES["not_reported"] if o.id in self.expected else ""
        return fmt.local(st.reported_at, short=True) if st else ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        o = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(o, col)
        if col == NAME and (mark := decorate(role, o.id in self.fresh)) is not None:
            return mark
        if role == SORT_ROLE:
            if col == STATUS:
                st = self.statuses.get(o.id)
                if st is None:
                    return STATUS_ORDER["not_reported"] if o.id in self.expected else 99
                return STATUS_ORDER.get(st.status, 99)
            if col == REPORTED:
                st = self.statuses.get(o.id)
                return (st.reported_at or "") if st else ""
            return self.text(o, col).lower()
        if role == Qt.ItemDataRole.BackgroundRole and col == STATUS:
            st = self.statuses.get(o.id)
            if st is None:
                return NOT_REPORTED_BG if o.id in self.expected else None
            return STATUS_BG.get(st.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            st = self.statuses.get(o.id)
            if col == STATUS and st is not None:
                return ", ".join(st.reasons) or "no problems reported"
            if col == PHONE and o.phone_24_7 is None and o.phone:
                return "Main number (no 24/7 number on file)"
            if col == NAME:
                return o.notes or o.name or ""
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class MembersFilter(QSortFilterProxyModel):
    """Text over name, short name, town and region; exact member type and membership."""

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.member_type = ""
        self.membership = ""
        self.setSortRole(SORT_ROLE)

    def set_criteria(self, *, text: str, member_type: str, membership: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+: invalidateFilter() is deprecated
            self.beginFilterChange()
            self.text, self.member_type, self.membership = (
                text.strip().lower(),
                member_type,
                membership,
            )
            self.endFilterChange()
        else:
            self.text, self.member_type, self.membership = (
                text.strip().lower(),
                member_type,
                membership,
            )
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, MembersModel)
        o = model.rows[source_row]
        if self.member_type and o.member_type != self.member_type:
            return False
        if self.membership and o.membership != self.membership:
            return False
        if not self.text:
            return True
        hay = " ".join(
            [
                o.name or "",
                o.short_name or "",
                o.town or "",
                model.regions.get(o.region_id or "", ""),
            ]
        ).lower()
        return self.text in hay

"""The member directory dock: who is in the coalition, where, how to reach them 24/7
and how they are doing in the incident in view; the selected member's contacts below.

Selecting a row selects the member everywhere (map, EEI grid) through the context,
and a selection made elsewhere selects the row here, so the directory is where the
duty officer finds the phone number of the hospital they just saw turn red.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.services import eei, organizations, status
from hcc_desktop.core.versions import Changes
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.contact_dialog import ContactDialog
from hcc_desktop.gui.dialogs.member_dialog import MemberDialog
from hcc_desktop.gui.elide import ElidingCombo
from hcc_desktop.gui.import_marks import PanelMarks
from hcc_desktop.gui.models import members_model as mm
from hcc_desktop.gui.operations import Progress, QueryOp, busy
from hcc_desktop.gui.panels.base import Panel

WIDTHS = {
    mm.NAME: 230,
    mm.STATUS: 95,
    mm.PHONE: 115,
    mm.TYPE: 130,
    mm.MEMBERSHIP: 75,
    mm.REGION: 170,
    mm.TOWN: 100,
}


@dataclass(frozen=True)
class _Directory:
    """One read of the directory, made off the GUI thread."""

    orgs: list[m.Organization]
    regions: dict[str, str]
    statuses: dict[str, status.FacilityStatus]
    expected: set[str]
    fresh: set[str]


class MembersPanel(Panel):
    TITLE = "Members"
    DOCK_NAME = "membersDock"
    WATCHES = frozenset({"organization", "region", "contact", "eei_report"})
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_MEMBERS
    ACTIONS: ClassVar[dict[ActionId, str]] = {
        ActionId.NEW_MEMBER: "new_member",
        ActionId.EDIT_MEMBER: "edit_member",
        ActionId.ADD_CONTACT: "add_contact",
        ActionId.FIND_MEMBER: "focus_find",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.model = mm.MembersModel()
        self.proxy = mm.MembersFilter()
        self.proxy.setSourceModel(self.model)
        self._build()
        ctx.incident_changed.connect(lambda _id: self.schedule_reload())
        ctx.period_changed.connect(lambda _n: self.schedule_reload())
        ctx.member_selected.connect(self.show_member)

    def _build(self) -> None:
        self.find = QLineEdit(placeholderText="Find name, town, region…", clearButtonEnabled=True)
        self.find.setObjectName("membersFind")
        # Sized to their longest choice, elided with a tooltip when the dock is narrow
        # ("Any membe" told nobody what was chosen).
        self.type_filter = ElidingCombo(tip="Show only members of this type")
        self.type_filter.setObjectName("membersType")
        self.type_filter.addItem("All types", "")
        for key, label in MEMBER_TYPES.items():
            self.type_filter.addItem(label, key)
        self.membership_filter = ElidingCombo(tip="Show only members of this membership")
        self.membership_filter.setObjectName("membersMembership")
        self.membership_filter.addItem("Any membership", "")
        for key, label in MEMBERSHIPS.items():
            self.membership_filter.addItem(label, key)
        self.find.textChanged.connect(lambda _t: self._filter())
        self.type_filter.currentIndexChanged.connect(lambda _i: self._filter())
        self.membership_filter.currentIndexChanged.connect(lambda _i: self._filter())
        self.find.setMinimumWidth(60)
        self.count = QLabel()
        self.add_button = QToolButton(text="New…")
        self.add_button.setToolTip("Add a member or facility (Ctrl+Alt+M)")
        self.add_button.clicked.connect(self.new_member)
        self.edit_button = QToolButton(text="Edit…")
        self.edit_button.setToolTip("Edit the selected member (Ctrl+E)")
        self.edit_button.clicked.connect(self.edit_member)
        bar = QHBoxLayout()
        bar.addWidget(self.find, 2)
        bar.addWidget(self.type_filter, 1)
        bar.addWidget(self.membership_filter)
        bar.addWidget(self.count)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)

        self.view = QTableView(objectName="membersView")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(mm.NAME, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        for col, width in WIDTHS.items():
            self.view.setColumnWidth(col, width)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.doubleClicked.connect(lambda _i: self.edit_member())

        self.contacts_title = QLabel("<b>Contacts</b>")
        self.contacts = QTableWidget(0, 5, objectName="membersContacts")
        self.contacts.setHorizontalHeaderLabels(["Name", "Role", "Phone", "E-mail", "24/7 phone"])
        self.contacts.verticalHeader().hide()
        self.contacts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Each column as wide as its header and its few entries, the last taking what is
        # left: a stretched middle column squeezed a narrow dock's "E-mail" to "-ma".
        header = self.contacts.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.add_contact_button = QPushButton("Add contact…")
        self.add_contact_button.clicked.connect(self.add_contact)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.contacts_title, 1)
        head.addWidget(self.add_contact_button)
        lower_layout.addLayout(head)
        lower_layout.addWidget(self.contacts, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        self.marks = PanelMarks(
            self.ctx.store, "members", ("organization",), "member", self.model.set_fresh
        )
        layout.addWidget(self.marks.bar)
        layout.addWidget(split, 1)

    # ------------------------------------------------------------ loading
    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload") and not busy(self, "contacts")

    def reload(self) -> None:
        """Read the directory off the GUI thread; the newest read fills the table."""
        store, incident, period = self.ctx.store, self.ctx.incident_id, self.ctx.period
        marks = self.marks

        def read(_progress: Progress) -> _Directory:
            statuses: dict[str, status.FacilityStatus] = {}
            expected: set[str] = set()
            if incident:
                statuses = status.facility_statuses(
                    store, incident_id=incident, period=period or None
                )
                expected = {o.id for o in eei.expected_facilities(store, incident_id=incident)}
            return _Directory(
                orgs=organizations.list_organizations(store),
                regions={r.id: r.name or "" for r in organizations.list_regions(store)},
                statuses=statuses,
                expected=expected,
                fresh=marks.read(),
            )

        self.read_in_background(read, self._fill, failed="Members not loaded")

    def _fill(self, d: _Directory) -> None:
        keep = self.ctx.selected_member
        self.model.set_rows(d.orgs, d.regions, d.statuses, d.expected)
        self.marks.show(d.fresh)
        self._filter()
        if keep:
            self.show_member(keep)
        self._loaded = True

    def on_changes(self, changes: Changes) -> None:
        if changes.entities == {"contact"}:
            self._show_contacts(self.current_id())
        else:
            self.reload()

    def _filter(self) -> None:
        self.proxy.set_criteria(
            text=self.find.text(),
            member_type=self.type_filter.currentData() or "",
            membership=self.membership_filter.currentData() or "",
        )
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()}")

    def focus_find(self) -> None:
        self.find.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find.selectAll()

    # ------------------------------------------------------------ selection
    def current_id(self) -> str:
        index = self.view.currentIndex()
        if not index.isValid():
            return ""
        o = self.model.org(self.proxy.mapToSource(index).row())
        return o.id if o else ""

    def show_member(self, org_id: str) -> None:
        row = self.model.row_of(org_id) if org_id else -1
        if row < 0 or self.current_id() == org_id:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # filtered out: show it rather than hide the selection
            self.find.clear()
            self.type_filter.setCurrentIndex(0)
            self.membership_filter.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        org_id = self.current_id() if current.isValid() else ""
        self._show_contacts(org_id)
        if org_id:
            self.ctx.select_member(org_id)

    def _show_contacts(self, org_id: str) -> None:
        """Read the member's contacts off the GUI thread, then show them."""
        store = self.ctx.store
        if not org_id or self.model.row_of(org_id) < 0:
            self._fill_contacts(org_id, [])
            return
        (
            QueryOp(self, lambda _p: organizations.list_contacts(store, organization_id=org_id))
            .supersede("contacts")
            .success(lambda rows: self._fill_contacts(org_id, rows))
            .run_in_background()
        )

    def _fill_contacts(self, org_id: str, rows: list[m.Contact]) -> None:
        o = self.model.org(self.model.row_of(org_id)) if org_id else None
        self.contacts_title.setText(f"<b>Contacts</b> — {o.name}" if o else "<b>Contacts</b>")
        self.add_contact_button.setEnabled(o is not None)
        self.contacts.setRowCount(len(rows))
        for i, c in enumerate(rows):
            around_clock = (c.phone_24_7 or "24/7") if c.is_24_7 or c.phone_24_7 else ""
            values = (c.name, c.role, c.phone, c.email, around_clock)
            for j, v in enumerate(values):
                self.contacts.setItem(i, j, QTableWidgetItem(v or ""))
        self.contacts.resizeColumnsToContents()
        self.contacts.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    # ------------------------------------------------------------ editing
    def new_member(self) -> None:
        dialog = MemberDialog(self.ctx.store, self.ctx.actor, None, self)
        if dialog.exec() and dialog.org_id:
            self.ctx.select_member(dialog.org_id)
            self.show_member(dialog.org_id)

    def edit_member(self) -> None:
        org_id = self.current_id()
        o = self.model.org(self.model.row_of(org_id)) if org_id else None
        if o is None:
            self.ctx.message.emit("Select the member to edit first")
            return
        MemberDialog(self.ctx.store, self.ctx.actor, o, self).exec()

    def add_contact(self) -> None:
        org_id = self.current_id()
        o = self.model.org(self.model.row_of(org_id)) if org_id else None
        if o is None:
            self.ctx.message.emit("Select a member first")
            return
        ContactDialog(self.ctx.store, self.ctx.actor, o.id, o.name or "", self).exec()

"""The resource tracker dock (ICS 213RR): the incident's requests, filtered by status
and priority, with the selected request's details, next steps and history beside.

A status change asks for a note only where one is owed (denying or cancelling); every
other step is one click, because the logistics desk moves dozens of requests an hour.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import REQUEST_PRIORITIES
from hcc_desktop.core.services import organizations, requests
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.core.versions import Changes
from hcc_desktop.gui import fmt
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.request_dialog import RequestDialog
from hcc_desktop.gui.import_marks import PanelMarks
from hcc_desktop.gui.models import requests_model as rm
from hcc_desktop.gui.operations import CollectionOp, Progress, QueryOp, busy, drop
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.request_detail import VERBS, RequestDetail

NOTE_REQUIRED = {"denied", "cancelled"}
WIDTHS = {
    rm.NUMBER: 90,
    rm.STATUS: 85,
    rm.PRIORITY: 65,
    rm.NEEDED: 175,
    rm.RESOURCE: 200,
    rm.QTY: 90,
    rm.REQUESTER: 190,
    rm.DELIVER: 150,
    rm.SUPPLIER: 120,
}


class _Requests(NamedTuple):
    """One read of the tracker, made off the GUI thread."""

    rows: list[m.ResourceRequest]
    members: dict[str, str]
    fresh: set[str]
    #: request id → the status version read with its row (what a move passes as seen)
    status_seen: dict[str, str]


class ResourceTrackerPanel(Panel):
    TITLE = "Resource tracker"
    DOCK_NAME = "resourceTrackerDock"
    WATCHES = frozenset({"request", "organization"})
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_REQUESTS
    ACTIONS: ClassVar[dict[ActionId, str]] = {
        ActionId.NEW_REQUEST: "new_request",
        ActionId.REQUEST_STATUS: "status_menu",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        #: Requests this seat moved since the table was read: a step on one of them is
        #: checked against the current status, since the status shown (the one before
        #: this seat's own move) is not a view of another seat's change.
        self._moved: set[str] = set()
        self.members: dict[str, str] = {}
        self.model = rm.RequestsModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(rm.SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._build()
        ctx.incident_changed.connect(lambda _id: self.schedule_reload())
        # Overdue is a matter of time passing, not of edits: look again every minute.
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    def _build(self) -> None:
        self.status_filter = QComboBox(objectName="requestStatusFilter")
        self.status_filter.addItem("Open requests", "open")
        self.status_filter.addItem("All requests", "all")
        for s in lifecycle.STATUSES:
            self.status_filter.addItem(lifecycle.LABELS[s], s)
        self.priority_filter = QComboBox(objectName="requestPriorityFilter")
        self.priority_filter.addItem("All priorities", "")
        for p in REQUEST_PRIORITIES:
            self.priority_filter.addItem(fmt.label(p), p)
        for combo in (self.status_filter, self.priority_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.find = QLineEdit(placeholderText="Find…", clearButtonEnabled=True)
        self.find.textChanged.connect(self.proxy.setFilterFixedString)
        self.counts = QLabel(objectName="requestCounts")
        self.new_button = QPushButton("New request…  (Ctrl+R)")
        self.new_button.clicked.connect(self.new_request)
        bar = QHBoxLayout()
        for w in (self.status_filter, self.priority_filter, self.find):
            bar.addWidget(w)
        bar.addWidget(self.counts, 1)
        bar.addWidget(self.new_button)

        self.view = QTableView(objectName="requestsView")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(rm.NEEDED, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        for col, width in WIDTHS.items():
            self.view.setColumnWidth(col, width)
        self.view.horizontalHeader().setSectionResizeMode(
            rm.CHANGED, QHeaderView.ResizeMode.Stretch
        )
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(lambda _p: self.status_menu())
        self.detail = RequestDetail()
        self.detail.transition.connect(
            lambda rid, status: self.move(rid, status, seen=self.detail.seen_for(rid))
        )
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        self.marks = PanelMarks(
            self.ctx.store, "requests", ("request",), "request", self.model.set_fresh
        )
        layout.addWidget(self.marks.bar)
        layout.addWidget(split, 1)

    # ------------------------------------------------------------ loading
    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload") and not busy(self, "detail")

    def reload(self) -> None:
        """Read the requests the filters ask for off the GUI thread; the newest read
        fills the table and keeps the selection."""
        store, incident = self.ctx.store, self.ctx.incident_id
        wanted = self.status_filter.currentData() or "open"
        priority = self.priority_filter.currentData() or None
        marks = self.marks

        def read(_progress: Progress) -> _Requests:
            rows: list[m.ResourceRequest] = []
            seen: dict[str, str] = {}
            if incident:
                listed = requests.requests_seen(
                    store,
                    incident_id=incident,
                    status=None if wanted in ("open", "all") else wanted,
                    priority=priority,
                )
                rows, seen = listed.requests, listed.status_seen
                if wanted == "open":
                    rows = [r for r in rows if lifecycle.is_open(r.status)]
            members = {o.id: o.name or "" for o in organizations.list_organizations(store)}
            return _Requests(rows, members, marks.read(), seen)

        self.read_in_background(read, self._fill, failed="Requests not loaded")

    def _fill(self, d: _Requests) -> None:
        keep = self.current_id()
        self.members = d.members
        self.model.set_rows(d.rows, self.members, self._now(), d.status_seen)
        self.marks.show(d.fresh)
        self._update_counts()
        if not self.select_request(keep):
            self._show_detail(None)
        self._loaded = True
        self._moved.clear()

    def _now(self) -> str:
        return from_ms(self.ctx.store.wall())

    def _tick(self) -> None:
        self.model.now_iso = self._now()
        if self.model.rows:
            last = self.model.index(len(self.model.rows) - 1, len(rm.COLUMNS) - 1)
            self.model.dataChanged.emit(self.model.index(0, 0), last)
        self._update_counts()

    def _update_counts(self) -> None:
        rows = self.model.rows
        overdue = sum(1 for r in rows if self.model.overdue(r))
        urgent = sum(1 for r in rows if r.priority == "urgent" and lifecycle.is_open(r.status))
        text = f"{len(rows)} shown · {urgent} urgent open"
        if overdue:
            text += f" · <b style='color:#b71c1c'>{overdue} overdue</b>"
        self.counts.setText(text)

    def on_changes(self, changes: Changes) -> None:
        # Any change may move a request in or out of the status filter: reload (the
        # table is small) and keep the selection.
        self.reload()

    # ------------------------------------------------------------ selection
    def current_id(self) -> str:
        index = self.view.currentIndex()
        if not index.isValid():
            return ""
        r = self.model.request(self.proxy.mapToSource(index).row())
        return r.id if r else ""

    def select_request(self, request_id: str) -> bool:
        row = self.model.row_of(request_id) if request_id else -1
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        self._show_detail(self.model.request(row))
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        r = self.model.request(self.proxy.mapToSource(current).row()) if current.isValid() else None
        self._show_detail(r)

    def _show_detail(self, r: m.ResourceRequest | None) -> None:
        if r is None:
            self.detail.show_request(None, [], "")
            drop(self, "detail")  # a history still being read is not for this selection
            return
        store, requester = self.ctx.store, self.members.get(r.requester_org_id or "", "")
        seen = self.model.status_seen.get(r.id)  # read with the row the detail shows
        (
            QueryOp(self, lambda _p: requests.status_history(store, request_id=r.id))
            .supersede("detail")
            .success(lambda steps: self.detail.show_request(r, steps, requester, seen))
            .run_in_background()
        )

    # ------------------------------------------------------------ actions
    def new_request(self) -> None:
        if not self.ctx.incident_id:
            self.ctx.message.emit("Open or create an incident first (Ctrl+Shift+N)")
            return
        dialog = RequestDialog(
            self.ctx.store, self.ctx.actor, self.ctx.incident_id, self.members, self
        )
        if dialog.exec() and dialog.request_id:
            self.select_request(dialog.request_id)

    def move(self, request_id: str, status: str, seen: str | None = None) -> bool:
        """Take one lifecycle step (refused by the service when not allowed). `seen` is
        the status version the operator chose from: if another seat moved the request
        since, the step is a concurrent one and a disagreement is a conflict."""
        if request_id in self._moved:
            seen = None
        note = ""
        if status in NOTE_REQUIRED:
            label = lifecycle.LABELS.get(status, status).lower()
            note, ok = QInputDialog.getText(self, "Reason", f"Why is the request {label}?")
            if not ok:
                return False
        done = CollectionOp(
            self,
            lambda _p: (
                requests.set_status(
                    self.ctx.store,
                    actor=self.ctx.actor,
                    request_id=request_id,
                    status=status,
                    note=note,
                    seen=seen,
                )
                or True
            ),
            title="Status not changed",
        ).run_now()
        if done:
            self._moved.add(request_id)
            self.select_request(request_id)
            self.ctx.message.emit(f"Request moved to {lifecycle.LABELS.get(status, status)}")
        return bool(done)

    def status_menu(self) -> None:
        """The allowed next steps of the selected request, as a menu at the cursor."""
        request_id = self.current_id()
        r = self.model.request(self.model.row_of(request_id)) if request_id else None
        if r is None:
            self.ctx.message.emit("Select a request first")
            return
        menu = QMenu(self)
        seen = self.model.status_seen.get(r.id)  # the status the menu offers steps from
        for status in lifecycle.allowed_next(r.status):
            menu.addAction(
                VERBS.get(status, status), lambda s=status: self.move(r.id, s, seen=seen)
            )
        if menu.isEmpty():
            menu.addAction("No further steps: the request is closed").setEnabled(False)
        menu.exec(QCursor.pos())

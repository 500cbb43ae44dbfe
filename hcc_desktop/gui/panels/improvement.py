"""The improvement plan dock: every corrective action (capability, issue, action, owner
member, due date, status), overdue ones first, in red with the word "Overdue", with
filters for open, overdue and one member's actions, and add, edit and close.

Overdue is judged against today (`prep_common.today`) on every read, as in `ip list`;
closing sets the status through `improvement.set_status`, which records who and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import improvement
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.action_dialog import ActionDialog
from hcc_desktop.gui.operations import CollectionOp, busy
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.prep_common import (
    OVERDUE_BG,
    OVERDUE_FG,
    Cell,
    current_key,
    fill,
    make_table,
    today,
)

#: Status and due date first: what the dock is read for; long texts last.
HEADERS = ("Status", "Due", "Capability", "Owner member", "Issue", "Corrective action")
SHOW = {"open": "Open actions", "overdue": "Overdue only", "all": "All actions"}


@dataclass(frozen=True)
class _Read:
    rows: list[improvement.ActionRow]


def status_cell(row: improvement.ActionRow) -> Cell:
    label = (row.action.status or "").replace("_", " ").capitalize()
    if row.overdue:
        return Cell(f"Overdue ({row.days_overdue} days) · {label.lower()}", bg=OVERDUE_BG,
                    fg=OVERDUE_FG, bold=True)  # fmt: skip
    return Cell(label)


class ImprovementPanel(Panel):
    TITLE = "Improvement plan"
    DOCK_NAME = "improvementDock"
    WATCHES = frozenset({"corrective_action", "aar_finding", "aar", "organization"})
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_IMPROVEMENT
    ACTIONS: ClassVar[dict[ActionId, str]] = {
        ActionId.NEW_ACTION: "new_action",
        ActionId.EDIT_ACTION: "edit_action",
        ActionId.CLOSE_ACTION: "close_action",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.rows: list[improvement.ActionRow] = []
        self.shown: list[improvement.ActionRow] = []
        self._build()

    def _build(self) -> None:
        self.show_filter = QComboBox(objectName="improvementShow")
        for key, label in SHOW.items():
            self.show_filter.addItem(label, key)
        self.member_filter = QComboBox(objectName="improvementMember")
        self.member_filter.addItem("Any member", "")
        for box in (self.show_filter, self.member_filter):
            box.currentIndexChanged.connect(lambda _i: self._show())
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.show_filter)
        bar.addWidget(self.member_filter, 1)
        bar.addWidget(self.count)
        for text, tip, slot in (
            ("New…", "New corrective action (Ctrl+Alt+O)", self.new_action),
            ("Edit…", "Edit the selected action (Ctrl+Alt+6)", self.edit_action),
            ("Close", "Mark the selected action complete (Ctrl+Alt+7)", self.close_action),
        ):
            b = QToolButton(text=text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            bar.addWidget(b)
        self.table = make_table("improvementTable", HEADERS)
        self.table.doubleClicked.connect(lambda _i: self.edit_action())
        self.note = QLabel(objectName="improvementNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload")

    def reload(self) -> None:
        store = self.ctx.store
        self.read_in_background(
            lambda _p: _Read(improvement.action_rows(store, today=today(store))),
            self._fill,
            failed="Improvement plan not loaded",
        )

    def _fill(self, d: _Read) -> None:
        self.rows = d.rows
        owners = sorted({(r.owner, r.action.owner_org_id or "") for r in d.rows})
        keep = self.member_filter.currentData()
        self.member_filter.blockSignals(True)
        self.member_filter.clear()
        self.member_filter.addItem("Any member", "")
        for name, oid in owners:
            self.member_filter.addItem(name, oid)
        self.member_filter.setCurrentIndex(max(self.member_filter.findData(keep or ""), 0))
        self.member_filter.blockSignals(False)
        self._show()
        self._loaded = True

    def _show(self) -> None:
        mode, member = self.show_filter.currentData(), self.member_filter.currentData()
        rows = [r for r in self.rows if not member or r.action.owner_org_id == member]
        if mode == "open":
            rows = [r for r in rows if r.is_open]
        elif mode == "overdue":
            rows = [r for r in rows if r.overdue]
        self.shown = rows
        fill(self.table, (
            (r.action.id, [status_cell(r), r.action.due_on, r.action.capability, r.owner,
                           r.action.issue, r.action.action])
            for r in rows
        ))  # fmt: skip
        overdue = sum(r.overdue for r in self.rows)
        self.count.setText(f"{len(rows)} of {len(self.rows)}"
                           + (f", <b style='color:#b71c1c'>{overdue} overdue</b>"
                              if overdue else ""))  # fmt: skip

    def current(self) -> improvement.ActionRow | None:
        key = current_key(self.table)
        return next((r for r in self.rows if r.action.id == key), None)

    def new_action(self) -> None:
        ActionDialog(self.ctx.store, self.ctx.actor, None, self).exec()

    def edit_action(self) -> None:
        row = self.current()
        if row is None:
            self.ctx.message.emit("Select the corrective action to edit first")
            return
        ActionDialog(self.ctx.store, self.ctx.actor, row.action, self).exec()

    def close_action(self) -> None:
        row = self.current()
        if row is None:
            self.ctx.message.emit("Select the corrective action to close first")
            return
        store, actor = self.ctx.store, self.ctx.actor
        (
            CollectionOp(
                self,
                lambda _p: improvement.set_status(
                    store, actor=actor, action_id=row.action.id, status="complete"
                ),
                title="Corrective action not closed",
            )
            .success(lambda _r: self._say("Corrective action closed (complete)"))
            .failure(lambda e: self._say(f"Not closed: {e.message}"), only=ValidationError)
            .run_now()
        )

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.ctx.message.emit(text)

"""The plans dock: the coalition's plans register (each plan's edition in force and
when it is due for review, overdue in red with the word "Overdue"), and on a second tab
the essential functions of the member selected anywhere in the window (priority and
recovery time objective), for continuity of service.

"Overdue" depends on the day, not on any edit, so the register is read with today's
date (`prep_common.today`, the same as `plans list` in the CLI) on every reload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QToolButton, QVBoxLayout, QWidget

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import PLAN_TYPES
from hcc_desktop.core.services import continuity, organizations, plans
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.plan_dialogs import FunctionDialog, PlanDialog
from hcc_desktop.gui.operations import Progress, busy
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.prep_common import (
    CURRENT_BG,
    DUE_SOON_BG,
    OVERDUE_BG,
    OVERDUE_FG,
    Cell,
    current_key,
    fill,
    make_table,
    today,
)

#: The review state beside the title: it is what the register is read for.
PLAN_HEADERS = ("Title", "State", "Review due", "Type", "Owner member", "Version", "Approved")
FUNCTION_HEADERS = ("Essential function", "Priority", "RTO (hours)", "Owner", "Notes")


@dataclass(frozen=True)
class _Read:
    plans: list[plans.PlanRow]
    member: str
    member_name: str
    functions: list[m.EssentialFunction]


def state_cell(row: plans.PlanRow) -> Cell:
    """The review state in words and colour: red "Overdue (12 days)" stands out."""
    if row.overdue:
        return Cell(f"Overdue ({row.days_overdue} days)", bg=OVERDUE_BG, fg=OVERDUE_FG, bold=True)
    if row.review == "due soon":
        return Cell(f"Due soon ({-(row.days_overdue or 0)} days)", bg=DUE_SOON_BG)
    if row.review == "current":
        return Cell("Current", bg=CURRENT_BG)
    return Cell("No review date")


class PlansPanel(Panel):
    TITLE = "Plans and continuity"
    DOCK_NAME = "plansDock"
    WATCHES = frozenset({"plan", "essential_function", "organization"})
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_PLANS
    ACTIONS: ClassVar[dict[ActionId, str]] = {
        ActionId.NEW_PLAN: "new_plan",
        ActionId.EDIT_PLAN: "edit_plan",
        ActionId.NEW_FUNCTION: "new_function",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.data = _Read([], "", "", [])
        self._build()
        ctx.member_selected.connect(lambda _id: self.schedule_reload())

    def _button(self, text: str, tip: str, slot: object) -> QToolButton:
        b = QToolButton(text=text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    def _build(self) -> None:
        self.plans_table = make_table("plansTable", PLAN_HEADERS)
        self.plans_table.doubleClicked.connect(lambda _i: self.edit_plan())
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.count, 1)
        bar.addWidget(self._button("New plan…", "Add a plan (Ctrl+Alt+P)", self.new_plan))
        bar.addWidget(self._button("Edit…", "Edit the selected plan (Ctrl+Alt+L)", self.edit_plan))
        register = QWidget()
        box = QVBoxLayout(register)
        box.setContentsMargins(2, 2, 2, 2)
        box.addLayout(bar)
        box.addWidget(self.plans_table, 1)

        self.functions_title = QLabel(objectName="functionsTitle")
        self.functions_table = make_table("functionsTable", FUNCTION_HEADERS)
        self.functions_table.doubleClicked.connect(lambda _i: self.edit_function())
        self.new_function_button = self._button(
            "New function…", "Add an essential function (Ctrl+Alt+J)", self.new_function
        )
        fbar = QHBoxLayout()
        fbar.addWidget(self.functions_title, 1)
        fbar.addWidget(self.new_function_button)
        fbar.addWidget(self._button("Edit…", "Edit the selected function", self.edit_function))
        functions = QWidget()
        fbox = QVBoxLayout(functions)
        fbox.setContentsMargins(2, 2, 2, 2)
        fbox.addLayout(fbar)
        fbox.addWidget(self.functions_table, 1)

        self.tabs = QTabWidget(objectName="plansTabs")
        self.tabs.addTab(register, "Plans register")
        self.tabs.addTab(functions, "Essential functions")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)

    # ------------------------------------------------------------ loading
    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload")

    def reload(self) -> None:
        store, member = self.ctx.store, self.ctx.selected_member

        def read(_p: Progress) -> _Read:
            rows = plans.plan_rows(store, today=today(store))
            names = {o.id: o.name or "" for o in organizations.list_organizations(store)}
            funcs = continuity.list_functions(store, organization_id=member) if member else []
            return _Read(rows, member, names.get(member, ""), funcs)

        self.read_in_background(read, self._fill, failed="Plans not loaded")

    def _fill(self, d: _Read) -> None:
        self.data = d
        fill(self.plans_table, (
            (r.plan.id, [r.plan.title, state_cell(r), r.plan.review_due,
                         PLAN_TYPES.get(r.plan.plan_type or "", r.plan.plan_type), r.owner,
                         r.plan.version, r.plan.approved_on])
            for r in d.plans
        ))  # fmt: skip
        overdue = sum(r.overdue for r in d.plans)
        self.count.setText(
            f"{len(d.plans)} plans" + (f", <b style='color:#b71c1c'>{overdue} overdue</b>"
                                       if overdue else "")
        )  # fmt: skip
        if d.member:
            self.functions_title.setText(f"<b>{d.member_name}</b>: {len(d.functions)} functions")
        else:
            self.functions_title.setText("Select a member (map, directory) to see its functions")
        self.new_function_button.setEnabled(bool(d.member))
        fill(self.functions_table, (
            (f.id, [f.name, Cell(str(f.priority), align_right=True),
                    Cell(f"{f.rto_hours:g}" if f.rto_hours is not None else "", align_right=True),
                    f.owner, f.notes])
            for f in d.functions
        ))  # fmt: skip
        self._loaded = True

    # ------------------------------------------------------------ editing
    def current_plan(self) -> m.Plan | None:
        key = current_key(self.plans_table)
        return next((r.plan for r in self.data.plans if r.plan.id == key), None)

    def new_plan(self) -> None:
        self.tabs.setCurrentIndex(0)
        PlanDialog(self.ctx.store, self.ctx.actor, None, self).exec()

    def edit_plan(self) -> None:
        self.tabs.setCurrentIndex(0)
        plan = self.current_plan()
        if plan is None:
            self.ctx.message.emit("Select the plan to edit first")
            return
        PlanDialog(self.ctx.store, self.ctx.actor, plan, self).exec()

    def new_function(self) -> None:
        self.tabs.setCurrentIndex(1)
        if not self.data.member:
            self.ctx.message.emit("Select a member first (map or directory)")
            return
        FunctionDialog(
            self.ctx.store, self.ctx.actor, self.data.member, self.data.member_name, None, self
        ).exec()

    def edit_function(self) -> None:
        key = current_key(self.functions_table)
        f = next((f for f in self.data.functions if f.id == key), None)
        if f is None:
            self.ctx.message.emit("Select the function to edit first")
            return
        FunctionDialog(
            self.ctx.store, self.ctx.actor, self.data.member, self.data.member_name, f, self
        ).exec()

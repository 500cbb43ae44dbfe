"""The capability dashboard dock: per ASPR capability of the reference edition, the
numbers of `dashboard.dashboard` (plans serving it by review state, exercises held in
the last twelve months, open and overdue corrective actions, members trained) as one
compact table, refreshed whenever a plan, exercise or corrective action changes.

A table rather than tiles: four capabilities by seven numbers read best in rows, and
overdue counts stand out in red as they do in the plans and improvement docks."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hcc_desktop.core.services import dashboard
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import busy
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.prep_common import OVERDUE_BG, OVERDUE_FG, Cell, fill, make_table, today

HEADERS = ("Capability", "Plans current", "Plans overdue", "No review date",
           "Exercises (12 mo.)", "Open actions", "Overdue actions", "Members trained")  # fmt: skip


def _count(n: int, alarm: bool = False) -> Cell:
    if alarm and n:
        return Cell(str(n), bg=OVERDUE_BG, fg=OVERDUE_FG, bold=True, align_right=True)
    return Cell(str(n), align_right=True)


class CapabilitiesPanel(Panel):
    TITLE = "Capability dashboard"
    DOCK_NAME = "capabilitiesDock"
    WATCHES = frozenset({"plan", "exercise", "exercise_objective", "corrective_action",
                         "organization"})  # fmt: skip
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_CAPABILITIES

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.rows: list[dashboard.CapabilityRow] = []
        self.caption = QLabel(objectName="capabilitiesCaption")
        self.table = make_table("capabilitiesTable", HEADERS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)

    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload")

    def reload(self) -> None:
        store = self.ctx.store
        self.read_in_background(
            lambda _p: (today(store), dashboard.dashboard(store, today=today(store))),
            self._fill,
            failed="Capability dashboard not loaded",
        )

    def _fill(self, result: tuple[object, list[dashboard.CapabilityRow]]) -> None:
        day, self.rows = result
        self.caption.setText(
            f"As of {day}: exercises held and members trained count the twelve months before; "
            "members trained are the participants of those exercises."
        )
        fill(self.table, (
            (r.capability, [f"{r.capability}. {r.name}", _count(r.plans_current),
                            _count(r.plans_overdue, True), _count(r.plans_no_date),
                            _count(len(r.exercises)), _count(r.actions_open),
                            _count(r.actions_overdue, True), _count(r.members_trained)])
            for r in self.rows
        ))  # fmt: skip
        self._loaded = True

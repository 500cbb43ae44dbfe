"""The plans dock on the demo coalition: the register with overdue plans in red and
the word "Overdue", a plan added through the form reaching the store, a bad review
date refused beside its field with the store unchanged, and the essential functions of
the member selected in the window."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from hcc_desktop.core.services import continuity, plans
from hcc_desktop.gui.dialogs.plan_dialogs import FunctionDialog, PlanDialog
from hcc_desktop.gui.panels.plans import PlansPanel
from hcc_desktop.gui.panels.prep_common import OVERDUE_FG, today
from tests.gui.prep_demo import show

pytestmark = pytest.mark.gui


def _panel(window: Any, qtbot: Any) -> PlansPanel:
    panel = show(window, "plansDock")
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.plans_table.rowCount() > 0)
    return panel


def _save(dialog: Any) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_register_marks_overdue_plans_red_with_the_word(demo_window: Any, qtbot: Any) -> None:
    panel = _panel(demo_window, qtbot)
    rows = plans.plan_rows(panel.ctx.store, today=today(panel.ctx.store))
    overdue = [r for r in rows if r.overdue]
    assert overdue, "the demo has an overdue plan"
    state = panel.plans_table.item(0, 1)
    assert panel.plans_table.item(0, 0).text() == overdue[0].plan.title
    assert state.text().startswith("Overdue")
    assert state.foreground().color() == OVERDUE_FG
    assert "overdue" in panel.count.text()


def test_new_plan_reaches_the_store(demo_window: Any, qtbot: Any, actor: Any) -> None:
    panel = _panel(demo_window, qtbot)
    store = panel.ctx.store
    dialog = PlanDialog(store, actor, None, panel)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("Pediatric Surge Annex")
    dialog.plan_type.setCurrentIndex(dialog.plan_type.findData("specialty_annex"))
    dialog.owner.setCurrentIndex(1)
    dialog.capabilities.setText("4")
    dialog.approved.setText("2026-10-01")
    dialog.review_due.setText("2027-10-01")
    _save(dialog)
    assert dialog.plan_id
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.plans_table.rowCount() == 10)
    titles = [r.plan.title for r in plans.plan_rows(store, today=today(store))]
    assert "Pediatric Surge Annex" in titles


def test_review_before_approval_is_refused_beside_the_field(
    demo_window: Any, qtbot: Any, actor: Any
) -> None:
    panel = _panel(demo_window, qtbot)
    store = panel.ctx.store
    before = [r.as_dict() for r in plans.plan_rows(store, today=today(store))]
    plan = panel.current_plan() or plans.plan_rows(store, today=today(store))[0].plan
    dialog = PlanDialog(store, actor, plan, panel)
    qtbot.addWidget(dialog)
    dialog.approved.setText("2026-06-01")
    dialog.review_due.setText("2026-01-01")
    _save(dialog)
    error = dialog.findChild(QLabel, "error_review_due")
    assert error.isVisibleTo(dialog) and "before the approval" in error.text()
    assert [r.as_dict() for r in plans.plan_rows(store, today=today(store))] == before


def test_functions_of_the_selected_member_and_a_refused_priority(
    demo_window: Any, qtbot: Any, actor: Any
) -> None:
    panel = _panel(demo_window, qtbot)
    store = panel.ctx.store
    org = continuity.list_functions(store)[0].organization_id
    panel.ctx.select_member(org)
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.functions_table.rowCount() > 0)
    count = panel.functions_table.rowCount()
    dialog = FunctionDialog(store, actor, org, "x", None, panel)
    qtbot.addWidget(dialog)
    dialog.name.setText("Blood bank")
    dialog.priority.setText("9")
    dialog.rto.setText("4")
    _save(dialog)
    assert dialog.findChild(QLabel, "error_priority").isVisibleTo(dialog)
    assert len(continuity.list_functions(store, organization_id=org)) == count
    dialog.priority.setText("2")
    _save(dialog)
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.functions_table.rowCount() == count + 1)

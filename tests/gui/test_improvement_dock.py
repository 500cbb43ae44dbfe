"""The improvement plan dock on the demo coalition: overdue actions first in red with
the word, filters, an action added and one closed through the service, and a refusal
beside its field with the store unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from hcc_desktop.core.services import improvement
from hcc_desktop.gui.dialogs.action_dialog import ActionDialog
from hcc_desktop.gui.panels.improvement import ImprovementPanel
from hcc_desktop.gui.panels.prep_common import OVERDUE_FG, today
from tests.gui.prep_demo import show

pytestmark = pytest.mark.gui


def _panel(window: Any, qtbot: Any) -> ImprovementPanel:
    panel = show(window, "improvementDock")
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.table.rowCount() > 0)
    return panel


def _rows(panel: ImprovementPanel) -> list[dict[str, Any]]:
    return [
        r.as_dict() for r in improvement.action_rows(panel.ctx.store, today=today(panel.ctx.store))
    ]


def test_overdue_first_in_red_and_the_overdue_filter(demo_window: Any, qtbot: Any) -> None:
    panel = _panel(demo_window, qtbot)
    overdue = [r for r in panel.rows if r.overdue]
    assert overdue, "the demo has an overdue corrective action"
    status = panel.table.item(0, 0)
    assert status.text().startswith("Overdue") and status.foreground().color() == OVERDUE_FG
    panel.show_filter.setCurrentIndex(panel.show_filter.findData("overdue"))
    assert panel.table.rowCount() == len(overdue)
    member = overdue[0].action.owner_org_id
    panel.show_filter.setCurrentIndex(panel.show_filter.findData("all"))
    panel.member_filter.setCurrentIndex(panel.member_filter.findData(member))
    assert all(r.action.owner_org_id == member for r in panel.shown)


def test_add_refused_then_saved_and_close(demo_window: Any, qtbot: Any, actor: Any) -> None:
    panel = _panel(demo_window, qtbot)
    before = _rows(panel)
    dialog = ActionDialog(panel.ctx.store, actor, None, panel)
    qtbot.addWidget(dialog)
    dialog.capability.setCurrentIndex(dialog.capability.findData("2"))
    dialog.issue.setText("Radio check-ins missed")
    dialog.text.setPlainText("Quarterly radio drill for every hospital")
    dialog.owner.setCurrentIndex(1)
    dialog.starts.setText("2026-12-01")
    dialog.due.setText("2026-11-01")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    error = dialog.findChild(QLabel, "error_due_on")
    assert error.isVisibleTo(dialog) and "before the start" in error.text()
    assert _rows(panel) == before
    dialog.due.setText("2027-03-01")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.action_id
    qtbot.waitUntil(lambda: panel.is_loaded() and len(panel.rows) == len(before) + 1)
    from hcc_desktop.gui.panels.prep_common import select_key

    panel.show_filter.setCurrentIndex(panel.show_filter.findData("all"))
    assert select_key(panel.table, dialog.action_id)
    panel.close_action()
    qtbot.waitUntil(lambda: panel.is_loaded() and "closed" in panel.note.text())
    done = {r["id"]: r for r in _rows(panel)}[dialog.action_id]
    assert done["status"] == "complete" and done["status_by"] == actor.label

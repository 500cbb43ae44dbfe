"""The capability dashboard dock shows the service's numbers for the demo coalition,
overdue counts in red, and refreshes when a corrective action is closed."""

from __future__ import annotations

from typing import Any

import pytest

from hcc_desktop.core.services import dashboard, improvement
from hcc_desktop.gui.panels.prep_common import OVERDUE_FG, today
from tests.gui.prep_demo import show

pytestmark = pytest.mark.gui


def test_numbers_agree_with_the_service_and_refresh(
    demo_window: Any, qtbot: Any, actor: Any
) -> None:
    panel = show(demo_window, "capabilitiesDock")
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.table.rowCount() == 4)
    store = panel.ctx.store
    expected = dashboard.dashboard(store, today=today(store))
    for i, r in enumerate(expected):
        assert panel.table.item(i, 5).text() == str(r.actions_open)
        assert panel.table.item(i, 4).text() == str(len(r.exercises))
        if r.actions_overdue:
            assert panel.table.item(i, 6).foreground().color() == OVERDUE_FG
    late = next(a for a in improvement.action_rows(store, today=today(store)) if a.overdue)
    improvement.set_status(store, actor=actor, action_id=late.action.id, status="complete")
    after = dashboard.dashboard(store, today=today(store))
    qtbot.waitUntil(
        lambda: (
            [panel.table.item(i, 6).text() for i in range(4)]
            == [str(r.actions_overdue) for r in after]
        )
    )

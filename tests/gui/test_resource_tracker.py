"""The resource tracker: a request walks its lifecycle through the tracker's buttons,
only allowed steps are offered, an illegal one is refused, overdue ones stand out."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from hcc_desktop.core import lifecycle
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import requests
from hcc_desktop.gui.dialogs.request_dialog import RequestDialog
from hcc_desktop.gui.models import requests_model as rm

pytestmark = pytest.mark.gui

WALK = ("approved", "sourcing", "committed", "in_transit", "delivered", "returned")


def _panel(window: Any) -> Any:
    return window.panels["resourceTrackerDock"]


def _settled(qtbot: Any, panel: Any) -> None:
    """Wait for the tracker's reads, which run off the GUI thread."""
    qtbot.waitUntil(panel.is_loaded, timeout=10_000)


def _status(window: Any, request_id: str) -> str:
    with window.ctx.store.read() as s:
        return requests.find_request(s, request_id).status


def test_request_walks_its_lifecycle_through_the_buttons(
    qtbot: Any, main_window: Any, scenario: Any
) -> None:
    panel = _panel(main_window)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("all"))
    _settled(qtbot, panel)
    rid = scenario.requests[2]  # submitted
    assert panel.select_request(rid)
    _settled(qtbot, panel)
    for step in WALK:
        offered = set(panel.detail.buttons)
        assert offered == set(lifecycle.allowed_next(_status(main_window, rid)))
        assert step in offered
        panel.detail.buttons[step].click()
        _settled(qtbot, panel)
        assert _status(main_window, rid) == step
        assert panel.current_id() == rid
    assert panel.detail.buttons == {}  # returned is the end of the road
    history = [s.status for s in requests.status_history(main_window.ctx.store, request_id=rid)]
    assert history == ["submitted", *WALK]
    assert panel.detail.history.rowCount() == len(history)


def test_illegal_step_is_not_offered_and_refused(
    qtbot: Any, main_window: Any, scenario: Any, boxes: list[tuple[str, str]]
) -> None:
    panel = _panel(main_window)
    rid = scenario.requests[2]
    panel.select_request(rid)
    _settled(qtbot, panel)
    assert "delivered" not in panel.detail.buttons
    before = dump_text(main_window.ctx.store)
    assert panel.move(rid, "delivered") is False
    assert boxes and "cannot go from submitted to delivered" in boxes[-1][1]
    assert dump_text(main_window.ctx.store) == before


def test_cancelling_asks_why(
    qtbot: Any, main_window: Any, scenario: Any, answers: list[str]
) -> None:
    panel = _panel(main_window)
    rid = scenario.requests[2]
    panel.select_request(rid)
    _settled(qtbot, panel)
    panel.detail.buttons["cancelled"].click()  # no answer given: nothing happens
    assert _status(main_window, rid) == "submitted"
    answers.append("Sourced locally by the hospital")
    panel.select_request(rid)
    _settled(qtbot, panel)
    panel.detail.buttons["cancelled"].click()
    _settled(qtbot, panel)
    steps = requests.status_history(main_window.ctx.store, request_id=rid)
    assert (steps[-1].status, steps[-1].note) == ("cancelled", "Sourced locally by the hospital")
    # Open requests only: the cancelled one left the list.
    assert panel.model.row_of(rid) == -1


def test_overdue_requests_stand_out(qtbot: Any, main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    fuel = panel.model.row_of(scenario.requests[0])  # needed two hours ago
    cots = panel.model.row_of(scenario.requests[2])
    model = panel.model
    assert model.data(model.index(fuel, rm.NEEDED), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(fuel, rm.NUMBER), Qt.ItemDataRole.FontRole).bold()
    assert "overdue" in model.data(model.index(fuel, rm.NEEDED))
    assert model.data(model.index(cots, rm.NUMBER), Qt.ItemDataRole.FontRole) is None
    assert "1 overdue" in panel.counts.text()


def test_filters_by_status_and_priority(qtbot: Any, main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("approved"))
    _settled(qtbot, panel)
    assert [r.id for r in panel.model.rows] == [scenario.requests[1]]
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("open"))
    panel.priority_filter.setCurrentIndex(panel.priority_filter.findData("routine"))
    _settled(qtbot, panel)
    assert [r.id for r in panel.model.rows] == [scenario.requests[2]]


def test_new_request_dialog_shows_refusals_in_place(
    qtbot: Any, main_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = main_window.ctx
    panel = _panel(main_window)
    dialog = RequestDialog(ctx.store, ctx.actor, ctx.incident_id, panel.members, main_window)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentText("Oxygen cylinders")
    dialog.quantity.setText("lots")
    before = dump_text(ctx.store)
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    error = dialog.findChild(type(dialog.banner), "error_quantity")
    assert error is not None and not error.isHidden()
    assert "number greater than 0" in error.text()
    assert dump_text(ctx.store) == before
    dialog.quantity.setText("40")
    dialog.save()
    assert dialog.request_id
    with ctx.store.read() as s:
        made = requests.find_request(s, dialog.request_id)
    assert (made.resource_kind, made.quantity, made.status) == ("Oxygen cylinders", 40, "submitted")
    _settled(qtbot, panel)
    assert panel.model.row_of(dialog.request_id) >= 0
